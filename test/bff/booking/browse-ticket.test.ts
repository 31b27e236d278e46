import assert from 'node:assert/strict';
import { adminLogin, call, loginAs, replaceInitialPassword } from '../../support/api';
import { newDoctor, newSchedule, patient, tomorrow } from '../../support/booking';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { Schedule } from '../../../bff/src/modules/scheduling/models';
import { DoctorProfile } from '../../../bff/src/modules/system/models';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';

const book = (token: string, scheduleId: number, patientId: number) =>
  call('POST', '/api/mp/appointments', { token, body: { scheduleId, patientId } });

describe('mini-program booking: 大科 › 小科, search, by date', () => {
  let p: Awaited<ReturnType<typeof patient>>;
  before(async () => {
    p = await patient();
  });

  it('gives the department tree: 大科 with their 小科 that have doctors; a 大科 with its own doctors is a choice itself', async () => {
    assert.equal((await call('GET', '/api/mp/booking/dept-tree')).status, 401);
    const tree = (await call('GET', '/api/mp/booking/dept-tree', { token: p.token })).body as {
      name: string;
      doctorCount: number;
      children: { name: string; doctorCount: number }[];
    }[];
    const internal = tree.find((n) => n.name === '内科');
    assert.ok(internal, JSON.stringify(tree));
    const seen = JSON.stringify(tree);
    assert.ok(
      internal.children.some((c) => c.name === '心血管内科'),
      seen,
    );
    assert.ok(
      internal.children.some((c) => c.name === '呼吸内科'),
      seen,
    );
    assert.equal(
      internal.doctorCount,
      internal.children.reduce((n, c) => n + c.doctorCount, 0),
    );
    const surgery = tree.find((n) => n.name === '外科')!;
    assert.deepEqual(surgery.children.map((c) => c.name).sort(), ['普通外科', '骨科'].sort());
    const kids = tree.find((n) => n.name === '儿科')!;
    assert.deepEqual(kids.children, []);
    assert.ok(kids.doctorCount > 0, seen);
    // Only departments, never the hospital itself; none without doctors (other suites add departments and doctors
    // of their own, so the rule is checked rather than a list of names).
    assert.ok(!tree.some((n) => n.name === '医云示范医院'), seen);
    assert.ok(
      tree.every((n) => n.doctorCount > 0 && n.children.every((c) => c.doctorCount > 0)),
      seen,
    );
    assert.equal(tree.filter((n) => n.children.some((c) => c.name === '心血管内科')).length, 1, seen);
  });

  it('finds doctors by name or by speciality (擅长), with their next free day', async () => {
    const d = await newDoctor('消化内科', '搜索测试医生');
    await DoctorProfile.upsert({ userId: d.id, specialty: '罕见病消化道出血', intro: null, avatarUrl: null });
    await newSchedule(d.id, { slotCount: 3 });
    const byName = await call('GET', `/api/mp/booking/doctor-search?keyword=${encodeURIComponent('搜索测试')}`, {
      token: p.token,
    });
    assert.equal(byName.status, 200);
    assert.deepEqual(
      byName.body.map((x: { id: number }) => x.id),
      [d.id],
    );
    assert.equal(byName.body[0].deptName, '消化内科');
    assert.equal(byName.body[0].nextAvailableDate, tomorrow());
    const bySpecialty = await call('GET', `/api/mp/booking/doctor-search?keyword=${encodeURIComponent('消化道出血')}`, {
      token: p.token,
    });
    assert.ok(bySpecialty.body.some((x: { id: number }) => x.id === d.id));
    const hypertension = await call('GET', `/api/mp/booking/doctor-search?keyword=${encodeURIComponent('高血压')}`, {
      token: p.token,
    });
    assert.ok(hypertension.body.some((x: { name: string }) => x.name === '陈静'));
    // LIKE wildcards are text, not patterns.
    assert.deepEqual((await call('GET', '/api/mp/booking/doctor-search?keyword=%25', { token: p.token })).body, []);
    for (const bad of ['', 'x'.repeat(21)]) {
      const r = await call('GET', `/api/mp/booking/doctor-search?keyword=${bad}`, { token: p.token });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }
  });

  it('lists who sees patients on a day, by department too, within the booking window', async () => {
    const d = await newDoctor('心血管内科', '按日期医生');
    const day = addDays(shanghaiDate(), 2);
    const s = await newSchedule(d.id, { date: day, slotCount: 4 });
    const all = await call('GET', `/api/mp/booking/by-date?date=${day}`, { token: p.token });
    assert.equal(all.status, 200);
    const mine = all.body.find((v: { id: number }) => v.id === s.id);
    assert.equal(mine.doctorName, '按日期医生');
    assert.equal(mine.remaining, 4);
    assert.ok(all.body.every((v: { clinicDate: string }) => v.clinicDate === day));
    const internal = (await call('GET', '/api/mp/booking/dept-tree', { token: p.token })).body.find(
      (n: { name: string }) => n.name === '内科',
    );
    const surgery = (await call('GET', '/api/mp/booking/dept-tree', { token: p.token })).body.find(
      (n: { name: string }) => n.name === '外科',
    );
    const inInternal = await call('GET', `/api/mp/booking/by-date?date=${day}&deptId=${internal.id}`, {
      token: p.token,
    });
    assert.ok(inInternal.body.some((v: { id: number }) => v.id === s.id));
    const inSurgery = await call('GET', `/api/mp/booking/by-date?date=${day}&deptId=${surgery.id}`, { token: p.token });
    assert.ok(!inSurgery.body.some((v: { id: number }) => v.id === s.id));
    const cases: [string, number, string][] = [
      [addDays(shanghaiDate(), -1), 422, 'DATE_IN_PAST'],
      [addDays(shanghaiDate(), 60), 422, 'DATE_OUT_OF_RANGE'],
      ['2026-13-40', 400, 'VALIDATION_FAILED'],
    ];
    for (const [date, status, code] of cases) {
      const r = await call('GET', `/api/mp/booking/by-date?date=${date}`, { token: p.token });
      assert.equal(r.status, status, date);
      assert.equal(r.body.error.code, code);
    }
  });
});

/** Moves a booking (and its session) to today: check-in is for today's patients, whatever the hour a test runs. */
async function makeToday(scheduleId: number) {
  await Schedule.update({ clinicDate: shanghaiDate() }, { where: { id: scheduleId } });
  await Appointment.update({ clinicDate: shanghaiDate() }, { where: { scheduleId } });
}

describe('e-ticket: QR code in the mini-program, check-in from the console', () => {
  let chief: string;
  before(async () => {
    chief = await loginAs('chief');
  });

  it('a paid booking has a signed QR ticket only its patient sees; an unpaid one has none', async () => {
    const d = await newDoctor();
    const free = await newSchedule(d.id, { feeFen: 0 });
    const paidLater = await newSchedule(d.id, { feeFen: 2500, period: 'pm', startTime: '13:30', endTime: '17:30' });
    const a = await patient();
    const other = await patient();
    const booked = (await book(a.token, free.id, a.patientId)).body.appointment;
    const t = await call('GET', `/api/mp/appointments/${booked.id}/ticket`, { token: a.token });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.match(t.body.code, /^YT1\.AP\w+\.[\w-]{22}$/);
    assert.ok(t.body.code.includes(booked.no));
    assert.match(t.body.qrDataUrl, /^data:image\/png;base64,/);
    assert.ok(Buffer.from(t.body.qrDataUrl.split(',')[1], 'base64').subarray(1, 4).toString() === 'PNG');
    assert.equal(t.body.checkedInAt, null);
    assert.equal((await call('GET', `/api/mp/appointments/${booked.id}/ticket`, { token: other.token })).status, 404);
    const pending = (await book(a.token, paidLater.id, a.patientId)).body.appointment;
    const none = await call('GET', `/api/mp/appointments/${pending.id}/ticket`, { token: a.token });
    assert.equal(none.status, 409);
    assert.equal(none.body.error.code, 'TICKET_NOT_VALID');
  });

  it('checks a patient in by the scanned or typed code, once; the state shows on both sides', async () => {
    const d = await newDoctor();
    const s = await newSchedule(d.id, { feeFen: 0 });
    const a = await patient();
    const booked = (await book(a.token, s.id, a.patientId)).body.appointment;
    await makeToday(s.id);
    const { code } = (await call('GET', `/api/mp/appointments/${booked.id}/ticket`, { token: a.token })).body;
    // A scanner types the code followed by Enter; surrounding blanks are forgiven.
    const r = await call('POST', '/api/admin/booking/check-in', { token: chief, body: { code: ` ${code}\n` } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.id, booked.id);
    assert.equal(r.body.patientName, '王患者');
    assert.ok(r.body.checkedInAt);
    const seen = (await call('GET', `/api/mp/appointments/${booked.id}`, { token: a.token })).body;
    assert.ok(seen.checkedInAt, 'the patient sees they are checked in');
    const listed = (await call('GET', `/api/admin/booking/appointments?doctorId=${d.id}`, { token: chief })).body;
    assert.ok(listed.items.find((x: { id: number }) => x.id === booked.id).checkedInAt);
    const twice = await call('POST', '/api/admin/booking/check-in', { token: chief, body: { code } });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'ALREADY_CHECKED_IN');
  });

  it('refuses forged, other-day, cancelled and out-of-scope codes with stable codes, writing nothing', async () => {
    const d = await newDoctor();
    const bone = await newDoctor('骨科');
    const today = await newSchedule(d.id, { feeFen: 0 });
    const later = await newSchedule(d.id, { feeFen: 0, date: addDays(shanghaiDate(), 3) });
    const cancelled = await newSchedule(d.id, { feeFen: 0, period: 'pm', startTime: '13:30', endTime: '17:30' });
    const boneToday = await newSchedule(bone.id, { feeFen: 0 });
    const a = await patient();
    const ticket = async (scheduleId: number) => {
      const appt = (await book(a.token, scheduleId, a.patientId)).body.appointment;
      return {
        id: appt.id as number,
        code: (await call('GET', `/api/mp/appointments/${appt.id}/ticket`, { token: a.token })).body.code as string,
      };
    };
    const t = await ticket(today.id);
    const tLater = await ticket(later.id);
    const tCancelled = await ticket(cancelled.id);
    const tBone = await ticket(boneToday.id);
    assert.equal((await call('POST', `/api/mp/appointments/${tCancelled.id}/cancel`, { token: a.token })).status, 200);
    for (const id of [today.id, cancelled.id, boneToday.id]) await makeToday(id);
    const physician = await newDoctor();
    await replaceInitialPassword(physician.username, 'Sunlit-Harbor-42', 'Quiet-Meadow-73');
    const own = (await adminLogin(physician.username, 'Quiet-Meadow-73')).accessToken;

    const forgedSig = t.code.slice(0, -2) + (t.code.endsWith('AA') ? 'BB' : 'AA');
    const otherNo = t.code.replace(/\.AP\w+\./, '.AP20990101xxxxxxxxxxxx.');
    const cases: [string, string, number, string][] = [
      [chief, forgedSig, 422, 'TICKET_INVALID'],
      [chief, otherNo, 422, 'TICKET_INVALID'],
      [chief, 'hello', 422, 'TICKET_INVALID'],
      [chief, tLater.code, 409, 'TICKET_NOT_TODAY'],
      [chief, tCancelled.code, 409, 'TICKET_NOT_VALID'],
      [chief, tBone.code, 403, 'OUT_OF_SCOPE'],
      [own, t.code, 403, 'OUT_OF_SCOPE'], // a physician checks in their own patients only
      [chief, '', 400, 'VALIDATION_FAILED'],
    ];
    const state = () =>
      Appointment.findAll({
        where: { id: [t.id, tLater.id, tCancelled.id, tBone.id] },
        order: [['id', 'ASC']],
        raw: true,
      });
    const before = await state();
    for (const [token, code, status, errorCode] of cases) {
      const r = await call('POST', '/api/admin/booking/check-in', { token, body: { code } });
      assert.equal(r.status, status, `${code}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, errorCode);
    }
    assert.equal(
      (await call('POST', '/api/admin/booking/check-in', { token: a.token, body: { code: t.code } })).status,
      401,
    );
    assert.deepEqual(await state(), before, 'no refusal wrote anything');
    assert.equal(
      (await call('POST', '/api/admin/booking/check-in', { token: chief, body: { code: t.code } })).status,
      200,
    );
  });
});
