import type { AbnormalRefundType } from './refund-banks';

/**
 * 收费管理's words for the state of an order and of a refund: one source for the console's order list and the Excel
 * export of it (bff/src/modules/payment/console.ts), so a sheet says of a refund what the screen says.
 */

export const PAY_ORDER_STATUS_LABEL = {
  created: '待支付',
  paid: '已支付',
  closed: '已关闭',
  refunding: '退款中',
  refunded: '已退款',
} as const satisfies Record<string, string>;

/**
 * An order's state as the list shows it: WeChat may count it refunded while the patient still waits for the money
 * the hospital is to pay out by hand (退至医院账户·待线下支付).
 */
export const orderStateLabel = (o: { status: keyof typeof PAY_ORDER_STATUS_LABEL; payoutPending: boolean }) =>
  PAY_ORDER_STATUS_LABEL[o.status] + (o.payoutPending ? '·待线下支付' : '');

export const PAY_REFUND_STATUS_LABEL = {
  processing: '退款中',
  success: '已退款',
  failed: '退款失败',
} as const satisfies Record<string, string>;

/** How WeChat ended a failed refund. */
const FAILURE_LABEL = { closed: '退款关闭', abnormal: '退款异常' } as const;
/** A re-route by 发起异常退款 that failed too: what was tried is part of what staff must know. */
const REROUTE_FAILED_LABEL: Record<AbnormalRefundType, string> = {
  MERCHANT_BANK_CARD: '退至医院账户未成功',
  USER_BANK_CARD: '改退银行卡未成功',
};

/** A refund as the order list shows it (and the export writes it). */
export interface RefundLabelOf {
  status: keyof typeof PAY_REFUND_STATUS_LABEL;
  failure: keyof typeof FAILURE_LABEL | null;
  abnormalType: AbnormalRefundType | null;
  /** its offline payout (登记线下支付), if recorded */
  payout: unknown;
}

/**
 * A refund's state in words: how WeChat ended a failed one (and which re-route failed), and for the ones sent back to
 * the hospital's account (退至医院账户) whether staff have paid the patient yet.
 */
export function refundStateLabel(r: RefundLabelOf): string {
  if (r.status === 'failed') {
    if (!r.failure) return PAY_REFUND_STATUS_LABEL.failed;
    return r.abnormalType
      ? `${FAILURE_LABEL[r.failure]}·${REROUTE_FAILED_LABEL[r.abnormalType]}`
      : FAILURE_LABEL[r.failure];
  }
  // 发起异常退款 to our own merchant account: the patient has the money only once staff paid it out by hand
  if (r.abnormalType === 'MERCHANT_BANK_CARD') {
    if (r.payout) return '已线下支付';
    return r.status === 'success' ? '退至医院账户·待线下支付' : '退至医院账户·退款中';
  }
  return PAY_REFUND_STATUS_LABEL[r.status];
}
