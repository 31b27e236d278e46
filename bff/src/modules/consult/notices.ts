import { infra } from '../../infra';
import { notify, templateId } from '../../kernel/notifications';
import { shanghaiParts } from '../../shared/time';
import { Dept, User } from '../system/models';
import { Patient } from '../patient/models';
import type { PayOrder, PayRefund } from '../payment/models';
import { refundFailedText, refundRoute } from '../payment/payout';
import { Consultation, type CloseReason } from './models';

/**
 * payment's onOrderRefunded for consultation orders: the money is back with the payer. Said as booking says it for an
 * appointment — the family member and the doctor named, how the money came back and why — and linked to the
 * conversation, so 我的消息 opens the chat (查看问诊). Also a WeChat subscribe message (template CONSULT_REFUND) when
 * the patient accepted one — the app asks when a paid consultation is started —, as booking does for its refunds: a
 * refund is what the patient does not see coming (the doctor did not answer in time, a second payment returned).
 */
export const notifyConsultRefunded = (order: PayOrder, refund: PayRefund) =>
  tell(
    order,
    '问诊退款成功',
    (c) =>
      `图文问诊（${c.no}）的 ${(refund.amountFen / 100).toFixed(2)} 元${refundRoute(refund)}${refund.reason ? `（${refund.reason}）` : ''}。`,
    (c, doctor) => ({
      id: templateId('CONSULT_REFUND'),
      // 问诊单号, 退款金额, 问诊医生, 退款原因
      data: {
        character_string1: c.no,
        amount2: `${(refund.amountFen / 100).toFixed(2)}元`,
        thing3: doctor || '图文问诊',
        thing4: refund.reason || '问诊费用退回',
      },
      page: `packages/consult/pages/chat/index?id=${c.id}`,
    }),
  );

/** payment's onRefundFailed for consultation orders: the refund has not gone through, the hospital is on it. */
export const notifyConsultRefundFailed = (order: PayOrder, refund: PayRefund) =>
  tell(
    order,
    '问诊退款未成功',
    (c) => `图文问诊（${c.no}）的 ${(refund.amountFen / 100).toFixed(2)} 元退款${refundFailedText(refund)}。`,
  );

/** WeChat's time keyword: 24-hour wall-clock time in China, with the date as WeChat's own example writes it. */
const wechatTime = (at: Date) => {
  const { date, time } = shanghaiParts(at);
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日 ${time}`;
};

const ENDED: Partial<Record<CloseReason, { text: (doctor: string) => string; why: string }>> = {
  doctor: { text: (doctor) => `${doctor}医生已结束本次问诊`, why: '医生已结束本次问诊' },
  idle: { text: () => '问诊长时间无新消息，已自动结束', why: '长时间无新消息，已自动结束' },
};

/**
 * A consultation that ended normally — the doctor closed it, or it closed itself after going idle — tells its patient
 * so, as refunds and replies do: 问诊已结束 in 我的消息 naming the family member and the doctor, opening the chat (its
 * history stays readable there), and a WeChat subscribe message of template CONSULT_END when one is configured and the
 * patient accepted it. An unanswered paid question is not told here: its refund notice says it ended and why.
 */
export async function notifyConsultEnded(c: Consultation) {
  const ended = c.closeReason ? ENDED[c.closeReason as CloseReason] : undefined;
  if (!ended) return;
  try {
    await tellAbout(
      c,
      '问诊已结束',
      (_, doctorName) =>
        `图文问诊（${c.no}）${ended.text(doctorName)}。对话记录可在问诊中查看，如仍有疑问可再次发起问诊。`,
      (_, doctor) => ({
        id: templateId('CONSULT_END'),
        // 问诊医生, 结束时间, 温馨提示
        data: { thing1: doctor || '图文问诊', time2: wechatTime(c.closedAt ?? new Date()), thing3: ended.why },
        page: `packages/consult/pages/chat/index?id=${c.id}`,
      }),
    );
  } catch (err) {
    // the consultation is closed either way: a notice that could not be written never fails the close
    infra().log.error({ err, consultation: c.id }, 'consultation end notice not recorded');
  }
}

/** A notice about a consultation's money to its payer (see tellAbout). */
async function tell(
  order: PayOrder,
  title: string,
  content: (c: Consultation) => string,
  template?: (c: Consultation, doctor: string) => NonNullable<Parameters<typeof notify>[1]['template']>,
) {
  const c = await Consultation.findByPk(order.subjectId);
  if (c) await tellAbout(c, title, content, template);
}

/**
 * A notice about a consultation to the patient account that opened it, naming the family member and the doctor (to
 * `content` too, by the doctor's own name), linked to the chat; `template` gets department and doctor.
 */
async function tellAbout(
  c: Consultation,
  title: string,
  content: (c: Consultation, doctorName: string) => string,
  template?: (c: Consultation, doctor: string) => NonNullable<Parameters<typeof notify>[1]['template']>,
) {
  const [patient, doctor, dept] = await Promise.all([
    Patient.findByPk(c.patientId, { attributes: ['name'], paranoid: false }),
    User.findByPk(c.doctorId, { attributes: ['name'] }),
    Dept.findByPk(c.deptId, { attributes: ['name'] }),
  ]);
  const names = `就诊人：${patient?.name ?? ''}；医生：${dept?.name ?? ''} ${doctor?.name ?? ''}。`;
  await notify(c.userId, {
    title,
    content: names + content(c, doctor?.name ?? ''),
    link: { type: 'consultation', id: c.id },
    template: template?.(c, `${dept?.name ?? ''} ${doctor?.name ?? ''}`.trim()),
  });
}
