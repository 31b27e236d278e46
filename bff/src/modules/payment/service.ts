import { Op } from 'sequelize';
import { infra, tx } from '../../infra';
import { WechatPayError, WechatPayNotifyError, type HeaderBag, type JsapiPayParams, type Transaction } from '../../infra/wechatpay';
import { AppError } from '../../http/errors';
import { MpUser } from '../auth/models';
import { Dept } from '../system/models';
import { Appointment } from '../booking/models';
import { onPaid } from '../booking/service';
import { PayNotification, PayOrder, PayRefund } from './models';

function pay() {
  const p = infra().pay;
  if (!p) throw new AppError(503, 'PAYMENT_UNAVAILABLE', '支付服务未配置');
  return p;
}
const orderLock = <T>(outTradeNo: string, fn: () => Promise<T>) => infra().kv.withLock(`pay:${outTradeNo}`, fn, { ttlMs: 30_000, waitMs: 15_000 });

function gatewayFailure(err: unknown): never {
  if (err instanceof WechatPayError) {
    infra().log.error({ status: err.status, code: err.code }, 'wechat pay call failed');
    throw new AppError(503, 'PAYMENT_UNAVAILABLE', '微信支付暂时不可用，请稍后在“我的预约”中继续支付');
  }
  throw err;
}

/** The pay parameters for an unpaid appointment: reuses the live order, or opens a new one at WeChat Pay. */
export async function ensurePayment(a: Appointment): Promise<JsapiPayParams> {
  const { client, notifyUrl } = pay();
  return infra().kv.withLock(`pay-create:${a.id}`, async () => {
    const live = await PayOrder.findOne({ where: { appointmentId: a.id, status: 'created' }, order: [['id', 'DESC']] });
    if (live?.prepayId && live.timeExpire.getTime() > Date.now() + 30_000) return client.payParams(live.prepayId);
    const user = await MpUser.findByPk(a.userId);
    const dept = await Dept.findByPk(a.deptId);
    const attempt = (await PayOrder.count({ where: { appointmentId: a.id } })) + 1;
    const order = await PayOrder.create({
      outTradeNo: `${a.no}P${attempt}`, appointmentId: a.id, userId: a.userId, openid: user!.openid, amountFen: a.feeFen,
      description: `医云挂号-${dept?.name ?? '门诊'}-${a.clinicDate}`.slice(0, 127), status: 'created',
      timeExpire: a.holdExpiresAt ?? new Date(Date.now() + 15 * 60_000),
    });
    try {
      const { prepayId } = await client.jsapi({
        outTradeNo: order.outTradeNo, description: order.description, amountFen: order.amountFen, openid: order.openid,
        timeExpire: order.timeExpire, notifyUrl,
      });
      await order.update({ prepayId });
      return client.payParams(prepayId);
    } catch (err) {
      await order.update({ status: 'closed', closedAt: new Date() });
      gatewayFailure(err);
    }
  }, { ttlMs: 30_000, waitMs: 15_000 });
}

/** Checks WeChat's answer against our order: same merchant, same app, same amount, really paid. */
function matches(order: PayOrder, t: Transaction) {
  const { client } = pay();
  return t.trade_state === 'SUCCESS' && t.mchid === client.mchid && t.appid === client.appid && t.amount?.total === order.amountFen && t.out_trade_no === order.outTradeNo;
}

/** Marks an order paid once; returns whether this call did it. */
async function markPaid(order: PayOrder, t: Transaction) {
  const [n] = await PayOrder.update(
    { status: 'paid', transactionId: t.transaction_id ?? null, paidAt: t.success_time ? new Date(t.success_time) : new Date() },
    { where: { id: order.id, status: { [Op.in]: ['created', 'closed'] } } },
  );
  return n > 0;
}

/**
 * Closes an appointment's open orders at WeChat Pay. If WeChat says one was paid after all, the payment
 * wins: the order is marked paid and a pending appointment becomes booked. Called under the appointment lock.
 */
export async function closeForAppointment(a: Appointment): Promise<'closed' | 'paid' | 'none'> {
  if (!infra().pay) return 'none';
  const { client } = pay();
  const orders = await PayOrder.findAll({ where: { appointmentId: a.id, status: { [Op.in]: ['created', 'paid'] } } });
  if (orders.some((o) => o.status === 'paid')) return 'paid';
  if (!orders.length) return 'none';
  for (const order of orders) {
    const result = await orderLock(order.outTradeNo, async () => {
      let t = await client.queryOrder(order.outTradeNo).catch(gatewayFailure);
      if (t && t.trade_state !== 'SUCCESS' && t.trade_state !== 'CLOSED') {
        try {
          await client.closeOrder(order.outTradeNo);
        } catch (err) {
          // Paid between our query and the close: ask again and let the payment win.
          if (!(err instanceof WechatPayError)) throw err;
          t = await client.queryOrder(order.outTradeNo).catch(gatewayFailure);
          if (!t || t.trade_state !== 'SUCCESS') gatewayFailure(err);
        }
      }
      if (t && matches(order, t)) {
        await markPaid(order, t);
        return { paidAt: t.success_time ? new Date(t.success_time) : new Date() };
      }
      await order.update({ status: 'closed', closedAt: new Date() });
      return null;
    });
    if (result) {
      // The appointment records when WeChat says the payer paid, not when we noticed.
      await Appointment.update({ status: 'booked', paidAt: result.paidAt, holdExpiresAt: null }, { where: { id: a.id, status: 'pending_payment' } });
      return 'paid';
    }
  }
  return 'closed';
}

/** Full refund of what was paid for an appointment; the stable out_refund_no makes a second call a no-op. */
export async function refundForAppointment(a: Appointment, reason: string) {
  const order = await PayOrder.findOne({ where: { appointmentId: a.id, status: { [Op.in]: ['paid', 'refunding', 'refunded'] } } });
  if (!order) return null;
  const { client, notifyUrl } = pay();
  return orderLock(order.outTradeNo, async () => {
    const outRefundNo = `${order.outTradeNo}R1`;
    let refund = await PayRefund.findOne({ where: { outRefundNo } });
    if (refund?.status === 'success') return refund;
    if (!refund) refund = await PayRefund.create({ outRefundNo, orderId: order.id, amountFen: order.amountFen, reason: reason.slice(0, 80), status: 'processing' });
    await order.update({ status: 'refunding' });
    try {
      const r = await client.refund({ outTradeNo: order.outTradeNo, outRefundNo, totalFen: order.amountFen, refundFen: order.amountFen, reason: reason.slice(0, 80), notifyUrl });
      await applyRefundState(refund, order, r.status, r.refund_id, r.success_time);
    } catch (err) {
      // Stays "processing": the reconciliation job asks WeChat again and, if need be, re-submits with the same number.
      infra().log.error({ err, outRefundNo }, 'refund request failed');
    }
    return refund;
  });
}

async function applyRefundState(refund: PayRefund, order: PayOrder, status: string, refundId?: string, successTime?: string) {
  if (status === 'SUCCESS') {
    await refund.update({ status: 'success', refundId: refundId ?? refund.refundId, succeededAt: successTime ? new Date(successTime) : new Date() });
    await order.update({ status: 'refunded' });
  } else if (status === 'CLOSED' || status === 'ABNORMAL') {
    await refund.update({ status: 'failed', refundId: refundId ?? refund.refundId });
  } else if (refundId && !refund.refundId) {
    await refund.update({ refundId });
  }
}

export async function refundStatusOf(appointmentIds: number[]) {
  const out = new Map<number, { status: 'processing' | 'success' | 'failed'; amountFen: number }>();
  if (!appointmentIds.length) return out;
  const orders = await PayOrder.findAll({ where: { appointmentId: appointmentIds, status: ['refunding', 'refunded'] }, attributes: ['id', 'appointmentId'] });
  if (!orders.length) return out;
  const refunds = await PayRefund.findAll({ where: { orderId: orders.map((o) => o.id) } });
  for (const o of orders) {
    const r = refunds.find((x) => x.orderId === o.id);
    if (r) out.set(o.appointmentId, { status: r.status, amountFen: r.amountFen });
  }
  return out;
}

/**
 * A WeChat Pay notification: verified over the raw body (signature, serial, freshness), decrypted with
 * the auth tag checked, matched against our order, and applied once — a replay changes nothing.
 */
export async function handleNotification(headers: HeaderBag, rawBody: string) {
  const { client } = pay();
  const n = client.verifyNotification(headers, rawBody);
  if (n.eventType === 'TRANSACTION.SUCCESS') {
    const t = n.resource;
    const order = await PayOrder.findOne({ where: { outTradeNo: t.out_trade_no } });
    if (!order) throw new WechatPayNotifyError('NOTIFY_MALFORMED', `unknown out_trade_no ${t.out_trade_no}`);
    if (!matches(order, t)) throw new AppError(400, 'NOTIFY_MISMATCH', '通知与订单不符（商户、应用或金额）');
    const fresh = await orderLock(order.outTradeNo, async () => {
      if (await PayNotification.findByPk(n.id)) return false;
      await tx(async (tr) => {
        await PayNotification.create({ id: n.id, eventType: n.eventType, outNo: order.outTradeNo }, { transaction: tr });
      });
      await markPaid(order, t);
      return true;
    });
    if (fresh) await onPaid(order.appointmentId, t.success_time ? new Date(t.success_time) : new Date());
    return;
  }
  const r = n.resource;
  const refund = await PayRefund.findOne({ where: { outRefundNo: r.out_refund_no } });
  const order = refund ? await PayOrder.findByPk(refund.orderId) : null;
  if (!refund || !order || order.outTradeNo !== r.out_trade_no || r.mchid !== client.mchid) {
    throw new WechatPayNotifyError('NOTIFY_MALFORMED', `unknown refund ${r.out_refund_no}`);
  }
  await orderLock(order.outTradeNo, async () => {
    if (await PayNotification.findByPk(n.id)) return;
    await PayNotification.create({ id: n.id, eventType: n.eventType, outNo: r.out_refund_no });
    await applyRefundState(refund, order, r.refund_status, r.refund_id, r.success_time);
  });
}

/** Job: orders whose notification never came are asked about; paid-but-unapplied and stuck refunds are finished. */
export async function reconcilePayments() {
  if (!infra().pay) return { paid: 0, closed: 0, refunds: 0 };
  const { client } = pay();
  let paid = 0, closed = 0, refunds = 0;
  const stale = await PayOrder.findAll({ where: { status: 'created', createdAt: { [Op.lte]: new Date(Date.now() - 60_000) } }, limit: 200 });
  for (const order of stale) {
    const t = await client.queryOrder(order.outTradeNo).catch(() => undefined);
    if (t === undefined) continue;
    if (t && matches(order, t)) {
      if (await orderLock(order.outTradeNo, () => markPaid(order, t))) {
        await onPaid(order.appointmentId, t.success_time ? new Date(t.success_time) : new Date());
        paid++;
      }
    } else if (!t || t.trade_state === 'CLOSED' || (order.timeExpire.getTime() < Date.now() && t.trade_state === 'NOTPAY')) {
      if (t?.trade_state === 'NOTPAY') await client.closeOrder(order.outTradeNo).catch(() => undefined);
      await order.update({ status: 'closed', closedAt: new Date() });
      closed++;
    }
  }
  // Paid orders whose appointment never heard of it (e.g. the process stopped between the two steps).
  const paidOrders = await PayOrder.findAll({ where: { status: 'paid' }, attributes: ['id', 'appointmentId', 'paidAt'], limit: 500, order: [['id', 'DESC']] });
  if (paidOrders.length) {
    const pending = await Appointment.findAll({ where: { id: paidOrders.map((o) => o.appointmentId), status: ['pending_payment', 'expired', 'cancelled', 'stopped'] }, attributes: ['id'] });
    for (const a of pending) {
      const o = paidOrders.find((x) => x.appointmentId === a.id)!;
      await onPaid(a.id, o.paidAt ?? new Date());
    }
  }
  for (const refund of await PayRefund.findAll({ where: { status: 'processing', updatedAt: { [Op.lte]: new Date(Date.now() - 60_000) } }, limit: 200 })) {
    const order = (await PayOrder.findByPk(refund.orderId))!;
    const r = await client.queryRefund(refund.outRefundNo).catch(() => undefined);
    if (r === undefined) continue;
    if (r === null) {
      // WeChat never got it: submit again under the same out_refund_no.
      const again = await client.refund({ outTradeNo: order.outTradeNo, outRefundNo: refund.outRefundNo, totalFen: order.amountFen, refundFen: refund.amountFen, reason: refund.reason ?? undefined, notifyUrl: pay().notifyUrl }).catch(() => null);
      if (again) await applyRefundState(refund, order, again.status, again.refund_id, again.success_time);
    } else await applyRefundState(refund, order, r.status, r.refund_id, r.success_time);
    refunds++;
  }
  return { paid, closed, refunds };
}
