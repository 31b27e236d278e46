import { Op } from 'sequelize';
import type { AdminActor } from '../../http/actor';
import { dataScopeWhere, subtreeIds } from '../system/authz';
import { Dept, Post, User } from '../system/models';
import { doctorIds } from './service';

/** Doctors the actor may schedule: active physicians in their data scope. */
export async function listDoctors(actor: AdminActor, deptId?: number) {
  const ids = await doctorIds();
  const users = await User.findAll({
    where: {
      [Op.and]: [
        { id: [...ids], status: 'active' },
        dataScopeWhere(actor, { dept: 'deptId', user: 'id' }),
        deptId ? { deptId: await subtreeIds(deptId) } : {},
      ],
    },
    order: [
      ['deptId', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const depts = new Map((await Dept.findAll({ attributes: ['id', 'name'] })).map((d) => [d.id, d.name]));
  const posts = new Map((await Post.findAll({ attributes: ['id', 'name'] })).map((p) => [p.id, p.name]));
  return users.map((u) => ({
    id: u.id,
    name: u.name,
    username: u.username,
    deptId: u.deptId!,
    deptName: depts.get(u.deptId!) ?? '',
    title: u.postId ? (posts.get(u.postId) ?? null) : null,
  }));
}
