import { PHONE_RE } from '@bff/shared/rules'

import { RELATIONS as CODES, RELATION_LABEL, type Relation } from '@bff/shared/clinic'

export { genderLabel, relationLabel, type Relation } from '@bff/shared/clinic'
export const RELATIONS: { value: Relation; label: string }[] = CODES.map((value) => ({
  value,
  label: RELATION_LABEL[value],
}))

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
