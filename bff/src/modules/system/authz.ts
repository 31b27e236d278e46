import { Op, literal, type WhereOptions } from 'sequelize';
import { infra } from '../../infra';
import { ALL_PERMS, type AdminActor, type Scope } from '../../http/actor';
import { Dept, Menu, Role, RoleDept, RoleMenu, User, UserRole, type DataScope } from './models';

export interface Authz {
  roles: string[];
  perms: string[];
  scope: Scope;
}

const AUTHZ_TTL_SEC = 300;

/**
 * Roles, permission strings and data scope of a console user. Cached per user under a global version
 * that every change to roles, menus, grants or departments bumps, so a change is seen on the next request.
 */
export async function loadAuthz(user: User): Promise<Authz> {
  const { kv } = infra();
  const version = (await kv.get<number>('authz:version')) ?? 0;
  const key = `authz:${version}:${user.id}:${user.deptId ?? 0}`;
  const cached = await kv.get<Authz>(key);
  if (cached) return cached;
  const authz = await computeAuthz(user);
  await kv.set(key, authz, AUTHZ_TTL_SEC);
  return authz;
}

export async function invalidateAuthz() {
  const { kv } = infra();
  const v = (await kv.get<number>('authz:version')) ?? 0;
  await kv.set('authz:version', v + 1, 86400 * 30);
}

async function computeAuthz(user: User): Promise<Authz> {
  const grants = await UserRole.findAll({ where: { userId: user.id } });
  const roles = grants.length
    ? await Role.findAll({ where: { id: grants.map((g) => g.roleId), status: 'active' }, order: [['orderNum', 'ASC']] })
    : [];
  const perms = new Set<string>();
  if (roles.some((r) => r.key === 'admin')) perms.add(ALL_PERMS);
  if (roles.length) {
    const links = await RoleMenu.findAll({ where: { roleId: roles.map((r) => r.id) } });
    if (links.length) {
      const menus = await Menu.findAll({ where: { id: [...new Set(links.map((l) => l.menuId))], status: 'active' } });
      for (const m of menus) if (m.perms) perms.add(m.perms);
    }
  }
  return { roles: roles.map((r) => r.key), perms: [...perms].sort(), scope: await scopeOf(user, roles) };
}

async function scopeOf(user: User, roles: Role[]): Promise<Scope> {
  if (roles.some((r) => r.dataScope === 'all')) return { all: true };
  const deptIds = new Set<number>();
  for (const role of roles) {
    const s: DataScope = role.dataScope;
    if (s === 'dept' && user.deptId) deptIds.add(user.deptId);
    else if (s === 'dept_and_below' && user.deptId) (await subtreeIds(user.deptId)).forEach((d) => deptIds.add(d));
    else if (s === 'custom')
      (await RoleDept.findAll({ where: { roleId: role.id } })).forEach((l) => deptIds.add(l.deptId));
  }
  // Every scope includes the user's own records ('self' is only that).
  return { all: false, deptIds: [...deptIds].sort((a, b) => a - b), selfUserId: user.id };
}

export async function subtreeIds(deptId: number): Promise<number[]> {
  const rows = await Dept.findAll({ where: { path: { [Op.like]: `%,${deptId},%` } }, attributes: ['id'] });
  return rows.map((r) => r.id);
}

export function inScope(actor: AdminActor, deptId: number | null | undefined): boolean {
  return actor.scope.all || (deptId != null && actor.scope.deptIds.includes(deptId));
}

/** The where-clause that limits a query to the actor's data scope. Applied inside services, never in routes. */
export function dataScopeWhere(actor: AdminActor, fields: { dept: string; user?: string }): WhereOptions {
  if (actor.scope.all) return {};
  const ors: WhereOptions[] = [];
  if (actor.scope.deptIds.length) ors.push({ [fields.dept]: { [Op.in]: actor.scope.deptIds } });
  if (fields.user && actor.scope.selfUserId) ors.push({ [fields.user]: actor.scope.selfUserId });
  return ors.length ? { [Op.or]: ors } : literal('1 = 0');
}
