import { PHONE_RE } from '@bff/shared/rules'
import { addDays, chinaDay, shanghaiDate, shanghaiParts } from '@bff/shared/time'

import { RELATIONS as CODES, RELATION_LABEL, type Relation } from '@bff/shared/clinic'

export { genderLabel, relationLabel, type Relation } from '@bff/shared/clinic'
export const RELATIONS: { value: Relation; label: string }[] = CODES.map((value) => ({
  value,
  label: RELATION_LABEL[value],
}))

export function isMobile(phone: string): boolean {
  return PHONE_RE.test(phone.trim())
}

// ----- dates: the one way the app writes a day and a time (dates from the BFF are China dates, instants UTC) -----

/** "2025-06-03" → { md: '6月3日', week: '周二', short: '06-03' } */
export function dayLabel(date: string) {
  const [, m, d] = date.split('-').map(Number)
  const [md, week] = chinaDay(date, date).split(' ')
  return { md, week, short: `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` }
}

/** Today's date in China time (plus some days), YYYY-MM-DD. */
export const chinaToday = (offsetDays = 0): string => addDays(shanghaiDate(), offsetDays)

/** "今天 6月3日" / "明天 6月4日" / "后天 6月5日", else chinaDay: "6月6日 周五" ("2027年1月4日 周一" in another year). */
export function friendlyDay(date: string): string {
  const near = ['今天', '明天', '后天'].find((_, i) => date === chinaToday(i))
  return near ? `${near} ${dayLabel(date).md}` : chinaDay(date)
}

/** An instant (ISO, UTC) as people read it in China: friendlyDay and the time, "今天 6月3日 08:00"; '' for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso || Number.isNaN(new Date(iso).getTime())) return ''
  const { date, time } = shanghaiParts(iso)
  return `${friendlyDay(date)} ${time}`
}

/**
 * An instant, short, for a list row: "今天 08:42", "昨天 21:05", "6月1日 08:42" ("2025年6月1日 08:42" in another
 * year); '' for none.
 */
export function formatShortDateTime(iso: string | null | undefined): string {
  if (!iso || Number.isNaN(new Date(iso).getTime())) return ''
  const { date, time } = shanghaiParts(iso)
  const near = date === chinaToday() ? '今天' : date === chinaToday(-1) ? '昨天' : ''
  return `${near || chinaDay(date).split(' ')[0]} ${time}`
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
