import type { Directive } from 'vue'

const observers = new WeakMap<HTMLElement, MutationObserver>()

/**
 * v-tree-check-names on an el-tree with show-checkbox: each node's checkbox is named after the node (screen readers
 * say 「用户管理」, not an unnamed checkbox). Element Plus renders the checkbox without a label of its own, beside the
 * node's text rather than around it; nodes come and go as the tree expands, so they are named again on each change.
 */
export const vTreeCheckNames: Directive<HTMLElement> = {
  mounted(el) {
    nameCheckboxes(el)
    const observer = new MutationObserver(() => nameCheckboxes(el))
    observer.observe(el, { childList: true, subtree: true, characterData: true })
    observers.set(el, observer)
  },
  beforeUnmount(el) {
    observers.get(el)?.disconnect()
    observers.delete(el)
  },
}

function nameCheckboxes(tree: HTMLElement) {
  for (const row of tree.querySelectorAll<HTMLElement>('.el-tree-node__content')) {
    const box = row.querySelector<HTMLInputElement>('input[type=checkbox]')
    const name = row.textContent?.replace(/\s+/g, ' ').trim()
    if (box && name && box.getAttribute('aria-label') !== name) box.setAttribute('aria-label', name)
  }
}
