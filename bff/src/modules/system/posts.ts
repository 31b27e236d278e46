import { Op } from 'sequelize';
import { tx } from '../../infra';
import { conflict, notFound } from '../../http/errors';
import { Post, StaffApplication, User } from './models';

type PostInput = { code?: string; name?: string; orderNum?: number; status?: 'active' | 'disabled' };
const view = (p: Post) => ({ id: p.id, code: p.code, name: p.name, orderNum: p.orderNum, status: p.status });

export async function listPosts(q: { page: number; pageSize: number }) {
  const { rows, count } = await Post.findAndCountAll({
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: rows.map(view), total: count, page: q.page, pageSize: q.pageSize };
}

export async function postOptions() {
  return (await Post.findAll({ where: { status: 'active' }, order: [['orderNum', 'ASC']] })).map((p) => ({
    id: p.id,
    name: p.name,
  }));
}

export async function createPost(input: PostInput & { code: string; name: string }) {
  if (await Post.findOne({ where: { code: input.code } })) throw conflict('POST_CODE_TAKEN', '岗位编码已存在');
  return view(
    await Post.create({
      code: input.code,
      name: input.name,
      orderNum: input.orderNum ?? 0,
      status: input.status ?? 'active',
    }),
  );
}

export async function updatePost(id: number, input: PostInput) {
  const p = await Post.findByPk(id);
  if (!p) throw notFound('岗位不存在');
  if (input.code && input.code !== p.code && (await Post.findOne({ where: { code: input.code } })))
    throw conflict('POST_CODE_TAKEN', '岗位编码已存在');
  await p.update(input);
  return view(p);
}

export async function deletePost(id: number) {
  const p = await Post.findByPk(id);
  if (!p) throw notFound('岗位不存在');
  if (
    (await User.count({ where: { postId: id } })) ||
    (await StaffApplication.count({ where: { postId: id, status: 'pending' } }))
  ) {
    throw conflict('POST_IN_USE', '该岗位仍有人员，不能删除');
  }
  await p.destroy();
}

/** 批量删除: every post must exist and be unused; one refusal deletes none. */
export async function deletePosts(ids: number[]) {
  const unique = [...new Set(ids)];
  for (const id of unique) {
    const p = await Post.findByPk(id);
    if (!p) throw notFound('岗位不存在');
    if (
      (await User.count({ where: { postId: id } })) ||
      (await StaffApplication.count({ where: { postId: id, status: 'pending' } }))
    )
      throw conflict('POST_IN_USE', `岗位「${p.name}」仍有人员，不能删除`);
  }
  await tx((t) => Post.destroy({ where: { id: { [Op.in]: unique } }, transaction: t }));
  return { deleted: unique.length };
}
