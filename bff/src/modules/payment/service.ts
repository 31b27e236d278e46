import { Op } from 'sequelize';
import { infra, tx } from '../../infra';
import {
  WechatPayError,
  WechatPayNotifyError,
  type HeaderBag,
  type JsapiPayParams,
  type Refund,
  type RefundNotifyResource,
  type Transaction,
} from '../../infra/wechatpay';
import { AppError, conflict, unprocessable } from '../../http/errors';
import type { AbnormalRefundType } from '../../shared/refund-banks';
import { MpUser } from '../auth/models';
import { PayNotification, PayOrder, PayRefund } from './models';
import { payerRefundState, payoutsOf, viaMerchantAccount } from './payout';

/**
 * What an order pays for. Payment owns money states (created → paid → refunding → refunded, or closed); the
 * subject's own domain owns what a payment means for it, through the handlers it registers for its type.
 */
export interface PaySubject {
  type: string;
  id: number;
}

export interface SubjectPaymentHandlers {
  /** A payment WeChat confirmed (notification or reconciliation). May be called again for the same order. */
  onOrderPaid(order: PayOrder, paidAt: Date): Promise<unknown>;
  /** A refund of one of the subject's orders succeeded. */
  onOrderRefunded?(order: PayOrder, refund: PayRefund): Promise<void>;
  /**
   * A refund of one of the subject's orders failed at WeChat (CLOSED or ABNORMAL), the hospital to act on it: the
   * payer is told it has not gone through. Called once per failure (a refund done again and failing again is a new one).
   */
  onRefundFailed?(order: PayOrder, refund: PayRefund): Promise<void>;
  /** An unpaid order was closed by reconciliation (expired or closed at WeChat Pay). */
  onOrderClosed?(order: PayOrder): Promise<void>;
  /** Ids of paid orders the subject does not stand on yet; reconciliation hands each to onOrderPaid again. */
  unappliedPaidOrders?(limit: number): Promise<number[]>;
}

const subjectHandlers = new Map<string, SubjectPaymentHandlers>();

/** Called by the domain that owns a subject type (from its manifest's setup), once per process. */
export function registerPaySubject(type: string, handlers: SubjectPaymentHandlers) {
  subjectHandlers.set(type, handlers);
}

function handlersFor(type: string) {
  const h = subjectHandlers.get(type);
  if (!h) throw new Error(`no payment handlers registered for subject type ${type}`);
  return h;
}

const ofSubject = (s: PaySubject) => ({ subjectType: s.type, subjectId: s.id });

/** What the owning domain says about the order it asks for. */
export interface OrderRequest {
  subject: PaySubject;
  /** The subject's own number: order numbers are `${no}P1`, `${no}P2` … */
  no: string;
  userId: number;
  amountFen: number;
  description: string;
  timeExpire: Date;
  /** Called once older orders are closed (a payment found on them applied): throws if the subject can no longer be paid. */
  assertPayable(): Promise<void>;
  /** Applies a payment found on an older order while closing it; the caller holds the subject's lock. */
  applyFound(order: PayOrder, paidAt: Date): Promise<void>;
}

function pay() {
  const p = infra().pay;
  if (!p) throw new AppError(503, 'PAYMENT_UNAVAILABLE', '支付服务未配置');
  return p;
}
const orderLock = <T>(outTradeNo: string, fn: () => Promise<T>) =>
  infra().kv.withLock(`pay:${outTradeNo}`, fn, { ttlMs: 30_000, waitMs: 15_000 });

/**
 * `fn` under the order's lock, on the refund and order as they are now, not as read before the lock: a 重新退款
 * holding it may have just re-routed the refund, and where its money went decides who is told. Every word from
 * WeChat about a refund (a notification, the reconciliation's query, asked under it) is applied through this.
 */
const underRefundLock = <T>(refund: PayRefund, order: PayOrder, fn: () => Promise<T>) =>
  orderLock(order.outTradeNo, async () => {
    await Promise.all([refund.reload(), order.reload()]);
    return fn();
  });

function gatewayFailure(err: unknown): never {
  if (err instanceof WechatPayError) {
    infra().log.error({ status: err.status, code: err.code }, 'wechat pay call failed');
    throw new AppError(503, 'PAYMENT_UNAVAILABLE', '微信支付暂时不可用，请稍后在“我的预约”中继续支付');
  }
  throw err;
}

/** WeChat keeps a prepay_id usable for 2 hours; a little less, so a pay sheet opened now still works. */
const PREPAY_USABLE_MS = 110 * 60_000;
const PAID_STATES = ['paid', 'refunding', 'refunded'] as const;

/**
 * The pay parameters for an unpaid subject. One live order per subject: the live one is reused (its time_expire is
 * the hold's end anyway). Only when it can't be used (no prepay_id of ours, or too old) is a new one opened — after
 * the old one is closed at WeChat Pay, so it can never be paid too; if WeChat says it was paid, the payment wins
 * and no new order is opened. Called under the subject's lock.
 */
export async function ensurePayment(req: OrderRequest): Promise<JsapiPayParams> {
  const { client, notifyUrl } = pay();
  const orders = await PayOrder.findAll({ where: ofSubject(req.subject), order: [['id', 'ASC']] });
  const live = [...orders].reverse().find((o) => o.status === 'created');
  const usable =
    live?.prepayId &&
    live.timeExpire.getTime() > Date.now() &&
    Date.now() - live.createdAt.getTime() < PREPAY_USABLE_MS;
  if (usable && !orders.some((o) => o.status === 'paid')) return client.payParams(live.prepayId!);

  await closeForSubject(req.subject, req.applyFound);
  await req.assertPayable();
  const user = await MpUser.findByPk(req.userId);
  const order = await PayOrder.create({
    outTradeNo: `${req.no}P${orders.length + 1}`,
    ...ofSubject(req.subject),
    userId: req.userId,
    openid: user!.openid,
    amountFen: req.amountFen,
    description: req.description.slice(0, 127),
    status: 'created',
    timeExpire: req.timeExpire,
  });
  try {
    const { prepayId } = await client.jsapi({
      outTradeNo: order.outTradeNo,
      description: order.description,
      amountFen: order.amountFen,
      openid: order.openid,
      timeExpire: order.timeExpire,
      notifyUrl,
    });
    await order.update({ prepayId });
    return client.payParams(prepayId);
  } catch (err) {
    await order.update({ status: 'closed', closedAt: new Date() });
    gatewayFailure(err);
  }
}

/** Checks WeChat's answer against our order: same merchant, same app, same amount, really paid. */
function matches(order: PayOrder, t: Transaction) {
  const { client } = pay();
  return (
    t.trade_state === 'SUCCESS' &&
    t.mchid === client.mchid &&
    t.appid === client.appid &&
    t.amount?.total === order.amountFen &&
    t.out_trade_no === order.outTradeNo
  );
}

const successTime = (t: Transaction) => (t.success_time ? new Date(t.success_time) : new Date());

/** Marks an order paid once; returns whether this call did it. */
async function markPaid(order: PayOrder, t: Transaction) {
  const [n] = await PayOrder.update(
    { status: 'paid', transactionId: t.transaction_id ?? null, paidAt: successTime(t) },
    { where: { id: order.id, status: { [Op.in]: ['created', 'closed'] } } },
  );
  if (n > 0) await order.reload();
  return n > 0;
}

/**
 * Ends one open order at WeChat Pay: asks, closes it if unpaid, and asks again if the close was refused (paid in
 * between). Returns WeChat's success time if it was paid after all (the order is then marked paid), else null
 * (the order is marked closed).
 */
async function settleOrder(order: PayOrder): Promise<Date | null> {
  const { client } = pay();
  return orderLock(order.outTradeNo, async () => {
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
      return successTime(t);
    }
    await order.update({ status: 'closed', closedAt: new Date() });
    return null;
  });
}

/**
 * Closes a subject's open orders at WeChat Pay. If WeChat says one was paid after all, the payment wins: it is
 * handed to `applyFound`, and the owning domain decides (book on it, refund a duplicate, or leave the refund to
 * the caller). Called under the subject's lock.
 */
export async function closeForSubject(
  subject: PaySubject,
  applyFound: (order: PayOrder, paidAt: Date) => Promise<void>,
): Promise<void> {
  if (!infra().pay) return;
  const orders = await PayOrder.findAll({
    where: { ...ofSubject(subject), status: ['created', 'paid'] },
    order: [['id', 'ASC']],
  });
  for (const order of orders) {
    // An order already paid whose notification is still on its way counts as found, like one paid at close time.
    const paidAt = order.status === 'paid' ? (order.paidAt ?? new Date()) : await settleOrder(order);
    if (!paidAt) continue;
    await applyFound(order, paidAt);
  }
}

/**
 * Refund of what is left of one paid order (all of it, less any part refunded before — see `refundPart`); the
 * out_refund_no (the order's number + R1) makes a second call a no-op. `created` says whether this call started it.
 */
export async function refundOrder(order: PayOrder, reason: string): Promise<{ refund: PayRefund; created: boolean }> {
  return submitRefund(order, `${order.outTradeNo}R1`, null, reason);
}

/**
 * Part of one paid order back while the order stands (a price lowered after it was paid: 替诊 by a doctor of a
 * cheaper 号别). `key` names this refund among the order's parts, so a repeat with the same key is a no-op; the
 * order stays paid, and a later full refund returns only what is left.
 */
export async function refundPart(
  order: PayOrder,
  amountFen: number,
  key: string,
  reason: string,
): Promise<{ refund: PayRefund; created: boolean }> {
  if (!Number.isInteger(amountFen) || amountFen < 1) throw new Error('a part refund is a positive number of fen');
  return submitRefund(order, `${order.outTradeNo}P${key}`.slice(0, 64), amountFen, reason);
}

/**
 * Fen refunded or being refunded of an order so far, by its refunds other than `except`. A closed refund does not
 * count (its money stayed with us); an abnormal one does (its money waits in WeChat's refund account and goes on to
 * the payer by 发起异常退款, never by a new refund).
 */
async function refundedOf(orderId: number, except?: string) {
  const rows = await PayRefund.findAll({ where: { orderId }, raw: true });
  return rows
    .filter((r) => r.outRefundNo !== except && (r.status !== 'failed' || r.failure === 'abnormal'))
    .reduce((n, r) => n + r.amountFen, 0);
}

async function submitRefund(
  order: PayOrder,
  outRefundNo: string,
  part: number | null,
  reason: string,
): Promise<{ refund: PayRefund; created: boolean }> {
  pay();
  return orderLock(order.outTradeNo, async () => {
    await order.reload();
    let refund = await PayRefund.findOne({ where: { outRefundNo } });
    if (refund?.status === 'success') return { refund, created: false };
    const created = !refund;
    if (!refund) {
      const left = order.amountFen - (await refundedOf(order.id));
      const amountFen = part === null ? left : Math.min(part, left);
      if (amountFen < 1) throw new AppError(409, 'CONFLICT', '该订单已全部退款');
      refund = await PayRefund.create({
        outRefundNo,
        orderId: order.id,
        amountFen,
        reason: reason.slice(0, 80),
        status: 'processing',
      });
    }
    if (part === null && order.status === 'paid') await order.update({ status: 'refunding' });
    await sendRefund(order, refund);
    return { refund, created };
  });
}

/**
 * Asks WeChat Pay for one refund (again: the same out_refund_no refunds once) and applies its answer. A failed call
 * leaves it "processing": the reconciliation job asks WeChat again and, if need be, re-submits with the same number.
 */
async function sendRefund(order: PayOrder, refund: PayRefund) {
  const { client, notifyUrl } = pay();
  try {
    const r = await client.refund({
      outTradeNo: order.outTradeNo,
      outRefundNo: refund.outRefundNo,
      totalFen: order.amountFen,
      refundFen: refund.amountFen,
      reason: refund.reason ?? undefined,
      notifyUrl,
    });
    await applyRefundState(refund, order, r, 'answer');
    return true;
  } catch (err) {
    infra().log.error({ err, outRefundNo: refund.outRefundNo }, 'refund request failed');
    return false;
  }
}

export interface RetryRefundRequest {
  reason: string;
  /**
   * For an ABNORMAL refund, where 发起异常退款 sends the money: USER_BANK_CARD (the default) to `bankCard`, or
   * MERCHANT_BANK_CARD to the hospital's merchant account, to be paid to the patient by hand (登记线下支付).
   */
  to?: AbnormalRefundType;
  /** For an ABNORMAL refund sent to USER_BANK_CARD: the payer's debit card the money goes to instead (never stored). */
  bankCard?: { bankType: string; account: string; realName: string };
}

/**
 * A failed refund done again, as WeChat Pay's protocol says for how it failed — asked of WeChat first, since its
 * word is the truth: CLOSED (the money stayed with us) → a new out_refund_no (`<out_trade_no>RT<n>`) for the same
 * amount, never more than what is left of the order; ABNORMAL (the payer's card was cancelled or frozen; the money
 * waits in WeChat's refund account) → 发起异常退款 to the payer's debit card, under the same refund. Under the order's
 * lock, so a double click or two staff at once retry once: a refund already retried answers `created: false`.
 * An ABNORMAL refund may instead go back to the hospital's merchant account (MERCHANT_BANK_CARD, no card needed): it
 * then waits for 登记线下支付 (`recordOfflinePayout`) before the payer counts as refunded. A re-route that fails too
 * (WeChat answers ABNORMAL or CLOSED about it later: see `applyRefundState`) leaves the refund failed again, and it is
 * done again the same way: ABNORMAL → 发起异常退款 once more (WeChat takes it for any refund that is ABNORMAL now),
 * CLOSED → a new refund number.
 */
export async function retryRefund(
  order: PayOrder,
  failed: PayRefund,
  req: RetryRefundRequest,
): Promise<{ refund: PayRefund; created: boolean }> {
  const { client } = pay();
  return orderLock(order.outTradeNo, async () => {
    await Promise.all([order.reload(), failed.reload()]);
    if (failed.retriedBy) {
      const retry = await PayRefund.findOne({ where: { outRefundNo: failed.retriedBy } });
      if (retry) return { refund: retry, created: false };
    }
    if (failed.status !== 'failed') {
      if (failed.abnormalType) return { refund: failed, created: false };
      throw conflict('REFUND_NOT_FAILED', '该退款未失败，无需重新退款');
    }
    const w = await client.queryRefund(failed.outRefundNo).catch(gatewayFailure);
    if (w && w.status !== 'CLOSED' && w.status !== 'ABNORMAL') {
      // WeChat has moved on since (a notification we missed): take its word, nothing to retry
      await applyRefundState(failed, order, w, 'answer');
      return { refund: failed, created: false };
    }
    if (w?.status === 'ABNORMAL') {
      const type = req.to ?? 'USER_BANK_CARD';
      const card = req.bankCard;
      if (type === 'USER_BANK_CARD' && !card)
        throw unprocessable('BANK_CARD_REQUIRED', '该退款为退款异常（原卡已注销或冻结），请填写患者本人的借记卡信息');
      let r;
      try {
        r = await client.applyAbnormalRefund(
          type === 'USER_BANK_CARD' && card
            ? {
                refundId: w.refund_id,
                outRefundNo: failed.outRefundNo,
                type,
                bankType: card.bankType,
                bankAccount: card.account,
                realName: card.realName,
              }
            : // the merchant's own account: no bank fields (they are for USER_BANK_CARD only)
              { refundId: w.refund_id, outRefundNo: failed.outRefundNo, type: 'MERCHANT_BANK_CARD' },
        );
      } catch (err) {
        if (err instanceof WechatPayError && err.status >= 400 && err.status < 500)
          throw unprocessable('ABNORMAL_REFUND_REFUSED', `微信支付未受理异常退款：${err.message}`);
        gatewayFailure(err);
      }
      await failed.update({ failure: 'abnormal', abnormalType: type, status: 'processing' });
      await applyRefundState(failed, order, r, 'answer');
      return { refund: failed, created: true };
    }
    // CLOSED (or never reached WeChat): the money is ours again — a new refund number for what is left of it.
    const amountFen = Math.min(failed.amountFen, order.amountFen - (await refundedOf(order.id)));
    if (amountFen < 1) throw conflict('ORDER_FULLY_REFUNDED', '该订单已无可退金额，无需重新退款');
    const n =
      (await PayRefund.count({ where: { orderId: order.id, outRefundNo: { [Op.like]: `${order.outTradeNo}RT%` } } })) +
      1;
    const retry = await tx(async (t) => {
      const created = await PayRefund.create(
        {
          outRefundNo: `${order.outTradeNo}RT${n}`,
          orderId: order.id,
          amountFen,
          reason: req.reason.slice(0, 80),
          status: 'processing',
        },
        { transaction: t },
      );
      await failed.update({ failure: 'closed', retriedBy: created.outRefundNo }, { transaction: t });
      return created;
    });
    await sendRefund(order, retry);
    return { refund: retry, created: true };
  });
}

/** Full refund of everything paid for a subject (every paid order, duplicates included); repeat calls are no-ops. */
export async function refundForSubject(subject: PaySubject, reason: string) {
  const orders = await PayOrder.findAll({
    where: { ...ofSubject(subject), status: [...PAID_STATES] },
    order: [['id', 'ASC']],
  });
  const refunds: PayRefund[] = [];
  let created = 0;
  for (const order of orders) {
    const r = await refundOrder(order, reason);
    refunds.push(r.refund);
    if (r.created) created++;
  }
  return { refunds, created };
}

/** What WeChat says about a refund: an apply/query answer or a notification's resource. */
type RefundWord = Pick<Refund, 'refund_id' | 'success_time' | 'user_received_account'> & { status: string };
const wordOf = (r: RefundNotifyResource): RefundWord => ({ ...r, status: r.refund_status });

/**
 * Where a word came from. 'answer': WeChat's answer to our own request (申请退款, 查询单笔退款, 发起异常退款), asked
 * under the order's lock — nothing of ours changed the refund since, so it says how the refund is now.
 * 'notification': sent when WeChat got there, delivered whenever (retries, reordering) — possibly older than
 * something we did since.
 */
type WordSource = 'answer' | 'notification';

/**
 * Applies WeChat's word about a refund. Returns 'unconfirmed' for a word it does not take on its own (see below): the
 * caller asks WeChat (`confirmRefund`).
 */
async function applyRefundState(
  refund: PayRefund,
  order: PayOrder,
  w: RefundWord,
  source: WordSource,
): Promise<'unconfirmed' | undefined> {
  const account = w.user_received_account ? { receivedAccount: w.user_received_account.slice(0, 64) } : {};
  if (w.status === 'SUCCESS') {
    // told once: a WeChat notification of a refund already seen as succeeded (by query) changes nothing
    const already = refund.status === 'success';
    await refund.update({
      status: 'success',
      refundId: w.refund_id ?? refund.refundId,
      succeededAt: w.success_time ? new Date(w.success_time) : new Date(),
      ...account,
    });
    // a part refund (a lowered price) leaves the order paid; it is refunded once nothing of it is left
    if ((await refundedOf(order.id, refund.outRefundNo)) + refund.amountFen >= order.amountFen)
      await order.update({ status: 'refunded' });
    // Money sent back to our own merchant account (MERCHANT_BANK_CARD) has not reached the payer: the subject hears
    // of it when staff record paying it out (recordOfflinePayout).
    if (!already && !viaMerchantAccount(refund)) await refundReachedPayer(order, refund);
  } else if (w.status === 'CLOSED' || w.status === 'ABNORMAL') {
    // A notification saying ABNORMAL about a refund we have re-routed (发起异常退款) may be the one from before the
    // re-route, arriving late: it does not undo it, but it makes us ask WeChat at once (the caller's confirmRefund).
    // An answer is current: the re-route failed too (the hospital's settlement account or the card given refused
    // it), and the refund is failed again, for 重新退款 to act on.
    if (w.status === 'ABNORMAL' && refund.abnormalType && refund.status !== 'failed' && source === 'notification')
      return 'unconfirmed';
    const already = refund.status === 'failed';
    await refund.update({
      status: 'failed',
      failure: w.status === 'CLOSED' ? 'closed' : 'abnormal',
      refundId: w.refund_id ?? refund.refundId,
      ...account,
    });
    // told once: a later word about the same failure (a late notification, a repeat) finds it failed already
    if (!already) await refundFailedForPayer(order, refund);
  } else if (w.refund_id && !refund.refundId) {
    await refund.update({ refundId: w.refund_id });
  }
}

/**
 * Tells the subject's domain that a refund's money is with the payer (its onOrderRefunded: the payer is notified).
 * Returns false when the subject type registered no such handler, so the caller can tell the payer itself.
 */
export async function refundReachedPayer(order: PayOrder, refund: PayRefund): Promise<boolean> {
  const h = subjectHandlers.get(order.subjectType)?.onOrderRefunded;
  if (!h) return false;
  await h(order, refund);
  return true;
}

/**
 * Tells the subject's domain that a refund failed (its onRefundFailed: the payer is told the hospital is on it). The
 * failure is recorded whatever becomes of the notice: one that cannot be written is logged (the refund's number
 * only) and left — 我的订单 shows the failure either way.
 */
async function refundFailedForPayer(order: PayOrder, refund: PayRefund) {
  await subjectHandlers
    .get(order.subjectType)
    ?.onRefundFailed?.(order, refund)
    .catch((err: unknown) =>
      infra().log.warn({ err, outRefundNo: refund.outRefundNo }, 'refund failure notice not written'),
    );
}

/** Refunds that failed and are not done again yet: the ones 收费管理 must act on. */
export const needsRetry = (r: Pick<PayRefund, 'status' | 'retriedBy'>) => r.status === 'failed' && !r.retriedBy;

export interface RefundView {
  outRefundNo: string;
  amountFen: number;
  status: 'processing' | 'success' | 'failed';
  /** Refund of a second payment, not of the booking itself. */
  duplicate: boolean;
  reason: string | null;
  createdAt: Date;
  succeededAt: Date | null;
}

/**
 * Every refund of each subject of one type, oldest first, keyed by subject id. `paidOrderId` is the order the
 * subject stands on: a refund of any other order is a duplicate payment's.
 */
export async function refundsOf(type: string, subjects: { id: number; paidOrderId: number | null }[]) {
  const out = new Map<number, RefundView[]>();
  if (!subjects.length) return out;
  const orders = await PayOrder.findAll({
    where: { subjectType: type, subjectId: subjects.map((a) => a.id), status: ['refunding', 'refunded'] },
    attributes: ['id', 'subjectId'],
    raw: true,
  });
  if (!orders.length) return out;
  const byOrder = new Map(orders.map((o) => [o.id, o.subjectId]));
  const paidOrder = new Map(subjects.map((a) => [a.id, a.paidOrderId]));
  // Plain rows (SQLite gives their dates as text)
  const refunds = await PayRefund.findAll({
    where: { orderId: orders.map((o) => o.id) },
    order: [['id', 'ASC']],
    raw: true,
  });
  const payouts = await payoutsOf(refunds);
  for (const r of refunds) {
    const subjectId = byOrder.get(r.orderId)!;
    const kept = paidOrder.get(subjectId);
    const list = out.get(subjectId) ?? [];
    // as the payer knows it: a refund sent to our merchant account lands when staff record paying it out
    const seen = payerRefundState(r, payouts.get(r.id));
    list.push({
      outRefundNo: r.outRefundNo,
      amountFen: r.amountFen,
      status: seen.status,
      duplicate: kept != null && kept !== r.orderId,
      reason: r.reason,
      createdAt: new Date(r.createdAt),
      succeededAt: seen.succeededAt == null ? null : new Date(seen.succeededAt),
    });
    out.set(subjectId, list);
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
        await PayNotification.create(
          { id: n.id, eventType: n.eventType, outNo: order.outTradeNo },
          { transaction: tr },
        );
      });
      await markPaid(order, t);
      return true;
    });
    if (fresh) await handlersFor(order.subjectType).onOrderPaid(order, successTime(t));
    return;
  }
  const r = n.resource;
  const refund = await PayRefund.findOne({ where: { outRefundNo: r.out_refund_no } });
  const order = refund ? await PayOrder.findByPk(refund.orderId) : null;
  if (!refund || !order || order.outTradeNo !== r.out_trade_no || r.mchid !== client.mchid) {
    throw new WechatPayNotifyError('NOTIFY_MALFORMED', `unknown refund ${r.out_refund_no}`);
  }
  // its notification can arrive before 发起异常退款's answer is applied
  const word = await underRefundLock(refund, order, async () => {
    if (await PayNotification.findByPk(n.id)) return;
    await PayNotification.create({ id: n.id, eventType: n.eventType, outNo: r.out_refund_no });
    return applyRefundState(refund, order, wordOf(r), 'notification');
  });
  // ABNORMAL about a re-routed refund: late from before the re-route, or the re-route failed too. WeChat's answer
  // now tells which, so 收费管理 sees a real failure within moments, not at the job's next run. The notification is
  // recorded either way; if asking fails, the job asks again. WeChat waits 5 s for our answer to a notification (and
  // sends it again after that), while our query may take up to the client's 10 s: past NOTIFY_ANSWER_WITHIN_MS the
  // notification is answered and the query goes on by itself.
  if (word === 'unconfirmed') {
    const asking = confirmRefund(refund, order).catch((err: unknown) =>
      infra().log.error({ err, outRefundNo: refund.outRefundNo }, 'confirming a refund notification failed'),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([asking, new Promise((resolve) => (timer = setTimeout(resolve, NOTIFY_ANSWER_WITHIN_MS)))]);
    clearTimeout(timer);
  }
}

/** How long a notification's answer waits for the query it prompted (WeChat gives up on an answer after 5 s). */
export const NOTIFY_ANSWER_WITHIN_MS = 3_000;

/**
 * Asks WeChat about one processing refund and applies its answer, under the order's lock — so the answer is current:
 * no 重新退款 can re-route the refund between the two (one that did so since it was read is seen by the reload).
 * WeChat never got it: submitted again under the same out_refund_no. Returns whether WeChat was asked.
 */
async function confirmRefund(refund: PayRefund, order: PayOrder): Promise<boolean> {
  const { client } = pay();
  return underRefundLock(refund, order, async () => {
    if (refund.status !== 'processing') return false; // settled meanwhile (a notification, a 重新退款)
    const r = await client.queryRefund(refund.outRefundNo).catch(() => undefined);
    if (r === undefined) return false;
    if (r === null) await sendRefund(order, refund);
    else await applyRefundState(refund, order, r, 'answer');
    return true;
  });
}

/** Job: orders whose notification never came are asked about; paid-but-unapplied payments and stuck refunds are finished. */
export async function reconcilePayments() {
  if (!infra().pay) return { paid: 0, closed: 0, refunds: 0 };
  const { client } = pay();
  let paid = 0,
    closed = 0,
    refunds = 0;
  const stale = await PayOrder.findAll({
    where: { status: 'created', createdAt: { [Op.lte]: new Date(Date.now() - 60_000) } },
    limit: 200,
  });
  for (const order of stale) {
    const t = await client.queryOrder(order.outTradeNo).catch(() => undefined);
    if (t === undefined) continue;
    if (t && matches(order, t)) {
      if (await orderLock(order.outTradeNo, () => markPaid(order, t))) {
        await handlersFor(order.subjectType).onOrderPaid(order, successTime(t));
        paid++;
      }
    } else if (
      !t ||
      t.trade_state === 'CLOSED' ||
      (order.timeExpire.getTime() < Date.now() && t.trade_state === 'NOTPAY')
    ) {
      if (t?.trade_state === 'NOTPAY') await client.closeOrder(order.outTradeNo).catch(() => undefined);
      await order.update({ status: 'closed', closedAt: new Date() });
      await subjectHandlers.get(order.subjectType)?.onOrderClosed?.(order);
      closed++;
    }
  }
  // Paid orders their subject doesn't stand on (the process stopped between the two steps, a duplicate payment
  // not yet refunded, a cancelled booking whose refund never started): the owner's onOrderPaid applies, or
  // refunds, each once.
  for (const handlers of subjectHandlers.values()) {
    for (const id of (await handlers.unappliedPaidOrders?.(200)) ?? []) {
      const order = (await PayOrder.findByPk(id))!;
      await handlers
        .onOrderPaid(order, order.paidAt ?? new Date())
        .catch((err) => infra().log.error({ err, order: id }, 'applying a paid order failed'));
    }
  }
  for (const refund of await PayRefund.findAll({
    where: { status: 'processing', updatedAt: { [Op.lte]: new Date(Date.now() - 60_000) } },
    order: [['id', 'ASC']], // oldest first: a backlog is worked through, not starved by newer ones
    limit: 200,
  })) {
    const order = (await PayOrder.findByPk(refund.orderId))!;
    const asked = await confirmRefund(refund, order).catch((err: unknown) => {
      // one order's lock held too long (or the like) must not keep the job from the other refunds
      infra().log.error({ err, outRefundNo: refund.outRefundNo }, 'reconciling a refund failed');
      return false;
    });
    if (asked) refunds++;
  }
  return { paid, closed, refunds };
}
