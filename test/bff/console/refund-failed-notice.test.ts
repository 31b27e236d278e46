/**
 * A patient is told when their refund fails: WeChat Pay ends it ABNORMAL or CLOSED (退款失败待处理 in 收费管理) and 我的消息
 * says the money has not reached them yet, that the hospital is on it and will contact them or refund again — naming
 * the family member, the doctor's department and the amount, linked to the appointment or consultation, as the
 * 退款成功 notices are (each order type's own handler). Once per failure: a later word about the same failure (the
 * reconciliation's query, a late notification) tells nobody again. When 重新退款 succeeds, 退款成功 follows.
 */
import assert from 'node:assert/strict';
import { startStack } from '../../support/stack';
import { adminLogin, call, replaceInitialPassword } from '../../support/api';
import { admin, newDoctor, patient } from '../../support/booking';
import { PayOrder, PayRefund } from '../../../bff/src/modules/payment/models';
import { Consultation } from '../../../bff/src/modules/consult/models';
import { PatientNotice } from '../../../bff/src/kernel/notifications/models';
import {
  cancelBooking as cancel,
  cancelledWithFailedRefund,
  feeSchedule,
  paidBooking,
  refundConsole,
  refundsOf as refunds,
} from '../../support/payments';

const FEE = 2500;

describe('收费管理: the patient is told when a refund fails', function () {
  this.timeout(300_000);
  let token: string;
  let scheduleId: number;
  const { retry } = refundConsole(() => token);

  /** 我的消息 with `title`, as the patient's app reads them. */
  const noticesTitled = async (p: { token: string }, title: string) =>
    (
      (await call('GET', '/api/mp/notices', { token: p.token })).body.items as {
        title: string;
        content: string;
        link: { type: string; id: string } | null;
      }[]
    ).filter((n) => n.title === title);
  const reconcile = async () => {
    const { running, pay } = await startStack();
    await running.infra.jobs.runNow('payment-reconcile');
    await pay.settled();
  };

  before(async () => {
    await startStack();
    token = await admin();
    scheduleId = await feeSchedule(FEE, 20);
  });

  it('an appointment’s refund ending ABNORMAL: one 退款未成功 naming the family member, department and amount', async () => {
    const { pay } = await startStack();
    const { patient: p, appointmentId, r1 } = await cancelledWithFailedRefund(scheduleId, 'ABNORMAL');

    const told = await noticesTitled(p, '退款未成功');
    assert.equal(told.length, 1, JSON.stringify(told));
    assert.match(told[0].content, /^就诊人：王患者；医生：心血管内科 测试医生。/);
    assert.match(told[0].content, /预约的 25\.00 元退款暂未成功/);
    assert.match(told[0].content, /医院正在处理，将与您联系改退至您本人的银行卡/);
    assert.deepEqual(told[0].link, { type: 'appointment', id: String(appointmentId) });

    // the same failure again: a duplicate of WeChat's notification, the per-minute job — nobody is told twice
    const [n] = pay.notifications({ outRefundNo: r1.outRefundNo, eventType: 'REFUND.ABNORMAL' });
    await pay.deliver(n.id);
    await PayRefund.sequelize!.query('UPDATE pay_refund SET updated_at = ? WHERE id = ?', {
      replacements: [new Date(Date.now() - 5 * 60_000), r1.id],
    });
    await reconcile();
    assert.equal((await noticesTitled(p, '退款未成功')).length, 1);
    assert.equal((await noticesTitled(p, '退款成功')).length, 0);
  });

  it('a refund ending CLOSED, seen by the job’s query and then by its late notification, is told once; the redone refund then tells 退款成功', async () => {
    const { pay } = await startStack();
    const delay = pay.refundDelayMs;
    pay.refundDelayMs = 'manual';
    try {
      const { order, patient: p, appointmentId } = await paidBooking(scheduleId);
      await cancel(p, appointmentId);
      const [r1] = await refunds(order.id);
      // WeChat closes it; its notification is held back, so the job's query is the first to hear
      await pay.completeRefund(r1.outRefundNo, 'CLOSED', { hold: true });
      await PayRefund.sequelize!.query('UPDATE pay_refund SET updated_at = ? WHERE id = ?', {
        replacements: [new Date(Date.now() - 5 * 60_000), r1.id],
      });
      await reconcile();
      await r1.reload();
      assert.deepEqual([r1.status, r1.failure], ['failed', 'closed']);
      const told = await noticesTitled(p, '退款未成功');
      assert.equal(told.length, 1, JSON.stringify(told));
      assert.match(told[0].content, /25\.00 元退款暂未成功，医院正在处理，将重新为您办理退款/);

      await pay.releaseHeld({ where: (x) => x.outRefundNo === r1.outRefundNo });
      await pay.settled();
      assert.equal((await noticesTitled(p, '退款未成功')).length, 1, 'the late notification tells nobody again');

      // 重新退款 under a new number; WeChat refunds it: the usual 退款成功
      const r = await retry(order.id, r1.outRefundNo, { reason: '退款关闭，重新退款' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await pay.completeRefund(`${order.outTradeNo}RT1`, 'SUCCESS');
      await pay.settled();
      const done = await noticesTitled(p, '退款成功');
      assert.equal(done.length, 1, JSON.stringify(done));
      assert.match(done[0].content, /25\.00 元已原路退回/);
      assert.equal((await noticesTitled(p, '退款未成功')).length, 1);
    } finally {
      pay.refundDelayMs = delay;
    }
  });

  it('a consultation’s refund ending ABNORMAL: 问诊退款未成功, linked to the conversation', async () => {
    const { pay } = await startStack();
    const d = await newDoctor('消化内科');
    await replaceInitialPassword(d.username, 'Sunlit-Harbor-42', 'Amber-Falcon-5820');
    const doctorToken = (await adminLogin(d.username, 'Amber-Falcon-5820')).accessToken;
    const set = await call('PUT', '/api/admin/consult/workbench/settings', {
      token: doctorToken,
      body: { feeFen: 3000, accepting: true },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const p = await patient();
    const opened = await call('POST', '/api/mp/consult/consultations', {
      token: p.token,
      body: { doctorId: d.id, patientId: p.patientId },
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    const c = (await Consultation.findByPk(opened.body.consultation.id))!;
    const order = (await PayOrder.findOne({ where: { subjectType: 'consultation', subjectId: c.id } }))!;
    await pay.pay(order.outTradeNo);
    await pay.settled();

    // 人工退款 of the consultation's order; the payer's card refuses it
    pay.refundOutcome(order.outTradeNo, 'ABNORMAL');
    const byHand = await call('POST', `/api/admin/payment/orders/${order.id}/refund`, {
      token,
      body: { reason: '患者申请退款' },
    });
    assert.equal(byHand.status, 200, JSON.stringify(byHand.body));
    await pay.settled();
    const [r1] = await refunds(order.id);
    assert.deepEqual([r1.status, r1.failure], ['failed', 'abnormal']);

    const told = await noticesTitled(p, '问诊退款未成功');
    assert.equal(told.length, 1, JSON.stringify(told));
    assert.equal(
      told[0].content,
      `就诊人：王患者；医生：消化内科 测试医生。图文问诊（${c.no}）的 30.00 元退款暂未成功（原支付账户无法入账，银行卡可能已注销或冻结），医院正在处理，将与您联系改退至您本人的银行卡。`,
    );
    assert.deepEqual(told[0].link, { type: 'consultation', id: String(c.id) });
    assert.equal(await PatientNotice.count({ where: { userId: p.userId, title: '问诊退款成功' } }), 0);
  });
});
