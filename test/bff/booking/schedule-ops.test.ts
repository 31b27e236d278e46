import assert from 'node:assert/strict';
import { adminLogin, call, loginAs, replaceInitialPassword } from '../../support/api';
import { admin, newDoctor, newSchedule, patient } from '../../support/booking';
import { Appointment, WaitlistEntry } from '../../../bff/src/modules/booking/models';
import { Schedule, ScheduleTemplate } from '../../../bff/src/modules/scheduling/models';
import { addDays, mondayOf, shanghaiDate, shanghaiInstant, shanghaiParts } from '../../../bff/src/shared/time';

const book = (token: string, scheduleId: number, patientId: number) =>
  call('POST', '/api/mp/appointments', { token, body: { scheduleId, patientId } });
const snapshot = async (scheduleId: number) => ({
  schedule: (await Schedule.findByPk(scheduleId, { raw: true }))!,
  appointments: await Appointment.findAll({ where: { scheduleId }, order: [['id', 'ASC']], raw: true }),
});

/** A physician of their own (self data scope) who has set their password and logged in. */
async function physicianLogin(dept = '心血管内科') {
  const d = await newDoctor(dept);
  await replaceInitialPassword(d.username, 'Sunlit-Harbor-42', 'Quiet-Meadow-73');
  return { ...d, token: (await adminLogin(d.username, 'Quiet-Meadow-73')).accessToken };
}

describe('scheduling: 加号 (more numbers for a full session)', () => {
  let chief: string;
  let deptadmin: string;
  before(async () => {
    chief = await loginAs('chief');
    deptadmin = await loginAs('deptadmin');
  });

  it('adds numbers to a session under way whose numbers ahead are all taken, though earlier ones went unbooked', async function () {
    // 4 half-hour numbers from the hour before the clock: 1 and 2 have begun unbooked, 3 and 4 are ahead
    // minutes since the epoch, on a 5-minute step: number 3 begins 5–10 minutes from now, whatever the test's pace
    const minute = Math.ceil((Date.now() + 300_000) / 300_000) * 5 - 60;
    const start = shanghaiParts(minute * 60_000);
    const end = shanghaiParts((minute + 120) * 60_000);
    if (start.date !== shanghaiDate() || end.date !== shanghaiDate()) this.skip(); // can't straddle midnight
    const d = await newDoctor();
    const s = await newSchedule(d.id, {
      date: start.date,
      startTime: start.time,
      endTime: end.time,
      slotCount: 4,
      feeFen: 0,
    });
    const [a, b] = [await patient(), await patient()];
    const taken = [];
    for (const p of [a, b]) {
      const r = await book(p.token, s.id, p.patientId);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      taken.push(r.body.appointment.seqNo);
    }
    assert.deepEqual(taken, [3, 4]);
    // full for anyone booking now (the seat counts alone say two are left)
    const late = await patient();
    assert.equal((await book(late.token, s.id, late.patientId)).body.error.code, 'SLOT_FULL');
    const added = await call('POST', `/api/admin/scheduling/schedules/${s.id}/add-slots`, {
      token: chief,
      body: { count: 1 },
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(added.body.slotCount, 5);
  });

  it('adds numbers to a full session; the admission counter learns of them at once, the waitlist is offered first', async () => {
    const d = await newDoctor();
    const s = await newSchedule(d.id, { slotCount: 1, feeFen: 0 });
    const [a, b, c] = [await patient(), await patient(), await patient()];
    assert.equal((await book(a.token, s.id, a.patientId)).status, 201);
    // The counter now says full: B is refused without the database.
    const refused = await book(b.token, s.id, b.patientId);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'SLOT_FULL');
    const wait = await call('POST', '/api/mp/waitlist', {
      token: c.token,
      body: { scheduleId: s.id, patientId: c.patientId },
    });
    assert.equal(wait.status, 201, JSON.stringify(wait.body));

    const added = await call('POST', `/api/admin/scheduling/schedules/${s.id}/add-slots`, {
      token: chief,
      body: { count: 2 },
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(added.body.slotCount, 3);
    // The waitlisted patient got the first added number …
    const offered = await WaitlistEntry.findByPk(wait.body.id);
    assert.equal(offered!.status, 'offered');
    // … and B, refused a moment ago by the counter, now books the other one (a counter not told would still say full).
    const again = await book(b.token, s.id, b.patientId);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.body.appointment.seqNo, 3);
    assert.equal((await Schedule.findByPk(s.id))!.bookedCount, 3);
  });

  it('a physician adds numbers to their own session only; every refusal changes nothing', async () => {
    const me = await physicianLogin();
    const other = await newDoctor();
    const bone = await newDoctor('骨科');
    const mine = await newSchedule(me.id, { slotCount: 1, feeFen: 0 });
    const theirs = await newSchedule(other.id, { slotCount: 1, feeFen: 0 });
    const boneSession = await newSchedule(bone.id, { slotCount: 1, feeFen: 0 });
    for (const id of [mine.id, theirs.id, boneSession.id]) {
      const p = await patient();
      assert.equal((await book(p.token, id, p.patientId)).status, 201);
    }
    const attempts: [string, number, unknown, number, string][] = [
      [me.token, theirs.id, { count: 1 }, 404, 'NOT_FOUND'], // another doctor's session: not in a self scope
      [deptadmin, boneSession.id, { count: 1 }, 404, 'NOT_FOUND'], // 骨科 is not under 内科
      [chief, boneSession.id, { count: 1 }, 404, 'NOT_FOUND'],
      [me.token, mine.id, { count: 0 }, 400, 'VALIDATION_FAILED'],
      [me.token, mine.id, { count: 51 }, 400, 'VALIDATION_FAILED'],
      [me.token, mine.id, { count: 1, extra: true }, 400, 'VALIDATION_FAILED'],
      [me.token, mine.id, { count: 300 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [token, id, body, status, code] of attempts) {
      const before = await snapshot(id);
      const r = await call('POST', `/api/admin/scheduling/schedules/${id}/add-slots`, { token, body });
      assert.equal(r.status, status, `${id} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
      assert.deepEqual(await snapshot(id), before, 'nothing changed');
    }
    const ok = await call('POST', `/api/admin/scheduling/schedules/${mine.id}/add-slots`, {
      token: me.token,
      body: { count: 1 },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.slotCount, 2);
  });

  it('refuses a session with numbers left, a stopped one, one that ended, and more than its window holds', async () => {
    const d = await newDoctor();
    const open = await newSchedule(d.id, { slotCount: 2, feeFen: 0 });
    const tight = await newSchedule(d.id, {
      slotCount: 2,
      feeFen: 0,
      period: 'pm',
      startTime: '13:00',
      endTime: '13:02',
    });
    const stopped = await newSchedule(d.id, {
      slotCount: 1,
      feeFen: 0,
      period: 'eve',
      startTime: '18:00',
      endTime: '21:00',
    });
    for (const id of [tight.id, tight.id, stopped.id]) {
      const p = await patient();
      assert.equal((await book(p.token, id, p.patientId)).status, 201);
    }
    await call('POST', `/api/admin/scheduling/schedules/${stopped.id}/stop`, {
      token: chief,
      body: { reason: '临时会诊' },
    });
    // A session that has ended today (written directly: the API never creates one in the past).
    const ended = await Schedule.create({
      doctorId: d.id,
      deptId: d.deptId,
      clinicDate: addDays(shanghaiDate(), -1),
      period: 'am',
      startTime: '08:00',
      endTime: '12:00',
      slotCount: 1,
      bookedCount: 1,
      feeFen: 0,
      releaseAt: shanghaiInstant(addDays(shanghaiDate(), -8), '08:00'),
      location: null,
      createdBy: null,
    });
    const cases: [number, number, number, string][] = [
      [open.id, 1, 409, 'SESSION_NOT_FULL'],
      [stopped.id, 1, 409, 'SCHEDULE_STOPPED'],
      [ended.id, 1, 409, 'SESSION_PASSED'],
      [tight.id, 1, 422, 'INVALID_SCHEDULE'], // 3 numbers in 2 minutes
    ];
    for (const [id, count, status, code] of cases) {
      const before = await snapshot(id);
      const r = await call('POST', `/api/admin/scheduling/schedules/${id}/add-slots`, {
        token: chief,
        body: { count },
      });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
      assert.deepEqual(await snapshot(id), before);
    }
  });
});

describe('scheduling: 替诊 (a substitute keeps the bookings)', () => {
  let chief: string;
  before(async () => {
    chief = await loginAs('chief');
  });

  it('hands the session and its bookings to a doctor of the same department and tells the patients', async () => {
    const x = await newDoctor('心血管内科', '原医生甲');
    const y = await newDoctor('心血管内科', '替诊医生乙');
    const s = await newSchedule(x.id, { slotCount: 5, feeFen: 0 });
    const [p1, p2] = [await patient(), await patient()];
    const b1 = await book(p1.token, s.id, p1.patientId);
    const b2 = await book(p2.token, s.id, p2.patientId);
    const r = await call('POST', `/api/admin/scheduling/schedules/${s.id}/substitute`, {
      token: chief,
      body: { doctorId: y.id, reason: '外出会诊' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.kept, 2);
    assert.equal(r.body.schedule.doctorId, y.id);
    assert.equal(r.body.schedule.doctorName, '替诊医生乙');
    assert.equal(r.body.schedule.substituteForName, '原医生甲');
    assert.equal(r.body.schedule.status, 'open');
    for (const [p, b] of [
      [p1, b1],
      [p2, b2],
    ] as const) {
      const mine = await call('GET', `/api/mp/appointments/${b.body.appointment.id}`, { token: p.token });
      assert.equal(mine.body.status, 'booked', 'the booking stands');
      assert.equal(mine.body.seqNo, b.body.appointment.seqNo, 'with its number');
      assert.equal(mine.body.doctorName, '替诊医生乙');
      const notices = (await call('GET', '/api/mp/notices', { token: p.token })).body.items as {
        title: string;
        content: string;
      }[];
      const n = notices.find((x) => x.title === '替诊通知');
      assert.ok(n, 'the patient is told');
      assert.match(n.content, /原医生甲.*替诊医生乙/);
    }
    // The patients' listings follow: the session is the substitute's now.
    const ySessions = (await call('GET', `/api/mp/booking/doctors/${y.id}/schedules`, { token: p1.token })).body;
    assert.ok(ySessions.some((v: { id: number }) => v.id === s.id));
    const xSessions = (await call('GET', `/api/mp/booking/doctors/${x.id}/schedules`, { token: p1.token })).body;
    assert.ok(!xSessions.some((v: { id: number }) => v.id === s.id));
  });

  it('refuses another department, the same doctor, a busy substitute, a stopped session, no permission, out of scope — changing nothing', async () => {
    const x = await newDoctor();
    const y = await newDoctor();
    const bone = await newDoctor('骨科');
    const boneToo = await newDoctor('骨科');
    const s = await newSchedule(x.id, { slotCount: 5, feeFen: 0 });
    await newSchedule(y.id, { slotCount: 5, feeFen: 0, period: 'am' }); // y is busy at that very time
    const free = await newDoctor();
    const stopped = await newSchedule(x.id, {
      slotCount: 5,
      feeFen: 0,
      period: 'pm',
      startTime: '13:30',
      endTime: '17:30',
    });
    await call('POST', `/api/admin/scheduling/schedules/${stopped.id}/stop`, {
      token: chief,
      body: { reason: '临时会诊' },
    });
    const boneSession = await newSchedule(bone.id, { slotCount: 5, feeFen: 0 });
    const p = await patient();
    assert.equal((await book(p.token, s.id, p.patientId)).status, 201);
    const physician = await physicianLogin();
    const cases: [string, number, unknown, number, string][] = [
      [chief, s.id, { doctorId: bone.id, reason: '外出会诊' }, 422, 'SUBSTITUTE_INVALID'],
      [chief, s.id, { doctorId: x.id, reason: '外出会诊' }, 422, 'SUBSTITUTE_INVALID'],
      [chief, s.id, { doctorId: 999999, reason: '外出会诊' }, 422, 'INVALID_DOCTOR'],
      [chief, s.id, { doctorId: y.id, reason: '外出会诊' }, 409, 'SCHEDULE_EXISTS'],
      [chief, s.id, { doctorId: free.id }, 400, 'VALIDATION_FAILED'],
      [chief, stopped.id, { doctorId: free.id, reason: '外出会诊' }, 409, 'SCHEDULE_STOPPED'],
      [physician.token, s.id, { doctorId: free.id, reason: '外出会诊' }, 403, 'FORBIDDEN'],
      [chief, boneSession.id, { doctorId: boneToo.id, reason: '外出会诊' }, 404, 'NOT_FOUND'],
    ];
    for (const [token, id, body, status, code] of cases) {
      const before = await snapshot(id);
      const r = await call('POST', `/api/admin/scheduling/schedules/${id}/substitute`, { token, body });
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
      assert.deepEqual(await snapshot(id), before, 'nothing changed');
    }
  });
});

describe('scheduling: weekly templates and copy a week (through the import preview)', () => {
  let chief: string;
  let deptadmin: string;
  before(async () => {
    chief = await loginAs('chief');
    deptadmin = await loginAs('deptadmin');
  });

  const row = (doctorId: number, weekday: number, period = 'am') => ({
    doctorId,
    weekday,
    period,
    startTime: period === 'am' ? '08:00' : '13:30',
    endTime: period === 'am' ? '12:00' : '17:30',
    slotCount: 20,
    feeFen: 2500,
    releaseDaysBefore: 7,
    releaseTime: '08:00',
    location: '门诊楼 2 层',
  });

  it('keeps a weekly template per doctor, refusing bad rows, duplicates and doctors out of scope', async () => {
    const d = await newDoctor();
    const bone = await newDoctor('骨科');
    const physician = await physicianLogin();
    const created = await call('POST', '/api/admin/scheduling/templates', { token: chief, body: row(d.id, 1) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.weekdayLabel, '周一');
    const count = () => ScheduleTemplate.count();
    const n = await count();
    const cases: [string, unknown, number, string][] = [
      [chief, row(d.id, 1), 409, 'TEMPLATE_EXISTS'],
      [chief, { ...row(d.id, 8) }, 400, 'VALIDATION_FAILED'],
      [chief, { ...row(d.id, 2), startTime: '12:00', endTime: '08:00' }, 422, 'INVALID_SCHEDULE'],
      [chief, row(bone.id, 2), 403, 'OUT_OF_SCOPE'],
      [deptadmin, row(bone.id, 2), 403, 'OUT_OF_SCOPE'],
      [physician.token, row(physician.id, 2), 403, 'FORBIDDEN'],
    ];
    for (const [token, body, status, code] of cases) {
      const r = await call('POST', '/api/admin/scheduling/templates', { token, body });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
      assert.equal(await count(), n, 'nothing written');
    }
    const boneRow = await call('POST', '/api/admin/scheduling/templates', {
      token: await admin(),
      body: row(bone.id, 3),
    });
    assert.equal(boneRow.status, 201);
    // Reads, edits and deletes stay inside the data scope.
    const listed = (await call('GET', '/api/admin/scheduling/templates', { token: chief })).body as { id: number }[];
    assert.ok(listed.some((t) => t.id === created.body.id));
    assert.ok(!listed.some((t) => t.id === boneRow.body.id));
    assert.equal(
      (
        await call('PUT', `/api/admin/scheduling/templates/${boneRow.body.id}`, {
          token: chief,
          body: { slotCount: 5 },
        })
      ).status,
      404,
    );
    assert.equal(
      (await call('DELETE', `/api/admin/scheduling/templates/${boneRow.body.id}`, { token: chief })).status,
      404,
    );
    assert.equal((await ScheduleTemplate.findByPk(boneRow.body.id))!.slotCount, 20);
    const edited = await call('PUT', `/api/admin/scheduling/templates/${created.body.id}`, {
      token: chief,
      body: { slotCount: 12 },
    });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.slotCount, 12);
  });

  it('applies the template to a week and copies that week to the next: preview with the row report, then the import commit', async () => {
    const d = await newDoctor();
    for (const [wd, p] of [
      [1, 'am'],
      [3, 'pm'],
      [5, 'am'],
    ] as const) {
      assert.equal(
        (await call('POST', '/api/admin/scheduling/templates', { token: chief, body: row(d.id, wd, p) })).status,
        201,
      );
    }
    const week = mondayOf(addDays(shanghaiDate(), 14));
    const preview = await call('POST', '/api/admin/scheduling/templates/preview-week', {
      token: chief,
      body: { week: addDays(week, 2), doctorId: d.id },
    });
    assert.equal(preview.status, 201, JSON.stringify(preview.body));
    assert.equal(preview.body.total, 3);
    assert.equal(preview.body.toCreate, 3);
    assert.equal(await Schedule.count({ where: { doctorId: d.id } }), 0, 'a preview writes nothing');
    const commit = await call('POST', `/api/admin/scheduling/imports/${preview.body.previewId}/commit`, {
      token: chief,
    });
    assert.deepEqual(commit.body, { created: 3, unchanged: 0 });
    const made = await Schedule.findAll({ where: { doctorId: d.id }, order: [['clinicDate', 'ASC']] });
    assert.deepEqual(
      made.map((s) => [s.clinicDate, s.period, s.startTime, s.slotCount]),
      [
        [week, 'am', '08:00', 20],
        [addDays(week, 2), 'pm', '13:30', 20],
        [addDays(week, 4), 'am', '08:00', 20],
      ],
    );
    assert.equal(made[0].releaseAt.getTime(), shanghaiInstant(addDays(week, -7), '08:00').getTime());

    // Copy that week to the next: the same sessions a week later, release times a week later too.
    const copy = await call('POST', '/api/admin/scheduling/copy-week', {
      token: chief,
      body: { from: week, doctorId: d.id },
    });
    assert.equal(copy.status, 201, JSON.stringify(copy.body));
    assert.equal(copy.body.toCreate, 3);
    // A clash in the target week shows in the row report, and only the other rows are committed.
    await newSchedule(d.id, { date: addDays(week, 11), period: 'am', slotCount: 3 });
    const clash = await call('POST', '/api/admin/scheduling/copy-week', {
      token: chief,
      body: { from: week, doctorId: d.id },
    });
    assert.equal(clash.body.invalid, 1);
    assert.match(clash.body.rows[0].errors.join(), /已有排班冲突/);
    const done = await call('POST', `/api/admin/scheduling/imports/${clash.body.previewId}/commit`, { token: chief });
    assert.deepEqual(done.body, { created: 2, unchanged: 0 });
    const next = await Schedule.findOne({ where: { doctorId: d.id, clinicDate: addDays(week, 9) } });
    assert.equal(next!.releaseAt.getTime(), made[1].releaseAt.getTime() + 7 * 86400_000);
    // Someone else's preview can't be committed.
    const again = await call('POST', '/api/admin/scheduling/copy-week', {
      token: chief,
      body: { from: week, doctorId: d.id },
    });
    assert.equal(
      (await call('POST', `/api/admin/scheduling/imports/${again.body.previewId}/commit`, { token: deptadmin })).status,
      404,
    );
  });

  it('refuses an empty source, the same week, and another department’s doctors (out of scope is simply not there)', async () => {
    const d = await newDoctor();
    const bone = await newDoctor('骨科');
    const week = mondayOf(addDays(shanghaiDate(), 28));
    await newSchedule(bone.id, { date: week });
    const physician = await physicianLogin();
    const cases: [string, string, unknown, number, string][] = [
      [chief, '/copy-week', { from: week, doctorId: d.id }, 422, 'WEEK_EMPTY'],
      [chief, '/copy-week', { from: week, doctorId: bone.id }, 422, 'WEEK_EMPTY'],
      [chief, '/copy-week', { from: week, to: addDays(week, 3) }, 422, 'SAME_WEEK'],
      [chief, '/copy-week', { from: 'next monday' }, 400, 'VALIDATION_FAILED'],
      [chief, '/templates/preview-week', { week, doctorId: d.id }, 422, 'TEMPLATE_EMPTY'],
      [physician.token, '/copy-week', { from: week }, 403, 'FORBIDDEN'],
    ];
    const n = await Schedule.count();
    for (const [token, path, body, status, code] of cases) {
      const r = await call('POST', `/api/admin/scheduling${path}`, { token, body });
      assert.equal(r.status, status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
    }
    assert.equal(await Schedule.count(), n);
  });
});
