/** depth-first flatten of any `children` tree */
export function flatten<T extends { children?: T[] }>(nodes: T[]): T[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])])
}

/** the tree without the node `id` and its subtree: a node can't be moved under itself */
export function withoutSubtree<T extends { id: number; children?: T[] }>(nodes: T[], id: number): T[] {
  return nodes.filter((n) => n.id !== id).map((n) => ({ ...n, children: withoutSubtree(n.children ?? [], id) }))
}
