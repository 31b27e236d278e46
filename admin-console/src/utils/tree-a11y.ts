/**
 * Element Plus's trees, made whole for assistive technology — every el-tree and el-tree-select of the console:
 *
 * - A tree checkbox is named after its node (screen readers say 「用户管理」, not an unnamed checkbox): Element Plus
 *   renders it without a label of its own, beside the node's text rather than around it (新增角色's menu and
 *   department trees, a multiple DeptSelect).
 * - An el-tree-select's dropdown (DeptSelect, 上级菜单) is a tree, and says so: Element Plus puts its tree inside the
 *   select's listbox and an option inside each treeitem, which is neither a listbox nor a tree (axe:
 *   aria-required-children, aria-required-parent), and wraps it in an unnamed tooltip. The list becomes the tree
 *   (named after the field's label; the combobox announces a tree), each option gives way to its treeitem (which takes
 *   its aria-selected, and the combobox's active descendant), and the dropdown is named after the field too.
 * - Only a node with children says whether it is expanded: Element Plus gives every treeitem aria-expanded, so a
 *   screen reader announced a leaf (呼吸内科) as 「已折叠」/「已展开」, a branch with nothing in it. A leaf's is removed;
 *   a node that gains children gets it back (from Element Plus's own is-expanded class).
 *
 * One watch on the document rather than a directive per tree: an el-tree-select's tree lives in a dropdown teleported
 * to <body>, out of reach of anything put on the component, and a tree added tomorrow is covered without anyone
 * remembering to. Nodes come and go as a tree expands, filters or reloads, so the trees a change touched are seen to
 * again (only those: the rest of the page's changes cost a lookup each). The attributes set here are ones Element
 * Plus renders as constants, so its own updates never put them back; the three it does update (an option's
 * aria-selected, the combobox's aria-activedescendant, a treeitem's aria-expanded) are watched and put right each time.
 */
export function watchTreeA11y(root: HTMLElement = document.body): () => void {
  for (const tree of root.querySelectorAll<HTMLElement>('.el-tree')) fixTree(tree)
  const observer = new MutationObserver((records) => {
    const touched = new Set<HTMLElement>()
    for (const r of records) {
      const at = r.target instanceof Element ? r.target : r.target.parentElement
      if (r.type === 'attributes') {
        if (r.attributeName === 'aria-activedescendant' && at instanceof HTMLElement) pointAtTreeitem(at)
        else if (at?.matches(`.el-tree ${OPTION}, .el-tree ${ITEM}`)) touched.add(at.closest<HTMLElement>('.el-tree')!)
        continue
      }
      const tree = at?.closest<HTMLElement>('.el-tree')
      if (tree) touched.add(tree)
      for (const added of r.addedNodes) {
        if (!(added instanceof HTMLElement)) continue
        if (added.matches('.el-tree')) touched.add(added)
        for (const t of added.querySelectorAll<HTMLElement>('.el-tree')) touched.add(t)
      }
    }
    for (const tree of touched) fixTree(tree)
  })
  observer.observe(root, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['aria-selected', 'aria-activedescendant', 'aria-expanded'],
  })
  return () => observer.disconnect()
}

// an el-tree-select's option (in its treeitem) and the select's list around the tree
const OPTION = '.el-select-dropdown__item'
const LIST = '.el-select-dropdown__list'
// a node of the tree (Element Plus's treeitem) and the expand icon of its row, marked is-leaf when it has no children
const ITEM = '.el-tree-node[role=treeitem]'
const LEAF_ICON = ':scope > .el-tree-node__content > .el-tree-node__expand-icon.is-leaf'

function fixTree(tree: HTMLElement) {
  nameCheckboxes(tree)
  expandedOnBranchesOnly(tree)
  const list = tree.closest<HTMLElement>(LIST)
  if (list) fixTreeSelect(tree, list)
}

function nameCheckboxes(tree: HTMLElement) {
  for (const row of tree.querySelectorAll<HTMLElement>('.el-tree-node__content')) {
    const box = row.querySelector<HTMLInputElement>('input[type=checkbox]')
    const name = row.textContent?.replace(/\s+/g, ' ').trim()
    if (!box || !name) continue
    if (box.getAttribute('aria-label') !== name) box.setAttribute('aria-label', name)
    // the node's text is now the checkbox's name: said once (「呼吸内科, 已选中」), not again after it as the treeitem's
    for (const part of row.children)
      if (!part.contains(box) && !part.matches('.el-tree-node__expand-icon')) part.setAttribute('aria-hidden', 'true')
  }
}

/** aria-expanded on the treeitems with children only (as Element Plus has it, open or not), never on a leaf. */
function expandedOnBranchesOnly(tree: HTMLElement) {
  for (const item of tree.querySelectorAll<HTMLElement>(ITEM)) {
    if (item.querySelector(LEAF_ICON)) {
      if (item.hasAttribute('aria-expanded')) item.removeAttribute('aria-expanded')
    } else {
      const open = String(item.classList.contains('is-expanded'))
      if (item.getAttribute('aria-expanded') !== open) item.setAttribute('aria-expanded', open)
    }
  }
}

/** `list` is the select's listbox (the combobox's aria-controls) around `tree`, in the dropdown. */
function fixTreeSelect(tree: HTMLElement, list: HTMLElement) {
  if (list.getAttribute('role') !== 'tree') {
    list.setAttribute('role', 'tree')
    tree.setAttribute('role', 'none')
    const combobox = list.id ? document.querySelector<HTMLElement>(`[aria-controls="${list.id}"]`) : null
    combobox?.setAttribute('aria-haspopup', 'tree')
    const labels = combobox instanceof HTMLInputElement ? [...(combobox.labels ?? [])].filter((l) => l.id) : []
    const popup = list.closest<HTMLElement>('.el-popper[role=tooltip]')
    for (const named of [list, popup]) {
      if (!named) continue
      if (labels.length) named.setAttribute('aria-labelledby', labels.map((l) => l.id).join(' '))
      else named.setAttribute('aria-label', combobox?.getAttribute('aria-label') || '选择')
    }
  }
  for (const option of tree.querySelectorAll<HTMLElement>(OPTION)) {
    const item = option.closest<HTMLElement>('[role=treeitem]')
    if (!item) continue
    option.setAttribute('role', 'none')
    const selected = option.getAttribute('aria-selected')
    if (selected !== null) {
      item.setAttribute('aria-selected', selected)
      option.removeAttribute('aria-selected')
    }
    option.removeAttribute('aria-disabled') // the treeitem has its own
  }
  const combobox = list.id ? document.querySelector<HTMLElement>(`[aria-controls="${list.id}"]`) : null
  if (combobox) pointAtTreeitem(combobox)
}

/** A tree-select's combobox points at the treeitem of the option Element Plus made active, not at the option. */
function pointAtTreeitem(combobox: HTMLElement) {
  const id = combobox.getAttribute('aria-activedescendant')
  if (!id) return
  const option = document.getElementById(id)
  if (!option?.matches(`.el-tree ${OPTION}`)) return
  const item = option.closest<HTMLElement>('[role=treeitem]')
  if (!item) return
  item.id ||= `${id}-item`
  combobox.setAttribute('aria-activedescendant', item.id)
}
