/**
 * 收费管理 › 重新退款 (issue 15): a refund WeChat Pay closes (CLOSED) or marks abnormal (ABNORMAL) is never left
 * failed. CLOSED is refunded again under a new out_refund_no for what is left of the order; ABNORMAL goes to the
 * payer's debit card through 发起异常退款 (bank_account and real_name encrypted to the platform key), under the same
 * refund. Permission-checked, in the operation log (card masked), once however often asked, and never more than paid.
 */
import assert from 'node:assert/strict';
import { startStack } from '../../support/stack';
import { call, loginAs } from '../../support/api';
import { staffWithPerms } from '../../support/accounts';
import { admin, newDoctor, newSchedule, tomorrow } from '../../support/booking';
import { refundPart } from '../../../bff/src/modules/payment/service';
import { OperLog } from '../../../bff/src/modules/monitor/models';
import { PatientNotice } from '../../../bff/src/kernel/notifications/models';

import { cancelBooking as cancel, paidBooking, refundedFen, refundsOf as refunds } from '../../support/payments';

const FEE = 2500;

describe('收费管理: failed refunds are retried (CLOSED → new number, ABNORMAL → 发起异常退款)', function () {
  this.timeout(300_000);
  let token: string;
  let scheduleId: number;

  const retry = (orderId: number, outRefundNo: string, body: unknown, as = token) =>
    call('POST', `/api/admin/payment/orders/${orderId}/refunds/${outRefundNo}/retry`, { token: as, body });

  before(async () => {
    await startStack();
    token = await admin();
    const d = await newDoctor('心血管内科');
    scheduleId = (await newSchedule(d.id, { feeFen: FEE, slotCount: 30, date: tomorrow() })).id;
  });

  it('a closed part refund (替诊差价) is refunded again once, under a new number; the cancellation refunds the rest', async () => {
    const { pay } = await startStack();
    const { order, patient: p, appointmentId } = await paidBooking(scheduleId);
    pay.refundOutcome(order.outTradeNo, 'CLOSED');
    await refundPart(order, 800, 'sub1700', '替诊医生挂号费较低，退还差价');
    await pay.settled();
    const [part] = await refunds(order.id);
    assert.equal(part.status, 'failed');
    assert.equal(part.failure, 'closed');

    // 收费管理 shows it among the failed ones, highlighted
    const failedList = await call('GET', `/api/admin/payment/orders?refundFailed=true&outTradeNo=${order.outTradeNo}`, {
      token,
    });
    assert.equal(failedList.status, 200, JSON.stringify(failedList.body));
    assert.equal(failedList.body.total, 1);
    assert.equal(failedList.body.items[0].refundFailed, true);
    assert.equal(failedList.body.items[0].refunds[0].failure, 'closed');
    // the patient is told it did not go through
    const mine = await call('GET', '/api/mp/orders', { token: p.token });
    const mineRefund = mine.body.items.find((o: { outTradeNo: string }) => o.outTradeNo === order.outTradeNo)
      .refunds[0];
    assert.deepEqual([mineRefund.status, mineRefund.failure], ['failed', 'closed']);

    // a double click and a second member of staff: one retry
    const answers = await Promise.all([
      retry(order.id, part.outRefundNo, { reason: '微信退款关闭，重新退款' }),
      retry(order.id, part.outRefundNo, { reason: '微信退款关闭，重新退款' }),
      retry(order.id, part.outRefundNo, { reason: '患者来电催问' }),
    ]);
    for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(answers.map((a) => a.body.created).sort(), [false, false, true]);
    assert.deepEqual(new Set(answers.map((a) => a.body.refund.outRefundNo)), new Set([`${order.outTradeNo}RT1`]));
    await pay.settled();
    const after = await refunds(order.id);
    assert.deepEqual(
      after.map((r) => [r.outRefundNo, r.amountFen, r.status, r.retriedBy]),
      [
        [part.outRefundNo, 800, 'failed', `${order.outTradeNo}RT1`],
        [`${order.outTradeNo}RT1`, 800, 'success', null],
      ],
    );
    await order.reload();
    assert.equal(order.status, 'paid', 'a part refund leaves the order paid');
    const listed = await call('GET', `/api/admin/payment/orders?refundFailed=true&outTradeNo=${order.outTradeNo}`, {
      token,
    });
    assert.equal(listed.body.total, 0, 'no longer among the failed ones');
    assert.equal((await retry(order.id, part.outRefundNo, { reason: '再点一次' })).body.created, false);

    // the cancellation refunds only what is left; the patient sees the retry, not the failure
    await cancel(p, appointmentId);
    assert.equal(await refundedFen(order.id), FEE);
    assert.deepEqual(
      pay.order(order.outTradeNo)!.refundNos.map((no) => pay.refund(no)!.refund),
      [800, 800, 1700],
      'WeChat Pay: the closed 8.00, its retry, the rest',
    );
    await order.reload();
    assert.equal(order.status, 'refunded');
    const seen = (await call('GET', '/api/mp/orders', { token: p.token })).body.items.find(
      (o: { outTradeNo: string }) => o.outTradeNo === order.outTradeNo,
    );
    assert.deepEqual(
      seen.refunds.map((r: { amountFen: number; status: string }) => [r.amountFen, r.status]),
      [
        [800, 'success'],
        [1700, 'success'],
      ],
    );
    assert.ok(await PatientNotice.count({ where: { userId: p.userId, title: '退款通知' } }));
  });

  it('a closed full refund on cancel is refunded again; the order ends refunded', async () => {
    const { pay } = await startStack();
    const { order, patient: p, appointmentId } = await paidBooking(scheduleId);
    pay.refundOutcome(order.outTradeNo, 'CLOSED');
    await cancel(p, appointmentId);
    const [r1] = await refunds(order.id);
    assert.deepEqual([r1.outRefundNo, r1.status, r1.failure], [`${order.outTradeNo}R1`, 'failed', 'closed']);
    await order.reload();
    assert.equal(order.status, 'refunding');

    const r = await retry(order.id, r1.outRefundNo, { reason: '微信退款关闭，重新退款' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.created, true);
    await pay.settled();
    await order.reload();
    assert.equal(order.status, 'refunded');
    assert.equal(await refundedFen(order.id), FEE);
    // a refund that did not fail is not retried
    const ok = await retry(order.id, `${order.outTradeNo}RT1`, { reason: '再退一次' });
    assert.equal(ok.status, 409);
    assert.equal(ok.body.error.code, 'REFUND_NOT_FAILED');
  });

  it('an abnormal refund goes to the payer’s debit card through 发起异常退款, encrypted, once; the log masks the card', async () => {
    const { pay } = await startStack();
    const { order, patient: p, appointmentId } = await paidBooking(scheduleId);
    pay.refundOutcome(order.outTradeNo, 'ABNORMAL');
    await cancel(p, appointmentId);
    const [r1] = await refunds(order.id);
    assert.deepEqual([r1.status, r1.failure], ['failed', 'abnormal']);

    const noCard = await retry(order.id, r1.outRefundNo, { reason: '原卡已注销' });
    assert.equal(noCard.status, 422);
    assert.equal(noCard.body.error.code, 'BANK_CARD_REQUIRED');
    for (const bankCard of [
      { bankType: 'XYZ_DEBIT', account: '6225880112341234', realName: '王患者' },
      { bankType: 'CMB_DEBIT', account: '6225-8801', realName: '王患者' },
      { bankType: 'CMB_DEBIT', account: '6225880112341234', realName: '' },
    ]) {
      const bad = await retry(order.id, r1.outRefundNo, { reason: '原卡已注销', bankCard });
      assert.equal(bad.status, 400, JSON.stringify(bankCard));
      assert.match(bad.body.error.message, /[\u4e00-\u9fa5]/);
    }
    const card = { bankType: 'CMB_DEBIT', account: '6225880112345678', realName: '王患者' };
    const [a, b] = await Promise.all([
      retry(order.id, r1.outRefundNo, { reason: '原卡已注销，改退借记卡', bankCard: card }),
      retry(order.id, r1.outRefundNo, { reason: '原卡已注销，改退借记卡', bankCard: card }),
    ]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.deepEqual([a.body.created, b.body.created].sort(), [false, true]);
    await pay.settled();
    const w = pay.refund(r1.outRefundNo)!;
    assert.deepEqual(w.abnormal, {
      type: 'USER_BANK_CARD',
      bankType: 'CMB_DEBIT',
      accountLast4: '5678',
      realName: '王患者',
    });
    assert.equal(w.status, 'SUCCESS');
    assert.equal(pay.order(order.outTradeNo)!.refundNos.length, 1, 'no second refund: the same money re-routed');
    await Promise.all([r1.reload(), order.reload()]);
    assert.deepEqual(
      [r1.status, r1.abnormalType, r1.receivedAccount],
      ['success', 'USER_BANK_CARD', '招商银行借记卡5678'],
    );
    assert.equal(order.status, 'refunded');
    assert.equal(await refundedFen(order.id), FEE);
    const mine = (await call('GET', '/api/mp/orders', { token: p.token })).body.items.find(
      (o: { outTradeNo: string }) => o.outTradeNo === order.outTradeNo,
    );
    assert.deepEqual(
      mine.refunds.map((r: { status: string; account: string }) => [r.status, r.account]),
      [['success', '招商银行借记卡5678']],
    );

    const ops = await OperLog.findAll({
      where: { path: `/api/admin/payment/orders/${order.id}/refunds/${r1.outRefundNo}/retry`, status: 'success' },
    });
    assert.equal(ops.length, 2);
    assert.equal(ops[0].action, '重新退款');
    assert.match(ops[0].params ?? '', /\*\*\*\*5678/);
    assert.doesNotMatch(ops[0].params ?? '', /6225880112345678|王患者/);
  });

  it('never refunds more than paid: an abnormal part counts as refunded; a closed part retried after the rest is refused', async () => {
    const { pay } = await startStack();
    // an abnormal part refund: the cancellation refunds only the rest, and the abnormal part is re-routed
    const one = await paidBooking(scheduleId);
    pay.refundOutcome(one.order.outTradeNo, 'ABNORMAL');
    await refundPart(one.order, 800, 'sub1700', '替诊差价');
    await pay.settled();
    await cancel(one.patient, one.appointmentId);
    const [part, rest] = await refunds(one.order.id);
    assert.deepEqual([part.status, rest.amountFen, rest.status], ['failed', 1700, 'success']);
    const r = await retry(one.order.id, part.outRefundNo, {
      reason: '原卡已注销',
      bankCard: { bankType: 'ICBC_DEBIT', account: '6212260200001234', realName: '王患者' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await pay.settled();
    assert.equal(await refundedFen(one.order.id), FEE);

    // a closed part refund, then the whole order refunded by the cancellation: nothing is left to retry
    const two = await paidBooking(scheduleId);
    pay.refundOutcome(two.order.outTradeNo, 'CLOSED');
    await refundPart(two.order, 800, 'sub1700', '替诊差价');
    await pay.settled();
    await cancel(two.patient, two.appointmentId);
    const [closedPart] = await refunds(two.order.id);
    const late = await retry(two.order.id, closedPart.outRefundNo, { reason: '重新退款' });
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'ORDER_FULLY_REFUNDED');
    assert.equal(await refundedFen(two.order.id), FEE);

    // two closed refunds of one order retried at once: exactly what was paid
    const three = await paidBooking(scheduleId);
    pay.refundOutcome(three.order.outTradeNo, 'CLOSED');
    await refundPart(three.order, 800, 'sub1700', '替诊差价');
    await pay.settled();
    pay.refundOutcome(three.order.outTradeNo, 'CLOSED');
    await cancel(three.patient, three.appointmentId);
    const [p1, p2] = await refunds(three.order.id);
    assert.deepEqual([p1.amountFen, p1.status, p2.amountFen, p2.status], [800, 'failed', FEE, 'failed']);
    const both = await Promise.all([
      retry(three.order.id, p1.outRefundNo, { reason: '重新退款' }),
      retry(three.order.id, p2.outRefundNo, { reason: '重新退款' }),
    ]);
    await pay.settled();
    assert.equal(await refundedFen(three.order.id), FEE, JSON.stringify(both.map((b) => b.body)));
    assert.ok(both.some((b) => b.status === 200 && b.body.created));
  });

  it('needs payment:refund:retry and the hospital-wide scope', async () => {
    const { pay } = await startStack();
    const { order, patient: p, appointmentId } = await paidBooking(scheduleId);
    pay.refundOutcome(order.outTradeNo, 'CLOSED');
    await cancel(p, appointmentId);
    const [r1] = await refunds(order.id);

    const menus = JSON.stringify((await call('GET', '/api/admin/system/menus', { token })).body);
    assert.match(menus, /"payment:refund:retry"/, 'the 重新退款 button is a menu permission');
    const cashier = await staffWithPerms(['payment:order:list', 'payment:refund:add'], {
      dataScope: 'all',
      dept: '行政后勤',
      roleName: '收费员',
    });
    const denied = await retry(order.id, r1.outRefundNo, { reason: '重新退款' }, cashier);
    assert.equal(denied.status, 403);
    assert.equal(
      (await retry(order.id, r1.outRefundNo, { reason: '重新退款' }, await loginAs('deptadmin'))).status,
      403,
    );
    assert.equal((await retry(order.id, 'NOPE123', { reason: '重新退款' })).status, 404);
    await r1.reload();
    assert.deepEqual([r1.status, r1.retriedBy], ['failed', null], 'nothing was retried');
  });
});
