/** 替诊, booking's part: the session and every live booking on it go to the substitute, in one transaction. */
import { Op } from 'sequelize';
import { infra, tx } from '../../infra';
import type { AdminActor } from '../../http/actor';
import { conflict } from '../../http/errors';
import { User } from '../system/models';
import { Schedule } from '../scheduling/models';
import { PERIOD_LABEL } from '../../shared/clinic';
import { chinaDay, shanghaiInstant } from '../../shared/time';
import { Appointment, HOLDING } from './models';
import { notify } from './notices';

export async function substituteSchedule(
  actor: AdminActor,
  scheduleId: number,
  input: { doctorId: number; reason: string },
) {
  const [fromDoctor, toDoctor] = await Promise.all([
    Schedule.findByPk(scheduleId, { attributes: ['doctorId'] }).then((s) => User.findByPk(s!.doctorId)),
    User.findByPk(input.doctorId),
  ]);
  let result: { schedule: Schedule; appointments: Appointment[] };
  try {
    result = await tx(async (t) => {
      const s = (await Schedule.findByPk(scheduleId, { transaction: t, lock: t.LOCK.UPDATE }))!;
      if (s.status !== 'open') throw conflict('SCHEDULE_STOPPED', '该排班已停诊，不能安排替诊');
      if (shanghaiInstant(s.clinicDate, s.endTime).getTime() <= Date.now())
        throw conflict('SESSION_PASSED', '该时段已结束，不能安排替诊');
      if (s.doctorId !== fromDoctor?.id) throw conflict('CONFLICT', '排班刚被修改，请刷新后重试');
      const busy = await Schedule.findOne({
        where: { doctorId: input.doctorId, clinicDate: s.clinicDate, period: s.period, id: { [Op.ne]: s.id } },
        transaction: t,
      });
      if (busy) throw conflict('SCHEDULE_EXISTS', '替诊医生在该时段已有自己的排班');
      await s.update(
        { doctorId: input.doctorId, substituteFor: s.substituteFor ?? s.doctorId, substituteReason: input.reason },
        { transaction: t },
      );
      const appointments = await Appointment.findAll({
        where: { scheduleId, status: HOLDING },
        transaction: t,
      });
      await Appointment.update(
        { doctorId: input.doctorId },
        { where: { id: appointments.map((a) => a.id) }, transaction: t },
      );
      return { schedule: s, appointments };
    });
  } catch (err) {
    // The (doctor, day, period) unique index is the last word when two substitutions race.
    if ((err as Error).name === 'SequelizeUniqueConstraintError')
      throw conflict('SCHEDULE_EXISTS', '替诊医生在该时段已有自己的排班');
    throw err;
  }
  const { schedule: s, appointments } = result;
  infra().log.info({ scheduleId, by: actor.userId, kept: appointments.length }, 'session handed to a substitute');
  for (const a of appointments) {
    await notify(
      a.userId,
      '替诊通知',
      `您预约的 ${chinaDay(s.clinicDate)} ${PERIOD_LABEL[s.period]}${fromDoctor?.name ?? ''}医生门诊因“${input.reason}”改由${toDoctor?.name ?? ''}医生替诊，您的预约和就诊序号不变，无需重新挂号。`,
      undefined,
      a.id,
    ).catch((err) => infra().log.error({ err, appointmentId: a.id }, 'substitute notice failed'));
  }
  return { schedule: s, kept: appointments.length };
}
