export type Relation = 'self' | 'spouse' | 'parent' | 'child' | 'sibling' | 'other'

export const RELATIONS: { value: Relation; label: string }[] = [
  { value: 'self', label: '本人' },
  { value: 'spouse', label: '配偶' },
  { value: 'parent', label: '父母' },
  { value: 'child', label: '子女' },
  { value: 'sibling', label: '兄弟姐妹' },
  { value: 'other', label: '其他' },
]

export function relationLabel(value: string): string {
  return RELATIONS.find((r) => r.value === value)?.label ?? '其他'
}

export function genderLabel(g: string): string {
  return g === 'M' ? '男' : g === 'F' ? '女' : ''
}

export function isMobile(phone: string): boolean {
  return /^1[3-9]\d{9}$/.test(phone.trim())
}

/** ISO timestamps from the BFF are UTC; people read them in China time. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const t = new Date(iso)
  if (Number.isNaN(t.getTime())) return ''
  const cn = new Date(t.getTime() + 8 * 3600 * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${cn.getUTCFullYear()}-${p(cn.getUTCMonth() + 1)}-${p(cn.getUTCDate())} ${p(cn.getUTCHours())}:${p(cn.getUTCMinutes())}`
}

/**
 * The value from an input event. Taro's event carries detail.value; on h5 the native input event of the
 * inner <input> also bubbles to the same listener (no detail), and its target holds the same value.
 */
export function inputValue(e: unknown): string {
  const ev = e as { detail?: { value?: unknown }; target?: { value?: unknown } } | null
  if (ev?.detail && typeof ev.detail === 'object' && 'value' in ev.detail) return String(ev.detail.value ?? '')
  if (typeof ev?.target?.value === 'string') return ev.target.value
  return ''
}
