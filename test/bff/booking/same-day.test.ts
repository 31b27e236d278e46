/**
 * Same-day booking once a session has started (issue 15, defect 1): booked at 08:56 for 上午 08:00–12:00, the
 * patient must get a number whose window is still ahead, never 第1号 08:00–08:10; a session whose every window has
 * begun takes no more bookings; the schedule the confirm page reads states the cancellation deadline.
 */
import assert from 'node:assert/strict';
import { call } from '../../support/api';
import { newDoctor, newSchedule, patient } from '../../support/booking';
import {
  addDays,
  chinaDay,
  firstNumberAhead,
  shanghaiDate,
  shanghaiInstant,
  shanghaiParts,
  slotWindow,
} from '../../../bff/src/shared/time';

const book = (token: string, scheduleId: number, patientId: number) =>
  call('POST', '/api/mp/appointments', { token, body: { scheduleId, patientId } });

describe('booking: a session already under way', () => {
  it('firstNumberAhead: the first number whose window has not begun', () => {
    const s = { clinicDate: '2026-12-03', startTime: '08:00', endTime: '12:00', slotCount: 24 };
    const at = (hhmm: string) => shanghaiInstant('2026-12-03', hhmm).getTime();
    assert.equal(firstNumberAhead(s, at('07:59')), 1);
    assert.equal(firstNumberAhead(s, at('08:00')), 2, 'a window that begins now has begun');
    assert.equal(firstNumberAhead(s, at('08:56')), 7);
    assert.equal(slotWindow(s, 7).start, '09:00');
    assert.equal(firstNumberAhead(s, at('11:50')), 25, 'none left: slotCount + 1');
    assert.equal(firstNumberAhead(s, shanghaiInstant('2026-12-02', '23:00').getTime()), 1, 'the day before');
  });

  describe('today (through the API)', function () {
    // A session can't straddle midnight: these need a little of today behind and ahead of the clock.
    before(function () {
      const now = shanghaiParts(Date.now()).time;
      if (now < '00:15' || now > '23:40') this.skip();
    });

    const today = shanghaiDate();
    const releaseAt = shanghaiInstant(addDays(today, -1), '20:00').toISOString();

    it('gives the first free number whose window is still ahead, and says so in the schedule', async () => {
      const doctor = await newDoctor();
      // 288 five-minute numbers over the whole day: the clock is somewhere inside
      const s = await newSchedule(doctor.id, {
        date: today,
        startTime: '00:00',
        endTime: '23:59',
        slotCount: 288,
        releaseAt,
      });
      const p = await patient();
      const session = { clinicDate: today, startTime: '00:00', endTime: '23:59', slotCount: 288 };
      // the clock may pass a window's start while the request is on its way: bracket it
      const first = firstNumberAhead(session);
      const view = (await call('GET', `/api/mp/booking/schedules/${s.id}`, { token: p.token })).body;
      const firstAfter = firstNumberAhead(session);
      assert.ok(first > 1);
      assert.equal(view.closed, false);
      assert.ok(
        view.remaining <= 288 - first + 1 && view.remaining >= 288 - firstAfter + 1,
        `only the numbers still ahead: ${view.remaining}`,
      );
      assert.equal(view.cancelDeadline, shanghaiInstant(today, '00:00').toISOString(), 'cancellable until it starts');
      assert.ok(new Date(view.cancelDeadline).getTime() < Date.now(), 'which is past: a same-day number is final');

      const r = await book(p.token, s.id, p.patientId);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const a = r.body.appointment;
      assert.ok(a.seqNo >= first, `number ${a.seqNo} is not behind the clock (first ahead ${first})`);
      assert.ok(
        shanghaiInstant(today, a.windowStart).getTime() > Date.now() - 60_000,
        `its window ${a.windowStart} is ahead`,
      );
      const q = await patient();
      const r2 = await book(q.token, s.id, q.patientId);
      assert.equal(r2.status, 201);
      assert.ok(r2.body.appointment.seqNo > a.seqNo, 'the next patient gets the next number ahead');
    });

    it('a session whose every window has begun takes no booking and no waitlist', async () => {
      const doctor = await newDoctor();
      // one number 00:00–23:59: its window has begun, the session has not ended
      const s = await newSchedule(doctor.id, {
        date: today,
        period: 'pm',
        startTime: '00:00',
        endTime: '23:59',
        slotCount: 1,
        releaseAt,
      });
      const p = await patient();
      const view = (await call('GET', `/api/mp/booking/schedules/${s.id}`, { token: p.token })).body;
      assert.equal(view.closed, true);
      assert.equal(view.remaining, 0);
      const r = await book(p.token, s.id, p.patientId);
      assert.equal(r.status, 409);
      assert.equal(r.body.error.code, 'SESSION_CLOSED');
      assert.match(r.body.error.message, /停止预约/);
      const w = await call('POST', '/api/mp/waitlist', {
        token: p.token,
        body: { scheduleId: s.id, patientId: p.patientId },
      });
      assert.equal(w.status, 409);
      assert.equal(w.body.error.code, 'SESSION_CLOSED');
    });
  });

  it('chinaDay: the one way a clinic day is written (messages and the mini-program)', () => {
    assert.equal(chinaDay('2026-12-06', '2026-12-02'), '12月6日 周日');
    assert.equal(chinaDay('2026-12-03', '2026-12-02'), '12月3日 周四', 'no leading zero');
    assert.equal(chinaDay('2027-01-04', '2026-12-02'), '2027年1月4日 周一', 'the year when not this one');
  });

  it('a future session states its deadline: start minus the cut-off', async () => {
    const doctor = await newDoctor();
    const day = addDays(shanghaiDate(), 2);
    const s = await newSchedule(doctor.id, { date: day });
    const p = await patient();
    const view = (await call('GET', `/api/mp/booking/schedules/${s.id}`, { token: p.token })).body;
    assert.equal(view.closed, false);
    assert.equal(view.remaining, 10);
    assert.equal(view.cancelDeadline, shanghaiInstant(day, '08:00').toISOString());
  });
});
