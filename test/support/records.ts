/** Fixtures for the records tests: physicians who can log in, and booked appointments for today (setup only). */
import crypto from 'node:crypto';
import { adminLogin, replaceInitialPassword, unique } from './api';
import { newDoctor, patient } from './booking';
import { Schedule } from '../../bff/src/modules/scheduling/models';
import { Appointment } from '../../bff/src/modules/booking/models';
import { shanghaiDate } from '../../bff/src/shared/time';

const INITIAL = 'Sunlit-Harbor-42';
const CHOSEN = 'Quiet-Meadow-7315';

/** A new physician (in `dept`) with their own password, logged in. */
export async function physician(dept = '心血管内科') {
  const d = await newDoctor(dept);
  await replaceInitialPassword(d.username, INITIAL, CHOSEN);
  const { accessToken } = await adminLogin(d.username, CHOSEN);
  return { ...d, token: accessToken };
}

/** Today's session of a doctor (created directly: the console refuses sessions that have already started). */
export async function todaySession(doctor: { id: number; deptId: number }, period: 'am' | 'pm' | 'eve' = 'am') {
  return Schedule.create({
    doctorId: doctor.id,
    deptId: doctor.deptId,
    clinicDate: shanghaiDate(),
    period,
    startTime: '08:00',
    endTime: '12:00',
    slotCount: 20,
    feeFen: 2500,
    releaseAt: new Date(Date.now() - 86400_000),
    location: '门诊楼 2 层',
    createdBy: null,
  });
}

/** A paid booking with the doctor today (status booked), number `seqNo`. */
export async function bookedToday(
  doctor: { id: number; deptId: number },
  who: { userId: number; patientId: number },
  seqNo: number,
  schedule?: Schedule,
) {
  const s =
    schedule ??
    (await Schedule.findOne({ where: { doctorId: doctor.id, clinicDate: shanghaiDate(), period: 'am' } })) ??
    (await todaySession(doctor));
  return Appointment.create({
    no: unique('RT') + crypto.randomBytes(2).toString('hex'),
    userId: who.userId,
    patientId: who.patientId,
    scheduleId: s.id,
    doctorId: doctor.id,
    deptId: doctor.deptId,
    seqNo,
    activeSeq: seqNo,
    activePerson: null,
    clinicDate: s.clinicDate,
    period: s.period,
    windowStart: '08:00',
    windowEnd: '08:12',
    feeFen: s.feeFen,
    status: 'booked',
    holdExpiresAt: null,
    paidAt: new Date(),
  });
}

export { patient };
