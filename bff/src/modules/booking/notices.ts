import { Op, QueryTypes, type Transaction } from 'sequelize';
import { infra } from '../../infra';
import { Dept, User } from '../system/models';
import { Patient } from '../patient/models';
import { PERIOD_LABEL } from '../../shared/clinic';
import { addDays, chinaDay, shanghaiDate, shanghaiParts } from '../../shared/time';
import { notify as notifyPatient, templateId, type NoticeMessage } from '../../kernel/notifications';
import type { PayOrder, PayRefund } from '../payment/models';
import { refundFailedText, refundRoute } from '../payment/payout';
import { Appointment } from './models';

/** The names a notice about an appointment gives: the family member, the doctor and the department. */
export interface Names {
  patient: string;
  doctor: string;
  dept: string;
}

/** Who a notice about an appointment is for and with whom: every message names the patient and the doctor. */
async function whoOf(appointmentId: number, t?: Transaction) {
  const a = await Appointment.findByPk(appointmentId, { transaction: t });
  if (!a) return null;
  const [patient, doctor, dept] = await Promise.all([
    Patient.findByPk(a.patientId, { attributes: ['name'], paranoid: false, transaction: t }),
    User.findByPk(a.doctorId, { attributes: ['name'], transaction: t }),
    Dept.findByPk(a.deptId, { attributes: ['name'], transaction: t }),
  ]);
  return { a, patient: patient?.name ?? '', doctor: doctor?.name ?? '', dept: dept?.name ?? '' };
}

/**
 * Tells a patient about their appointment: a notice in 我的消息 linked to it (`pay`: linked as 去支付, for a hold
 * waiting for payment), naming the family member and the doctor, and a WeChat subscribe message (template
 * APPOINTMENT) when they accepted one — the mini-program asks right after a booking.
 */
export async function notify(
  userId: number,
  title: string,
  content: string,
  t?: Transaction,
  appointmentId?: number,
  opts: { pay?: boolean; inAppOnly?: boolean; who?: Names } = {},
) {
  const who = appointmentId ? (opts.who ?? (await whoOf(appointmentId, t))) : null;
  await notifyPatient(userId, messageOf(title, content, appointmentId, { ...opts, who }), { transaction: t });
}

/** The message `notify` sends, with the names already at hand. */
function messageOf(
  title: string,
  content: string,
  appointmentId: number | undefined,
  opts: { pay?: boolean; inAppOnly?: boolean; who?: Names | null },
): NoticeMessage {
  const names = opts.who ? `就诊人：${opts.who.patient}；医生：${opts.who.dept} ${opts.who.doctor}。` : '';
  return {
    title,
    content: names + content,
    link: appointmentId ? { type: opts.pay ? 'appointment_pay' : 'appointment', id: appointmentId } : undefined,
    // what the patient just did themselves (booked, paid, cancelled) is told in the app only: each acceptance of
    // the subscribe dialog allows one WeChat message, kept for what they don't see coming (停诊, 候补, reminder)
    template: opts.inAppOnly
      ? undefined
      : {
          id: templateId('APPOINTMENT'),
          data: { thing1: title, thing2: content },
          page: appointmentId
            ? `packages/booking/pages/detail/index?id=${appointmentId}`
            : 'packages/booking/pages/notices/index',
        },
  };
}

/** What a booking's message says of it. */
type BookingFacts = Pick<
  Appointment,
  'status' | 'holdExpiresAt' | 'clinicDate' | 'period' | 'windowStart' | 'windowEnd' | 'seqNo'
>;

const when = (a: Pick<Appointment, 'clinicDate' | 'period' | 'windowStart' | 'windowEnd' | 'seqNo'>) =>
  `${chinaDay(a.clinicDate)} ${PERIOD_LABEL[a.period]} 第 ${a.seqNo} 号（${a.windowStart}–${a.windowEnd}）`;

/**
 * A message about something already committed (a booking, a payment, a cancellation) never fails it: the patient
 * sees the result on screen either way, so a notice that could not be written is logged and left.
 */
const told = (what: string, a: Appointment, send: () => Promise<void>) =>
  send().catch((err) => infra().log.warn({ err, appointment: a.id }, `${what} notice not written`));

/**
 * A booking was made: booked outright (free), or held until paid. `who`: the names, when the caller has them at hand
 * (a booking just made), so they are not read again; `t`: the booking's own transaction, so the notice stands or
 * falls with it.
 */
export const notifyBooked = (a: Appointment, who?: Names, t?: Transaction) =>
  told('booked', a, async () => {
    const m = bookedMessageParts(a);
    if (m) await notify(a.userId, m.title, m.content, t, a.id, { pay: m.pay, inAppOnly: true, who });
  });

/** A booking's notice: booked outright (free), or held until paid (linked as 去支付). */
function bookedMessageParts(a: BookingFacts) {
  if (a.status === 'booked') return { title: '预约成功', content: `${when(a)}，请按时到院就诊。`, pay: false };
  if (a.status !== 'pending_payment') return null;
  return {
    title: '预约待支付',
    content: `已为您保留 ${when(a)}，请在 ${a.holdExpiresAt ? shanghaiTime(a.holdExpiresAt) : '规定时间'} 前完成支付，逾期号源自动释放。`,
    pay: true,
  };
}

/**
 * The notice of a booking not yet written (`id`: the appointment's id once known), for a statement that writes the
 * booking and its notice at once; the same message `notifyBooked` sends.
 */
export function bookedMessage(a: BookingFacts, who: Names, id: number | string): NoticeMessage {
  const m = bookedMessageParts(a)!;
  return messageOf(m.title, m.content, id as number, { pay: m.pay, inAppOnly: true, who });
}

/** The hold was paid: the appointment stands. */
export const notifyPaid = (a: Appointment) =>
  told('paid', a, () =>
    notify(
      a.userId,
      '支付成功，预约已确认',
      `已支付挂号费 ${(a.feeFen / 100).toFixed(2)} 元，${when(a)}，请按时到院就诊。`,
      undefined,
      a.id,
      { inAppOnly: true },
    ),
  );

const REFUND_PHRASE = { none: '', processing: '，挂号费将原路退回，到账后另行通知', done: '，挂号费已原路退回' };

export const notifyCancelled = (a: Appointment, refund: keyof typeof REFUND_PHRASE) =>
  told('cancelled', a, () =>
    notify(
      a.userId,
      '预约已取消',
      `您已取消 ${chinaDay(a.clinicDate)} ${PERIOD_LABEL[a.period]}的预约${REFUND_PHRASE[refund]}。`,
      undefined,
      a.id,
      { inAppOnly: true },
    ),
  );

/** payment's onOrderRefunded for appointment orders: the money is back with the payer. */
export const notifyRefunded = (order: PayOrder, refund: PayRefund) =>
  tellRefund(
    order,
    '退款成功',
    `${yuan(refund)} 元${refundRoute(refund)}${refund.reason ? `（${refund.reason}）` : ''}`,
  );

/**
 * payment's onRefundFailed for appointment orders: WeChat ended the refund CLOSED or ABNORMAL and 收费管理 is to act on
 * it. In the app only, like the cancellation it follows: the patient is told the money has not reached them yet.
 */
export const notifyRefundFailed = (order: PayOrder, refund: PayRefund) =>
  tellRefund(order, '退款未成功', `${yuan(refund)} 元退款${refundFailedText(refund)}`, { inAppOnly: true });

const yuan = (refund: PayRefund) => (refund.amountFen / 100).toFixed(2);

/** A notice about a refund of an appointment's order: the visit it was for, then what became of the money. */
async function tellRefund(order: PayOrder, title: string, what: string, opts: { inAppOnly?: boolean } = {}) {
  const a = await Appointment.findByPk(order.subjectId);
  if (!a) return;
  await notify(
    a.userId,
    title,
    `${chinaDay(a.clinicDate)} ${PERIOD_LABEL[a.period]}预约的 ${what}。`,
    undefined,
    a.id,
    opts,
  );
}

const shanghaiTime = (d: Date) => shanghaiParts(d).time;

/**
 * Job: the day before a visit, every booked appointment of tomorrow (Shanghai) is reminded once. The reminder row is
 * written first (its primary key is the appointment): two instances, or a rerun, never remind twice.
 */
export async function remindTomorrow(limit = 500) {
  const tomorrow = addDays(shanghaiDate(), 1);
  const due = await infra().sequelize.query<{ id: number }>(
    `SELECT a.id FROM appointment a LEFT JOIN appointment_reminder r ON r.appointment_id = a.id
     WHERE a.clinic_date = :tomorrow AND a.status = 'booked' AND r.appointment_id IS NULL
     ORDER BY a.id LIMIT :limit`,
    { type: QueryTypes.SELECT, replacements: { tomorrow, limit } },
  );
  let reminded = 0;
  for (const { id } of due) {
    try {
      await infra().sequelize.query('INSERT INTO appointment_reminder (appointment_id, sent_at) VALUES (:id, :now)', {
        replacements: { id, now: new Date() },
      });
    } catch (err) {
      if ((err as Error).name === 'SequelizeUniqueConstraintError') continue;
      throw err;
    }
    const a = await Appointment.findOne({ where: { id, status: { [Op.eq]: 'booked' } } });
    if (!a) continue;
    await notify(a.userId, '明日就诊提醒', `${when(a)}，请携带身份证或医保卡提前 15 分钟到院。`, undefined, a.id);
    reminded++;
  }
  return { reminded };
}
