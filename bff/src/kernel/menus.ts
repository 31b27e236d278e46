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
 * Joins the modules' contributions into one tree. Several modules may contribute to the same top-level directory
 * (the same `path`): its children are appended in module order, and the directory's roles are the union. Top-level
 * entries are sorted by `order` (stable, so equal orders keep module order).
 */
export function assembleMenus(contributions: readonly { name: string; menus?: MenuSeed[] }[]): MenuSeed[] {
  const top: MenuSeed[] = [];
  const dirs = new Map<string, { entry: MenuSeed; from: string }>();
  for (const c of contributions) {
    for (const m of c.menus ?? []) {
      if (m.type !== 'D') {
        top.push(m);
        continue;
      }
      if (!m.path) throw new Error(`module ${c.name}: a top-level directory needs a path (${m.name})`);
      const seen = dirs.get(m.path);
      if (!seen) {
        const entry = { ...m, roles: [...(m.roles ?? [])], children: [...(m.children ?? [])] };
        dirs.set(m.path, { entry, from: c.name });
        top.push(entry);
        continue;
      }
      const d = seen.entry;
      if (d.name !== m.name || (m.icon && d.icon !== m.icon) || (m.order !== undefined && d.order !== m.order))
        throw new Error(
          `module ${c.name} declares directory ${m.path} as "${m.name}", unlike module ${seen.from} ("${d.name}")`,
        );
      for (const r of m.roles ?? []) if (!d.roles!.includes(r)) d.roles!.push(r);
      d.children!.push(...(m.children ?? []));
    }
  }
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
