import { literal, Op, type WhereOptions } from 'sequelize';
import { infra } from '../../infra';
import { maskPhone } from '../../infra/crypto';
import { WechatPayError } from '../../infra/wechatpay';
import type { AdminActor } from '../../http/actor';
import { AppError, conflict, forbidden, notFound } from '../../http/errors';
import { auditReads, type ReadOrigin } from '../../kernel/audit';
import { pagedXlsxExport } from '../../kernel/sheets/export';
import { notify } from '../../kernel/notifications';
import { addDays, shanghaiInstant, shanghaiDateTime } from '../../shared/time';
import { MpUser } from '../auth/models';
import { PayOrder, PayRefund, type PayOrderStatus, type PayRefundPayout, type PayRefundPayoutChange } from './models';
import { needsRetry, refundOrder, refundReachedPayer, retryRefund, type RetryRefundRequest } from './service';
import {
  correctOfflinePayout,
  payoutChangesOf,
  payoutsOf,
  recordOfflinePayout,
  viaMerchantAccount,
  type OfflinePayoutRequest,
  type PayoutCorrectionRequest,
} from './payout';
import { OFFLINE_PAYOUT_METHODS } from '../../shared/refund-banks';
import { PAY_ORDER_STATUS_LABEL as STATUS_LABEL, orderStateLabel, refundStateLabel } from '../../shared/payment-labels';

/**
 * 收费管理: every order and refund with its WeChat Pay state, export, and refunds by hand. Money belongs to the whole
 * hospital: only a data scope of 全部 sees it (a department-scoped role given the permission is refused).
 */
export function assertHospitalWide(actor: AdminActor) {
  if (!actor.scope.all) throw forbidden('OUT_OF_SCOPE', '收费数据仅对全院数据权限的角色开放');
}

type Query = {
  page: number;
  pageSize: number;
  status?: PayOrderStatus;
  subjectType?: string;
  outTradeNo?: string;
  from?: string;
  to?: string;
  refundFailed?: boolean;
  payoutPending?: boolean;
};
export const MAX_EXPORT_ROWS = 50_000;

const SUBJECT_LABEL: Record<string, string> = { appointment: '挂号', consultation: '图文问诊' };
/** Back in our merchant account and not paid out yet: the refund 登记线下支付 is for. */
const payoutDue = (r: Pick<PayRefund, 'status' | 'abnormalType'>, payout: PayRefundPayout | undefined) =>
  viaMerchantAccount(r) && r.status === 'success' && !payout;

function whereOf(q: Query): WhereOptions {
  const parts: WhereOptions[] = [];
  if (q.status) parts.push({ status: q.status });
  if (q.subjectType) parts.push({ subjectType: q.subjectType });
  if (q.outTradeNo) parts.push({ outTradeNo: q.outTradeNo });
  if (q.from) parts.push({ createdAt: { [Op.gte]: shanghaiInstant(q.from) } });
  if (q.to) parts.push({ createdAt: { [Op.lt]: shanghaiInstant(addDays(q.to, 1)) } });
  // orders with a refund that failed and was not done again: 收费管理's to-do list
  if (q.refundFailed)
    parts.push({
      id: { [Op.in]: literal("(SELECT order_id FROM pay_refund WHERE status = 'failed' AND retried_by IS NULL)") },
    });
  // orders with a refund back in our merchant account that nobody has recorded paying out: the other to-do list
  if (q.payoutPending)
    parts.push({
      id: {
        [Op.in]: literal(
          "(SELECT r.order_id FROM pay_refund r WHERE r.abnormal_type = 'MERCHANT_BANK_CARD' AND r.status = 'success'" +
            ' AND NOT EXISTS (SELECT 1 FROM pay_refund_payout p WHERE p.refund_id = r.id))',
        ),
      },
    });
  return { [Op.and]: parts };
}

async function orderViews(orders: PayOrder[]) {
  if (!orders.length) return [];
  const [refunds, users] = await Promise.all([
    PayRefund.findAll({ where: { orderId: orders.map((o) => o.id) }, order: [['id', 'ASC']] }),
    MpUser.findAll({ where: { id: [...new Set(orders.map((o) => o.userId))] } }),
  ]);
  const payouts = await payoutsOf(refunds);
  const changes = await payoutChangesOf([...payouts.values()].map((p) => p.id));
  const { fieldCrypto } = infra();
  const payer = new Map(
    users.map((u) => [
      u.id,
      [u.nickname, u.phoneEnc ? maskPhone(fieldCrypto.decrypt(u.phoneEnc)) : null].filter(Boolean).join(' '),
    ]),
  );
  return orders.map((o) => ({
    refundFailed: refunds.some((r) => r.orderId === o.id && needsRetry(r)),
    payoutPending: refunds.some((r) => r.orderId === o.id && payoutDue(r, payouts.get(r.id))),
    id: o.id,
    outTradeNo: o.outTradeNo,
    subjectType: o.subjectType,
    subjectLabel: SUBJECT_LABEL[o.subjectType] ?? o.subjectType,
    subjectId: o.subjectId,
    description: o.description,
    amountFen: o.amountFen,
    status: o.status,
    transactionId: o.transactionId ?? null,
    payer: payer.get(o.userId) || '—',
    createdAt: o.createdAt,
    paidAt: o.paidAt ?? null,
    closedAt: o.closedAt ?? null,
    refunds: refunds
      .filter((r) => r.orderId === o.id)
      .map((r) => ({
        outRefundNo: r.outRefundNo,
        refundId: r.refundId ?? null,
        amountFen: r.amountFen,
        status: r.status,
        failure: r.failure ?? null,
        retriedBy: r.retriedBy ?? null,
        receivedAccount: r.receivedAccount ?? null,
        abnormalType: r.abnormalType ?? null,
        payoutPending: payoutDue(r, payouts.get(r.id)),
        payout: payoutView(payouts.get(r.id), changes),
        reason: r.reason,
        createdAt: r.createdAt,
        succeededAt: r.succeededAt ?? null,
      })),
  }));
}

const payoutView = (p: PayRefundPayout | undefined, changes: Map<number, PayRefundPayoutChange[]>) =>
  p
    ? {
        amountFen: p.amountFen,
        method: p.method,
        reference: p.reference ?? null,
        note: p.note ?? null,
        recordedBy: p.recordedByName,
        recordedAt: new Date(p.recordedAt),
        version: p.version,
        corrections: (changes.get(p.id) ?? []).map((c) => ({
          version: c.version,
          before: { method: c.oldMethod, reference: c.oldReference ?? null, note: c.oldNote ?? null },
          after: { method: c.newMethod, reference: c.newReference ?? null, note: c.newNote ?? null },
          reason: c.reason,
          changedBy: c.changedByName,
          changedAt: new Date(c.changedAt),
        })),
      }
    : null;

/** Orders are a patient's payments: each console read is in the data-access log (kernel audit). */
const auditShown = (actor: AdminActor, what: string, from: ReadOrigin, rows: PayOrder[]) =>
  auditReads(actor, {
    ...from,
    what,
    subjectType: 'pay_order',
    subjects: rows.map((o) => ({ patientId: null, subjectId: o.outTradeNo })),
  });

export async function listOrders(actor: AdminActor, q: Query, from: ReadOrigin) {
  assertHospitalWide(actor);
  const { rows, count } = await PayOrder.findAndCountAll({
    where: whereOf(q),
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const [items] = await Promise.all([orderViews(rows), auditShown(actor, 'payment.order.list', from, rows)]);
  return { items, total: count, page: q.page, pageSize: q.pageSize };
}

async function findOrder(id: number) {
  const o = await PayOrder.findByPk(id);
  if (!o) throw notFound('订单不存在');
  return o;
}

/** What WeChat Pay says about the order now (and its refunds), beside what our books say. */
export async function wechatState(actor: AdminActor, id: number) {
  assertHospitalWide(actor);
  const o = await findOrder(id);
  const pay = infra().pay;
  if (!pay) throw new AppError(503, 'PAYMENT_UNAVAILABLE', '支付服务未配置');
  try {
    const t = await pay.client.queryOrder(o.outTradeNo);
    const refunds = [];
    for (const r of await PayRefund.findAll({ where: { orderId: o.id }, order: [['id', 'ASC']] })) {
      const w = await pay.client.queryRefund(r.outRefundNo);
      refunds.push({ outRefundNo: r.outRefundNo, status: w?.status ?? null, successTime: w?.success_time ?? null });
    }
    return {
      tradeState: t?.trade_state ?? null,
      tradeStateDesc: t?.trade_state_desc ?? null,
      transactionId: t?.transaction_id ?? null,
      successTime: t?.success_time ?? null,
      refunds,
    };
  } catch (err) {
    if (err instanceof WechatPayError)
      throw new AppError(503, 'PAYMENT_UNAVAILABLE', '微信支付暂时无法查询，请稍后再试');
    throw err;
  }
}

/**
 * A refund by hand: the whole order back to the payer through WeChat Pay, under the order's one refund number
 * (`<out_trade_no>R1`), so asking twice — or after a cancellation refunded it — refunds once. The payer is told;
 * the operation log records who and why. The booking or consultation it paid for is not changed by it.
 */
export async function refundByHand(actor: AdminActor, id: number, reason: string) {
  assertHospitalWide(actor);
  const o = await findOrder(id);
  if (o.status === 'created' || o.status === 'closed')
    throw conflict('ORDER_NOT_REFUNDABLE', `订单${STATUS_LABEL[o.status]}，没有可退的款项`);
  const { refund, created } = await refundOrder(o, `人工退款：${reason}`);
  if (created)
    await notify(o.userId, {
      title: '退款通知',
      content: `您支付的 ${(o.amountFen / 100).toFixed(2)} 元（${SUBJECT_LABEL[o.subjectType] ?? '订单'}）已由医院办理退款，将原路退回。原因：${reason}`,
    });
  return refundAnswer(o, refund.outRefundNo, created);
}

/** What a refund by hand answers: the order as the list shows it now, and the refund among its refunds. */
async function refundAnswer(o: PayOrder, outRefundNo: string, created: boolean) {
  await o.reload();
  const [view] = await orderViews([o]);
  return { created, refund: view.refunds.find((r) => r.outRefundNo === outRefundNo)!, order: view };
}

/**
 * 重新退款: a refund WeChat closed or marked abnormal, done again by hand (see `retryRefund` for how each is done).
 * The payer is told; the operation log keeps who and why (the card number only masked).
 */
export async function retryRefundByHand(actor: AdminActor, id: number, outRefundNo: string, req: RetryRefundRequest) {
  assertHospitalWide(actor);
  const o = await findOrder(id);
  const failed = await PayRefund.findOne({ where: { orderId: o.id, outRefundNo } });
  if (!failed) throw notFound('退款单不存在');
  const { refund, created } = await retryRefund(o, failed, { ...req, reason: `重新退款：${req.reason}` });
  if (created)
    await notify(o.userId, {
      title: '退款通知',
      content: `您的 ${(refund.amountFen / 100).toFixed(2)} 元退款（${SUBJECT_LABEL[o.subjectType] ?? '订单'}）此前未能到账，医院已重新办理${
        refund.abnormalType === 'MERCHANT_BANK_CARD'
          ? '：款项将先退回医院账户，再由医院工作人员线下退还给您（如银行转账），届时另行通知'
          : refund.abnormalType
            ? `，将退至您提供的银行卡${refund.receivedAccount ? `（${refund.receivedAccount}）` : ''}`
            : '，将原路退回'
      }。`,
    });
  return refundAnswer(o, refund.outRefundNo, created);
}

/**
 * 登记线下支付: staff paid a refund that came back to our merchant account (MERCHANT_BANK_CARD) to the patient by
 * hand, and record how — once (see `recordOfflinePayout`; a second record is `409 PAYOUT_ALREADY_RECORDED`). The money
 * is with the payer now: the subject's domain is told as for any refund that landed (for an appointment it notifies
 * the patient); a subject without that handler has the patient told here. The operation log keeps who and the
 * request; the record keeps who and when.
 */
export async function recordPayoutByHand(
  actor: AdminActor,
  id: number,
  outRefundNo: string,
  req: OfflinePayoutRequest,
) {
  assertHospitalWide(actor);
  const o = await findOrder(id);
  const refund = await PayRefund.findOne({ where: { orderId: o.id, outRefundNo } });
  if (!refund) throw notFound('退款单不存在');
  const payout = await recordOfflinePayout(refund, req, { userId: actor.userId, name: actor.name || actor.username });
  // recorded is recorded: a failing notice must not answer 500 and invite a second record (which would be refused)
  const told = await refundReachedPayer(o, refund).catch((err: unknown) => {
    infra().log.error({ err, outRefundNo }, 'telling the payer of an offline payout failed');
    return true;
  });
  if (!told)
    await notify(o.userId, {
      title: '退款通知',
      content: `您的 ${(payout.amountFen / 100).toFixed(2)} 元退款（${SUBJECT_LABEL[o.subjectType] ?? '订单'}）已由医院线下退还（${OFFLINE_PAYOUT_METHODS[payout.method]}），请注意查收。`,
    });
  await o.reload();
  const [view] = await orderViews([o]);
  return { refund: view.refunds.find((r) => r.outRefundNo === outRefundNo)!, order: view };
}

/**
 * 更正 of a recorded offline payout (see `correctOfflinePayout`: the old and new values kept, a stale version refused
 * with `409 PAYOUT_CHANGED`). The operation log keeps who and the request; the change keeps who, when and why. The
 * patient is not told again: 我的订单 shows the corrected method.
 */
export async function correctPayoutByHand(
  actor: AdminActor,
  id: number,
  outRefundNo: string,
  req: PayoutCorrectionRequest,
) {
  assertHospitalWide(actor);
  const o = await findOrder(id);
  const refund = await PayRefund.findOne({ where: { orderId: o.id, outRefundNo } });
  if (!refund) throw notFound('退款单不存在');
  await correctOfflinePayout(refund, req, { userId: actor.userId, name: actor.name || actor.username });
  const [view] = await orderViews([o]);
  return { refund: view.refunds.find((r) => r.outRefundNo === outRefundNo)!, order: view };
}

const time = (d: Date | null) => (d ? shanghaiDateTime(d) : '');

export async function exportOrders(actor: AdminActor, q: Query, from: ReadOrigin): Promise<Buffer> {
  assertHospitalWide(actor);
  const where = whereOf(q);
  const total = await PayOrder.count({ where });
  return pagedXlsxExport({
    sheet: '订单',
    columns: [
      ['商户订单号', 'outTradeNo', 26],
      ['微信支付单号', 'transactionId', 32],
      ['业务', 'subjectLabel', 10],
      ['商品', 'description', 30],
      ['金额(元)', 'amount', 10],
      ['状态', 'statusLabel', 10],
      ['付款人', 'payer', 18],
      ['下单时间', 'created', 20],
      ['支付时间', 'paid', 20],
      ['退款单号', 'refundNo', 28],
      ['退款金额(元)', 'refundAmount', 12],
      ['退款状态', 'refundState', 10],
      ['退款原因', 'refundReason', 30],
    ],
    total,
    max: MAX_EXPORT_ROWS,
    page: (offset, limit) => PayOrder.findAll({ where, order: [['id', 'DESC']], offset, limit }),
    views: orderViews,
    audit: (rows) => auditShown(actor, 'payment.order.export', from, rows),
    row: (v) => {
      const r = v.refunds[v.refunds.length - 1];
      return {
        ...v,
        amount: (v.amountFen / 100).toFixed(2),
        statusLabel: orderStateLabel(v),
        created: time(v.createdAt),
        paid: time(v.paidAt),
        refundNo: r?.outRefundNo ?? '',
        refundAmount: r ? (r.amountFen / 100).toFixed(2) : '',
        refundState: r ? refundStateLabel(r) : '',
        refundReason: r?.reason ?? '',
      };
    },
  });
}
