/**
 * Time bands (issue 15): inside a session (上午 08:00–12:00) a patient picks a band (09:00–10:00 剩3 …) and gets the
 * lowest free number whose window starts in it. The doctor's listing gives each session's bands with what is left;
 * `bandStart` on a booking picks one; a full band is SLOT_FULL even while other bands have numbers, and a rush into
 * one band gives exactly its numbers — through the admission pool (Redis, or memory in embedded mode) and through
 * the database's own choosing alike.
 */
import assert from 'node:assert/strict';
import { call } from '../../support/api';
import { manyPatients, newDoctor, newSchedule, patient } from '../../support/booking';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { Schedule } from '../../../bff/src/modules/scheduling/models';
import {
  addDays,
  sessionBands,
  shanghaiDate,
  shanghaiInstant,
  shanghaiParts,
  slotWindow,
} from '../../../bff/src/shared/time';

const book = (token: string, scheduleId: number, patientId: number, bandStart?: string) =>
  call('POST', '/api/mp/appointments', {
    token,
    body: { scheduleId, patientId, ...(bandStart ? { bandStart } : {}) },
  });

interface Band {
  start: string;
  end: string;
  remaining: number;
}
async function listed(token: string, doctorId: number, scheduleId: number) {
  const r = await call('GET', `/api/mp/booking/doctors/${doctorId}/schedules`, { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as { id: number; remaining: number; bands: Band[] }[]).find((s) => s.id === scheduleId)!;
}
const left = (bands: Band[]) => bands.map((b) => `${b.start}–${b.end} ${b.remaining}`);

const heldSeqs = async (scheduleId: number) =>
  (await Appointment.findAll({ where: { scheduleId }, attributes: ['seqNo'] }))
    .map((a) => a.seqNo)
    .sort((a, b) => a - b);

describe('booking: time bands inside a session', () => {
  it('sessionBands: numbers grouped by the clock hour their window starts in, clipped to the session', () => {
    const s = { startTime: '08:30', endTime: '11:30', slotCount: 6 };
    // windows start 08:30, 09:00, 09:30, 10:00, 10:30, 11:00
    assert.deepEqual(sessionBands(s, 60), [
      { start: '08:30', end: '09:00', from: 1, to: 1 },
      { start: '09:00', end: '10:00', from: 2, to: 3 },
      { start: '10:00', end: '11:00', from: 4, to: 5 },
      { start: '11:00', end: '11:30', from: 6, to: 6 },
    ]);
    assert.deepEqual(
      sessionBands({ startTime: '08:00', endTime: '12:00', slotCount: 2 }, 60).map((b) => b.start),
      ['08:00', '10:00'],
      'a band with no number starting in it is not offered',
    );
    assert.equal(sessionBands({ startTime: '08:00', endTime: '12:00', slotCount: 24 }, 30).length, 8);
  });

  it('the listing shows each band with its numbers left; a booking with a band gets the lowest free one in it', async () => {
    const doctor = await newDoctor();
    // 20 numbers of 12 minutes: five per hour
    const s = await newSchedule(doctor.id, { slotCount: 20, feeFen: 0 });
    const [a, b, c, d] = [await patient(), await patient(), await patient(), await patient()];
    assert.deepEqual(left((await listed(a.token, doctor.id, s.id)).bands), [
      '08:00–09:00 5',
      '09:00–10:00 5',
      '10:00–11:00 5',
      '11:00–12:00 5',
    ]);

    const r1 = await book(a.token, s.id, a.patientId, '10:00');
    assert.equal(r1.status, 201, JSON.stringify(r1.body));
    assert.equal(r1.body.appointment.seqNo, 11);
    assert.equal(r1.body.appointment.windowStart, '10:00');
    const r2 = await book(b.token, s.id, b.patientId, '10:00');
    assert.equal(r2.body.appointment.seqNo, 12, 'the next free number of the band');
    const r3 = await book(c.token, s.id, c.patientId);
    assert.equal(r3.body.appointment.seqNo, 1, 'no band: the lowest free number of the session, as before');
    const r4 = await book(d.token, s.id, d.patientId, '08:00');
    assert.equal(r4.body.appointment.seqNo, 2);

    const view = await listed(a.token, doctor.id, s.id);
    assert.deepEqual(left(view.bands), ['08:00–09:00 3', '09:00–10:00 5', '10:00–11:00 3', '11:00–12:00 5']);
    assert.equal(view.remaining, 16);
    // the one session's view (the confirm page) counts the same
    const one = (await call('GET', `/api/mp/booking/schedules/${s.id}`, { token: a.token })).body;
    assert.deepEqual(left(one.bands), left(view.bands));

    // a cancellation gives its number back to its band
    const cancelled = await call('POST', `/api/mp/appointments/${r1.body.appointment.id}/cancel`, { token: a.token });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(left((await listed(a.token, doctor.id, s.id)).bands)[2], '10:00–11:00 4');
    assert.equal((await book(a.token, s.id, a.patientId, '10:00')).body.appointment.seqNo, 11);
  });

  it('a full band is SLOT_FULL, while other bands and the session still book', async () => {
    const doctor = await newDoctor();
    // 8 numbers of 30 minutes: two per hour
    const s = await newSchedule(doctor.id, { slotCount: 8, feeFen: 2500 });
    const [a, b, c, d, e] = [await patient(), await patient(), await patient(), await patient(), await patient()];
    assert.equal((await book(a.token, s.id, a.patientId, '09:00')).body.appointment.seqNo, 3);
    assert.equal((await book(b.token, s.id, b.patientId, '09:00')).body.appointment.seqNo, 4);

    const full = await book(c.token, s.id, c.patientId, '09:00');
    assert.equal(full.status, 409, JSON.stringify(full.body));
    assert.equal(full.body.error.code, 'SLOT_FULL');
    assert.match(full.body.error.message, /该时间段已约满.*其他时间段/);
    assert.equal(full.body.error.details.band, '09:00');
    assert.equal(full.body.error.details.waitlist, false, 'the session is not full: no 候补');

    // the refusal is about the band only: the session is not remembered as full
    const other = await book(c.token, s.id, c.patientId, '11:00');
    assert.equal(other.status, 201, JSON.stringify(other.body));
    assert.equal(other.body.appointment.seqNo, 7);
    assert.equal((await book(d.token, s.id, d.patientId)).body.appointment.seqNo, 1);
    const view = await listed(e.token, doctor.id, s.id);
    assert.deepEqual(left(view.bands), ['08:00–09:00 1', '09:00–10:00 0', '10:00–11:00 2', '11:00–12:00 1']);
    assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 4);
  });

  it('a band of a session full everywhere is the session’s SLOT_FULL, with 候补', async () => {
    const doctor = await newDoctor();
    // two numbers: 08:00 and 10:00, a band each
    const s = await newSchedule(doctor.id, { slotCount: 2, feeFen: 0 });
    const [a, b, c] = [await patient(), await patient(), await patient()];
    assert.equal((await book(a.token, s.id, a.patientId, '08:00')).body.appointment.seqNo, 1);
    assert.equal((await book(b.token, s.id, b.patientId, '10:00')).body.appointment.seqNo, 2);
    const full = await book(c.token, s.id, c.patientId, '08:00');
    assert.equal(full.status, 409, JSON.stringify(full.body));
    assert.equal(full.body.error.code, 'SLOT_FULL');
    assert.equal(full.body.error.details.waitlist, true);
    assert.equal(full.body.error.details.band, undefined);
  });

  it('the database, choosing when the admission pool is wrong, keeps to the band too', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 20, feeFen: 0 });
    const [a, b] = [await patient(), await patient()];
    const first = await book(a.token, s.id, a.patientId, '08:00');
    assert.equal(first.body.appointment.seqNo, 1);
    // behind the pool's back, the booking moves to number 6 (the first of 09:00–10:00): the pool still has 6 free
    await Appointment.update({ seqNo: 6, activeSeq: 6 }, { where: { id: first.body.appointment.id } });
    const r = await book(b.token, s.id, b.patientId, '09:00');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.appointment.seqNo, 7, 'number 6 is held: the next of the band, not number 1');
    assert.deepEqual(await heldSeqs(s.id), [6, 7]);
  });

  it('a band that is not one of the session’s is refused with 400', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 8, feeFen: 0 });
    const p = await patient();
    for (const band of ['08:30', '12:00', '07:00']) {
      const r = await book(p.token, s.id, p.patientId, band);
      assert.equal(r.status, 400, `${band}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'INVALID_BAND');
      assert.deepEqual(r.body.error.details.bands, ['08:00', '09:00', '10:00', '11:00']);
    }
    const malformed = await book(p.token, s.id, p.patientId, '9点');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(await heldSeqs(s.id), [], 'nothing was booked');
  });

  it('a rush of 50 into a band of 5 numbers gets exactly those 5, once each', async () => {
    const doctor = await newDoctor();
    const s = await newSchedule(doctor.id, { slotCount: 20, feeFen: 2500 });
    const takers = await manyPatients(50);
    const results = await Promise.all(takers.map((t) => book(t.token, s.id, t.patientId, '09:00')));
    const ok = results.filter((r) => r.status === 201);
    assert.equal(ok.length, 5);
    assert.ok(
      results.every(
        (r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'SLOT_FULL' && r.body.error.details.band),
      ),
      JSON.stringify(results.find((r) => r.status !== 201 && !(r.status === 409 && r.body.error.details?.band))?.body),
    );
    assert.deepEqual(
      ok.map((r) => r.body.appointment.seqNo).sort((x, y) => x - y),
      [6, 7, 8, 9, 10],
    );
    assert.deepEqual(await heldSeqs(s.id), [6, 7, 8, 9, 10], 'no other number, none twice');
    assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 5);

    // the other bands are untouched and still book
    const p = await patient();
    assert.deepEqual(left((await listed(p.token, doctor.id, s.id)).bands), [
      '08:00–09:00 5',
      '09:00–10:00 0',
      '10:00–11:00 5',
      '11:00–12:00 5',
    ]);
    assert.equal((await book(p.token, s.id, p.patientId, '10:00')).body.appointment.seqNo, 11);
  });

  describe('today, with the clock inside the session', function () {
    // A session can't straddle midnight: these need some of today behind the clock and some ahead.
    before(function () {
      const now = shanghaiParts(Date.now()).time;
      if (now < '01:05' || now > '22:50') this.skip();
    });

    it('a band whose windows have begun has nothing left, and booking it is SLOT_FULL', async () => {
      const today = shanghaiDate();
      const doctor = await newDoctor();
      // 276 five-minute numbers over nearly the whole day, in hourly bands of 12
      const s = await newSchedule(doctor.id, {
        date: today,
        startTime: '00:00',
        endTime: '23:00',
        slotCount: 276,
        feeFen: 0,
        releaseAt: shanghaiInstant(addDays(today, -1), '20:00').toISOString(),
      });
      const p = await patient();
      const view = await listed(p.token, doctor.id, s.id);
      const now = shanghaiParts(Date.now()).time;
      assert.equal(view.bands.length, 23);
      assert.deepEqual(view.bands[0], { start: '00:00', end: '01:00', remaining: 0 }, 'wholly past');
      const later = view.bands.find((b) => b.start > now)!;
      assert.equal(later.remaining, 12, 'a band still ahead has all its numbers');

      const past = await book(p.token, s.id, p.patientId, '00:00');
      assert.equal(past.status, 409, JSON.stringify(past.body));
      assert.equal(past.body.error.code, 'SLOT_FULL');
      const r = await book(p.token, s.id, p.patientId, later.start);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.appointment.windowStart, later.start);
      assert.equal(
        slotWindow({ startTime: '00:00', endTime: '23:00', slotCount: 276 }, r.body.appointment.seqNo).start,
        later.start,
      );
    });
  });
});
