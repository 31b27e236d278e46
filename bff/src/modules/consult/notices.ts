import { notify, templateId } from '../../kernel/notifications';
import { Dept, User } from '../system/models';
import { Patient } from '../patient/models';
import type { PayOrder, PayRefund } from '../payment/models';
import { refundFailedText, refundRoute } from '../payment/payout';
import { Consultation } from './models';

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

/** A notice about a consultation's money to its payer, naming the family member and the doctor, linked to the chat. */
async function tell(
  order: PayOrder,
  title: string,
  content: (c: Consultation) => string,
  template?: (c: Consultation, doctor: string) => NonNullable<Parameters<typeof notify>[1]['template']>,
) {
  const c = await Consultation.findByPk(order.subjectId);
  if (!c) return;
  const [patient, doctor, dept] = await Promise.all([
    Patient.findByPk(c.patientId, { attributes: ['name'], paranoid: false }),
    User.findByPk(c.doctorId, { attributes: ['name'] }),
    Dept.findByPk(c.deptId, { attributes: ['name'] }),
  ]);
  const names = `就诊人：${patient?.name ?? ''}；医生：${dept?.name ?? ''} ${doctor?.name ?? ''}。`;
  await notify(c.userId, {
    title,
    content: names + content(c),
    link: { type: 'consultation', id: c.id },
    template: template?.(c, `${dept?.name ?? ''} ${doctor?.name ?? ''}`.trim()),
  });
}
