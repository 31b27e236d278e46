/**
 * Clinic times are Asia/Shanghai wall-clock (UTC+8, no daylight saving); the database and the wire keep instants
 * in UTC. Plain offset arithmetic, not Intl time zones: WeChat's JS engine on some phones has no zone data.
 */
const OFFSET_MS = 8 * 3600_000;

const ymd = (date: string) => date.split('-').map(Number) as [number, number, number];
const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DD' + 'HH:MM' in China → the instant. */
export function shanghaiInstant(date: string, time = '00:00'): Date {
  const [y, m, d] = ymd(date);
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, d, hh, mm) - OFFSET_MS);
}

/** The China calendar day of an instant (today by default), 'YYYY-MM-DD'. */
export function shanghaiDate(at: Date | string | number = new Date()): string {
  return new Date(new Date(at).getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant → { date: 'YYYY-MM-DD', time: 'HH:MM' } on China's wall clock. */
export function shanghaiParts(at: Date | string | number): { date: string; time: string } {
  const iso = new Date(new Date(at).getTime() + OFFSET_MS).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** RFC 3339 on Beijing's clock (yyyy-MM-ddTHH:mm:ss+08:00), the form WeChat Pay uses (time_expire, success_time). */
export function shanghaiRfc3339(at: Date | number): string {
  return new Date(new Date(at).getTime() + OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** 'YYYY-MM-DD HH:mm:ss' on Beijing's clock: how exports and bills show an instant. */
export function shanghaiDateTime(at: Date | number): string {
  return shanghaiRfc3339(at).slice(0, 19).replace('T', ' ');
}

/** 早上好 / 中午好 / 下午好 / 晚上好 by the hour in China (夜深了 before 06:00). */
export function shanghaiGreeting(at: Date | number = new Date()): string {
  const h = new Date(new Date(at).getTime() + OFFSET_MS).getUTCHours();
  return h < 6 ? '夜深了' : h < 11 ? '早上好' : h < 13 ? '中午好' : h < 18 ? '下午好' : '晚上好';
}

/** An ISO instant → 'YYYY-MM-DD HH:MM' in China, for forms and tables ('' for none or an invalid one). */
export function shanghaiWall(iso: string | null | undefined): string {
  if (!iso || Number.isNaN(new Date(iso).getTime())) return '';
  const { date, time } = shanghaiParts(iso);
  return `${date} ${time}`;
}

/** 'YYYY-MM-DD HH:MM' (China wall clock) → ISO with offset, as the BFF accepts. */
export const shanghaiToIso = (wall: string): string => `${wall.replace(' ', 'T')}:00+08:00`;

/** Calendar arithmetic on 'YYYY-MM-DD' strings. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = ymd(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
/** 0 = Monday … 6 = Sunday */
export function weekdayOf(date: string): number {
  const [y, m, d] = ymd(date);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}
export const mondayOf = (date: string): string => addDays(date, -weekdayOf(date));

const WEEKDAY = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
/**
 * How a clinic day is written for people, in messages and in the mini-program alike: '12月6日 周日' (the year in
 * front when it is not this one). The one wording; the mini-program adds 今天/明天 in front of near days.
 */
export function chinaDay(date: string, today: string = shanghaiDate()): string {
  const [y, m, d] = ymd(date);
  return `${date.slice(0, 4) === today.slice(0, 4) ? '' : `${y}年`}${m}月${d}日 ${WEEKDAY[weekdayOf(date)]}`;
}
export const firstOfMonth = (date: string): string => `${date.slice(0, 8)}01`;
export function lastOfMonth(date: string): string {
  const [y, m] = ymd(date);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const hhmm = (mins: number) => `${pad(Math.floor(mins / 60))}:${pad(mins % 60)}`;

/** The expected time window of slot `seq` (1-based) when the session is split evenly. */
export function slotWindow(s: { startTime: string; endTime: string; slotCount: number }, seq: number) {
  const start = minutes(s.startTime);
  const span = (minutes(s.endTime) - start) / s.slotCount;
  return { start: hhmm(Math.floor(start + span * (seq - 1))), end: hhmm(Math.floor(start + span * seq)) };
}

/** A time band of a session: the numbers (`from`..`to`, 1-based) whose window starts in [start, end). */
export interface SessionBand {
  start: string;
  end: string;
  from: number;
  to: number;
}

/**
 * The time bands a patient chooses among (08:00–09:00 剩3 …): the session's numbers grouped by where their window
 * starts, in bands of `bandMinutes` aligned to the clock (a 08:30 start gives 08:30–09:00, then 09:00–10:00 …),
 * clipped to the session. Only bands holding at least one number; a number's window start decides its band, so the
 * numbers of a band are consecutive.
 */
export function sessionBands(
  s: { startTime: string; endTime: string; slotCount: number },
  bandMinutes: number,
): SessionBand[] {
  const open = minutes(s.startTime);
  const close = minutes(s.endTime);
  const bands: SessionBand[] = [];
  for (let seq = 1; seq <= s.slotCount; seq++) {
    const at = Math.floor(minutes(slotWindow(s, seq).start) / bandMinutes) * bandMinutes;
    const last = bands[bands.length - 1];
    if (last && minutes(last.end) > at) last.to = seq;
    else
      bands.push({ start: hhmm(Math.max(open, at)), end: hhmm(Math.min(close, at + bandMinutes)), from: seq, to: seq });
  }
  return bands;
}

/**
 * The first number (1-based) of a session whose window has not begun at `now`: a session under way gives only
 * numbers still ahead, never one whose time is past. `slotCount + 1` when every window has begun.
 */
export function firstNumberAhead(
  s: { clinicDate: string; startTime: string; endTime: string; slotCount: number },
  now: number = Date.now(),
): number {
  const day = shanghaiInstant(s.clinicDate).getTime();
  let seq = 1;
  while (seq <= s.slotCount && day + minutes(slotWindow(s, seq).start) * 60_000 <= now) seq++;
  return seq;
}
