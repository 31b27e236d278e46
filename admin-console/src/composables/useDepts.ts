import { ref, shallowRef } from 'vue'
import { deptApi } from '@/api/system'
import type { Dept } from '@/api/types'

/** The department tree within the caller's data scope, for filters and pickers. */
export function useDepts() {
  const tree = shallowRef<Dept[]>([])
  const loading = ref(false)
  async function load(): Promise<void> {
    loading.value = true
    try {
      tree.value = await deptApi.tree()
    } catch {
      tree.value = []
    } finally {
      loading.value = false
    }
  }
  return { tree, loading, load }
}
