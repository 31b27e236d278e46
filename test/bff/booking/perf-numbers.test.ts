/**
 * Numbers handed out with the admission (infra/admission.ts, booking's takeNumberInDatabase): a rush winner books
 * the number the pool gave it, and the database's unique index on (schedule, number) stays the truth behind it.
 * - the number comes from the pool (a number the pool does not hold is not given, though the database has it free);
 * - a number the pool hands out that the database holds already (the pool rebuilt while it was in flight, e.g. Redis
 *   restarted): no duplicate, the booking gets the next number from the database, the pool is rebuilt;
 * - a number in flight is left out of a rebuild, and comes back when its request fails;
 * - an expired hold and a cancellation put their numbers back, and the next patients get exactly those;
 * - Redis emptied in the middle of a rush (MariaDB + Redis only): no duplicate number, numbers 1..N all given.
 */
import assert from 'node:assert/strict';
import { call } from '../../support/api';
import { startStack, testMode } from '../../support/stack';
import { newDoctor, newSchedule, patient } from '../../support/booking';
import { admitBooking, endAdmission, freeSeats, seatTicket } from '../../../bff/src/modules/scheduling/service';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { Schedule } from '../../../bff/src/modules/scheduling/models';
import { HOLDING } from '../../../bff/src/modules/booking/models';
import { slotWindow } from '../../../bff/src/shared/time';

const book = (token: string, scheduleId: number, patientId: number) =>
  call('POST', '/api/mp/appointments', { token, body: { scheduleId, patientId } });

/** The pool's free count as it stands; rejects if the pool is missing (a rebuild would hide what is tested). */
async function pool(scheduleId: number) {
  const { running } = await startStack();
  let missing = false;
  const n = await running.infra.admission.free(`schedule:${scheduleId}`, async () => {
    missing = true;
    return null;
  });
  if (missing) throw new Error(`the admission pool of schedule ${scheduleId} is missing`);
  return n;
}

/** The numbers live bookings hold, in order — a duplicate would show twice. */
async function heldNumbers(scheduleId: number) {
  const rows = await Appointment.findAll({ where: { scheduleId, status: HOLDING }, attributes: ['seqNo'] });
  return rows.map((a) => a.seqNo).sort((x, y) => x - y);
}

async function ticketOf(scheduleId: number, n: number) {
  const s = (await Schedule.findByPk(scheduleId))!;
  return seatTicket(s, n, slotWindow(s, n).start);
}

describe('booking: numbers handed out with the admission', function () {
  this.timeout(180_000); // the first test boots the stack
  it('the winner books the number the pool gave it, not one the database would choose', async () => {
    const { running } = await startStack();
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 3, feeFen: 0 });
    assert.equal(await freeSeats(s.id), 3);
    // Number 1 leaves the pool without a booking (as if given to a request still in flight).
    await running.infra.admission.take(`schedule:${s.id}`, 1);
    const p = await patient();
    const r = await book(p.token, s.id, p.patientId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.appointment.seqNo, 2, 'the pool held 2 as its lowest; the database would have chosen 1');
    assert.equal(r.body.appointment.windowStart, slotWindow((await Schedule.findByPk(s.id))!, 2).start);
    assert.equal(await pool(s.id), 1);
    assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 1);
  });

  it('a number the database holds already: no duplicate, the next number from the database, the pool rebuilt', async () => {
    const { running } = await startStack();
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 3, feeFen: 2500 });
    const [p, q, r] = [await patient(), await patient(), await patient()];
    assert.equal((await book(p.token, s.id, p.patientId)).body.appointment.seqNo, 1);
    // The pool gets 1 back although the database holds it — what a rebuild does while 1 is in flight and its lease
    // is lost with Redis.
    await running.infra.admission.give(`schedule:${s.id}`, await ticketOf(s.id, 1));
    assert.equal(await pool(s.id), 3);
    const second = await book(q.token, s.id, q.patientId);
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.body.appointment.seqNo, 2);
    await assert.rejects(pool(s.id), /missing/, 'the pool that disagreed with the database was dropped');
    assert.equal(await freeSeats(s.id), 1, 'rebuilt from the database: only 3 left');
    assert.equal((await book(r.token, s.id, r.patientId)).body.appointment.seqNo, 3);
    assert.deepEqual(await heldNumbers(s.id), [1, 2, 3]);
    assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 3);
  });

  it('a number in flight is left out of a rebuild, and comes back when its request fails', async () => {
    const { running } = await startStack();
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 2, feeFen: 0 });
    const inFlight = await admitBooking(s.id, 999_999_001);
    assert.equal(inFlight.answer, 'admitted');
    assert.ok(inFlight.answer === 'admitted');
    assert.equal(inFlight.ticket.n, 1);
    await running.infra.admission.forget(`schedule:${s.id}`);
    const [p, q] = [await patient(), await patient()];
    assert.equal((await book(p.token, s.id, p.patientId)).body.appointment.seqNo, 2, 'the rebuild left 1 out');
    const none = await book(q.token, s.id, q.patientId);
    assert.equal(none.body.error?.code, 'SLOT_FULL', 'while 1 is in flight the pool has nothing left');
    await endAdmission(s.id, 999_999_001, inFlight.ticket, 'returned');
    assert.equal(await pool(s.id), 1);
    assert.equal((await book(q.token, s.id, q.patientId)).body.appointment.seqNo, 1);
    assert.deepEqual(await heldNumbers(s.id), [1, 2]);
  });

  it("an expired hold's number and a cancelled booking's number are the next ones given", async () => {
    const { running } = await startStack();
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 3, feeFen: 2500 });
    const [a, b, c, d, e] = [await patient(), await patient(), await patient(), await patient(), await patient()];
    const held = (await Promise.all([a, b, c].map((x) => book(x.token, s.id, x.patientId)))).map((r) => r.body);
    const byNumber = new Map(held.map((h) => [h.appointment.seqNo as number, h.appointment.id as number]));
    assert.deepEqual([...byNumber.keys()].sort(), [1, 2, 3]);
    assert.equal((await book(d.token, s.id, d.patientId)).body.error?.code, 'SLOT_FULL');

    await Appointment.update({ holdExpiresAt: new Date(Date.now() - 1000) }, { where: { id: byNumber.get(2)! } });
    await running.infra.jobs.runNow('booking-hold-expiry');
    assert.equal((await Appointment.findByPk(byNumber.get(2)!))!.status, 'expired');
    assert.equal(await pool(s.id), 1, 'the expired hold put its number back');
    const next = await book(d.token, s.id, d.patientId);
    assert.equal(next.status, 201, JSON.stringify(next.body));
    assert.equal(next.body.appointment.seqNo, 2, "the expired hold's number");

    const owner = [a, b, c].find((_, i) => held[i].appointment.seqNo === 3)!;
    const cancelled = await call('POST', `/api/mp/appointments/${byNumber.get(3)!}/cancel`, { token: owner.token });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(await pool(s.id), 1, 'the cancellation put its number back');
    assert.equal((await book(e.token, s.id, e.patientId)).body.appointment.seqNo, 3, "the cancelled booking's number");
    assert.deepEqual(await heldNumbers(s.id), [1, 2, 3]);
    assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 3);
  });

  it('Redis emptied in the middle of a rush: no duplicate number, numbers 1..N all given', async function () {
    if (testMode() !== 'mysql') this.skip(); // embedded keeps the pool in the process: nothing to lose but the process
    this.timeout(180_000);
    const { running } = await startStack();
    const SLOTS = 15;
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: SLOTS, feeFen: 0 });
    // Set-up, one after another: 45 logins at once can outlast the simulated WeChat's time limit on a busy machine.
    const takers: Awaited<ReturnType<typeof patient>>[] = [];
    for (let i = 0; i < 45; i++) takers.push(await patient());
    const redis = running.infra.redis!;
    const prefix = running.infra.config.REDIS_PREFIX;
    let answered = 0;
    const first = takers.slice(0, 25).map((t) => book(t.token, s.id, t.patientId).finally(() => answered++));
    await Promise.race(first);
    // What a restart loses: the pool, the leases of the numbers in flight and the change sequence.
    const keys = await redis.keys(`${prefix}seats:schedule:${s.id}*`);
    if (keys.length) await redis.del(...keys);
    const wiped = 25 - answered;
    const second = takers.slice(25).map((t) => book(t.token, s.id, t.patientId));
    const results = await Promise.all([...first, ...second]);
    console.log(`      ${wiped} of the first 25 unanswered when the pool was wiped`);
    const bad = results.find((r) => r.status !== 201 && !(r.status === 409 && r.body.error.code === 'SLOT_FULL'));
    assert.equal(bad, undefined, JSON.stringify(bad?.body));
    assert.equal(results.filter((r) => r.status === 201).length, SLOTS);
    assert.deepEqual(
      await heldNumbers(s.id),
      Array.from({ length: SLOTS }, (_, i) => i + 1),
    );
    assert.equal((await Schedule.findByPk(s.id))!.bookedCount, SLOTS);
  });
});
