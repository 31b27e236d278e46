import { PHONE_RE } from '@bff/shared/rules'

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
  return PHONE_RE.test(phone.trim())
}

/** ISO timestamps from the BFF are UTC; people read them in China time ('YYYY-MM-DD HH:MM'). */
export { shanghaiWall as formatDateTime } from '@bff/shared/time'

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
