/** 我的预约 › 待就诊 lists the soonest visit first (issue 15, defect 7); 已完成 / 已取消 keep the latest first. */
import assert from 'node:assert/strict';
import { call } from '../../support/api';
import { newDoctor, newSchedule, patient } from '../../support/booking';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';
import { Appointment } from '../../../bff/src/modules/booking/models';

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
});
