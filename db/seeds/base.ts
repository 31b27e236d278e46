import { infra, tx } from '../../bff/src/infra';
import { hashPassword } from '../../bff/src/infra/crypto';
import { passwordProblem } from '../../bff/src/modules/system/password-policy';
import { Dept, Menu, Role, RoleMenu, User, UserRole } from '../../bff/src/modules/system/models';
import { MENUS, type MenuSeed, type RoleKey } from './menus';
import { MODULES } from '../../bff/src/modules';
import type { Transaction } from 'sequelize';
import { invalidateAuthz } from '../../bff/src/modules/system/authz';

export const BUILTIN_ROLES: { key: RoleKey; name: string; dataScope: Role['dataScope']; orderNum: number }[] = [
  { key: 'admin', name: '超级管理员', dataScope: 'all', orderNum: 1 },
  { key: 'dept_admin', name: '科室管理员', dataScope: 'dept_and_below', orderNum: 2 },
  { key: 'chief_physician', name: '主任医师', dataScope: 'dept', orderNum: 3 },
  { key: 'physician', name: '医师', dataScope: 'self', orderNum: 4 },
];

/**
 * What names a seeded entry wherever it stands: a page by its component, a button by its permission, a directory by
 * its path (each with its name and type).
 */
const seedIdentity = (m: MenuSeed) => ({
  name: m.name,
  type: m.type,
  ...(m.type === 'M'
    ? { component: m.component ?? null }
    : m.type === 'B'
      ? { perms: m.perms ?? null }
      : { path: m.path ?? null }),
});
const identityKey = (m: MenuSeed) => JSON.stringify(seedIdentity(m));

/** Identities the seed uses once (开具宣教处方 is a button on two pages, so its two are found by parent only). */
function unambiguous(items: MenuSeed[]): Set<string> {
  const count = new Map<string, number>();
  const walk = (ms: MenuSeed[]) =>
    ms.forEach((m) => {
      count.set(identityKey(m), (count.get(identityKey(m)) ?? 0) + 1);
      walk(m.children ?? []);
    });
  walk(items);
  return new Set([...count].filter(([, n]) => n === 1).map(([k]) => k));
}

/**
 * Menus are synced at every start: entries the seed lists but the database lacks are added (with their
 * built-in role grants), so an upgraded installation gets new pages; nothing an admin changed is touched.
 * An entry an administrator moved under another parent is found where it now stands (the one menu of its name, type
 * and component / permission / path), not added again under its seeded parent as a second copy.
 */
async function syncMenus(
  items: MenuSeed[],
  parentId: number | null,
  roleIds: Map<RoleKey, number>,
  t: Transaction,
  movable: Set<string>,
) {
  let order = 1;
  for (const m of items) {
    let row = await Menu.findOne({ where: { parentId, name: m.name, type: m.type }, transaction: t });
    if (!row && movable.has(identityKey(m))) {
      const elsewhere = await Menu.findAll({ where: seedIdentity(m), transaction: t, limit: 2 });
      if (elsewhere.length === 1) row = elsewhere[0]!;
    }
    if (!row) {
      row = await Menu.create(
        {
          parentId,
          name: m.name,
          type: m.type,
          path: m.path ?? null,
          component: m.component ?? null,
          perms: m.perms ?? null,
          icon: m.icon ?? null,
          orderNum: order,
          visible: m.visible ?? true,
          status: 'active',
        },
        { transaction: t },
      );
      for (const key of m.roles ?? [])
        if (roleIds.has(key)) await RoleMenu.create({ roleId: roleIds.get(key)!, menuId: row.id }, { transaction: t });
    }
    order++;
    if (m.children) await syncMenus(m.children, row.id, roleIds, t, movable);
  }
}

export async function seedMenus() {
  await tx(async (t) => {
    const roles = await Role.findAll({ where: { key: BUILTIN_ROLES.map((r) => r.key) }, transaction: t });
    await syncMenus(MENUS, null, new Map(roles.map((r) => [r.key as RoleKey, r.id])), t, unambiguous(MENUS));
  });
  await invalidateAuthz();
}

/**
 * The built-in roles and the console's menus every installation needs, the first administrator (production), then
 * every module's reference data. Roles are made once; menus are synced and module seeds run at every start.
 */
export async function seedBase(): Promise<boolean> {
  if ((await Role.count()) > 0) {
    await seedMenus();
    await seedModulesBase({ fresh: false });
    return false;
  }
  await tx(async (t) => {
    for (const r of BUILTIN_ROLES) await Role.create({ ...r, status: 'active', builtin: true }, { transaction: t });
  });
  await seedMenus();
  const { config } = infra();
  if (!config.seedDemo) {
    // Production: one institution and one administrator whose initial password must be changed at first login.
    if (!config.ADMIN_INITIAL_PASSWORD)
      throw new Error('ADMIN_INITIAL_PASSWORD is required for the first start in production');
    const weak = passwordProblem(config.ADMIN_INITIAL_PASSWORD, { username: 'admin' });
    if (weak) throw new Error(`ADMIN_INITIAL_PASSWORD is not acceptable (${weak.reason}): ${weak.message}`);
    const root = await Dept.create({ parentId: null, name: '本机构', type: 'institution', leader: null, phone: null });
    await root.update({ path: `,${root.id},` });
    const admin = await User.create({
      username: 'admin',
      name: '系统管理员',
      deptId: root.id,
      postId: null,
      phoneEnc: null,
      phoneHash: null,
      email: null,
      passwordHash: await hashPassword(config.ADMIN_INITIAL_PASSWORD),
      status: 'active',
      lockedUntil: null,
      mustChangePassword: true,
      mpUserId: null,
    });
    const role = await Role.findOne({ where: { key: 'admin' } });
    await UserRole.create({ userId: admin.id, roleId: role!.id });
  }
  await seedModulesBase({ fresh: true });
  return true;
}

/**
 * Every module's reference data (its manifest's `seed.base`: system's positions and dictionaries, scheduling's 号别,
 * records' ICD-10 and drugs …), in module order; each is idempotent. `fresh`: this is the installation's first start.
 */
async function seedModulesBase(ctx: { fresh: boolean }) {
  for (const m of MODULES) await m.seed?.base?.(ctx);
}
