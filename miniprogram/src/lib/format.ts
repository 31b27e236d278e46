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

/** The value from a Taro input event (weapp: detail.value; h5: the same, via Taro's web components). */
export function inputValue(e: unknown): string {
  return String((e as { detail?: { value?: unknown } })?.detail?.value ?? '')
}
