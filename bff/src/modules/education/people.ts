import { Dept, Post, User } from '../system/models';

export interface StaffCard {
  id: number;
  name: string;
  title: string | null;
  deptName: string;
  institution: string;
}

/**
 * Who wrote or reviewed an item, as patients expect to see it on trusted health content: name, title (岗位),
 * department and institution (the root of the department's tree).
 */
export async function staffCards(ids: (number | null | undefined)[]): Promise<Map<number, StaffCard>> {
  const wanted = [...new Set(ids.filter((i): i is number => !!i))];
  if (!wanted.length) return new Map();
  const users = await User.findAll({ where: { id: wanted }, attributes: ['id', 'name', 'deptId', 'postId'] });
  const depts = await Dept.findAll({ attributes: ['id', 'name', 'path'] });
  const deptById = new Map(depts.map((d) => [d.id, d]));
  const posts = new Map((await Post.findAll({ attributes: ['id', 'name'] })).map((p) => [p.id, p.name]));
  const rootName = (deptId: number | null) => {
    const d = deptId ? deptById.get(deptId) : undefined;
    const rootId = Number(d?.path?.split(',').filter(Boolean)[0]);
    return (rootId && deptById.get(rootId)?.name) || '';
  };
  return new Map(
    users.map((u) => [
      u.id,
      {
        id: u.id,
        name: u.name,
        title: u.postId ? (posts.get(u.postId) ?? null) : null,
        deptName: (u.deptId && deptById.get(u.deptId)?.name) || '',
        institution: rootName(u.deptId),
      },
    ]),
  );
}

export async function deptNames(): Promise<Map<number, string>> {
  return new Map((await Dept.findAll({ attributes: ['id', 'name'] })).map((d) => [d.id, d.name]));
}
