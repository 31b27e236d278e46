import { computed, reactive, watch } from 'vue'
import { useRoute } from 'vue-router'

/** One column a list page lets the user hide (显隐列). */
export interface ColumnDef {
  key: string
  label: string
  /** shown until the user hides it (default true) */
  visible?: boolean
}
export interface ColumnState {
  key: string
  label: string
  visible: boolean
}

const PREFIX = 'yy-cols:'

/**
 * Which columns of a list are shown, as the user chose them in the toolbar's 显隐列, kept per page in localStorage
 * (a choice of layout outlives the tab, unlike a search). A column the page no longer has is forgotten; a new one
 * starts as its definition says.
 */
export function useColumns(defs: readonly ColumnDef[], storageKey?: string) {
  const key = PREFIX + (storageKey ?? useRoute().path)
  const saved = read(key)
  const columns = reactive<ColumnState[]>(
    defs.map((d) => ({ key: d.key, label: d.label, visible: saved[d.key] ?? d.visible ?? true })),
  )
  watch(
    () => columns.map((c) => c.visible),
    () => write(key, Object.fromEntries(columns.map((c) => [c.key, c.visible]))),
  )
  const hidden = computed(() => new Set(columns.filter((c) => !c.visible).map((c) => c.key)))
  /** v-if="show('phone')" on an el-table-column */
  const show = (k: string) => !hidden.value.has(k)
  return { columns, show }
}

function read(key: string): Record<string, boolean> {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '{}') as unknown
    if (!v || typeof v !== 'object') return {}
    return Object.fromEntries(Object.entries(v).filter(([, b]) => typeof b === 'boolean')) as Record<string, boolean>
  } catch {
    return {}
  }
}

function write(key: string, v: Record<string, boolean>): void {
  try {
    localStorage.setItem(key, JSON.stringify(v))
  } catch {
    // storage disabled: the choice lasts until the page is left
  }
}
