/**
 * The seat recount (job `booking-seat-recount`): a session's booked count put right where it no longer matches its
 * live bookings.
 *
 * A rush winner takes its seat by one statement before its booking's transaction (service's takeNumberInDatabase)
 * and gives it back if the booking fails; a process that dies between the two leaves the count one too high, for
 * good. That only refuses (the session looks full one seat early; no number is ever given twice — the unique index
 * on (session, number) is the truth), but the seat would be lost. A count below the live bookings is not made by any
 * path (each decrement goes with its booking's release, in one transaction); it is put right the same way if found.
 *
 * The truth is the number of appointments that hold a number (`active_seq` set: pending, booked, and visited or
 * no-show ones, which keep theirs). A seat taken by a request still in flight also counts above it, for the length
 * of one transaction, so a difference is corrected only when it is seen twice — at this run and at the run before —
 * and while no admitted request of the session is in flight (the admission pool's leases: a seat is taken only by a
 * request holding a leased number, and given back before the lease ends). It is corrected by the smaller of the two
 * differences seen, and only if the count then still lies on the right side of the live bookings, recounted in the
 * statement itself: never below them (no oversell), never above them.
 */
import { QueryTypes } from 'sequelize';
import { autocommit, infra } from '../../infra';
import { shanghaiDate } from '../../shared/time';
import { admissionsInFlight, scheduleChanged } from '../scheduling/service';
import { offerFreedSlots } from './service';

/** Where the previous run's differences (session id → booked count minus live bookings) are kept between runs. */
const LAST_LOOK = 'booking:seat-recount:last';
const LAST_LOOK_TTL_SEC = 3_600;
const LIVE = `(SELECT COUNT(*) FROM appointment a WHERE a.schedule_id = schedule.id AND a.active_seq IS NOT NULL)`;

interface Off {
  id: number;
  doctorId: number;
  deptId: number;
  diff: number;
}

/** Open sessions of today and later whose booked count differs from their live bookings, and by how much. */
async function sessionsOff(): Promise<Off[]> {
  const rows = await infra().sequelize.query<{ id: number; doctorId: number; deptId: number; diff: number | string }>(
    `SELECT id, doctor_id AS doctorId, dept_id AS deptId, booked_count - ${LIVE} AS diff FROM schedule
     WHERE status = 'open' AND clinic_date >= :today AND booked_count <> ${LIVE}`,
    { type: QueryTypes.SELECT, replacements: { today: shanghaiDate() } },
  );
  return rows.map((r) => ({ ...r, diff: Number(r.diff) }));
}

/** Moves a session's count by `by` (±) only if it then still lies on the same side of the live bookings, or on them. */
async function correct(id: number, by: number) {
  const changed = (await autocommit(() =>
    infra().sequelize.query(
      by < 0
        ? `UPDATE schedule SET booked_count = booked_count - :k WHERE id = :id AND status = 'open' AND booked_count >= :k + ${LIVE}`
        : `UPDATE schedule SET booked_count = booked_count + :k WHERE id = :id AND status = 'open' AND booked_count + :k <= ${LIVE}`,
      { type: QueryTypes.BULKUPDATE, replacements: { id, k: Math.abs(by) } },
    ),
  )) as unknown as number;
  return changed > 0;
}

export async function recountSeats() {
  const { kv } = infra();
  const before = (await kv.get<Record<string, number>>(LAST_LOOK)) ?? {};
  const seen: Record<string, number> = {};
  let corrected = 0;
  for (const s of await sessionsOff()) {
    const inFlight = await admissionsInFlight(s.id);
    if (inFlight === undefined || inFlight > 0) continue; // a seat may be out for a booking being made: not a look
    seen[s.id] = s.diff;
    const last = before[s.id];
    if (last === undefined || Math.sign(last) !== Math.sign(s.diff)) continue; // first time seen: next run decides
    const by = -Math.sign(s.diff) * Math.min(Math.abs(last), Math.abs(s.diff));
    if (!(await correct(s.id, by))) continue;
    delete seen[s.id];
    corrected++;
    infra().log.warn({ scheduleId: s.id, by }, 'booked count corrected to the live bookings');
    // the listings show the seat again, the pool and the "full" memos forget what they knew
    await scheduleChanged(s, 'recount');
    if (by < 0) await offerFreedSlots(s.id);
  }
  await kv.set(LAST_LOOK, seen, LAST_LOOK_TTL_SEC);
  return { corrected, watching: Object.keys(seen).length };
}
