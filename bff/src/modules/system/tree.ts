/** Rows with parentId → a forest; a row whose parent is absent (or outside scope) becomes a root. */
export function buildTree<T extends { id: number; parentId: number | null; children: T[] }>(rows: T[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const roots: T[] = [];
  for (const r of rows) {
    const parent = r.parentId == null ? undefined : byId.get(r.parentId);
    if (parent) parent.children.push(r);
    else roots.push(r);
  }
  return roots;
}
