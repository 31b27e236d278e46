import { Op, type WhereOptions } from 'sequelize';
import type { AdminActor } from '../../http/actor';
import { dataScopeWhere } from './authz';
import { User } from './models';
import { userViews } from './users';

/** A page of users matching `where`, always cut down to the actor's data scope. */
export async function listUsersWhere(actor: AdminActor, where: WhereOptions, q: { page: number; pageSize: number }) {
  const { rows, count } = await User.findAndCountAll({
    where: { [Op.and]: [where, dataScopeWhere(actor, { dept: 'deptId', user: 'id' })] },
    order: [['id', 'ASC']], offset: (q.page - 1) * q.pageSize, limit: q.pageSize,
  });
  return { items: await userViews(rows), total: count, page: q.page, pageSize: q.pageSize };
}
