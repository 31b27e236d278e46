import type { Transaction } from 'sequelize';
import { tx } from '../../infra';
import { conflict, notFound, unprocessable } from '../../http/errors';
import { invalidateAuthz } from './authz';
import { Menu, RoleMenu } from './models';
import { grantNewParents, lockMenuTree } from './role-menus';
import { buildTree } from './tree';
import type { MenuItem } from './schemas';

type MenuInput = Partial<
  Pick<
    MenuItem,
    'parentId' | 'name' | 'type' | 'path' | 'component' | 'perms' | 'icon' | 'orderNum' | 'visible' | 'status'
  >
>;

/** The menu as the console sees it: the columns of MenuItem, not the row's timestamps. */
function toItem(m: Menu): MenuItem {
  return {
    id: m.id,
    parentId: m.parentId,
    name: m.name,
    type: m.type,
    path: m.path,
    component: m.component,
    perms: m.perms,
    icon: m.icon,
    orderNum: m.orderNum,
    visible: m.visible,
    status: m.status,
    children: [],
  };
}

export async function menuTree(): Promise<MenuItem[]> {
  const rows = await Menu.findAll({
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return buildTree(rows.map(toItem));
}

/** A directory holds directories and menus, a menu holds buttons, a button holds nothing. */
async function checkShape(
  m: { parentId: number | null; type: 'D' | 'M' | 'B'; path?: string | null; component?: string | null },
  selfId?: number,
  transaction?: Transaction,
) {
  if (m.parentId != null) {
    const parent = await Menu.findByPk(m.parentId, { transaction });
    if (!parent) throw unprocessable('INVALID_PARENT', '上级菜单不存在');
    if (parent.type === 'B') throw unprocessable('INVALID_PARENT', '按钮下不能再添加菜单');
    if (m.type === 'B' && parent.type !== 'M') throw unprocessable('INVALID_PARENT', '按钮只能添加在菜单下');
    if (m.type !== 'B' && parent.type !== 'D') throw unprocessable('INVALID_PARENT', '目录和菜单只能添加在目录下');
    // No cycles: the new parent can't be the menu itself or one of its descendants.
    for (
      let p: Menu | null = parent;
      p;
      p = p.parentId == null ? null : await Menu.findByPk(p.parentId, { transaction })
    ) {
      if (p.id === selfId) throw unprocessable('INVALID_PARENT', '上级菜单不能是自己或自己的下级');
    }
  } else if (m.type === 'B') {
    throw unprocessable('INVALID_PARENT', '按钮只能添加在菜单下');
  }
  if (m.type !== 'B' && !m.path) throw unprocessable('PATH_REQUIRED', '目录和菜单需要填写路由地址');
  if (m.type === 'M' && !m.component) throw unprocessable('COMPONENT_REQUIRED', '菜单需要填写组件路径');
}

export async function createMenu(input: MenuInput & { parentId: number | null; name: string; type: 'D' | 'M' | 'B' }) {
  await checkShape(input);
  const m = await Menu.create({
    parentId: input.parentId,
    name: input.name,
    type: input.type,
    path: input.path ?? null,
    component: input.component ?? null,
    perms: input.perms ?? null,
    icon: input.icon ?? null,
    orderNum: input.orderNum ?? 0,
    visible: input.visible ?? true,
    status: input.status ?? 'active',
  });
  await invalidateAuthz();
  return toItem(m);
}

export async function updateMenu(id: number, input: MenuInput) {
  const m = await Menu.findByPk(id);
  if (!m) throw notFound('菜单不存在');
  const next = { ...m.get({ plain: true }), ...input };
  await checkShape(next, id);
  if (input.type && input.type !== m.type && (await Menu.count({ where: { parentId: id } }))) {
    throw conflict('MENU_HAS_CHILDREN', '有下级的菜单不能修改类型');
  }
  const moved = input.parentId !== undefined && input.parentId !== m.parentId;
  await tx(async (t) => {
    if (moved) {
      // The tree locked, then the new parent checked again: two moves at once can't make a cycle between them, and a
      // role saved meanwhile waits for the move (role-menus.ts).
      await lockMenuTree(t);
      await checkShape(next, id, t);
    }
    await m.update(input, { transaction: t });
    // Roles holding the moved menu get its new parents in the same transaction: no moment where its page has no route.
    if (moved) await grantNewParents(id, t);
  });
  await invalidateAuthz();
  return toItem(m);
}

export async function deleteMenu(id: number) {
  const m = await Menu.findByPk(id);
  if (!m) throw notFound('菜单不存在');
  await tx(async (t) => {
    // The tree locked first, as a move does (role-menus.ts): a role save under way (it holds the tree shared) ends
    // before its grants are deleted here, so none of them is left pointing at the deleted menu; and a child added
    // meanwhile is seen.
    await lockMenuTree(t);
    if (await Menu.count({ where: { parentId: id }, transaction: t }))
      throw conflict('MENU_HAS_CHILDREN', '请先删除下级菜单');
    await RoleMenu.destroy({ where: { menuId: id }, transaction: t });
    await m.destroy({ transaction: t });
  });
  await invalidateAuthz();
}
