import { z } from 'zod';
import { IdParams, PageQuery, pageOf } from '../../http/schemas';
import {
  ABNORMAL_REFUND_BANKS,
  ABNORMAL_REFUND_TYPES,
  OFFLINE_PAYOUT_METHODS,
  type AbnormalRefundBank,
  type AbnormalRefundType,
  type OfflinePayoutMethod,
} from '../../shared/refund-banks';

const Day = z.iso.date('日期格式应为 YYYY-MM-DD');
export const ORDER_STATUSES = ['created', 'paid', 'closed', 'refunding', 'refunded'] as const;
export const RefundState = z.enum(['processing', 'success', 'failed']);

export const OrderQuery = PageQuery.extend({
  status: z.enum(ORDER_STATUSES).optional(),
  subjectType: z.enum(['appointment', 'consultation']).optional(),
  outTradeNo: z.string().trim().max(32).optional(),
  from: Day.optional().describe('created on or after this Beijing day'),
  to: Day.optional().describe('created on or before this Beijing day'),
  refundFailed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('only orders with a failed refund not yet done again'),
  payoutPending: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('only orders with a refund back in the hospital’s account that is not paid out yet: 登记线下支付'),
});
const AbnormalType = z.enum(Object.keys(ABNORMAL_REFUND_TYPES) as [AbnormalRefundType, ...AbnormalRefundType[]]);
const PayoutMethod = z.enum(
  Object.keys(OFFLINE_PAYOUT_METHODS) as [OfflinePayoutMethod, ...OfflinePayoutMethod[]],
  '请选择线下支付方式',
);
const PayoutValues = z.object({ method: PayoutMethod, reference: z.string().nullable(), note: z.string().nullable() });
export const OfflinePayout = z.object({
  amountFen: z.number().int(),
  method: PayoutMethod,
  reference: z.string().nullable(),
  note: z.string().nullable(),
  recordedBy: z.string().describe('the staff member who recorded it (name at the time)'),
  recordedAt: z.date(),
  version: z.number().int().describe('1 when recorded, +1 per 更正; a correction names the version it corrects'),
  corrections: z
    .array(
      z.object({
        version: z.number().int().describe('the version this correction made'),
        before: PayoutValues,
        after: PayoutValues,
        reason: z.string(),
        changedBy: z.string().describe('who corrected it (name at the time)'),
        changedAt: z.date(),
      }),
    )
    .describe('更正 of the record, oldest first'),
});
export const OrderRefund = z.object({
  outRefundNo: z.string(),
  refundId: z.string().nullable(),
  amountFen: z.number().int(),
  status: RefundState,
  failure: z
    .enum(['closed', 'abnormal'])
    .nullable()
    .describe('how WeChat ended it when it failed: closed (退款关闭) or abnormal (退款异常)'),
  retriedBy: z.string().nullable().describe('the refund number that refunded a closed refund again'),
  receivedAccount: z.string().nullable().describe('where WeChat says the money went (user_received_account)'),
  abnormalType: AbnormalType.nullable().describe(
    'an abnormal refund re-routed by 发起异常退款: USER_BANK_CARD (payer’s debit card) or MERCHANT_BANK_CARD (our account)',
  ),
  payoutPending: z
    .boolean()
    .describe('MERCHANT_BANK_CARD and back in our account (WeChat SUCCESS), not paid out yet: 退至医院账户·待线下支付'),
  payout: OfflinePayout.nullable().describe('MERCHANT_BANK_CARD: how staff paid it to the patient (登记线下支付)'),
  reason: z.string().nullable(),
  createdAt: z.date(),
  succeededAt: z.date().nullable(),
});
export const OrderRow = z.object({
  refundFailed: z.boolean().describe('a refund of it failed and has not been done again: 重新退款'),
  payoutPending: z.boolean().describe('a refund of it is back in the hospital’s account, to be paid out: 登记线下支付'),
  id: z.number().int(),
  outTradeNo: z.string(),
  subjectType: z.string(),
  subjectLabel: z.string(),
  subjectId: z.number().int(),
  description: z.string(),
  amountFen: z.number().int(),
  status: z.enum(ORDER_STATUSES),
  transactionId: z.string().nullable(),
  payer: z.string().describe('the WeChat account: nickname and masked phone'),
  createdAt: z.date(),
  paidAt: z.date().nullable(),
  closedAt: z.date().nullable(),
  refunds: z.array(OrderRefund),
});
export const OrderPage = pageOf(OrderRow);
export const WechatState = z.object({
  tradeState: z.string().nullable().describe('WeChat’s trade_state now, or null when WeChat has no such order'),
  tradeStateDesc: z.string().nullable(),
  transactionId: z.string().nullable(),
  successTime: z.string().nullable(),
  refunds: z.array(
    z.object({ outRefundNo: z.string(), status: z.string().nullable(), successTime: z.string().nullable() }),
  ),
});
export const RefundBody = z.strictObject({
  reason: z.string().trim().min(2, '请填写退款原因').max(60, '退款原因最多 60 个字'),
});
export const RetryParams = IdParams.extend({
  outRefundNo: z.string().regex(/^[0-9A-Za-z_\-|*@]{1,64}$/, '退款单号格式不正确'),
});
export const RetryBody = z
  .strictObject({
    reason: z.string().trim().min(2, '请填写重新退款的原因').max(60, '原因最多 60 个字'),
    to: AbnormalType.optional().describe(
      '退款异常 only: where 发起异常退款 sends the money — USER_BANK_CARD (default, needs bankCard) or MERCHANT_BANK_CARD (the hospital’s account; paid to the patient by hand, then 登记线下支付)',
    ),
    bankCard: z
      .strictObject({
        bankType: z.enum(
          Object.keys(ABNORMAL_REFUND_BANKS) as [AbnormalRefundBank, ...AbnormalRefundBank[]],
          '请选择开户银行（仅支持列出的银行借记卡）',
        ),
        account: z
          .string()
          .trim()
          .regex(/^\d{8,30}$/, '银行卡号应为 8–30 位数字'),
        realName: z.string().trim().min(1, '请填写收款人姓名').max(40, '姓名过长'),
      })
      .optional()
      .describe('退款异常 only: the payer’s own debit card the money goes to instead (sent encrypted, never stored)'),
  })
  .refine((b) => !(b.to === 'MERCHANT_BANK_CARD' && b.bankCard), {
    message: '退至医院账户时无需填写银行卡',
    path: ['bankCard'],
  });
export const PayoutParams = RetryParams;
const payoutFields = {
  method: PayoutMethod,
  reference: z.string().trim().max(64, '凭证号最多 64 个字符').optional().describe('转账流水号、收据号等'),
  note: z.string().trim().max(200, '备注最多 200 个字').optional(),
};
/** What a payout record must say, recorded or corrected alike. */
const payoutRules = <T extends z.ZodType<{ method: OfflinePayoutMethod; reference?: string; note?: string }>>(s: T) =>
  s
    .refine((b) => b.method === 'cash' || !!b.reference, {
      message: '请填写转账流水号或凭证号（现金支付可不填）',
      path: ['reference'],
    })
    .refine((b) => b.method !== 'other' || !!b.note, { message: '支付方式为“其他”时请在备注中说明', path: ['note'] });
export const PayoutBody = payoutRules(z.strictObject(payoutFields));
export const PayoutCorrectionBody = payoutRules(
  z.strictObject({
    ...payoutFields,
    reason: z.string('请填写更正原因').trim().min(2, '请填写更正原因（2–60 字）').max(60, '更正原因最多 60 个字'),
    version: z
      .number('缺少登记的版本号，请刷新后再更正')
      .int()
      .min(1)
      .describe('the payout’s version the correction is made on (its `version` as read)'),
  }),
);
export const PayoutResult = z.object({
  refund: OrderRefund,
  order: OrderRow,
});
export const RefundResult = z.object({
  created: z.boolean().describe('false: the order had been refunded (or was being refunded) already; nothing new'),
  refund: OrderRefund,
  order: OrderRow,
});

export const ReconQuery = PageQuery.extend({
  from: Day.optional(),
  to: Day.optional(),
  status: z.enum(['balanced', 'differences', 'no_bill', 'failed']).optional(),
});
export const Reconciliation = z.object({
  id: z.number().int(),
  billDate: z.string(),
  status: z.enum(['balanced', 'differences', 'no_bill', 'failed']),
  billTrades: z.number().int(),
  billTradeFen: z.number().int(),
  billRefunds: z.number().int(),
  billRefundFen: z.number().int(),
  ourTrades: z.number().int(),
  ourTradeFen: z.number().int(),
  ourRefunds: z.number().int(),
  ourRefundFen: z.number().int(),
  diffCount: z.number().int(),
  error: z.string().nullable(),
  updatedAt: z.date(),
});
export const ReconPage = pageOf(Reconciliation);
export const ReconDiff = z.object({
  id: z.number().int(),
  kind: z.enum([
    'trade_missing_local',
    'trade_missing_bill',
    'trade_amount_mismatch',
    'refund_missing_local',
    'refund_missing_bill',
    'refund_amount_mismatch',
  ]),
  outTradeNo: z.string(),
  outRefundNo: z.string().nullable(),
  ourFen: z.number().int().nullable(),
  billFen: z.number().int().nullable(),
  ourStatus: z.string().nullable(),
  billStatus: z.string().nullable(),
});
export const ReconDetail = Reconciliation.extend({ diffs: z.array(ReconDiff) });
export const ReconRun = z.strictObject({ billDate: Day });
