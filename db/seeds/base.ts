import { infra, tx } from '../../bff/src/infra';
import { hashPassword } from '../../bff/src/infra/crypto';
import { passwordProblem } from '../../bff/src/modules/system/password-policy';
import {
  Dept,
  DictItem,
  DictType,
  Menu,
  Post,
  Role,
  RoleMenu,
  User,
  UserRole,
} from '../../bff/src/modules/system/models';
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

export const POSTS = [
  ['chief', '主任医师'],
  ['associate_chief', '副主任医师'],
  ['attending', '主治医师'],
  ['resident', '住院医师'],
  ['head_nurse', '护士长'],
  ['nurse', '护士'],
  ['pharmacist', '药师'],
  ['staff', '行政人员'],
] as const;

const DICTS: { type: string; name: string; items: [string, string, string?][] }[] = [
  {
    type: 'sys_normal_disable',
    name: '启用状态',
    items: [
      ['正常', 'active', 'success'],
      ['停用', 'disabled', 'danger'],
    ],
  },
  {
    type: 'sys_user_status',
    name: '账号状态',
    items: [
      ['正常', 'active', 'success'],
      ['停用', 'disabled', 'danger'],
      ['待审核', 'pending', 'warning'],
      ['已驳回', 'rejected', 'info'],
    ],
  },
  {
    type: 'sys_user_gender',
    name: '性别',
    items: [
      ['男', 'M'],
      ['女', 'F'],
    ],
  },
  {
    type: 'mp_patient_relation',
    name: '就诊人关系',
    items: [
      ['本人', 'self'],
      ['配偶', 'spouse'],
      ['父母', 'parent'],
      ['子女', 'child'],
      ['兄弟姐妹', 'sibling'],
      ['其他', 'other'],
    ],
  },
  {
    type: 'sys_data_scope',
    name: '数据范围',
    items: [
      ['全部数据', 'all'],
      ['自定义部门', 'custom'],
      ['本部门', 'dept'],
      ['本部门及以下', 'dept_and_below'],
      ['仅本人', 'self'],
    ],
  },
];

/**
 * Menus are synced at every start: entries the seed lists but the database lacks are added (with their
 * built-in role grants), so an upgraded installation gets new pages; nothing an admin changed is touched.
 */
async function syncMenus(items: MenuSeed[], parentId: number | null, roleIds: Map<RoleKey, number>, t: Transaction) {
  let order = 1;
  for (const m of items) {
    let row = await Menu.findOne({ where: { parentId, name: m.name, type: m.type }, transaction: t });
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
    if (m.children) await syncMenus(m.children, row.id, roleIds, t);
  }
}

export async function seedMenus() {
  await tx(async (t) => {
    const roles = await Role.findAll({ where: { key: BUILTIN_ROLES.map((r) => r.key) }, transaction: t });
    await syncMenus(MENUS, null, new Map(roles.map((r) => [r.key as RoleKey, r.id])), t);
  });
  await invalidateAuthz();
}

/** Roles, menus, positions and dictionaries every installation needs. Idempotent: runs once. */
export async function seedBase(): Promise<boolean> {
  if ((await Role.count()) > 0) {
    await seedMenus();
    await seedModulesBase();
    return false;
  }
  await tx(async (t) => {
    for (const r of BUILTIN_ROLES) await Role.create({ ...r, status: 'active', builtin: true }, { transaction: t });
    let i = 1;
    for (const [code, name] of POSTS)
      await Post.create({ code, name, orderNum: i++, status: 'active' }, { transaction: t });
    for (const d of DICTS) {
      await DictType.create({ type: d.type, name: d.name, status: 'active', remark: null }, { transaction: t });
      let o = 1;
      for (const [label, value, cssClass] of d.items) {
        await DictItem.create(
          { dictType: d.type, label, value, orderNum: o++, cssClass: cssClass ?? null, status: 'active' },
          { transaction: t },
        );
      }
    }
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
  await seedModulesBase();
  return true;
}

/** Every module's reference data (its manifest's `seed.base`), in module order; each is idempotent. */
async function seedModulesBase() {
  for (const m of MODULES) await m.seed?.base?.();
}
