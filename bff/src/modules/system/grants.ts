import { ALL_PERMS, hasPerm, type AdminActor } from '../../http/actor';
import { forbidden } from '../../http/errors';
import { Menu, Role, RoleDept, RoleMenu } from './models';

const SCOPE_RANK = { self: 0, dept: 1, custom: 1, dept_and_below: 2, all: 3 } as const;

/**
 * Which roles an actor may hand out: never one stronger than their own — every permission of the role
 * must be theirs, its data scope no wider than theirs, and a custom scope only over their departments.
 */
export async function grantableRoles(actor: AdminActor): Promise<Role[]> {
  const roles = await Role.findAll({
    where: { status: 'active' },
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  if (actor.perms.has(ALL_PERMS)) return roles;
  const mine = await Role.findAll({ where: { key: actor.roles } });
  const myRank = Math.max(-1, ...mine.map((r) => SCOPE_RANK[r.dataScope]));
  const links = await RoleMenu.findAll({ where: { roleId: roles.map((r) => r.id) } });
  const menus = new Map((await Menu.findAll({ attributes: ['id', 'perms'] })).map((m) => [m.id, m.perms]));
  const customDepts = await RoleDept.findAll({ where: { roleId: roles.map((r) => r.id) } });
  return roles.filter((role) => {
    if (role.key === 'admin' || SCOPE_RANK[role.dataScope] > myRank) return false;
    const perms = links
      .filter((l) => l.roleId === role.id)
      .map((l) => menus.get(l.menuId))
      .filter((p): p is string => !!p);
    if (!perms.every((p) => hasPerm(actor, p))) return false;
    if (role.dataScope === 'custom' && !actor.scope.all) {
      const scope = actor.scope.deptIds;
      return customDepts.filter((d) => d.roleId === role.id).every((d) => scope.includes(d.deptId));
    }
    return true;
  });
}

export async function assertGrantable(actor: AdminActor, roleIds: number[]) {
  if (!roleIds.length) return;
  const allowed = new Set((await grantableRoles(actor)).map((r) => r.id));
  const refused = roleIds.filter((id) => !allowed.has(id));
  if (refused.length) throw forbidden('ROLE_NOT_GRANTABLE', '不能分配超出自身权限的角色', { roleIds: refused });
}
