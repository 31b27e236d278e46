/**
 * 收费管理 and the per-minute reconciliation (`payment-reconcile`) on refunds 重新退款 has re-routed (发起异常退款).
 * The job asks WeChat under the order's lock, so its answer is current: a re-route WeChat ends ABNORMAL or CLOSED
 * too is failed again and offered for 重新退款. A notification saying ABNORMAL may be the late one from before the
 * re-route and is not enough on its own: it makes the BFF ask WeChat about that refund at once, before answering it.
 * And a 重新退款 made while the job is between reading a refund and applying WeChat's answer decides the outcome: the
 * job reads the refund again under the lock (`underRefundLock`).
 */
import assert from 'node:assert/strict';
import { startStack } from '../../support/stack';
import { admin, newDoctor, newSchedule, tomorrow } from '../../support/booking';
import { PayRefund } from '../../../bff/src/modules/payment/models';
import { NOTIFY_ANSWER_WITHIN_MS } from '../../../bff/src/modules/payment/service';
import { until } from '../../support/child';
import { PatientNotice } from '../../../bff/src/kernel/notifications/models';
import { orderStateLabel, refundStateLabel } from '../../../bff/src/shared/payment-labels';

import {
  cancelBooking as cancel,
  exportedOrders,
  paidBooking,
  payerOrder as mine,
  refundConsole,
  refundedFen,
  refundsOf as refunds,
} from '../../support/payments';

const FEE = 2500;

describe('收费管理: the reconciliation and re-routed refunds', function () {
  this.timeout(300_000);
  let token: string;
  let scheduleId: number;
  let delay: number | 'manual';

  const { retry, payout, listed } = refundConsole(() => token);
  const refundedNotices = (userId: number) => PatientNotice.findAll({ where: { userId, title: '退款成功' } });
  /** The job asks about refunds untouched for a minute: this one as if its last change was 5 minutes ago. */
  const untouchedFor5Min = (r: PayRefund) =>
    PayRefund.sequelize!.query('UPDATE pay_refund SET updated_at = ? WHERE id = ?', {
      replacements: [new Date(Date.now() - 5 * 60_000), r.id],
    });
  const reconcile = async () => {
    const { running, pay } = await startStack();
    await running.infra.jobs.runNow('payment-reconcile');
    await pay.settled();
  };

  before(async () => {
    const { pay } = await startStack();
    token = await admin();
    const d = await newDoctor('心血管内科');
    scheduleId = (await newSchedule(d.id, { feeFen: FEE, slotCount: 40, date: tomorrow() })).id;
    delay = pay.refundDelayMs;
    pay.refundDelayMs = 'manual'; // WeChat ends each refund when the test says (completeRefund)
  });
  after(async () => {
    (await startStack()).pay.refundDelayMs = delay;
  });

  /** A paid booking cancelled; its refund ended ABNORMAL and was re-routed to the hospital's account (PROCESSING). */
  async function reroutedToHospital() {
    const { pay } = await startStack();
    const b = await paidBooking(scheduleId);
    await cancel(b.patient, b.appointmentId);
    const [r1] = await refunds(b.order.id);
    await pay.completeRefund(r1.outRefundNo, 'ABNORMAL');
    await pay.settled();
    await r1.reload();
    assert.deepEqual([r1.status, r1.failure], ['failed', 'abnormal']);
    const r = await retry(b.order.id, r1.outRefundNo, { reason: '原卡已注销，退至医院账户', to: 'MERCHANT_BANK_CARD' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await r1.reload();
    assert.deepEqual(
      [r1.status, r1.abnormalType, pay.refund(r1.outRefundNo)!.status],
      ['processing', 'MERCHANT_BANK_CARD', 'PROCESSING'],
    );
    return { ...b, r1 };
  }

  it('a re-route WeChat ends ABNORMAL too (its notification lost): the job’s query fails it again; 重新退款 sends it to the patient’s card', async () => {
    const { pay } = await startStack();
    const { order, patient: p, r1 } = await reroutedToHospital();

    // the hospital's settlement account refuses the money: WeChat says ABNORMAL again; its notification is lost
    await pay.completeRefund(r1.outRefundNo, 'ABNORMAL', { hold: true });
    await r1.reload();
    assert.equal(r1.status, 'processing');

    // the job asks WeChat: that answer is current
    await untouchedFor5Min(r1);
    await reconcile();
    await r1.reload();
    assert.deepEqual(
      [r1.status, r1.failure, r1.abnormalType, r1.receivedAccount],
      ['failed', 'abnormal', 'MERCHANT_BANK_CARD', '商户结算银行账户'],
    );

    // 收费管理: among the failed refunds to act on, not among the ones to pay out — the money is not in our account
    const todo = await listed(`refundFailed=true&outTradeNo=${order.outTradeNo}`);
    assert.equal(todo.total, 1);
    const [row] = todo.items;
    assert.deepEqual(
      [row.refundFailed, row.payoutPending, row.refunds[0].status, row.refunds[0].failure, row.refunds[0].abnormalType],
      [true, false, 'failed', 'abnormal', 'MERCHANT_BANK_CARD'],
    );
    assert.equal((await listed(`payoutPending=true&outTradeNo=${order.outTradeNo}`)).total, 0);
    const early = await payout(order.id, r1.outRefundNo, { method: 'cash' });
    assert.deepEqual([early.status, early.body.error.code], [409, 'PAYOUT_NOT_READY']);
    assert.match(early.body.error.message, /重新退款/);
    // the patient: not refunded, the hospital will act
    const seen = await mine(p, order.outTradeNo);
    assert.deepEqual(
      [seen.status, seen.refunds[0].status, seen.refunds[0].failure],
      ['refunding', 'failed', 'abnormal'],
    );
    assert.equal((await refundedNotices(p.userId)).length, 0);

    // 重新退款: WeChat says ABNORMAL now, so 发起异常退款 once more, to the patient's own debit card this time
    const again = await retry(order.id, r1.outRefundNo, {
      reason: '医院账户未能入账，改退患者借记卡',
      bankCard: { bankType: 'CMB_DEBIT', account: '6225880112345678', realName: '王患者' },
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.created, true);
    await r1.reload();
    assert.deepEqual([r1.status, r1.abnormalType], ['processing', 'USER_BANK_CARD']);
    await pay.completeRefund(r1.outRefundNo, 'SUCCESS');
    await pay.settled();
    await Promise.all([r1.reload(), order.reload()]);
    assert.deepEqual([r1.status, r1.receivedAccount], ['success', '招商银行借记卡5678']);
    assert.equal(order.status, 'refunded');
    assert.equal(pay.order(order.outTradeNo)!.refundNos.length, 1, 'one refund at WeChat, re-routed twice');
    assert.equal(pay.refund(r1.outRefundNo)!.abnormal?.type, 'USER_BANK_CARD');
    assert.equal(await refundedFen(order.id), FEE);
    const told = await refundedNotices(p.userId);
    assert.equal(told.length, 1);
    assert.match(told[0].content, /招商银行借记卡5678/);
    const after = await mine(p, order.outTradeNo);
    assert.deepEqual(
      [after.status, after.refunds[0].status, after.refunds[0].offline, after.refunds[0].account],
      ['refunded', 'success', null, '招商银行借记卡5678'],
    );
  });

  /**
   * Delivers a notification that should make the BFF ask WeChat about `outRefundNo` before it answers: WeChat is
   * slow over that query, and the query must arrive before the notification is answered. Returns the delivery.
   */
  async function askedBeforeAnswered(outRefundNo: string, deliver: () => Promise<unknown>) {
    const { pay } = await startStack();
    const slow = pay.holdNextAnswer({ method: 'GET', pathPrefix: `/v3/refund/domestic/refunds/${outRefundNo}` });
    const delivery = deliver();
    try {
      const first = await Promise.race([
        slow.arrived.then(() => 'asked WeChat'),
        delivery.then(() => 'answered without asking'),
      ]);
      assert.equal(first, 'asked WeChat');
      const r = (await PayRefund.findOne({ where: { outRefundNo } }))!;
      assert.equal(r.status, 'processing', 'nothing taken from the notification alone');
    } finally {
      slow.release();
    }
    return delivery;
  }

  it('a notification about a re-routed refund makes the BFF ask WeChat at once: the late one from before the re-route changes nothing, a re-route that failed is failed within moments', async () => {
    const { pay } = await startStack();
    const b = await paidBooking(scheduleId);
    await cancel(b.patient, b.appointmentId);
    const [r1] = await refunds(b.order.id);
    // WeChat ends it ABNORMAL; its notification is held back, and the job is the one to hear of it
    await pay.completeRefund(r1.outRefundNo, 'ABNORMAL', { hold: true });
    await untouchedFor5Min(r1);
    await reconcile();
    await r1.reload();
    assert.deepEqual([r1.status, r1.failure], ['failed', 'abnormal']);
    const r = await retry(b.order.id, r1.outRefundNo, { reason: '原卡已注销，退至医院账户', to: 'MERCHANT_BANK_CARD' });
    assert.equal(r.status, 200, JSON.stringify(r.body));

    // the notification from before the re-route arrives now: WeChat, asked, says PROCESSING — nothing changes
    const [late] = (await askedBeforeAnswered(r1.outRefundNo, () =>
      pay.releaseHeld({ where: (x) => x.outRefundNo === r1.outRefundNo }),
    )) as { ok: boolean }[];
    assert.ok(late.ok, 'the late notification was taken (2xx)');
    await r1.reload();
    assert.deepEqual([r1.status, r1.abnormalType], ['processing', 'MERCHANT_BANK_CARD']);

    // the hospital's settlement account refuses the money: WeChat's notification makes the BFF ask, and the refund
    // is failed again before the notification is answered — no job run
    const n = await askedBeforeAnswered(r1.outRefundNo, () => pay.completeRefund(r1.outRefundNo, 'ABNORMAL'));
    assert.equal((n as { status: string }).status, 'delivered');
    await r1.reload();
    assert.deepEqual(
      [r1.status, r1.failure, r1.abnormalType, r1.receivedAccount],
      ['failed', 'abnormal', 'MERCHANT_BANK_CARD', '商户结算银行账户'],
    );
    const todo = await listed(`refundFailed=true&outTradeNo=${b.order.outTradeNo}`);
    assert.deepEqual([todo.total, todo.items[0]?.refunds[0].status], [1, 'failed']);
    // a new failure: the patient hears of it (the first failure's notice, then this one)
    const told = await PatientNotice.findAll({
      where: { userId: b.patient.userId, title: '退款未成功' },
      order: [['id', 'ASC']],
    });
    assert.equal(told.length, 2);
    assert.match(told[1].content, /未能退回医院账户/);
  });

  it(`a notification whose query WeChat is slow to answer is answered within ${NOTIFY_ANSWER_WITHIN_MS} ms; the query's answer is applied when it comes`, async () => {
    const { pay } = await startStack();
    const { r1 } = await reroutedToHospital();
    // WeChat waits 5 s for the answer to a notification (the simulated WeChat too) and sends it again after that
    const slow = pay.holdNextAnswer({ method: 'GET', pathPrefix: `/v3/refund/domestic/refunds/${r1.outRefundNo}` });
    try {
      const delivery = pay.completeRefund(r1.outRefundNo, 'ABNORMAL');
      await slow.arrived;
      const n = (await delivery) as { status: string };
      assert.equal(n.status, 'delivered', 'answered (2xx) while our query was still waiting for WeChat');
      await r1.reload();
      assert.equal(r1.status, 'processing', 'nothing taken before the query is answered');
    } finally {
      slow.release();
    }
    await until('the slow answer applied', 15_000, async () => {
      await r1.reload();
      return r1.status === 'failed' ? true : undefined;
    });
    assert.deepEqual([r1.failure, r1.abnormalType], ['abnormal', 'MERCHANT_BANK_CARD']);
  });

  it('the Excel export says of a re-route that failed what the console’s list says', async () => {
    const { pay } = await startStack();
    const { order, r1 } = await reroutedToHospital();
    await pay.completeRefund(r1.outRefundNo, 'ABNORMAL');
    await pay.settled();
    await r1.reload();
    assert.equal(r1.status, 'failed');

    const [row] = (await listed(`outTradeNo=${order.outTradeNo}`)).items;
    const [cells] = await exportedOrders(token, `outTradeNo=${order.outTradeNo}`);
    // the console renders the list's rows with these functions (admin-console/src/views/payment/order/index.vue)
    assert.equal(refundStateLabel(row.refunds[0]), '退款异常·退至医院账户未成功', 'as the console shows it');
    assert.equal(cells['退款状态'], refundStateLabel(row.refunds[0]));
    assert.equal(cells['状态'], orderStateLabel(row));
    assert.equal(cells['退款单号'], r1.outRefundNo);
  });

  it('a re-route WeChat ends CLOSED (its notification lost): the job fails it; 重新退款 refunds it under a new number', async () => {
    const { pay } = await startStack();
    const { order, patient: p, r1 } = await reroutedToHospital();
    await pay.completeRefund(r1.outRefundNo, 'CLOSED', { hold: true });
    await untouchedFor5Min(r1);
    await reconcile();
    await r1.reload();
    assert.deepEqual([r1.status, r1.failure], ['failed', 'closed']);
    assert.equal((await listed(`refundFailed=true&outTradeNo=${order.outTradeNo}`)).total, 1);

    // CLOSED: the money is back with the merchant, so it is refunded again under a new number (original route)
    const r = await retry(order.id, r1.outRefundNo, { reason: '退款关闭，重新退款' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.created, r.body.refund.outRefundNo], [true, `${order.outTradeNo}RT1`]);
    await pay.completeRefund(`${order.outTradeNo}RT1`, 'SUCCESS');
    await pay.settled();
    await order.reload();
    assert.equal(order.status, 'refunded');
    assert.equal(await refundedFen(order.id), FEE);
    assert.equal((await refundedNotices(p.userId)).length, 1);

    // the lost notification, delivered late, changes nothing
    await pay.releaseHeld({ where: (x) => x.outRefundNo === r1.outRefundNo });
    await pay.settled();
    await r1.reload();
    assert.deepEqual([r1.status, r1.retriedBy], ['failed', `${order.outTradeNo}RT1`]);
    assert.equal(await refundedFen(order.id), FEE);
    assert.equal((await refundedNotices(p.userId)).length, 1);
  });

  it('a 重新退款 made while the job is between reading a refund and applying WeChat’s answer decides who is told', async () => {
    const { pay, running } = await startStack();
    // Two refunds in the job's batch, oldest first. While WeChat is slow to answer about the first, the second —
    // already read by the job, processing on its original route — fails, is re-routed to the hospital's account
    // and lands there.
    const first = await paidBooking(scheduleId);
    await cancel(first.patient, first.appointmentId);
    const [r0] = await refunds(first.order.id);
    const b = await paidBooking(scheduleId);
    await cancel(b.patient, b.appointmentId);
    const [r1] = await refunds(b.order.id);
    assert.ok(r0.id < r1.id);
    await untouchedFor5Min(r0);
    await untouchedFor5Min(r1);

    const slow = pay.holdNextAnswer({ method: 'GET', pathPrefix: `/v3/refund/domestic/refunds/${r0.outRefundNo}` });
    const job = running.infra.jobs.runNow('payment-reconcile');
    try {
      await slow.arrived; // the job has read both refunds and waits for WeChat's word on the first
      await pay.completeRefund(r1.outRefundNo, 'ABNORMAL');
      await pay.settled();
      const r = await retry(b.order.id, r1.outRefundNo, {
        reason: '原卡已注销，退至医院账户',
        to: 'MERCHANT_BANK_CARD',
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // in the hospital's account; its notification lost, so the job is the one to hear of it
      await pay.completeRefund(r1.outRefundNo, 'SUCCESS', { hold: true });
    } finally {
      slow.release();
    }
    await job;
    await pay.settled();

    // the job applied WeChat's SUCCESS to the refund as it is now: money in the hospital's account, to be paid out
    await Promise.all([r1.reload(), b.order.reload()]);
    assert.deepEqual(
      [r1.status, r1.abnormalType, r1.receivedAccount],
      ['success', 'MERCHANT_BANK_CARD', '商户结算银行账户'],
    );
    assert.equal(b.order.status, 'refunded');
    assert.deepEqual(
      (await refundedNotices(b.patient.userId)).map((x) => x.content),
      [],
      'the money went to the hospital: the patient is not told it reached them',
    );
    assert.equal((await listed(`payoutPending=true&outTradeNo=${b.order.outTradeNo}`)).total, 1);
    const seen = await mine(b.patient, b.order.outTradeNo);
    assert.deepEqual(
      [seen.status, seen.refunds[0].status, seen.refunds[0].offline],
      ['refunding', 'processing', 'pending'],
    );
    // the lost notification, delivered late, tells nobody either
    await pay.releaseHeld({ where: (x) => x.outRefundNo === r1.outRefundNo });
    await pay.settled();
    assert.equal((await refundedNotices(b.patient.userId)).length, 0);

    // the first refund, answered late, is still processing at WeChat; it ends as usual
    await r0.reload();
    assert.equal(r0.status, 'processing');
    await pay.completeRefund(r0.outRefundNo, 'SUCCESS');
    await pay.settled();
    await r0.reload();
    assert.equal(r0.status, 'success');
    assert.equal((await refundedNotices(first.patient.userId)).length, 1);
  });
});
