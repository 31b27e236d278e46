/** 我的预约 › 待就诊 lists the soonest visit first (issue 15, defect 7); 已完成 / 已取消 keep the latest first. */
import assert from 'node:assert/strict';
import { call } from '../../support/api';
import { newDoctor, newSchedule, patient } from '../../support/booking';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { infra } from '../../../bff/src/infra';

describe('booking: 我的预约 order', () => {
  it('待就诊 soonest first: tomorrow morning, tomorrow evening, later, and a past day never marked last', async () => {
    const doctor = await newDoctor();
    const day = (n: number) => addDays(shanghaiDate(), n);
    // free sessions (booked at once), created and booked latest-first so id order can't pass for date order
    const later = await newSchedule(doctor.id, { date: day(3), feeFen: 0 });
    const eve = await newSchedule(doctor.id, {
      date: day(1),
      period: 'eve',
      startTime: '18:00',
      endTime: '20:00',
      feeFen: 0,
    });
    const morning = await newSchedule(doctor.id, { date: day(1), period: 'am', feeFen: 0 });
    const stale = await newSchedule(doctor.id, { date: day(2), period: 'pm', feeFen: 0 });
    const p = await patient();
    for (const s of [later, eve, morning, stale]) {
      const r = await call('POST', '/api/mp/appointments', {
        token: p.token,
        body: { scheduleId: s.id, patientId: p.patientId },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.appointment.status, 'booked');
    }
    // a visit of a past day nobody marked visited (set up directly: the API books no past session) goes last
    await Appointment.update({ clinicDate: day(-1) }, { where: { scheduleId: stale.id } });
    const upcoming = (await call('GET', '/api/mp/appointments?status=upcoming', { token: p.token })).body.items as {
      scheduleId: number;
    }[];
    assert.deepEqual(
      upcoming.map((a) => a.scheduleId),
      [morning.id, eve.id, later.id, stale.id],
    );
  });

  it('a page of 我的预约 reads its names with the appointments in one statement, each name right', async () => {
    const doctor = await newDoctor();
    const p = await patient();
    for (const n of [1, 2, 3]) {
      const s = await newSchedule(doctor.id, { date: addDays(shanghaiDate(), n), feeFen: 0 });
      const r = await call('POST', '/api/mp/appointments', {
        token: p.token,
        body: { scheduleId: s.id, patientId: p.patientId },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    // the statements that read a name from another table (schedule, member, doctor, title, department)
    const lookups: string[] = [];
    const seen = (_: unknown, q: { sql?: string }) => {
      if (/\b(FROM|JOIN) `?(schedule|mp_patient|sys_user|sys_dept|sys_post)`?\b/.test(q.sql ?? ''))
        lookups.push(q.sql!);
    };
    infra().sequelize.addHook('afterQuery', 'count-name-lookups', seen as never);
    let page;
    try {
      page = await call('GET', '/api/mp/appointments?status=upcoming&pageSize=10', { token: p.token });
    } finally {
      infra().sequelize.removeHook('afterQuery', 'count-name-lookups');
    }
    assert.equal(page.status, 200, JSON.stringify(page.body));
    const items = page.body.items as { doctorName: string; deptName: string; patientName: string }[];
    assert.equal(items.length, 3);
    for (const a of items) {
      assert.equal(a.doctorName, '测试医生');
      assert.equal(a.deptName, '心血管内科');
      assert.equal(a.patientName, '王患者');
    }
    // one statement names them all (five lookups before)
    assert.equal(lookups.length, 1, lookups.join('\n'));
  });
});
