import { computed, ref } from 'vue'

/**
 * 展开/折叠 all rows of a tree table, as RuoYi does it: el-table reads `default-expand-all` only when it is
 * created, so the table is keyed by the state and re-created when it flips. Bind `:key="tableKey"` and
 * `:default-expand-all="expanded"`.
 */
export function useTreeExpand(initial = true) {
  const expanded = ref(initial)
  let flips = 0
  const tableKey = computed(() => `tree-${expanded.value ? 'open' : 'shut'}-${flips}`)
  function toggle() {
    flips++
    expanded.value = !expanded.value
  }
  return { expanded, tableKey, toggle }
}
