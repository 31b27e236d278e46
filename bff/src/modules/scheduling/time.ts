/** Clinic times are Asia/Shanghai wall-clock (UTC+8, no daylight saving); the database keeps instants in UTC. */
const OFFSET_MS = 8 * 3600_000;

export function shanghaiInstant(date: string, time = '00:00'): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return new Date(Date.UTC(y, m - 1, d, hh, mm) - OFFSET_MS);
}

export function shanghaiDate(at: Date = new Date()): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const hhmm = (mins: number) => `${String(Math.floor(mins / 60)).padStart(2, '0')}:${String(mins % 60).padStart(2, '0')}`;

/** The expected time window of slot `seq` (1-based) when the session is split evenly. */
export function slotWindow(s: { startTime: string; endTime: string; slotCount: number }, seq: number) {
  const start = minutes(s.startTime);
  const span = (minutes(s.endTime) - start) / s.slotCount;
  return { start: hhmm(Math.floor(start + span * (seq - 1))), end: hhmm(Math.floor(start + span * seq)) };
}
