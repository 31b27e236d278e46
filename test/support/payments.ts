/**
 * Payment fixtures (paid and cancelled bookings, failed refunds, and states the current code no longer produces on its
 * own) and 收费管理's calls as the console makes them.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { startStack } from './stack';
import { PayOrder, PayRefund } from '../../bff/src/modules/payment/models';
import { bookAsApp, call } from './api';
import { newDoctor, newSchedule, patient, tomorrow } from './booking';

/**
 * A second WeChat Pay order for the same appointment, opened at the gateway the way the version before "one live
 * order per appointment" did in the last 30 s of a hold (setup only: the current code never opens one while
 * another is live). Both can then be paid at the fake gateway.
 */
export async function legacySecondOrder(appointmentId: number) {
  const { running } = await startStack();
  const { client, notifyUrl } = running.infra.pay!;
  const first = (await PayOrder.findOne({
    where: { subjectType: 'appointment', subjectId: appointmentId },
    order: [['id', 'ASC']],
  }))!;
  const o = await PayOrder.create({
    outTradeNo: `${first.outTradeNo.slice(0, -2)}P2`,
    subjectType: 'appointment',
    subjectId: appointmentId,
    userId: first.userId,
    openid: first.openid,
    amountFen: first.amountFen,
    description: first.description,
    status: 'created',
    timeExpire: new Date(Date.now() + 10 * 60_000),
  });
  const { prepayId } = await client.jsapi({
    outTradeNo: o.outTradeNo,
    description: o.description,
    amountFen: o.amountFen,
    openid: o.openid,
    timeExpire: o.timeExpire,
    notifyUrl,
  });
  await o.update({ prepayId });
  return o;
}

/** A schedule of a new 心血管内科 doctor for tomorrow, for suites that book and pay many times over. */
export async function feeSchedule(feeFen: number, slotCount: number) {
  const d = await newDoctor('心血管内科');
  return (await newSchedule(d.id, { feeFen, slotCount, date: tomorrow() })).id;
}

/** A patient's booking of `scheduleId`, paid through the simulated WeChat Pay (as the app does: book, then pay). */
export async function paidBooking(scheduleId: number) {
  const { pay } = await startStack();
  const p = await patient();
  const r = await bookAsApp({ token: p.token, body: { scheduleId, patientId: p.patientId } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const order = (await PayOrder.findOne({ where: { subjectType: 'appointment', subjectId: r.body.appointment.id } }))!;
  await pay.pay(order.outTradeNo);
  await pay.settled();
  await order.reload();
  assert.equal(order.status, 'paid');
  return { order, patient: p, appointmentId: r.body.appointment.id as number };
}

/** The patient cancels; returns once the simulated WeChat Pay has settled the refund it starts. */
export async function cancelBooking(p: { token: string }, appointmentId: number) {
  const r = await call('POST', `/api/mp/appointments/${appointmentId}/cancel`, { token: p.token });
  assert.ok(r.status < 300, JSON.stringify(r.body));
  await (await startStack()).pay.settled();
}

/** A paid booking the patient cancelled, whose refund WeChat Pay ended `outcome` (failed in our books too). */
export async function cancelledWithFailedRefund(scheduleId: number, outcome: 'CLOSED' | 'ABNORMAL') {
  const { pay } = await startStack();
  const b = await paidBooking(scheduleId);
  pay.refundOutcome(b.order.outTradeNo, outcome);
  await cancelBooking(b.patient, b.appointmentId);
  const [r1] = await refundsOf(b.order.id);
  assert.deepEqual([r1.status, r1.failure], ['failed', outcome.toLowerCase()]);
  return { ...b, r1 };
}

export const refundsOf = (orderId: number) => PayRefund.findAll({ where: { orderId }, order: [['id', 'ASC']] });
/** What the order's refunds take back, counting each refund once (an abnormal one re-routed is the same money). */
export const refundedFen = async (orderId: number) =>
  (await refundsOf(orderId)).filter((r) => r.status === 'success').reduce((n, r) => n + r.amountFen, 0);

/** A refund's path under 收费管理's orders (retry, payout). */
export const refundPath = (orderId: number, outRefundNo: string) =>
  `/api/admin/payment/orders/${orderId}/refunds/${outRefundNo}`;

/**
 * 收费管理's refund calls as a console user makes them. `token` is read at each call (suites log in in `before`);
 * a call given `as` is made by that user instead.
 */
export function refundConsole(token: () => string) {
  return {
    retry: (orderId: number, outRefundNo: string, body: unknown, as = token()) =>
      call('POST', `${refundPath(orderId, outRefundNo)}/retry`, { token: as, body }),
    payout: (orderId: number, outRefundNo: string, body: unknown, as = token()) =>
      call('POST', `${refundPath(orderId, outRefundNo)}/payout`, { token: as, body }),
    /** 订单管理's list for a query string, asserted 200. */
    listed: async (q: string) => {
      const r = await call('GET', `/api/admin/payment/orders?${q}`, { token: token() });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { total: number; items: any[] };
    },
  };
}

/** One order as its payer sees it in 我的订单. */
export const payerOrder = async (p: { token: string }, outTradeNo: string) =>
  (await call('GET', '/api/mp/orders', { token: p.token })).body.items.find(
    (o: { outTradeNo: string }) => o.outTradeNo === outTradeNo,
  );

/** 订单管理's Excel export for a query string, as rows of header → cell text (the first sheet; one row per order). */
export async function exportedOrders(token: string, q: string) {
  const { baseUrl } = await startStack();
  const res = await fetch(`${baseUrl}/api/admin/payment/orders/export?${q}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, await res.clone().text());
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const rows: string[][] = [];
  wb.worksheets[0].eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}
