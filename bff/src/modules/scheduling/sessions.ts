/** Changes to a running session beyond editing it: 加号 (more numbers for a full session) and 替诊 (a substitute). */
import { tx } from '../../infra';
import type { AdminActor } from '../../http/actor';
import { conflict, unprocessable } from '../../http/errors';
import { User } from '../system/models';
import { Schedule } from './models';
import { MAX_SLOTS } from './schemas';
import {
  checkTimes,
  doctorIds,
  listingsChanged,
  freeNumbersAhead,
  scheduleBookings,
  scheduleChanged,
  scheduleViews,
  scopedSchedule,
} from './service';
import { shanghaiInstant } from '../../shared/time';

/**
 * 加号: `count` more numbers at the end of a full session (its window is shared out again over the larger count;
 * bookings already made keep the times on their tickets). The admission counter is dropped ('recount') so the next
 * request rebuilds it from the database and sees the new seats at once, and the waitlist is offered them first.
 */
export async function addSlots(actor: AdminActor, id: number, count: number) {
  await scopedSchedule(actor, id);
  const s = await tx(async (t) => {
    const s = (await Schedule.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE }))!;
    if (s.status !== 'open') throw conflict('SCHEDULE_STOPPED', '已停诊的排班不能加号');
    if (shanghaiInstant(s.clinicDate, s.endTime).getTime() <= Date.now())
      throw conflict('SESSION_PASSED', '该时段已结束，不能加号');
    // counted from the numbers held (the seat counts alone overcount a session under way)
    const remaining = freeNumbersAhead(s, await scheduleBookings().heldNumbers(s.id), Date.now());
    if (remaining > 0) throw conflict('SESSION_NOT_FULL', '该时段还有号可约，约满后才能加号', { remaining });
    const slotCount = s.slotCount + count;
    if (slotCount > MAX_SLOTS) throw unprocessable('INVALID_SCHEDULE', `号源数不能超过 ${MAX_SLOTS}`);
    const errors = checkTimes({ ...s.get(), slotCount });
    if (errors.length) throw unprocessable('INVALID_SCHEDULE', errors.join('；'));
    await s.update({ slotCount }, { transaction: t });
    return s;
  });
  await scheduleChanged(s, 'recount');
  await scheduleBookings().seatsAdded(s.id);
  return (await scheduleViews([(await Schedule.findByPk(s.id))!]))[0];
}

/**
 * 替诊: instead of calling a session off, a doctor of the same department takes it over; the patients keep their
 * bookings and numbers and are told who will see them (booking's part, see ScheduleBookings.substitute).
 */
export async function substituteSchedule(actor: AdminActor, id: number, input: { doctorId: number; reason: string }) {
  const original = await scopedSchedule(actor, id);
  const sub = await User.findByPk(input.doctorId);
  if (!sub || sub.status !== 'active' || !(await doctorIds()).has(sub.id))
    throw unprocessable('INVALID_DOCTOR', '所选替诊医生不存在或未启用');
  if (sub.id === original.doctorId) throw unprocessable('SUBSTITUTE_INVALID', '替诊医生不能是本排班的医生');
  if (sub.deptId !== original.deptId) throw unprocessable('SUBSTITUTE_INVALID', '替诊医生须与原医生同一科室');
  const { schedule, kept } = await scheduleBookings().substitute(actor, id, input);
  await scheduleChanged(schedule);
  await listingsChanged({ doctorId: original.doctorId, deptId: original.deptId });
  return { schedule: (await scheduleViews([schedule]))[0], kept };
}
