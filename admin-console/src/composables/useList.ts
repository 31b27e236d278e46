import { getCurrentInstance, reactive, ref, shallowRef, type UnwrapRef } from 'vue'
import { useRoute } from 'vue-router'
import type { Page } from '@/api/types'

/**
 * State of one paged list: filters, page, rows, loading. Every list page uses this instead of repeating it.
 * `initial` is the empty filter set that 重置 returns to; blank strings are not sent.
 */
/** what reaches the api: blank filters dropped, so '' and null never need to be valid wire values */
export type ListParams<Q> = { [K in keyof Q]?: Exclude<Q[K], '' | null> } & { page: number; pageSize: number }

export function useList<T, Q extends object>(
  fetch: (q: ListParams<Q>) => Promise<Page<T>>,
  initial: Q,
  pageSize = 20,
  /** where the last search is kept; by default the page's path and the filters' names */
  storageKey?: string,
) {
  const query = reactive({ ...initial }) as UnwrapRef<Q>
  const page = ref(1)
  const size = ref(pageSize)
  const key = storageKey ?? defaultKey(initial)
  const saved = key ? restore(key, initial) : undefined
  if (saved) {
    Object.assign(query as object, saved.query)
    page.value = saved.page
    size.value = saved.pageSize
  }
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
      if (key) persist(key, { query: { ...(query as object) }, page: page.value, pageSize: size.value })
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

/**
 * A list's date-range filter is kept with the others (`dates: null` in `initial`), so it survives a refresh and 重置
 * clears it; the api gets it as `from` / `to`.
 */
export function withDateRange<Q extends { dates?: [string, string] | null }>({ dates, ...rest }: Q) {
  return { ...rest, from: dates?.[0], to: dates?.[1] }
}

/** What a list page building block (ListPage) needs of a list, whatever its filters. */
export type ListState<T> = ReturnType<typeof useList<T, object>>

function clean<Q extends object>(q: Q): Partial<Q> {
  return Object.fromEntries(
    Object.entries(q).filter(([, v]) => v !== '' && v !== null && v !== undefined),
  ) as Partial<Q>
}

/**
 * The last search of a list survives a page refresh (F5) for as long as the browser tab lives: it is kept in
 * sessionStorage, per page and filter set, and read back when the page is set up again. A new tab starts clean.
 */
const PREFIX = 'yy-list:'
type Saved<Q> = { query: Partial<Q>; page: number; pageSize: number }

function defaultKey(initial: object): string | undefined {
  if (!getCurrentInstance()) return undefined
  const path = useRoute()?.path
  return path ? `${PREFIX}${path}:${Object.keys(initial).sort().join(',')}` : undefined
}

function restore<Q extends object>(key: string, initial: Q): Saved<Q> | undefined {
  try {
    const raw = sessionStorage.getItem(key)
    if (!raw) return undefined
    const s = JSON.parse(raw) as Saved<Q>
    // only the filters this page still has, each of a kind its field can hold
    const query = Object.fromEntries(
      Object.entries(s.query ?? {}).filter(
        ([k, v]) => k in initial && restorable(v, (initial as Record<string, unknown>)[k]),
      ),
    ) as Partial<Q>
    const page = Number.isInteger(s.page) && s.page > 0 ? s.page : 1
    const pageSize = Number.isInteger(s.pageSize) && s.pageSize > 0 ? s.pageSize : 20
    return { query, page, pageSize }
  } catch {
    return undefined
  }
}

/**
 * What a filter holds, as far as restoring it goes. A saved filter comes back if it is empty or of a kind its field
 * can hold: a field that starts as '' (全部 of a select or an input) takes a single value — text, a number or 是/否;
 * one that starts as null (a date range, a department) takes a single value or a list; one that starts with a value
 * takes that kind. Text and numbers are one kind: a select may offer either.
 */
type Kind = 'none' | 'blank' | 'text' | 'flag' | 'list' | 'junk'
function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'none'
  if (v === '') return 'blank'
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return 'text'
  if (typeof v === 'boolean') return 'flag'
  // date ranges and multi-selects: a short list of texts or numbers
  if (Array.isArray(v) && v.length <= 50 && v.every((x) => kindOf(x) === 'text')) return 'list'
  return 'junk'
}

function restorable(saved: unknown, start: unknown): boolean {
  const kind = kindOf(saved)
  if (kind === 'none' || kind === 'blank') return true
  if (kind === 'junk') return false
  switch (kindOf(start)) {
    case 'none':
      return true
    case 'blank':
      return kind === 'text' || kind === 'flag'
    default:
      return kind === kindOf(start)
  }
}

function persist<Q>(key: string, s: Saved<Q>): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(s))
  } catch {
    // storage full or disabled: the list still works, it just forgets on refresh
  }
}
