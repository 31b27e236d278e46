import type { MpActor } from '../../http/actor';
import { PayOrder, PayRefund } from './models';
import { payerRefundState, payoutsOf } from './payout';

/**
 * 我的订单: the caller's own orders (待支付, paid, closed, refunded), newest first, each with its refunds as the payer
 * knows them: a refund WeChat sent back to the hospital's merchant account (MERCHANT_BANK_CARD) is still on its way
 * (the order 退款中) until staff record paying it out.
 */
export async function myOrders(actor: MpActor, q: { page: number; pageSize: number }) {
  const { rows, count } = await PayOrder.findAndCountAll({
    where: { userId: actor.userId },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const refunds = rows.length
    ? await PayRefund.findAll({ where: { orderId: rows.map((r) => r.id) }, order: [['id', 'ASC']] })
    : [];
  const payouts = await payoutsOf(refunds);
  return {
    items: rows.map((o) => {
      const mine = refunds
        // a closed refund done again is the same money: the patient sees the retry, not the failure
        .filter((r) => r.orderId === o.id && !r.retriedBy)
        .map((r) => {
          const seen = payerRefundState(r, payouts.get(r.id));
          return {
            outRefundNo: r.outRefundNo,
            amountFen: r.amountFen,
            status: seen.status,
            failure: r.failure ?? null,
            // our merchant account is not where the patient's money went: say how the hospital paid it
            account: seen.offline
              ? seen.offlineMethod && `医院线下退还（${seen.offlineMethod}）`
              : (r.receivedAccount ?? null),
            offline: seen.offline,
            reason: r.reason,
            createdAt: r.createdAt,
            succeededAt: seen.succeededAt,
          };
        });
      return {
        outTradeNo: o.outTradeNo,
        description: o.description,
        amountFen: o.amountFen,
        status:
          o.status === 'refunded' && mine.some((r) => r.offline === 'pending') ? ('refunding' as const) : o.status,
        subject: { type: o.subjectType, id: o.subjectId },
        createdAt: o.createdAt,
        paidAt: o.paidAt ?? null,
        refunds: mine,
      };
    }),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}
