import { Op, type WhereOptions } from 'sequelize';
import { infra } from '../../infra';
import { maskPhone } from '../../infra/crypto';
import type { AdminActor } from '../../http/actor';
import { dataScopeWhere } from './authz';
import { Dept, Post, Role, User, UserRole } from './models';

/** A page of users matching `where`, always cut down to the actor's data scope. */
export async function listUsersWhere(actor: AdminActor, where: WhereOptions, q: { page: number; pageSize: number }) {
  const { rows, count } = await User.findAndCountAll({
    where: { [Op.and]: [where, dataScopeWhere(actor, { dept: 'deptId', user: 'id' })] },
    order: [['id', 'ASC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: await userViews(rows), total: count, page: q.page, pageSize: q.pageSize };
}

export async function userViews(users: User[]) {
  const { fieldCrypto } = infra();
  const ids = users.map((u) => u.id);
  const [depts, posts, grants] = await Promise.all([
    Dept.findAll({
      where: { id: [...new Set(users.map((u) => u.deptId).filter((x): x is number => x != null))] },
      attributes: ['id', 'name'],
    }),
    Post.findAll({
      where: { id: [...new Set(users.map((u) => u.postId).filter((x): x is number => x != null))] },
      attributes: ['id', 'name'],
    }),
    UserRole.findAll({ where: { userId: ids } }),
  ]);
  const roles = grants.length ? await Role.findAll({ where: { id: [...new Set(grants.map((g) => g.roleId))] } }) : [];
  const deptName = new Map(depts.map((d) => [d.id, d.name]));
  const postName = new Map(posts.map((p) => [p.id, p.name]));
  const roleById = new Map(roles.map((r) => [r.id, r]));
  const now = Date.now();
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    name: u.name,
    deptId: u.deptId,
    deptName: u.deptId ? (deptName.get(u.deptId) ?? null) : null,
    postId: u.postId,
    postName: u.postId ? (postName.get(u.postId) ?? null) : null,
    phoneMasked: u.phoneEnc ? maskPhone(fieldCrypto.decrypt(u.phoneEnc)) : null,
    email: u.email,
    status: u.status,
    locked: !!u.lockedUntil && u.lockedUntil.getTime() > now,
    roles: grants
      .filter((g) => g.userId === u.id)
      .map((g) => roleById.get(g.roleId))
      .filter((r): r is Role => !!r)
      .map((r) => ({ id: r.id, key: r.key, name: r.name })),
    createdAt: u.createdAt,
  }));
}
