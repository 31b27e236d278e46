import type { MpActor } from '../../http/actor';
import { PayOrder, PayRefund } from './models';

/** 我的订单: the caller's own orders (待支付, paid, closed, refunded), newest first, each with its refunds. */
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
  return {
    items: rows.map((o) => ({
      outTradeNo: o.outTradeNo,
      description: o.description,
      amountFen: o.amountFen,
      status: o.status,
      subject: { type: o.subjectType, id: o.subjectId },
      createdAt: o.createdAt,
      paidAt: o.paidAt ?? null,
      refunds: refunds
        // a closed refund done again is the same money: the patient sees the retry, not the failure
        .filter((r) => r.orderId === o.id && !r.retriedBy)
        .map((r) => ({
          outRefundNo: r.outRefundNo,
          amountFen: r.amountFen,
          status: r.status,
          failure: r.failure ?? null,
          account: r.receivedAccount ?? null,
          reason: r.reason,
          createdAt: r.createdAt,
          succeededAt: r.succeededAt ?? null,
        })),
    })),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}
