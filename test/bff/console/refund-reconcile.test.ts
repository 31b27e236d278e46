/**
 * 收费管理 and the per-minute reconciliation (`payment-reconcile`) on refunds 重新退款 has re-routed (发起异常退款):
 * a 重新退款 made while the job is between reading a refund and applying WeChat's answer decides the outcome, because
 * the job applies the answer under the order's lock to the refund read again there (`underRefundLock`).
 */
import assert from 'node:assert/strict';
import { startStack } from '../../support/stack';
import { call } from '../../support/api';
import { admin, newDoctor, newSchedule, tomorrow } from '../../support/booking';
import { PayRefund } from '../../../bff/src/modules/payment/models';
import { PatientNotice } from '../../../bff/src/kernel/notifications/models';

import { cancelBooking as cancel, paidBooking, refundsOf as refunds } from '../../support/payments';

const FEE = 2500;

describe('收费管理: the reconciliation and re-routed refunds', function () {
  this.timeout(300_000);
  let token: string;
  let scheduleId: number;
  let delay: number | 'manual';

  const base = (orderId: number, outRefundNo: string) => `/api/admin/payment/orders/${orderId}/refunds/${outRefundNo}`;
  const retry = (orderId: number, outRefundNo: string, body: unknown) =>
    call('POST', `${base(orderId, outRefundNo)}/retry`, { token, body });
  const listed = async (q: string) => {
    const r = await call('GET', `/api/admin/payment/orders?${q}`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { total: number; items: any[] };
  };
  const mine = async (p: { token: string }, outTradeNo: string) =>
    (await call('GET', '/api/mp/orders', { token: p.token })).body.items.find(
      (o: { outTradeNo: string }) => o.outTradeNo === outTradeNo,
    );
  const refundedNotices = (userId: number) => PatientNotice.findAll({ where: { userId, title: '退款成功' } });
  /** The job asks about refunds untouched for a minute: this one as if its last change was 5 minutes ago. */
  const untouchedFor5Min = (r: PayRefund) =>
    PayRefund.sequelize!.query('UPDATE pay_refund SET updated_at = ? WHERE id = ?', {
      replacements: [new Date(Date.now() - 5 * 60_000), r.id],
    });

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
