// Clinic values on screen: money is integer fen on the wire, times are ISO UTC on the wire and Asia/Shanghai on
// screen, whatever the browser's own time zone.

const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
})

/** ISO instant → { date: 'YYYY-MM-DD', time: 'HH:MM' } in China time */
export function shanghaiParts(at: string | number | Date): { date: string; time: string } {
  const p = Object.fromEntries(parts.formatToParts(new Date(at)).map((x) => [x.type, x.value]))
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` }
}

/** today in China */
export const shanghaiToday = (): string => shanghaiParts(Date.now()).date

/** 'YYYY-MM-DD HH:MM' (China wall clock) → ISO with offset, as the BFF accepts */
export const shanghaiToIso = (wall: string): string => `${wall.replace(' ', 'T')}:00+08:00`

/** ISO instant → 'YYYY-MM-DD HH:MM' in China, for forms and tables */
export function shanghaiWall(iso: string | null | undefined): string {
  if (!iso) return ''
  const { date, time } = shanghaiParts(iso)
  return `${date} ${time}`
}

/** 2500 → '¥25.00' */
export const formatFen = (fen: number | null | undefined): string => (fen == null ? '—' : `¥${(fen / 100).toFixed(2)}`)

/** yuan typed in a form → integer fen (no float drift: 0.29 → 29) */
export const yuanToFen = (yuan: number): number => Math.round(yuan * 100)

/** calendar arithmetic on 'YYYY-MM-DD' strings (UTC noon, so no zone or DST can shift the day) */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}
/** 0 = Monday … 6 = Sunday */
export const weekdayOf = (day: string): number => (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7
export const mondayOf = (day: string): string => addDays(day, -weekdayOf(day))
export const firstOfMonth = (day: string): string => `${day.slice(0, 8)}01`
export function lastOfMonth(day: string): string {
  const d = new Date(`${firstOfMonth(day)}T12:00:00Z`)
  d.setUTCMonth(d.getUTCMonth() + 1, 0)
  return d.toISOString().slice(0, 10)
}
export const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']
export const PERIOD_LABELS: Record<'am' | 'pm' | 'eve', string> = { am: '上午', pm: '下午', eve: '晚上' }
