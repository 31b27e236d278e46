/**
 * The console's menu tree is assembled from what each module contributes (its manifest's `menus`), so a new domain
 * brings its own pages and buttons and no central list has to be edited. Permission strings are
 * `module:entity:action`; `roles` says which built-in roles get an entry when it is first seeded.
 */
export type RoleKey = 'admin' | 'dept_admin' | 'chief_physician' | 'physician';

export interface MenuSeed {
  name: string;
  /** D directory, M menu (a page), B button (a permission on a page). */
  type: 'D' | 'M' | 'B';
  path?: string;
  component?: string;
  perms?: string;
  icon?: string;
  visible?: boolean;
  roles?: RoleKey[];
  /** Top level only: where the entry stands in the sidebar (lower first). */
  order?: number;
  children?: MenuSeed[];
}

export const btn = (name: string, perms: string, roles: RoleKey[] = []): MenuSeed => ({
  name,
  type: 'B',
  perms,
  roles,
});

/**
 * Joins the modules' contributions into one tree. Several modules may contribute to the same directory or page (the
 * same type and `path` at the same level — e.g. booking's 预约管理 page under scheduling's 门诊管理, or a button
 * education adds to that page): it appears once, its children appended in module order, its roles the union. Any
 * declaration may leave out icon, order and the rest (a later one fills in what an earlier one left out), but what
 * two of them give must agree. Top-level entries are
 * sorted by `order` (stable, so equal orders keep module order).
 */
export function assembleMenus(contributions: readonly { name: string; menus?: MenuSeed[] }[]): MenuSeed[] {
  const owners = new WeakMap<MenuSeed, string>();
  const join = (into: MenuSeed[], items: readonly MenuSeed[], from: string) => {
    for (const m of items) {
      const same = m.type !== 'B' && m.path ? into.find((e) => e.type === m.type && e.path === m.path) : undefined;
      if (!same) {
        const entry: MenuSeed = { ...m, ...(m.roles ? { roles: [...m.roles] } : {}), children: [] };
        owners.set(entry, from);
        into.push(entry);
        join(entry.children!, m.children ?? [], from);
        if (!m.children) delete entry.children;
        continue;
      }
      for (const key of ['name', 'icon', 'order', 'component', 'perms', 'visible'] as const) {
        if (m[key] === undefined) continue;
        // The page's owner may come after a module that only adds buttons to it (education's 宣教处方 on records'
        // 接诊工作台): what the first declaration left out, a later one fills in.
        if (same[key] === undefined) Object.assign(same, { [key]: m[key] });
        else if (m[key] !== same[key])
          throw new Error(
            `module ${from} declares ${m.path} as "${m.name}" with ${key} ${String(m[key])}, unlike module ${owners.get(same)} ("${same.name}", ${String(same[key])})`,
          );
      }
      for (const r of m.roles ?? []) if (!(same.roles ??= []).includes(r)) same.roles.push(r);
      join((same.children ??= []), m.children ?? [], from);
    }
  };
  const top: MenuSeed[] = [];
  for (const c of contributions) join(top, c.menus ?? [], c.name);
  return top
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (a.m.order ?? 100) - (b.m.order ?? 100) || a.i - b.i)
    .map(({ m }) => m);
}

/** Every permission string in a menu tree. */
export function menuPerms(items: readonly MenuSeed[], into = new Set<string>()): Set<string> {
  for (const m of items) {
    if (m.perms) into.add(m.perms);
    if (m.children) menuPerms(m.children, into);
  }
  return into;
}
