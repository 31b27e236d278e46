/**
 * Booking rules that must hold in both modes (MariaDB + Redis, and embedded SQLite): family members with live
 * bookings can't be deleted (and deletion keeps history readable), one live booking per person — by ID number,
 * not by family-member row — per session, and the per-account booking limit under concurrent requests.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { call, loginAs } from '../../support/api';
import { mpAccount } from '../../support/accounts';
import { startStack } from '../../support/stack';
import { makeIdCard } from '../../support/idcard';
import { newDoctor, newSchedule } from '../../support/booking';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { Schedule } from '../../../bff/src/modules/scheduling/models';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';

let personSeq = 0;
/** A valid ID number, different from the previous ones of this file (a distinct birth date each call). */
const person = () =>
  makeIdCard(`19${50 + (personSeq % 40)}-0${1 + ((personSeq >> 3) % 9)}-1${personSeq++ % 9}`, 100 + (Date.now() % 800));

async function addMember(token: string, idCard: string, extra: Record<string, unknown> = {}) {
  const r = await call('POST', '/api/mp/patients', {
    token,
    body: { name: '刘就诊', idCard, phone: '13600002222', relation: 'other', ...extra },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { id: number; name: string };
}
const book = (token: string, scheduleId: number, patientId: number) =>
  call('POST', '/api/mp/appointments', { token, body: { scheduleId, patientId } });
// 288 five-minute numbers: a number is still ahead of the clock (bookable) until 23:54
const todaySession = (doctorId: number) =>
  newSchedule(doctorId, {
    date: shanghaiDate(),
    startTime: '00:00',
    endTime: '23:59',
    slotCount: 288,
    feeFen: 0,
    releaseAt: new Date(Date.now() - 86400_000).toISOString(),
  });

describe('booking rules (both modes)', () => {
  before(async () => {
    await startStack();
  });

  describe('deleting a family member', () => {
    it('is refused with PATIENT_HAS_BOOKINGS while the member holds a booking or waits in a waitlist, and allowed after', async () => {
      const doctor = await newDoctor();
      const s = await newSchedule(doctor.id, { slotCount: 1, feeFen: 0 });
      const full = await newSchedule(doctor.id, {
        period: 'pm',
        startTime: '13:30',
        endTime: '17:30',
        slotCount: 1,
        feeFen: 0,
      });
      const { token: t } = await mpAccount();
      const m = await addMember(t, person());
      const r = await book(t, s.id, m.id);
      assert.equal(r.status, 201);

      const refused = await call('DELETE', `/api/mp/patients/${m.id}`, { token: t });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'PATIENT_HAS_BOOKINGS');
      assert.match(refused.body.error.message, /未完成的预约或候补/);
      assert.equal((await call('GET', `/api/mp/patients/${m.id}`, { token: t })).status, 200, 'still there');

      assert.equal(
        (await call('POST', `/api/mp/appointments/${r.body.appointment.id}/cancel`, { token: t })).status,
        200,
      );
      // A waitlist entry counts too.
      const other = await mpAccount();
      assert.equal((await book(other.token, full.id, (await addMember(other.token, person())).id)).status, 201);
      const w = await call('POST', '/api/mp/waitlist', { token: t, body: { scheduleId: full.id, patientId: m.id } });
      assert.equal(w.status, 201);
      assert.equal(
        (await call('DELETE', `/api/mp/patients/${m.id}`, { token: t })).body.error?.code,
        'PATIENT_HAS_BOOKINGS',
      );
      assert.equal((await call('DELETE', `/api/mp/waitlist/${w.body.id}`, { token: t })).status, 204);

      assert.equal((await call('DELETE', `/api/mp/patients/${m.id}`, { token: t })).status, 204);
      assert.equal((await call('GET', '/api/mp/patients', { token: t })).body.total, 0, 'no longer listed');
      assert.equal((await call('GET', `/api/mp/patients/${m.id}`, { token: t })).status, 404);
      assert.equal((await book(t, s.id, m.id)).status, 404, 'a deleted member can not book');

      // The past appointment stays readable with the member's name, for the patient and in the console.
      const mine = (await call('GET', '/api/mp/appointments?status=cancelled', { token: t })).body;
      assert.equal(mine.items[0].patientName, '刘就诊');
      const admin = await loginAs('admin');
      const detail = await call('GET', `/api/admin/booking/appointments/${r.body.appointment.id}`, { token: admin });
      assert.equal(detail.status, 200);
      assert.equal(detail.body.patientName, '刘就诊');
      assert.equal(detail.body.patientPhoneMasked, '136****2222');
      const byName = await call(
        'GET',
        `/api/admin/booking/appointments?no=${r.body.appointment.no}&patientName=${encodeURIComponent('刘就诊')}`,
        { token: admin },
      );
      assert.equal(byName.body.total, 1, 'searchable by the deleted member’s name');
    });

    it('counts only live members against the limit; adding the same ID again brings the member back', async () => {
      const { token: t } = await mpAccount();
      const ids = Array.from({ length: 5 }, () => person());
      const members: { id: number }[] = [];
      for (const id of ids) members.push(await addMember(t, id));
      assert.equal(
        (
          await call('POST', '/api/mp/patients', {
            token: t,
            body: { name: '多一位', idCard: person(), phone: '13600002222', relation: 'other' },
          })
        ).body.error.code,
        'PATIENT_LIMIT',
      );
      assert.equal((await call('DELETE', `/api/mp/patients/${members[4].id}`, { token: t })).status, 204);
      const sixth = await addMember(t, person());
      assert.equal((await call('GET', '/api/mp/patients', { token: t })).body.total, 5);
      assert.equal((await call('DELETE', `/api/mp/patients/${sixth.id}`, { token: t })).status, 204);
      const back = await addMember(t, ids[4], { name: '刘回来' });
      assert.equal(back.name, '刘回来');
      const list = (await call('GET', '/api/mp/patients', { token: t })).body;
      assert.equal(list.total, 5);
      assert.equal(list.items.filter((p: { isDefault: boolean }) => p.isDefault).length, 1);
    });
  });

  describe('the console with a missing related row', () => {
    it('lists, shows and exports an appointment whose patient, schedule, doctor and department rows are gone', async () => {
      const doctor = await newDoctor();
      const s = await newSchedule(doctor.id, { feeFen: 0 });
      const { token: t } = await mpAccount();
      const m = await addMember(t, person());
      const r = await book(t, s.id, m.id);
      // Rows removed behind the application's back (a manual clean-up, an old import): every reference dangles.
      await Appointment.update(
        { patientId: 2_000_000_001, scheduleId: 2_000_000_002, doctorId: 2_000_000_003, deptId: 2_000_000_004 },
        { where: { id: r.body.appointment.id } },
      );
      const admin = await loginAs('admin');
      const list = await call('GET', `/api/admin/booking/appointments?no=${r.body.appointment.no}`, { token: admin });
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.equal(list.body.total, 1);
      const v = list.body.items[0];
      assert.deepEqual(
        [v.patientName, v.doctorName, v.deptName, v.patientPhoneMasked, v.patientGender, v.patientAge],
        ['', '', '', '—', null, null],
      );
      const detail = await call('GET', `/api/admin/booking/appointments/${r.body.appointment.id}`, { token: admin });
      assert.equal(detail.status, 200, JSON.stringify(detail.body));
      assert.equal(detail.body.no, r.body.appointment.no);
      const res = await fetch(
        `${(await startStack()).baseUrl}/api/admin/booking/appointments/export?no=${r.body.appointment.no}`,
        { headers: { authorization: `Bearer ${admin}` } },
      );
      assert.equal(res.status, 200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
      assert.equal(wb.worksheets[0].getRow(2).getCell(1).value, r.body.appointment.no);
      assert.equal(
        (await call('GET', `/api/mp/appointments/${r.body.appointment.id}`, { token: t })).status,
        200,
        'the patient’s own view neither',
      );
    });
  });

  describe('one live booking per person and session', () => {
    it('refuses the same ID number booked from a second account, in the waitlist too; after a cancel it is fine', async () => {
      const doctor = await newDoctor();
      const s = await newSchedule(doctor.id, { slotCount: 2, feeFen: 0 });
      const idCard = person();
      const a = await mpAccount();
      const b = await mpAccount();
      const c = await mpAccount();
      const ma = await addMember(a.token, idCard);
      const mb = await addMember(b.token, idCard);
      const first = await book(a.token, s.id, ma.id);
      assert.equal(first.status, 201);
      const second = await book(b.token, s.id, mb.id);
      assert.equal(second.status, 409);
      assert.equal(second.body.error.code, 'ALREADY_BOOKED');
      // Session full: the same person may not queue for a second seat either.
      assert.equal((await book(c.token, s.id, (await addMember(c.token, person())).id)).status, 201);
      const wait = await call('POST', '/api/mp/waitlist', {
        token: b.token,
        body: { scheduleId: s.id, patientId: mb.id },
      });
      assert.equal(wait.status, 409);
      assert.equal(wait.body.error.code, 'ALREADY_BOOKED');
      assert.equal(await Appointment.count({ where: { scheduleId: s.id } }), 2);

      assert.equal(
        (await call('POST', `/api/mp/appointments/${first.body.appointment.id}/cancel`, { token: a.token })).status,
        200,
      );
      const again = await book(b.token, s.id, mb.id);
      assert.equal(again.status, 201, JSON.stringify(again.body));
    });

    it('two accounts booking the same person at the same moment: exactly one seat', async () => {
      const doctor = await newDoctor();
      const s = await newSchedule(doctor.id, { slotCount: 5, feeFen: 0 });
      const idCard = person();
      const accounts = [await mpAccount(), await mpAccount(), await mpAccount()];
      const members: { id: number }[] = [];
      for (const acc of accounts) members.push(await addMember(acc.token, idCard));
      const results = await Promise.all(accounts.map((acc, i) => book(acc.token, s.id, members[i].id)));
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409]);
      assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'ALREADY_BOOKED'));
      // The booking's notice is written in its transaction: the winner has exactly one, the refused accounts none.
      const appointmentNotices = await Promise.all(
        accounts.map(async (acc) =>
          (
            (await call('GET', '/api/mp/notices', { token: acc.token })).body.items as {
              link: { type: string; id: string } | null;
            }[]
          ).filter((n) => n.link?.type === 'appointment'),
        ),
      );
      const winner = results.findIndex((r) => r.status === 201);
      assert.deepEqual(
        appointmentNotices.map((n) => n.length),
        accounts.map((_, i) => (i === winner ? 1 : 0)),
      );
      assert.equal(appointmentNotices[winner][0].link!.id, String(results[winner].body.appointment.id));
    });

    it('a member deleted after the visit and added again can not book the same session again', async function () {
      // Today's session must still have numbers ahead for both bookings, and the day must not turn meanwhile: near
      // midnight in Beijing neither holds (a CI run at 23:55 got SLOT_FULL, one at 00:01 a refused first booking).
      const beijingMinute = Math.floor(Date.now() / 60_000 + 8 * 60) % 1440;
      if (beijingMinute < 15 || beijingMinute > 23 * 60 + 15) this.skip();
      const doctor = await newDoctor();
      const s = await todaySession(doctor.id);
      const idCard = person();
      const { token: t } = await mpAccount();
      const m = await addMember(t, idCard);
      const r = await book(t, s.id, m.id);
      assert.equal(r.body.appointment.status, 'booked');
      const admin = await loginAs('admin');
      assert.equal(
        (
          await call('PUT', `/api/admin/booking/appointments/${r.body.appointment.id}/visit`, {
            token: admin,
            body: { status: 'visited' },
          })
        ).status,
        200,
      );
      assert.equal(
        (await call('DELETE', `/api/mp/patients/${m.id}`, { token: t })).status,
        204,
        'a visited booking is not live',
      );
      const back = await addMember(t, idCard);
      const again = await book(t, s.id, back.id);
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal(again.body.error.code, 'ALREADY_BOOKED');
    });
  });

  describe('the per-account booking limit', () => {
    it('10 bookings sent at once from one account on 10 sessions: exactly BOOKING_MAX_ACTIVE (5) succeed', async () => {
      const doctor = await newDoctor();
      const sessions = [];
      for (let d = 1; d <= 5; d++) {
        const date = addDays(shanghaiDate(), d);
        sessions.push(await newSchedule(doctor.id, { date, feeFen: 0 }));
        sessions.push(
          await newSchedule(doctor.id, { date, period: 'pm', startTime: '13:30', endTime: '17:30', feeFen: 0 }),
        );
      }
      const { token: t } = await mpAccount();
      const m = await addMember(t, person());
      const results = await Promise.all(sessions.map((s) => book(t, s.id, m.id)));
      assert.equal(results.filter((r) => r.status === 201).length, 5, JSON.stringify(results.map((r) => r.status)));
      const refused = results.filter((r) => r.status !== 201);
      assert.equal(refused.length, 5);
      assert.ok(
        refused.every((r) => r.status === 409 && r.body.error.code === 'BOOKING_LIMIT'),
        JSON.stringify(refused.map((r) => r.body)),
      );
      assert.equal((await call('GET', '/api/mp/appointments?status=upcoming&pageSize=50', { token: t })).body.total, 5);
      // the refused ones took their seats before the limit refused them under the account lock: all given back
      const counts = await Schedule.findAll({ where: { id: sessions.map((x) => x.id) }, attributes: ['bookedCount'] });
      assert.equal(
        counts.reduce((sum, x) => sum + x.bookedCount, 0),
        5,
      );
    });
  });

  describe('the seat recount', () => {
    it('puts right a count left one too high, at its second look, and the seat is booked again', async () => {
      const { running } = await startStack();
      const job = '/api/admin/monitor/jobs/booking-seat-recount';
      const admin = await loginAs('admin');
      // only the runs below look (a scheduled run would be a look of its own)
      assert.equal((await call('POST', `${job}/pause`, { token: admin })).status, 200);
      try {
        const doctor = await newDoctor();
        const s = await newSchedule(doctor.id, { slotCount: 1, feeFen: 0 });
        // a process that died between taking the seat and inserting the booking
        await Schedule.increment('bookedCount', { by: 1, where: { id: s.id } });
        const { token: t } = await mpAccount();
        const m = await addMember(t, person());
        assert.equal((await book(t, s.id, m.id)).body.error?.code, 'SLOT_FULL');
        await running.infra.jobs.runNow('booking-seat-recount');
        assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 1, 'seen once: left alone');
        await running.infra.jobs.runNow('booking-seat-recount');
        assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 0, 'seen twice: corrected');
        assert.equal((await call('GET', `/api/mp/booking/schedules/${s.id}`, { token: t })).body.remaining, 1);
        const r = await book(t, s.id, m.id);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 1);
      } finally {
        assert.equal((await call('POST', `${job}/resume`, { token: admin })).status, 200);
      }
    });
  });
});
