import { QueryTypes, type QueryInterface } from 'sequelize';

/**
 * 角色管理 (issue 15): a role holds every directory and menu above the menus and buttons it grants, because the console
 * builds a role's routes and sidebar from its menus (a page granted without its directory has no route and opens as
 * 404). Roles saved through the console or the API get them since that rule; roles saved before it may lack some.
 * This adds, for every role, the missing sys_role_menu rows of every ancestor (parent, its parent, … to the root) of
 * every menu the role holds. Insert only, and idempotent: it inserts only the rows it finds missing, so a second run
 * finds none and changes nothing.
 *
 * Walked in code, not with a recursive query, so it reads the same on MariaDB and SQLite; sys_menu is a few hundred
 * rows. It reads tables, not the app's models, so it keeps meaning what it means today whatever the models become.
 * An ancestor that is a menu may carry a permission string (订单管理's payment:order:list): the role gets it, as the
 * console's save would have given it. The authz cache needs no bump here: the seed bumps it at every start.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  const menus = await qi.sequelize.query<{ id: number; parent_id: number | null }>(
    'SELECT id, parent_id FROM sys_menu',
    { type: QueryTypes.SELECT },
  );
  const parentOf = new Map(menus.map((m) => [Number(m.id), m.parent_id == null ? null : Number(m.parent_id)]));
  const links = await qi.sequelize.query<{ role_id: number; menu_id: number }>(
    'SELECT role_id, menu_id FROM sys_role_menu',
    { type: QueryTypes.SELECT },
  );
  const held = new Set(links.map((l) => `${Number(l.role_id)}:${Number(l.menu_id)}`));
  const missing: { role_id: number; menu_id: number }[] = [];
  for (const l of links) {
    const roleId = Number(l.role_id);
    // Up from the menu's parent; stop at one the role holds (its own walk covers what is above it), at the root, or at
    // a parent id naming no menu (a deleted parent: nothing to grant). Marking each added one held also ends a cycle.
    for (let at = parentOf.get(Number(l.menu_id)); at != null && parentOf.has(at); at = parentOf.get(at)) {
      const key = `${roleId}:${at}`;
      if (held.has(key)) break;
      held.add(key);
      missing.push({ role_id: roleId, menu_id: at });
    }
  }
  for (let i = 0; i < missing.length; i += 500) await qi.bulkInsert('sys_role_menu', missing.slice(i, i + 500));
}

/**
 * Nothing to undo: the rows added are what the roles should have held all along (the console's save would add them
 * again), and after the migration they can't be told apart from rows an administrator granted on purpose.
 */
export async function down() {}
