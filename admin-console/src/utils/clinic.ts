// Clinic values on screen: money is integer fen on the wire, times are ISO UTC on the wire and Asia/Shanghai on
// screen, whatever the browser's own time zone.

// China-time arithmetic and clinic labels are the BFF's (bff/src/shared), one implementation for all three apps.
export {
  addDays,
  firstOfMonth,
  lastOfMonth,
  mondayOf,
  shanghaiDate as shanghaiToday,
  shanghaiParts,
  shanghaiToIso,
  shanghaiWall,
  weekdayOf,
} from '@bff/shared/time'
export { PERIOD_LABEL as PERIOD_LABELS, genderLabel } from '@bff/shared/clinic'

/** 2500 → '¥25.00' */
export const formatFen = (fen: number | null | undefined): string => (fen == null ? '—' : `¥${(fen / 100).toFixed(2)}`)

/** yuan typed in a form → integer fen (no float drift: 0.29 → 29) */
export const yuanToFen = (yuan: number): number => Math.round(yuan * 100)

export const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']
