import { ref, shallowRef } from 'vue'
import { deptApi } from '@/api/system'
import type { Dept, DeptOption } from '@/api/types'

function useTree<T>(fetch: () => Promise<T[]>) {
  const tree = shallowRef<T[]>([])
  const loading = ref(false)
  async function load(): Promise<void> {
    loading.value = true
    try {
      tree.value = await fetch()
    } catch {
      tree.value = []
    } finally {
      loading.value = false
    }
  }
  return { tree, loading, load }
}

/** The department tree within the caller's data scope with every field, for 部门管理 and role data scopes. */
export const useDepts = () => useTree<Dept>(deptApi.tree)

/** The departments within the caller's data scope by name, for filters and pickers (any console user may read). */
export const useDeptOptions = () => useTree<DeptOption>(deptApi.options)
