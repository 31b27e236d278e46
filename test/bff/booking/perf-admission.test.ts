/**
 * The admission counter in front of the booking transaction (infra/admission.ts): a full session is refused from the
 * counter, and every seat that comes back (hold expiry, cancellation) goes back to the counter — not only at the
 * next rebuild from the database.
 */
import assert from 'node:assert/strict';
import { call } from '../../support/api';
import { startStack } from '../../support/stack';
import { admin, newDoctor, newSchedule, patient } from '../../support/booking';
import { freeSeats } from '../../../bff/src/modules/scheduling/service';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { Schedule } from '../../../bff/src/modules/scheduling/models';

const book = (token: string, scheduleId: number, patientId: number) =>
  call('POST', '/api/mp/appointments', { token, body: { scheduleId, patientId } });

/** The counter as it stands; rejects if it is missing (a rebuild from the database would hide what is tested). */
async function counter(scheduleId: number) {
  const { running } = await startStack();
  let missing = false;
  const n = await running.infra.admission.free(`schedule:${scheduleId}`, async () => {
    missing = true;
    return null;
  });
  if (missing) throw new Error(`the admission counter of schedule ${scheduleId} is missing`);
  return n;
}

describe('booking: the admission counter', () => {
  it('a hold that expires returns its slot to the counter, and the next patient gets it', async () => {
    const { running } = await startStack();
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 1, feeFen: 2500 });
    const p = await patient();
    const q = await patient();
    const held = await book(p.token, s.id, p.patientId);
    assert.equal(held.status, 201);
    assert.equal(held.body.appointment.status, 'pending_payment');
    assert.equal(await counter(s.id), 0, 'the hold took the seat from the counter');
    const full = await book(q.token, s.id, q.patientId);
    assert.equal(full.status, 409);
    assert.equal(full.body.error.code, 'SLOT_FULL');

    await Appointment.update(
      { holdExpiresAt: new Date(Date.now() - 1000) },
      { where: { id: held.body.appointment.id } },
    );
    await running.infra.jobs.runNow('booking-hold-expiry');
    assert.equal((await Appointment.findByPk(held.body.appointment.id))!.status, 'expired');
    assert.equal(await counter(s.id), 1, 'the expired hold gave its seat back to the counter');

    const next = await book(q.token, s.id, q.patientId);
    assert.equal(next.status, 201, JSON.stringify(next.body));
    assert.equal(next.body.appointment.seqNo, 1);
    assert.equal(await counter(s.id), 0);
    assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 1);
  });

  it('a cancellation returns its slot; a 停诊 and a change of size make it count again from the database', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 2, feeFen: 0 });
    const [p, q, r] = [await patient(), await patient(), await patient()];
    const a = await book(p.token, s.id, p.patientId);
    assert.equal((await book(q.token, s.id, q.patientId)).status, 201);
    assert.equal(await counter(s.id), 0);
    assert.equal((await book(r.token, s.id, r.patientId)).body.error.code, 'SLOT_FULL');
    assert.equal(
      (await call('POST', `/api/mp/appointments/${a.body.appointment.id}/cancel`, { token: p.token })).status,
      200,
    );
    assert.equal(await counter(s.id), 1, 'the cancelled seat is back');

    const grown = await call('PUT', `/api/admin/scheduling/schedules/${s.id}`, {
      token: await admin(),
      body: { slotCount: 4 },
    });
    assert.equal(grown.status, 200, JSON.stringify(grown.body));
    await assert.rejects(counter(s.id), /missing/, 'a new size drops the counter');
    assert.equal(await freeSeats(s.id), 3, 'rebuilt from the database: 4 seats, 1 held');
    assert.equal((await book(r.token, s.id, r.patientId)).status, 201);
    assert.equal(await counter(s.id), 2);

    const stopped = await call('POST', `/api/admin/scheduling/schedules/${s.id}/stop`, {
      token: await admin(),
      body: { reason: '医生临时出诊' },
    });
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    await assert.rejects(counter(s.id), /missing/, 'a 停诊 drops the counter');
    assert.equal(await freeSeats(s.id), undefined, 'a stopped session has no counter: the database answers');
    assert.equal((await book(p.token, s.id, p.patientId)).body.error.code, 'SCHEDULE_STOPPED');
  });
});
