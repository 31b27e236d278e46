/**
 * 收费管理 (issue 15): orders and refunds with their WeChat Pay states, export, a refund by hand with a reason
 * (permission-checked, in the operation log, idempotent, through the simulated WeChat Pay), and the daily
 * reconciliation against WeChat Pay's trade bill with every difference stored.
 */
import assert from 'node:assert/strict';
import { Op } from 'sequelize';
import { startStack } from '../../support/stack';
import { staffWithPerms } from '../../support/accounts';
import { bookAsApp, call, loginAs } from '../../support/api';
import { admin, newDoctor, newSchedule, patient, tomorrow } from '../../support/booking';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';
import { PayOrder, PayRefund } from '../../../bff/src/modules/payment/models';
import { DataAccessLog } from '../../../bff/src/kernel/audit';
import { PatientNotice } from '../../../bff/src/kernel/notifications/models';
import { OperLog } from '../../../bff/src/modules/monitor/models';

const DAY = 86400_000;

/** A booking paid through the simulated WeChat Pay (notification delivered unless `hold`). */
async function paidBooking(scheduleId: number, opts: { hold?: boolean } = {}) {
  const { pay } = await startStack();
  const p = await patient();
  const r = await bookAsApp({
    token: p.token,
    body: { scheduleId, patientId: p.patientId },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const order = (await PayOrder.findOne({ where: { subjectType: 'appointment', subjectId: r.body.appointment.id } }))!;
  await pay.pay(order.outTradeNo, { hold: opts.hold });
  await pay.settled();
  await order.reload();
  return { order, patient: p, appointmentId: r.body.appointment.id as number };
}

describe('收费管理: orders, refunds by hand, daily reconciliation', function () {
  this.timeout(300_000);
  let tokens: Record<'admin' | 'deptadmin' | 'chief' | 'doctor', string>;
  let scheduleId: number;

  before(async () => {
    await startStack();
    tokens = {
      admin: await admin(),
      deptadmin: await loginAs('deptadmin'),
      chief: await loginAs('chief'),
      doctor: await loginAs('doctor'),
    };
    const d = await newDoctor('心血管内科');
    scheduleId = (await newSchedule(d.id, { feeFen: 2500, slotCount: 30, date: tomorrow() })).id;
  });

  it('lists orders with their WeChat states: administrators only, hospital-wide scope, reads audited', async () => {
    const { order } = await paidBooking(scheduleId);
    const list = (token: string, q = `outTradeNo=${order.outTradeNo}`) =>
      call('GET', `/api/admin/payment/orders?${q}`, { token });
    const r = await list(tokens.admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.total, 1);
    const row = r.body.items[0];
    assert.equal(row.status, 'paid');
    assert.equal(row.amountFen, 2500);
    assert.equal(row.subjectLabel, '挂号');
    assert.match(row.transactionId, /^4200/);
    assert.deepEqual(row.refunds, []);
    for (const who of ['deptadmin', 'chief', 'doctor'] as const) {
      const denied = await list(tokens[who]);
      assert.equal(denied.status, 403, who);
      assert.equal(denied.body.error.code, 'FORBIDDEN');
    }
    const p = await patient();
    assert.equal((await list(p.token)).status, 401);
    for (const q of ['status=paidish', 'from=2026-13-01', 'pageSize=500']) {
      const bad = await list(tokens.admin, q);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    }
    assert.ok(
      await DataAccessLog.findOne({
        where: { what: 'payment.order.list', subjectIds: { [Op.like]: `%${order.outTradeNo}%` } },
      }),
      'the read is in the data-access log',
    );

    // what WeChat Pay says now, beside our books
    const w = await call('GET', `/api/admin/payment/orders/${order.id}/wechat`, { token: tokens.admin });
    assert.equal(w.status, 200, JSON.stringify(w.body));
    assert.equal(w.body.tradeState, 'SUCCESS');
    assert.equal(w.body.transactionId, row.transactionId);
    assert.equal(
      (await call('GET', '/api/admin/payment/orders/999999999/wechat', { token: tokens.admin })).status,
      404,
    );

    // a role holding the permission but a department data scope is refused: money is hospital-wide
    const scoped = await list(
      await staffWithPerms(['payment:order:list'], { dataScope: 'dept', dept: '心血管内科', roleName: '科室收费员' }),
    );
    assert.equal(scoped.status, 403);
    assert.equal(scoped.body.error.code, 'OUT_OF_SCOPE');
  });

  it('refunds by hand: permission, reason, once however often asked, through WeChat Pay; the payer is told', async () => {
    const { pay } = await startStack();
    const { order, patient: p } = await paidBooking(scheduleId);
    const refund = (token: string, body: unknown, id = order.id) =>
      call('POST', `/api/admin/payment/orders/${id}/refund`, { token, body });
    const denied = await refund(tokens.deptadmin, { reason: '患者要求' });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'FORBIDDEN');
    for (const bad of [{}, { reason: ' ' }, { reason: 'x'.repeat(61) }, { reason: '患者要求', amountFen: 1 }]) {
      const r = await refund(tokens.admin, bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }
    assert.equal((await refund(tokens.admin, { reason: '患者要求' }, 999_999_999)).status, 404);

    // an unpaid order has nothing to refund
    const unpaid = await patient();
    const held = await bookAsApp({
      token: unpaid.token,
      body: { scheduleId, patientId: unpaid.patientId },
    });
    const unpaidOrder = (await PayOrder.findOne({
      where: { subjectType: 'appointment', subjectId: held.body.appointment.id },
    }))!;
    const notPaid = await refund(tokens.admin, { reason: '患者要求' }, unpaidOrder.id);
    assert.equal(notPaid.status, 409);
    assert.equal(notPaid.body.error.code, 'ORDER_NOT_REFUNDABLE');

    // two staff press 退款 at the same moment: one refund
    const [a, b] = await Promise.all([
      refund(tokens.admin, { reason: '医生临时停诊，患者改约' }),
      refund(tokens.admin, { reason: '医生临时停诊，患者改约' }),
    ]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.deepEqual([a.body.created, b.body.created].sort(), [false, true]);
    assert.equal(a.body.refund.outRefundNo, `${order.outTradeNo}R1`);
    assert.equal(b.body.refund.outRefundNo, a.body.refund.outRefundNo);
    await pay.settled();
    const again = await refund(tokens.admin, { reason: '再点一次' });
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    assert.equal(again.body.order.status, 'refunded');
    assert.equal(again.body.refund.status, 'success');
    assert.equal(again.body.refund.reason, '人工退款：医生临时停诊，患者改约');
    assert.equal(pay.order(order.outTradeNo)!.refundNos.length, 1, 'WeChat Pay was asked for one refund');
    assert.equal(await PayRefund.count({ where: { orderId: order.id } }), 1);
    assert.equal(await PatientNotice.count({ where: { userId: p.userId, title: '退款通知' } }), 1);
    const ops = await OperLog.findAll({
      where: { path: `/api/admin/payment/orders/${order.id}/refund`, status: 'success' },
    });
    assert.equal(ops.length, 3, 'every refund by hand is in the operation log');
    assert.match(ops[0].params ?? '', /医生临时停诊/);

    const w = await call('GET', `/api/admin/payment/orders/${order.id}/wechat`, { token: tokens.admin });
    assert.equal(w.body.tradeState, 'REFUND');
    assert.deepEqual(
      w.body.refunds.map((r: { status: string }) => r.status),
      ['SUCCESS'],
    );
  });

  it('exports orders to Excel for those allowed, audited', async () => {
    const { baseUrl } = await startStack();
    const res = await fetch(`${baseUrl}/api/admin/payment/orders/export?status=refunded`, {
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /spreadsheetml/);
    assert.equal(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 2)
        .toString(),
      'PK',
    );
    assert.ok(await DataAccessLog.findOne({ where: { what: 'payment.order.export' } }));
    const denied = await call('GET', '/api/admin/payment/orders/export', { token: tokens.chief });
    assert.equal(denied.status, 403);
  });

  it('reconciles a day against WeChat Pay’s trade bill and stores every difference', async () => {
    const { pay, running } = await startStack();
    // A day of its own, long enough ago that no other suite's payments fall on it (the database and the simulated
    // WeChat Pay serve every suite of the run): its books are only what this test puts there.
    const BACK = 41;
    const yesterday = addDays(shanghaiDate(), -BACK);
    // that day's books: a payment later refunded, a payment, one WeChat has but we closed (a bug), and one we
    // marked paid that WeChat never received
    const refunded = await paidBooking(scheduleId);
    await call('POST', `/api/admin/payment/orders/${refunded.order.id}/refund`, {
      token: tokens.admin,
      body: { reason: '对账测试' },
    });
    await pay.settled();
    const kept = await paidBooking(scheduleId);
    const lost = await paidBooking(scheduleId, { hold: true });
    await lost.order.update({ status: 'closed', closedAt: new Date() });
    const unpaidPatient = await patient();
    const ghost = await bookAsApp({
      token: unpaidPatient.token,
      body: { scheduleId, patientId: unpaidPatient.patientId },
    });
    const ghostOrder = (await PayOrder.findOne({
      where: { subjectType: 'appointment', subjectId: ghost.body.appointment.id },
    }))!;
    // everything moved one day back, at WeChat Pay and in our books alike
    for (const o of [refunded.order, kept.order, lost.order]) pay.shiftTimes(o.outTradeNo, BACK * DAY);
    for (const o of [refunded.order, kept.order]) {
      await o.reload();
      await o.update({ paidAt: new Date(o.paidAt!.getTime() - BACK * DAY) });
    }
    const r1 = (await PayRefund.findOne({ where: { orderId: refunded.order.id } }))!;
    await r1.update({ succeededAt: new Date(r1.succeededAt!.getTime() - BACK * DAY) });
    await ghostOrder.update({ status: 'paid', paidAt: new Date(Date.now() - BACK * DAY) });

    const run = (token: string, billDate: string) =>
      call('POST', '/api/admin/payment/reconciliations', { token, body: { billDate } });
    assert.equal((await run(tokens.deptadmin, yesterday)).status, 403);
    const today = await run(tokens.admin, shanghaiDate());
    assert.equal(today.status, 422);
    assert.equal(today.body.error.code, 'BILL_DATE_INVALID');
    assert.equal((await run(tokens.admin, '2026/12/01')).body.error.code, 'VALIDATION_FAILED');

    const r = await run(tokens.admin, yesterday);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'differences');
    const diffs = r.body.diffs.map((d: { kind: string; outTradeNo: string }) => [d.kind, d.outTradeNo]).sort();
    assert.deepEqual(
      diffs,
      [
        ['trade_missing_bill', ghostOrder.outTradeNo],
        ['trade_missing_local', lost.order.outTradeNo],
      ].sort(),
    );
    const lostDiff = r.body.diffs.find((d: { kind: string }) => d.kind === 'trade_missing_local');
    assert.equal(lostDiff.ourStatus, 'closed');
    assert.equal(lostDiff.billFen, 2500);
    assert.equal(r.body.billTrades, 3);
    assert.equal(r.body.billTradeFen, 7500);
    assert.equal(r.body.billRefunds, 1);
    assert.equal(r.body.billRefundFen, 2500);
    assert.equal(r.body.ourTrades, 3);
    assert.equal(r.body.ourRefunds, 1);

    const listed = await call('GET', `/api/admin/payment/reconciliations?from=${yesterday}`, { token: tokens.admin });
    assert.equal(listed.status, 200);
    // later days may be listed too (the daily job reconciles yesterday whenever another suite runs it)
    const mine = listed.body.items.find((i: { billDate: string }) => i.billDate === yesterday);
    assert.ok(mine, JSON.stringify(listed.body.items));
    assert.equal(mine.diffCount, 2);
    const detail = await call('GET', `/api/admin/payment/reconciliations/${r.body.id}`, { token: tokens.admin });
    assert.equal(detail.body.diffs.length, 2);
    assert.equal((await call('GET', '/api/admin/payment/reconciliations', { token: tokens.chief })).status, 403);

    // the books put right, the day reconciled again: balanced, the old differences gone
    await lost.order.update({ status: 'paid', paidAt: new Date(Date.now() - BACK * DAY) });
    await ghostOrder.update({ status: 'closed', paidAt: null });
    assert.equal((await run(tokens.admin, yesterday)).body.status, 'balanced');
    // the daily job reconciles the day before today
    const job = (await running.infra.jobs.runNow('payment-daily-bill')) as { billDate: string; status: string };
    assert.equal(job.billDate, addDays(shanghaiDate(), -1));
    const after = await call('GET', `/api/admin/payment/reconciliations/${r.body.id}`, { token: tokens.admin });
    assert.equal(after.body.status, 'balanced');
    assert.deepEqual(after.body.diffs, []);

    // a day without any trade: WeChat has no bill
    const quiet = await run(tokens.admin, addDays(shanghaiDate(), -BACK - 30));
    assert.equal(quiet.body.status, 'no_bill');
  });
});
