/**
 * 替诊, booking's part: the session and every live booking on it go to the substitute, in one transaction.
 *
 * The fee follows the doctor who sees the patient: when the substitute has a 号别, the session costs that 号别's
 * fee from now on (new bookings pay it). Patients already booked keep the price they paid and are told; if the
 * substitute's fee is lower, the difference goes back to those who paid, through payment's part refund — keyed by
 * the new fee, so repeating it refunds nothing twice, and a second, still cheaper substitute refunds only the rest.
 * A higher fee is never charged to someone already booked.
 */
import { Op } from 'sequelize';
import { infra, tx } from '../../infra';
import type { AdminActor } from '../../http/actor';
import { conflict } from '../../http/errors';
import { User } from '../system/models';
import { Schedule } from '../scheduling/models';
import { levelFeeOf } from '../scheduling/levels';
import { PayOrder, PayRefund } from '../payment/models';
import { refundPart } from '../payment/service';
import { PERIOD_LABEL } from '../../shared/clinic';
import { chinaDay, shanghaiInstant } from '../../shared/time';
import { Appointment, HOLDING } from './models';
import { notify } from './notices';
import { lockSessionAppointments } from './service';

export async function substituteSchedule(
  actor: AdminActor,
  scheduleId: number,
  input: { doctorId: number; reason: string },
) {
  const [fromDoctor, toDoctor, subFee] = await Promise.all([
    Schedule.findByPk(scheduleId, { attributes: ['doctorId'] }).then((s) => User.findByPk(s!.doctorId)),
    User.findByPk(input.doctorId),
    levelFeeOf(input.doctorId),
  ]);
  let result: { schedule: Schedule; appointments: Appointment[] };
  try {
    result = await tx(
      async (t) => {
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
          {
            doctorId: input.doctorId,
            substituteFor: s.substituteFor ?? s.doctorId,
            substituteReason: input.reason,
            ...(subFee !== null ? { feeFen: subFee } : {}),
          },
          { transaction: t },
        );
        // a locking read: a booking still being inserted is waited for and moved too (service's bookInOneStatement)
        const appointments = (await lockSessionAppointments(scheduleId, t)).filter((a) => HOLDING.includes(a.status));
        await Appointment.update(
          { doctorId: input.doctorId },
          { where: { id: appointments.map((a) => a.id) }, transaction: t },
        );
        return { schedule: s, appointments };
      },
      { repeatableRead: true },
    );
  } catch (err) {
    // The (doctor, day, period) unique index is the last word when two substitutions race.
    if ((err as Error).name === 'SequelizeUniqueConstraintError')
      throw conflict('SCHEDULE_EXISTS', '替诊医生在该时段已有自己的排班');
    throw err;
  }
  const { schedule: s, appointments } = result;
  infra().log.info({ scheduleId, by: actor.userId, kept: appointments.length }, 'session handed to a substitute');
  let refunded = 0;
  for (const a of appointments) {
    const back = await refundDifference(a, subFee);
    if (back > 0) refunded++;
    const fee =
      back > 0
        ? `替诊医生的挂号费为 ${yuan(subFee!)} 元，差价 ${yuan(back)} 元将原路退回。`
        : subFee !== null && subFee > a.feeFen
          ? `您的挂号费仍按已付的 ${yuan(a.feeFen)} 元计，无需补交。`
          : '';
    await notify(
      a.userId,
      '替诊通知',
      `您预约的 ${chinaDay(s.clinicDate)} ${PERIOD_LABEL[s.period]}${fromDoctor?.name ?? ''}医生门诊因“${input.reason}”改由${toDoctor?.name ?? ''}医生替诊，您的预约和就诊序号不变，无需重新挂号。${fee}`,
      undefined,
      a.id,
    ).catch((err) => infra().log.error({ err, appointmentId: a.id }, 'substitute notice failed'));
  }
  return { schedule: s, kept: appointments.length, refunded };
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * What a paid booking gets back when its session now costs `fee`: the price paid less the new fee less any
 * difference refunded before (an earlier substitute). 0 when nothing is owed, the booking is unpaid, or the
 * refund could not be started (logged; the refund, once created, is finished by payment's reconciliation).
 */
async function refundDifference(a: Appointment, fee: number | null): Promise<number> {
  if (fee === null || a.status !== 'booked' || a.paidOrderId == null || fee >= a.feeFen) return 0;
  const order = await PayOrder.findByPk(a.paidOrderId);
  if (!order) return 0;
  const before = await PayRefund.sum('amountFen', {
    where: {
      orderId: order.id,
      status: ['processing', 'success'],
      outRefundNo: { [Op.like]: `${order.outTradeNo}P%` },
    },
  });
  const owed = Math.min(a.feeFen, order.amountFen) - fee - (before || 0);
  if (owed < 1) return 0;
  try {
    await refundPart(order, owed, `sub${fee}`, '替诊医生挂号费较低，退还差价');
    return owed;
  } catch (err) {
    infra().log.error({ err, appointmentId: a.id }, 'substitute fee difference refund failed');
    return 0;
  }
}
