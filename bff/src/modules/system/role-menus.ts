import type { Transaction } from 'sequelize';
import { Menu, RoleMenu } from './models';

/**
 * A role holds the menus it grants and every menu above them. The console builds its routes and sidebar from a role's
 * menus, so a page granted without its directory (订单管理 without 收费管理) has no route and opens as 404, and a button
 * granted without its menu has no page to be pressed on. The console's role form sends the parents (its half-checked
 * keys); a role saved through the API gets them here the same way, and so does a role whose menu is moved.
 *
 * Saves and moves read the menu tree locked (MariaDB; SQLite runs one transaction at a time anyway): a role save with a
 * shared lock, a move with an exclusive one taken before it changes anything. So a role saved while a menu moves waits
 * and then sees the new parent, and both take their locks in the same order (role, tree, role's menus): no deadlock.
 */

async function parentsOf(transaction: Transaction, lock: 'share' | 'update') {
  const rows = await Menu.findAll({
    attributes: ['id', 'parentId'],
    transaction,
    lock: lock === 'share' ? transaction.LOCK.SHARE : transaction.LOCK.UPDATE,
  });
  return new Map(rows.map((m) => [m.id, m.parentId]));
}

function upward(menuIds: Iterable<number>, parentOf: Map<number, number | null>): number[] {
  const all = new Set<number>();
  for (const id of menuIds)
    for (let at: number | null | undefined = id; at != null && !all.has(at); at = parentOf.get(at)) all.add(at);
  return [...all];
}

/** The granted menus and every menu above them. */
export async function withAncestors(menuIds: number[], transaction: Transaction): Promise<number[]> {
  if (!menuIds.length) return [];
  const parentOf = await parentsOf(transaction, 'share');
  // a menu deleted since the request was checked (its delete waited for nothing of ours) is not granted
  return upward(
    menuIds.filter((id) => parentOf.has(id)),
    parentOf,
  );
}

/**
 * A role's menus become exactly `menuIds` and the menus above them. The caller holds the role's row locked, so two
 * saves of one role take turns and the later replaces the earlier's set whole.
 */
export async function setRoleMenus(roleId: number, menuIds: number[], transaction: Transaction) {
  const ids = await withAncestors(menuIds, transaction);
  await RoleMenu.destroy({ where: { roleId }, transaction });
  await RoleMenu.bulkCreate(
    ids.map((menuId) => ({ roleId, menuId })),
    { transaction },
  );
}

/** Before a menu moves: the tree locked for this transaction (see above). */
export async function lockMenuTree(transaction: Transaction) {
  await parentsOf(transaction, 'update');
}

/**
 * After a menu moved under a new parent (in `transaction`, the tree locked with lockMenuTree): every role holding it,
 * or anything beneath it, gets the new parents too, so the moved page keeps its route and shows in the sidebar. The
 * old parents stay granted: the role may hold them for other pages, and taking a grant away is an administrator's
 * decision, not a side effect of tidying the tree.
 */
export async function grantNewParents(menuId: number, transaction: Transaction) {
  const parentOf = await parentsOf(transaction, 'update');
  const childrenOf = new Map<number, number[]>();
  for (const [id, parentId] of parentOf)
    if (parentId != null) childrenOf.set(parentId, [...(childrenOf.get(parentId) ?? []), id]);
  const subtree = new Set<number>();
  for (const queue = [menuId]; queue.length;) {
    const id = queue.pop()!;
    if (subtree.has(id)) continue;
    subtree.add(id);
    queue.push(...(childrenOf.get(id) ?? []));
  }
  const holding = await RoleMenu.findAll({ where: { menuId: [...subtree] }, transaction });
  const heldBy = new Map<number, number[]>();
  for (const l of holding) heldBy.set(l.roleId, [...(heldBy.get(l.roleId) ?? []), l.menuId]);
  for (const [roleId, held] of heldBy)
    // the parents a role holds already are skipped (INSERT IGNORE / INSERT OR IGNORE), not added twice
    await RoleMenu.bulkCreate(
      upward(held, parentOf).map((id) => ({ roleId, menuId: id })),
      { transaction, ignoreDuplicates: true },
    );
}
