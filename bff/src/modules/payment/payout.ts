import { UniqueConstraintError } from 'sequelize';
import { tx } from '../../infra';
import { conflict, unprocessable } from '../../http/errors';
import { OFFLINE_PAYOUT_METHODS, type OfflinePayoutMethod } from '../../shared/refund-banks';
import { PayRefund, PayRefundPayout, PayRefundPayoutChange } from './models';

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

/**
 * Why a refund failed and what the hospital does next, as the subject's notice says it (booking's, consult's): the
 * payer hears the money has not reached them yet and that they need do nothing but wait to be contacted.
 */
export function refundFailedText(r: Pick<PayRefund, 'failure' | 'abnormalType'>) {
  if (r.failure === 'closed') return '暂未成功，医院正在处理，将重新为您办理退款，到账后另行通知';
  if (r.abnormalType === 'MERCHANT_BANK_CARD')
    return '暂未成功（未能退回医院账户），医院正在处理，将与您联系后重新办理';
  if (r.abnormalType === 'USER_BANK_CARD')
    return '暂未成功（您提供的银行卡无法入账），医院正在处理，将与您联系核对银行卡后重新办理';
  return '暂未成功（原支付账户无法入账，银行卡可能已注销或冻结），医院正在处理，将与您联系改退至您本人的银行卡';
}

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
    throw conflict(
      'PAYOUT_NOT_READY',
      refund.status === 'failed'
        ? '该退款未能退至医院账户（微信支付再次报告退款失败），款项不在医院账户，请先重新退款'
        : '微信支付尚未将该退款退至医院账户（处理中），款项到账后再线下支付给患者并登记',
    );
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

export interface PayoutCorrectionRequest extends OfflinePayoutRequest {
  /** Why it is corrected (kept with the change). */
  reason: string;
  /** The version of the record the person corrected (what they saw). */
  version: number;
}

/** The corrections of some payouts, oldest first, by payout id. */
export async function payoutChangesOf(payoutIds: number[]): Promise<Map<number, PayRefundPayoutChange[]>> {
  const out = new Map<number, PayRefundPayoutChange[]>();
  if (!payoutIds.length) return out;
  for (const c of await PayRefundPayoutChange.findAll({
    where: { payoutId: payoutIds },
    order: [['version', 'ASC']],
  }))
    out.set(c.payoutId, [...(out.get(c.payoutId) ?? []), c]);
  return out;
}

/**
 * 更正 of a recorded payout (a wrong method, reference or note): the record takes the new values and its next version;
 * the values it had, the new ones, the reason, who and when are kept as a PayRefundPayoutChange. The amount, who
 * recorded it and when stay: the money paid out is still the whole refund, once. The request names the version it
 * corrects, and the update applies only to that version (in one transaction with its history row), so of two staff
 * correcting at once one succeeds and the other gets `409 PAYOUT_CHANGED` with the record as it is now to read first —
 * never a change lost without anyone seeing it. `409 PAYOUT_NOT_RECORDED` before any record; `422 PAYOUT_UNCHANGED`
 * when the values are the ones it has.
 */
export async function correctOfflinePayout(
  refund: PayRefund,
  req: PayoutCorrectionRequest,
  by: PayoutRecorder,
): Promise<PayRefundPayout> {
  if (!viaMerchantAccount(refund))
    throw conflict('PAYOUT_NOT_APPLICABLE', '该退款不是退至医院账户的异常退款，没有线下支付登记可更正');
  const payout = await PayRefundPayout.findOne({ where: { refundId: refund.id } });
  if (!payout) throw conflict('PAYOUT_NOT_RECORDED', '该退款尚未登记线下支付，无可更正的登记');
  const changed = () => conflict('PAYOUT_CHANGED', '该登记已被他人更正，请查看最新内容后再更正');
  if (payout.version !== req.version) throw changed();
  const next = { method: req.method, reference: req.reference || null, note: req.note || null };
  if (next.method === payout.method && next.reference === payout.reference && next.note === payout.note)
    throw unprocessable('PAYOUT_UNCHANGED', '更正后的内容与当前登记相同，无需更正');
  try {
    await tx(async (t) => {
      const [n] = await PayRefundPayout.update(
        { ...next, version: req.version + 1 },
        { where: { id: payout.id, version: req.version }, transaction: t },
      );
      if (n === 0) throw changed(); // corrected by someone else since we read it: nothing is written
      await PayRefundPayoutChange.create(
        {
          payoutId: payout.id,
          refundId: refund.id,
          version: req.version + 1,
          oldMethod: payout.method,
          oldReference: payout.reference,
          oldNote: payout.note,
          newMethod: next.method,
          newReference: next.reference,
          newNote: next.note,
          reason: req.reason.slice(0, 60),
          changedBy: by.userId,
          changedByName: by.name.slice(0, 64),
          changedAt: new Date(),
        },
        { transaction: t },
      );
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw changed();
    throw err;
  }
  return payout.reload();
}
