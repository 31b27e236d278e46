import { Op } from 'sequelize';
import { tx } from '../../infra';
import type { AdminActor } from '../../http/actor';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { invalidateAuthz } from './authz';
import { Dept, Menu, Role, RoleDept, RoleMenu, UserRole, type DataScope } from './models';
import { setRoleMenus } from './role-menus';
import { listUsersWhere } from './user-lists';

export async function roleViews(roles: Role[]) {
  const ids = roles.map((r) => r.id);
  const [menus, depts] = await Promise.all([
    RoleMenu.findAll({ where: { roleId: ids } }),
    RoleDept.findAll({ where: { roleId: ids } }),
  ]);
  return roles.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    orderNum: r.orderNum,
    dataScope: r.dataScope,
    status: r.status,
    builtin: r.builtin,
    menuIds: menus.filter((m) => m.roleId === r.id).map((m) => m.menuId),
    deptIds: depts.filter((d) => d.roleId === r.id).map((d) => d.deptId),
    createdAt: r.createdAt,
  }));
}

export async function listRoles() {
  const rows = await Role.findAll({
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return roleViews(rows);
}

async function roleById(id: number) {
  const r = await Role.findByPk(id);
  if (!r) throw notFound('角色不存在');
  return r;
}

export async function getRole(id: number) {
  return (await roleViews([await roleById(id)]))[0];
}

async function checkRefs(menuIds?: number[], deptIds?: number[]) {
  if (menuIds?.length && (await Menu.count({ where: { id: [...new Set(menuIds)] } })) !== new Set(menuIds).size) {
    throw unprocessable('INVALID_MENU', '所选菜单不存在');
  }
  if (deptIds?.length && (await Dept.count({ where: { id: [...new Set(deptIds)] } })) !== new Set(deptIds).size) {
    throw unprocessable('INVALID_DEPT', '所选部门不存在');
  }
}

type RoleInput = {
  name?: string;
  orderNum?: number;
  status?: 'active' | 'disabled';
  dataScope?: DataScope;
  menuIds?: number[];
  deptIds?: number[];
};

export async function createRole(input: RoleInput & { key: string; name: string }) {
  if (await Role.findOne({ where: { key: input.key } })) throw conflict('ROLE_KEY_TAKEN', '角色标识已存在');
  await checkRefs(input.menuIds, input.deptIds);
  const role = await tx(async (t) => {
    const r = await Role.create(
      {
        key: input.key,
        name: input.name,
        orderNum: input.orderNum ?? 0,
        status: input.status ?? 'active',
        dataScope: input.dataScope ?? 'self',
        builtin: false,
      },
      { transaction: t },
    );
    await setRoleMenus(r.id, input.menuIds ?? [], t);
    if (r.dataScope === 'custom')
      for (const deptId of new Set(input.deptIds ?? []))
        await RoleDept.create({ roleId: r.id, deptId }, { transaction: t });
    return r;
  });
  return getRole(role.id);
}

export async function updateRole(actor: AdminActor, id: number, input: RoleInput) {
  const role = await roleById(id);
  if (role.key === 'admin' && (input.menuIds || input.dataScope || input.status === 'disabled')) {
    throw forbidden('BUILTIN_ROLE', '超级管理员角色的权限与数据范围不可修改');
  }
  if (actor.roles.includes(role.key) && input.status === 'disabled')
    throw conflict('SELF_OPERATION', '不能停用自己所属的角色');
  await checkRefs(input.menuIds, input.deptIds);
  await tx(async (t) => {
    // The role's row locked first: two saves of one role (two administrators, one form each) take turns, and the
    // later one's menus replace the earlier's whole instead of the two sets' rows interleaving.
    const locked = await Role.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
    if (!locked) throw notFound('角色不存在');
    await locked.update(
      {
        ...(input.name ? { name: input.name } : {}),
        ...(input.orderNum !== undefined ? { orderNum: input.orderNum } : {}),
        ...(input.status ? { status: input.status } : {}),
        ...(input.dataScope ? { dataScope: input.dataScope } : {}),
      },
      { transaction: t },
    );
    if (input.menuIds) await setRoleMenus(id, input.menuIds, t);
    if (input.deptIds || input.dataScope) {
      const keep =
        locked.dataScope === 'custom'
          ? (input.deptIds ?? (await RoleDept.findAll({ where: { roleId: id }, transaction: t })).map((d) => d.deptId))
          : [];
      await RoleDept.destroy({ where: { roleId: id }, transaction: t });
      for (const deptId of new Set(keep)) await RoleDept.create({ roleId: id, deptId }, { transaction: t });
    }
  });
  await invalidateAuthz();
  return getRole(id);
}

export async function deleteRole(id: number) {
  const role = await roleById(id);
  if (role.builtin) throw forbidden('BUILTIN_ROLE', '内置角色不能删除');
  if (await UserRole.count({ where: { roleId: id } })) throw conflict('ROLE_IN_USE', '该角色仍有用户，请先取消分配');
  await tx(async (t) => {
    await RoleMenu.destroy({ where: { roleId: id }, transaction: t });
    await RoleDept.destroy({ where: { roleId: id }, transaction: t });
    await role.destroy({ transaction: t });
  });
  await invalidateAuthz();
}

/** 批量删除: every role is checked first (exists, not built in, no users); one refusal deletes none. */
export async function deleteRoles(ids: number[]) {
  const unique = [...new Set(ids)];
  for (const id of unique) {
    const role = await roleById(id);
    if (role.builtin) throw forbidden('BUILTIN_ROLE', `内置角色「${role.name}」不能删除`);
    if (await UserRole.count({ where: { roleId: id } }))
      throw conflict('ROLE_IN_USE', `角色「${role.name}」仍有用户，请先取消分配`);
  }
  await tx(async (t) => {
    await RoleMenu.destroy({ where: { roleId: { [Op.in]: unique } }, transaction: t });
    await RoleDept.destroy({ where: { roleId: { [Op.in]: unique } }, transaction: t });
    await Role.destroy({ where: { id: { [Op.in]: unique } }, transaction: t });
  });
  await invalidateAuthz();
  return { deleted: unique.length };
}

export async function usersOfRole(actor: AdminActor, id: number, q: { page: number; pageSize: number }) {
  await roleById(id);
  const grants = await UserRole.findAll({ where: { roleId: id }, attributes: ['userId'] });
  return listUsersWhere(actor, { id: { [Op.in]: grants.map((g) => g.userId) } }, q);
}
