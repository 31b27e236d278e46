import { UniqueConstraintError } from 'sequelize';
import { conflict } from '../../http/errors';
import { OFFLINE_PAYOUT_METHODS, type OfflinePayoutMethod } from '../../shared/refund-banks';
import { PayRefund, PayRefundPayout } from './models';

/**
 * 登记线下支付. An abnormal refund re-routed by 发起异常退款 to MERCHANT_BANK_CARD comes back to the hospital's own
 * merchant account (WeChat then reports it SUCCESS, 入账 商户结算银行账户); the patient has nothing yet until staff
 * pay it out by hand and record that here. WeChat's books and ours count the refund once either way (it is the same
 * refund row, whose amount already counts as refunded); the payout is the record of where the money went next.
 */

export interface OfflinePayoutRequest {
  method: OfflinePayoutMethod;
  reference?: string;
  note?: string;
}

/** Who records a payout: the staff member's id and name as it is now. */
export interface PayoutRecorder {
  userId: number;
  name: string;
}

/** Whether a refund's money went to our merchant account and so waits for (or had) an offline payout. */
export const viaMerchantAccount = (r: { abnormalType?: string | null }) => r.abnormalType === 'MERCHANT_BANK_CARD';

/** How the money of a refund reached the payer, as the subject's notice says it (booking's, consult's). */
export const refundRoute = (r: Pick<PayRefund, 'abnormalType' | 'receivedAccount'>) =>
  viaMerchantAccount(r)
    ? '已由医院线下退还给您' // back to the hospital's account, then paid out by hand (登记线下支付)
    : r.abnormalType === 'USER_BANK_CARD'
      ? `已退至您提供的银行卡${r.receivedAccount ? `（${r.receivedAccount}）` : ''}`
      : '已原路退回';

/** The offline payouts of those of `refunds` that went to our merchant account (the others have none), by refund id. */
export async function payoutsOf(
  refunds: Pick<PayRefund, 'id' | 'abnormalType'>[],
): Promise<Map<number, PayRefundPayout>> {
  const ids = refunds.filter(viaMerchantAccount).map((r) => r.id);
  if (!ids.length) return new Map();
  const rows = await PayRefundPayout.findAll({ where: { refundId: ids } });
  return new Map(rows.map((p) => [p.refundId, p]));
}

/**
 * A refund as its payer knows it. One sent back to our merchant account is still on its way to them however WeChat
 * ended it, until its payout is recorded — then it landed when that was recorded. Every other refund is as WeChat
 * says. `offline` tells the two kinds apart: 'pending' (医院将线下退还), 'paid', or null.
 */
export function payerRefundState(
  r: Pick<PayRefund, 'status' | 'abnormalType' | 'succeededAt'>,
  payout: Pick<PayRefundPayout, 'recordedAt' | 'method'> | undefined,
) {
  if (!viaMerchantAccount(r))
    return { status: r.status, succeededAt: r.succeededAt ?? null, offline: null, offlineMethod: null };
  if (payout)
    return {
      status: 'success' as const,
      succeededAt: new Date(payout.recordedAt),
      offline: 'paid' as const,
      offlineMethod: OFFLINE_PAYOUT_METHODS[payout.method] ?? payout.method,
    };
  return {
    status: r.status === 'failed' ? ('failed' as const) : ('processing' as const),
    succeededAt: null,
    offline: 'pending' as const,
    offlineMethod: null,
  };
}

/**
 * Records that a MERCHANT_BANK_CARD refund was paid to the patient by hand: its whole amount, once. Refused while the
 * money is not in our account yet (`409 PAYOUT_NOT_READY`: WeChat still processing it) or for any other refund
 * (`409 PAYOUT_NOT_APPLICABLE`). Two staff (or a double click) at once: the unique index on refund_id lets one
 * insert through; every other gets `409 PAYOUT_ALREADY_RECORDED`, as does any later attempt.
 */
export async function recordOfflinePayout(
  refund: PayRefund,
  req: OfflinePayoutRequest,
  by: PayoutRecorder,
): Promise<PayRefundPayout> {
  await refund.reload();
  if (!viaMerchantAccount(refund))
    throw conflict('PAYOUT_NOT_APPLICABLE', '该退款不是退至医院账户的异常退款，无需登记线下支付');
  const already = () => conflict('PAYOUT_ALREADY_RECORDED', '该退款已登记过线下支付，不能重复登记');
  if (await PayRefundPayout.count({ where: { refundId: refund.id } })) throw already();
  if (refund.status !== 'success')
    throw conflict('PAYOUT_NOT_READY', '微信支付尚未将该退款退至医院账户（处理中），款项到账后再线下支付给患者并登记');
  try {
    return await PayRefundPayout.create({
      refundId: refund.id,
      orderId: refund.orderId,
      amountFen: refund.amountFen,
      method: req.method,
      reference: req.reference || null,
      note: req.note || null,
      recordedBy: by.userId,
      recordedByName: by.name.slice(0, 64),
      recordedAt: new Date(),
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw already();
    throw err;
  }
}
