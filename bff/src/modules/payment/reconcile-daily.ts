import { Op } from 'sequelize';
import { infra, tx } from '../../infra';
import { WechatPayError, type TradeBill } from '../../infra/wechatpay';
import { notFound, unprocessable } from '../../http/errors';
import { addDays, shanghaiDate, shanghaiInstant } from '../../shared/time';
import { PayOrder, PayRefund } from './models';
import { PayReconciliation, PayReconciliationDiff, type DiffKind, type ReconStatus } from './recon-models';

/**
 * Daily reconciliation (对账): WeChat Pay's trade bill of one Beijing day set beside our books — the payments our
 * orders record as paid that day and the refunds recorded as succeeded that day. Every difference is stored and
 * shown in 收费管理 › 对账管理. The per-minute `payment-reconcile` job repairs single orders by query; this job checks
 * the day as a whole, the way a hospital's finance office does. Run again for a day, it replaces that day's result.
 */
type Diff = {
  kind: DiffKind;
  outTradeNo: string;
  outRefundNo: string | null;
  ourFen: number | null;
  billFen: number | null;
  ourStatus: string | null;
  billStatus: string | null;
};

const PAID = ['paid', 'refunding', 'refunded'] as const;

export function compareDay(
  bill: TradeBill | null,
  ours: { orders: PayOrder[]; refunds: (PayRefund & { outTradeNo: string })[] },
  known: { orders: Map<string, PayOrder>; refunds: Map<string, PayRefund> },
): Diff[] {
  const diffs: Diff[] = [];
  const billTrades = new Map(
    (bill?.rows ?? []).filter((r) => r.tradeState === 'SUCCESS').map((r) => [r.outTradeNo, r]),
  );
  const billRefunds = new Map(
    (bill?.rows ?? []).filter((r) => r.tradeState === 'REFUND' && r.outRefundNo).map((r) => [r.outRefundNo!, r]),
  );
  const ourTrades = new Map(ours.orders.map((o) => [o.outTradeNo, o]));
  const ourRefunds = new Map(ours.refunds.map((r) => [r.outRefundNo, r]));
  for (const [no, b] of billTrades) {
    const o = ourTrades.get(no);
    if (!o) {
      const k = known.orders.get(no);
      diffs.push({
        kind: 'trade_missing_local',
        outTradeNo: no,
        outRefundNo: null,
        ourFen: k?.amountFen ?? null,
        billFen: b.amountFen,
        ourStatus: k?.status ?? null,
        billStatus: 'SUCCESS',
      });
    } else if (o.amountFen !== b.amountFen)
      diffs.push({
        kind: 'trade_amount_mismatch',
        outTradeNo: no,
        outRefundNo: null,
        ourFen: o.amountFen,
        billFen: b.amountFen,
        ourStatus: o.status,
        billStatus: 'SUCCESS',
      });
  }
  for (const [no, o] of ourTrades)
    if (!billTrades.has(no))
      diffs.push({
        kind: 'trade_missing_bill',
        outTradeNo: no,
        outRefundNo: null,
        ourFen: o.amountFen,
        billFen: null,
        ourStatus: o.status,
        billStatus: null,
      });
  for (const [no, b] of billRefunds) {
    const r = ourRefunds.get(no);
    if (!r) {
      const k = known.refunds.get(no);
      diffs.push({
        kind: 'refund_missing_local',
        outTradeNo: b.outTradeNo,
        outRefundNo: no,
        ourFen: k?.amountFen ?? null,
        billFen: b.refundFen,
        ourStatus: k?.status ?? null,
        billStatus: b.refundStatus,
      });
    } else if (r.amountFen !== b.refundFen)
      diffs.push({
        kind: 'refund_amount_mismatch',
        outTradeNo: b.outTradeNo,
        outRefundNo: no,
        ourFen: r.amountFen,
        billFen: b.refundFen,
        ourStatus: r.status,
        billStatus: b.refundStatus,
      });
  }
  for (const [no, r] of ourRefunds)
    if (!billRefunds.has(no))
      diffs.push({
        kind: 'refund_missing_bill',
        outTradeNo: r.outTradeNo,
        outRefundNo: no,
        ourFen: r.amountFen,
        billFen: null,
        ourStatus: r.status,
        billStatus: null,
      });
  return diffs;
}

/** Reconciles one Beijing day (before today: WeChat has no bill for today yet). */
export async function reconcileDay(billDate: string, runBy: number | null = null) {
  if (billDate >= shanghaiDate()) throw unprocessable('BILL_DATE_INVALID', '只能对今天以前的日期对账');
  const start = shanghaiInstant(billDate);
  const end = shanghaiInstant(addDays(billDate, 1));
  const pay = infra().pay;
  let bill: TradeBill | null = null;
  let error: string | null = null;
  if (!pay) error = '支付服务未配置';
  else
    try {
      bill = await pay.client.tradeBill(billDate);
    } catch (err) {
      if (!(err instanceof WechatPayError)) throw err;
      error = `下载微信支付账单失败：${err.code}`;
      infra().log.error({ code: err.code, billDate }, 'trade bill download failed');
    }
  const orders = await PayOrder.findAll({ where: { status: [...PAID], paidAt: { [Op.gte]: start, [Op.lt]: end } } });
  const refundRows = await PayRefund.findAll({
    where: { status: 'success', succeededAt: { [Op.gte]: start, [Op.lt]: end } },
  });
  const refundOrders = new Map(
    (await PayOrder.findAll({ where: { id: [...new Set(refundRows.map((r) => r.orderId))] } })).map((o) => [o.id, o]),
  );
  const refunds = refundRows.map((r) =>
    Object.assign(r, { outTradeNo: refundOrders.get(r.orderId)?.outTradeNo ?? '' }),
  );
  // what our books say of the bill's records that are not ours for the day (not paid, or paid another day)
  const billNos = (bill?.rows ?? []).map((r) => r.outTradeNo);
  const billRefundNos = (bill?.rows ?? []).map((r) => r.outRefundNo).filter((n): n is string => !!n);
  const known = {
    orders: new Map((await PayOrder.findAll({ where: { outTradeNo: billNos } })).map((o) => [o.outTradeNo, o])),
    refunds: new Map(
      (await PayRefund.findAll({ where: { outRefundNo: billRefundNos } })).map((r) => [r.outRefundNo, r]),
    ),
  };
  const diffs = error ? [] : compareDay(bill, { orders, refunds }, known);
  const status: ReconStatus = error ? 'failed' : diffs.length ? 'differences' : bill ? 'balanced' : 'no_bill';
  const rows = bill?.rows ?? [];
  const figures = {
    billTrades: rows.filter((r) => r.tradeState === 'SUCCESS').length,
    billTradeFen: rows.filter((r) => r.tradeState === 'SUCCESS').reduce((n, r) => n + r.amountFen, 0),
    billRefunds: rows.filter((r) => r.tradeState === 'REFUND').length,
    billRefundFen: rows.filter((r) => r.tradeState === 'REFUND').reduce((n, r) => n + r.refundFen, 0),
    ourTrades: orders.length,
    ourTradeFen: orders.reduce((n, o) => n + o.amountFen, 0),
    ourRefunds: refunds.length,
    ourRefundFen: refunds.reduce((n, r) => n + r.amountFen, 0),
    diffCount: diffs.length,
    error,
    runBy,
    status,
  };
  const id = await tx(async (t) => {
    const existing = await PayReconciliation.findOne({ where: { billDate }, transaction: t, lock: t.LOCK.UPDATE });
    const row = existing
      ? await existing.update(figures, { transaction: t })
      : await PayReconciliation.create({ billDate, ...figures }, { transaction: t });
    await PayReconciliationDiff.destroy({ where: { reconciliationId: row.id }, transaction: t });
    if (diffs.length)
      await PayReconciliationDiff.bulkCreate(
        diffs.map((d) => ({ ...d, reconciliationId: row.id })),
        { transaction: t },
      );
    return row.id;
  });
  return reconciliationDetail(id);
}

/** Job (10:30 Beijing, after WeChat publishes the bill at about 10:00): yesterday. */
export function reconcileYesterday() {
  return reconcileDay(addDays(shanghaiDate(), -1)).then((r) => ({
    billDate: r.billDate,
    status: r.status,
    diffs: r.diffCount,
  }));
}

const view = (r: PayReconciliation) => ({
  id: r.id,
  billDate: r.billDate,
  status: r.status,
  billTrades: r.billTrades,
  billTradeFen: r.billTradeFen,
  billRefunds: r.billRefunds,
  billRefundFen: r.billRefundFen,
  ourTrades: r.ourTrades,
  ourTradeFen: r.ourTradeFen,
  ourRefunds: r.ourRefunds,
  ourRefundFen: r.ourRefundFen,
  diffCount: r.diffCount,
  error: r.error,
  updatedAt: r.updatedAt,
});

export async function listReconciliations(q: {
  page: number;
  pageSize: number;
  from?: string;
  to?: string;
  status?: ReconStatus;
}) {
  const where = {
    ...(q.status ? { status: q.status } : {}),
    ...(q.from || q.to
      ? { billDate: { ...(q.from ? { [Op.gte]: q.from } : {}), ...(q.to ? { [Op.lte]: q.to } : {}) } }
      : {}),
  };
  const { rows, count } = await PayReconciliation.findAndCountAll({
    where,
    order: [['billDate', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: rows.map(view), total: count, page: q.page, pageSize: q.pageSize };
}

export async function reconciliationDetail(id: number) {
  const r = await PayReconciliation.findByPk(id);
  if (!r) throw notFound('对账记录不存在');
  const diffs = await PayReconciliationDiff.findAll({ where: { reconciliationId: id }, order: [['id', 'ASC']] });
  return {
    ...view(r),
    diffs: diffs.map((d) => ({
      id: d.id,
      kind: d.kind,
      outTradeNo: d.outTradeNo,
      outRefundNo: d.outRefundNo ?? null,
      ourFen: d.ourFen ?? null,
      billFen: d.billFen ?? null,
      ourStatus: d.ourStatus ?? null,
      billStatus: d.billStatus ?? null,
    })),
  };
}
