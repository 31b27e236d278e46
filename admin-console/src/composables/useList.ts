import { reactive, ref, shallowRef, type UnwrapRef } from 'vue'
import type { Page } from '@/api/types'

/**
 * State of one paged list: filters, page, rows, loading. Every list page uses this instead of repeating it.
 * `initial` is the empty filter set that 重置 returns to; blank strings are not sent.
 */
/** what reaches the api: blank filters dropped, so '' and null never need to be valid wire values */
export type ListParams<Q> = { [K in keyof Q]?: Exclude<Q[K], '' | null> } & { page: number; pageSize: number }

export function useList<T, Q extends object>(fetch: (q: ListParams<Q>) => Promise<Page<T>>, initial: Q, pageSize = 20) {
  const query = reactive({ ...initial }) as UnwrapRef<Q>
  const page = ref(1)
  const size = ref(pageSize)
  const items = shallowRef<T[]>([])
  const total = ref(0)
  const loading = ref(false)
  const loaded = ref(false)
  let seq = 0

  async function load(): Promise<void> {
    const mine = ++seq
    loading.value = true
    try {
      const params = { ...clean(query as Q), page: page.value, pageSize: size.value } as ListParams<Q>
      const res = await fetch(params)
      if (mine !== seq) return // a later search superseded this one
      items.value = res.items
      total.value = res.total
    } catch {
      if (mine === seq) items.value = []
    } finally {
      if (mine === seq) {
        loading.value = false
        loaded.value = true
      }
    }
  }

  function search(): Promise<void> {
    page.value = 1
    return load()
  }

  function reset(): Promise<void> {
    Object.assign(query as object, initial)
    return search()
  }

  return { query, page, pageSize: size, items, total, loading, loaded, load, search, reset }
}

function clean<Q extends object>(q: Q): Partial<Q> {
  return Object.fromEntries(
    Object.entries(q).filter(([, v]) => v !== '' && v !== null && v !== undefined),
  ) as Partial<Q>
}
