/**
 * 收费管理 › 重新退款 › 退至医院账户 + 登记线下支付: an ABNORMAL refund re-routed by 发起异常退款 MERCHANT_BANK_CARD (no card,
 * the request signed like every other) comes back to the hospital's merchant account; until staff record paying it
 * out by hand it is 退至医院账户·待线下支付 in the console and still on its way in 我的订单. The payout is recorded once
 * (concurrent requests: one 201, the rest 409 PAYOUT_ALREADY_RECORDED), with who/when/how, in the operation log, the
 * patient told; the order's totals count the money once.
 */
import assert from 'node:assert/strict';
import { startStack } from '../../support/stack';
import { call, loginAs } from '../../support/api';
import { staffWithPerms } from '../../support/accounts';
import { admin, newDoctor, newSchedule, tomorrow } from '../../support/booking';
import { PayRefundPayout } from '../../../bff/src/modules/payment/models';
import { refundPart } from '../../../bff/src/modules/payment/service';
import { OperLog } from '../../../bff/src/modules/monitor/models';
import { User } from '../../../bff/src/modules/system/models';
import { PatientNotice } from '../../../bff/src/kernel/notifications/models';

import {
  cancelBooking as cancel,
  cancelledWithFailedRefund,
  paidBooking,
  payerOrder as mine,
  refundConsole,
  refundedFen,
  refundPath as base,
  refundsOf as refunds,
} from '../../support/payments';

const FEE = 2500;

const CN = /[\u4e00-\u9fa5]/;

describe('收费管理: 退至医院账户 (MERCHANT_BANK_CARD) and 登记线下支付', function () {
  this.timeout(300_000);
  let token: string;
  let scheduleId: number;

  const { retry, payout, listed } = refundConsole(() => token);

  /** A paid booking cancelled by the patient whose refund WeChat ended ABNORMAL. */
  const abnormalRefund = () => cancelledWithFailedRefund(scheduleId, 'ABNORMAL');

  /** The refund re-routed to the hospital's account and landed there (WeChat SUCCESS, notified). */
  async function inHospitalAccount() {
    const { pay } = await startStack();
    const b = await abnormalRefund();
    const r = await retry(b.order.id, b.r1.outRefundNo, {
      reason: '原卡已注销，退至医院账户',
      to: 'MERCHANT_BANK_CARD',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await pay.settled();
    await b.r1.reload();
    assert.equal(b.r1.status, 'success');
    return b;
  }

  before(async () => {
    await startStack();
    token = await admin();
    const d = await newDoctor('心血管内科');
    scheduleId = (await newSchedule(d.id, { feeFen: FEE, slotCount: 40, date: tomorrow() })).id;
  });

  it('re-routes an abnormal refund to the hospital’s account (no card, signed), then waits for the offline payout', async () => {
    const { pay, env } = await startStack();
    const { order, patient: p, r1, appointmentId } = await abnormalRefund();

    // MERCHANT_BANK_CARD takes no card: one given is refused before anything reaches WeChat
    const withCard = await retry(order.id, r1.outRefundNo, {
      reason: '原卡已注销',
      to: 'MERCHANT_BANK_CARD',
      bankCard: { bankType: 'CMB_DEBIT', account: '6225880112345678', realName: '王患者' },
    });
    assert.equal(withCard.status, 400, JSON.stringify(withCard.body));
    assert.match(withCard.body.error.message, /退至医院账户时无需填写银行卡/);
    // the gateway checks apply-abnormal-refund's signature like every other request
    const w0 = pay.refund(r1.outRefundNo)!;
    const unsigned = await fetch(
      `${env.WECHATPAY_API_BASE}/v3/refund/domestic/refunds/${w0.refundId}/apply-abnormal-refund`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ out_refund_no: r1.outRefundNo, type: 'MERCHANT_BANK_CARD' }),
      },
    );
    assert.equal(unsigned.status, 401);
    assert.equal(((await unsigned.json()) as { code: string }).code, 'SIGN_ERROR');
    assert.equal(pay.refund(r1.outRefundNo)!.status, 'ABNORMAL', 'an unsigned request changes nothing');

    const delay = pay.refundDelayMs;
    pay.refundDelayMs = 'manual'; // WeChat keeps it PROCESSING until completeRefund
    try {
      const signErrors = pay.stats.signErrors;
      const [a, b] = await Promise.all([
        retry(order.id, r1.outRefundNo, { reason: '原卡已注销，退至医院账户', to: 'MERCHANT_BANK_CARD' }),
        retry(order.id, r1.outRefundNo, { reason: '原卡已注销，退至医院账户', to: 'MERCHANT_BANK_CARD' }),
      ]);
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.equal(b.status, 200, JSON.stringify(b.body));
      assert.deepEqual([a.body.created, b.body.created].sort(), [false, true]);
      assert.equal(pay.stats.signErrors, signErrors, 'our signed request passed the gateway’s check');
      const w = pay.refund(r1.outRefundNo)!;
      assert.deepEqual(w.abnormal, { type: 'MERCHANT_BANK_CARD' });
      assert.equal(w.status, 'PROCESSING');
      assert.equal(pay.order(order.outTradeNo)!.refundNos.length, 1, 'the same refund re-routed, not a second one');
      await r1.reload();
      assert.deepEqual([r1.status, r1.abnormalType], ['processing', 'MERCHANT_BANK_CARD']);

      // not in our account yet: nothing to pay out
      const early = await payout(order.id, r1.outRefundNo, { method: 'cash' });
      assert.equal(early.status, 409);
      assert.equal(early.body.error.code, 'PAYOUT_NOT_READY');
      assert.match(early.body.error.message, CN);
      const row = (await listed(`outTradeNo=${order.outTradeNo}`)).items[0];
      assert.deepEqual(
        [row.refunds[0].status, row.refunds[0].abnormalType, row.refunds[0].payoutPending, row.payoutPending],
        ['processing', 'MERCHANT_BANK_CARD', false, false],
      );
      const seen = await mine(p, order.outTradeNo);
      assert.deepEqual(
        [seen.refunds[0].status, seen.refunds[0].offline, seen.refunds[0].account],
        ['processing', 'pending', null],
      );

      await pay.completeRefund(r1.outRefundNo, 'SUCCESS');
      await pay.settled();
    } finally {
      pay.refundDelayMs = delay;
    }

    // WeChat: SUCCESS, into the merchant's settlement account (its REFUND.SUCCESS notification applied)
    await Promise.all([r1.reload(), order.reload()]);
    assert.deepEqual([r1.status, r1.receivedAccount], ['success', '商户结算银行账户']);
    assert.equal(order.status, 'refunded', 'nothing is left at WeChat to refund');
    assert.equal(await refundedFen(order.id), FEE);

    // the console: 退至医院账户·待线下支付, among the orders to act on
    const todo = await listed(`payoutPending=true&outTradeNo=${order.outTradeNo}`);
    assert.equal(todo.total, 1);
    assert.equal(todo.items[0].payoutPending, true);
    assert.equal(todo.items[0].refundFailed, false);
    assert.deepEqual([todo.items[0].refunds[0].payoutPending, todo.items[0].refunds[0].payout], [true, null]);
    // the patient: still on its way (the order 退款中), told what happens next, not told it arrived
    const seen = await mine(p, order.outTradeNo);
    assert.equal(seen.status, 'refunding');
    assert.deepEqual(
      [seen.refunds[0].status, seen.refunds[0].offline, seen.refunds[0].account, seen.refunds[0].succeededAt],
      ['processing', 'pending', null, null],
    );
    const told = await PatientNotice.findAll({ where: { userId: p.userId }, order: [['id', 'ASC']] });
    assert.ok(
      told.some((n) => n.title === '退款通知' && /医院账户/.test(n.content) && /线下退还/.test(n.content)),
      JSON.stringify(told.map((n) => [n.title, n.content])),
    );
    assert.equal(told.filter((n) => n.title === '退款成功').length, 0, 'the money has not reached the patient');
    // the booking's own view says the same
    const appts = await call('GET', '/api/mp/appointments', { token: p.token });
    assert.equal(appts.status, 200, JSON.stringify(appts.body));
    const appt = appts.body.items.find((a: { id: number }) => a.id === appointmentId);
    assert.deepEqual(
      appt.refunds.map((r: { outRefundNo: string; status: string; succeededAt: string | null }) => [
        r.outRefundNo,
        r.status,
        r.succeededAt,
      ]),
      [[r1.outRefundNo, 'processing', null]],
    );
  });

  it('records the payout once: concurrent requests give one 201 and stable 409s; who/when/how kept, logged, patient told, totals unchanged', async () => {
    const { pay } = await startStack();
    const { order, patient: p, r1 } = await inHospitalAccount();

    const body = { method: 'bank_transfer', reference: 'TRF202601150001', note: '转至患者本人工行账户' };
    const answers = await Promise.all([1, 2, 3, 4].map(() => payout(order.id, r1.outRefundNo, body)));
    assert.deepEqual(
      answers.map((a) => a.status).sort(),
      [201, 409, 409, 409],
      JSON.stringify(answers.map((a) => a.body)),
    );
    for (const a of answers.filter((x) => x.status === 409)) {
      assert.equal(a.body.error.code, 'PAYOUT_ALREADY_RECORDED');
      assert.match(a.body.error.message, CN);
    }
    const ok = answers.find((a) => a.status === 201)!.body;
    const adminUser = (await User.findOne({ where: { username: 'admin' } }))!;
    assert.equal(ok.refund.payoutPending, false);
    assert.equal(ok.order.payoutPending, false);
    assert.deepEqual(
      [ok.refund.payout.method, ok.refund.payout.reference, ok.refund.payout.note, ok.refund.payout.amountFen],
      ['bank_transfer', 'TRF202601150001', '转至患者本人工行账户', FEE],
    );
    assert.equal(ok.refund.payout.recordedBy, adminUser.name);
    const rows = await PayRefundPayout.findAll({ where: { refundId: r1.id } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].recordedBy, adminUser.id);
    assert.ok(Math.abs(new Date(rows[0].recordedAt).getTime() - Date.now()) < 60_000);

    // asked again later: the same refusal
    const again = await payout(order.id, r1.outRefundNo, { method: 'cash' });
    assert.deepEqual([again.status, again.body.error.code], [409, 'PAYOUT_ALREADY_RECORDED']);

    // no longer to act on; the patient has it now
    assert.equal((await listed(`payoutPending=true&outTradeNo=${order.outTradeNo}`)).total, 0);
    const seen = await mine(p, order.outTradeNo);
    assert.equal(seen.status, 'refunded');
    assert.deepEqual(
      [seen.refunds[0].status, seen.refunds[0].offline, seen.refunds[0].account],
      ['success', 'paid', '医院线下退还（银行转账）'],
    );
    assert.ok(seen.refunds[0].succeededAt);
    const told = await PatientNotice.findAll({ where: { userId: p.userId, title: '退款成功' } });
    assert.equal(told.length, 1, 'told once');
    assert.match(told[0].content, /25\.00 元已由医院线下退还给您/);

    // the money counted once: one refund at WeChat and here, the order refunded, nothing more to refund
    assert.equal(pay.order(order.outTradeNo)!.refundNos.length, 1);
    assert.equal((await refunds(order.id)).length, 1);
    assert.equal(await refundedFen(order.id), FEE);
    const byHand = await call('POST', `/api/admin/payment/orders/${order.id}/refund`, {
      token,
      body: { reason: '再次退款测试' },
    });
    assert.equal(byHand.status, 200, JSON.stringify(byHand.body));
    assert.equal(byHand.body.created, false, 'a refund by hand finds it refunded already');
    assert.equal((await refunds(order.id)).length, 1);

    // the operation log: one success with who, the refusals as failures with their code
    const ops = await OperLog.findAll({ where: { path: `${base(order.id, r1.outRefundNo)}/payout` } });
    const ok1 = ops.filter((o) => o.status === 'success');
    assert.equal(ok1.length, 1);
    assert.equal(ok1[0].action, '登记线下支付');
    assert.equal(ok1[0].userId, adminUser.id);
    assert.match(ok1[0].params ?? '', /TRF202601150001/);
    assert.deepEqual(
      ops.filter((o) => o.status === 'fail').map((o) => o.errorCode),
      ['PAYOUT_ALREADY_RECORDED', 'PAYOUT_ALREADY_RECORDED', 'PAYOUT_ALREADY_RECORDED', 'PAYOUT_ALREADY_RECORDED'],
    );
  });

  it('a part refund sent to the hospital’s account and the cancellation’s rest add up to what was paid', async () => {
    const { pay } = await startStack();
    const { order, patient: p, appointmentId } = await paidBooking(scheduleId);
    pay.refundOutcome(order.outTradeNo, 'ABNORMAL');
    await refundPart(order, 800, 'sub1700', '替诊医生挂号费较低，退还差价');
    await pay.settled();
    const [part] = await refunds(order.id);
    assert.equal(part.status, 'failed');
    const r = await retry(order.id, part.outRefundNo, { reason: '原卡已注销', to: 'MERCHANT_BANK_CARD' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await pay.settled();
    await order.reload();
    assert.equal(order.status, 'paid', 'a part refund leaves the order paid');

    const paid = await payout(order.id, part.outRefundNo, { method: 'cash', note: '收费窗口现金退还' });
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    await cancel(p, appointmentId);
    const all = await refunds(order.id);
    assert.deepEqual(
      all.map((x) => [x.amountFen, x.status, x.abnormalType ?? null]),
      [
        [800, 'success', 'MERCHANT_BANK_CARD'],
        [FEE - 800, 'success', null],
      ],
    );
    assert.equal(await refundedFen(order.id), FEE);
    assert.deepEqual(
      pay.order(order.outTradeNo)!.refundNos.map((no) => pay.refund(no)!.refund),
      [800, FEE - 800],
      'WeChat Pay: the 8.00 re-routed and the rest, nothing more',
    );
    const seen = await mine(p, order.outTradeNo);
    assert.equal(seen.status, 'refunded');
    assert.deepEqual(
      seen.refunds.map((x: { amountFen: number; status: string; offline: string | null }) => [
        x.amountFen,
        x.status,
        x.offline,
      ]),
      [
        [800, 'success', 'paid'],
        [FEE - 800, 'success', null],
      ],
    );
  });

  it('needs payment:refund:payout and the hospital-wide scope; only a refund back in the hospital’s account; Chinese 400s', async () => {
    const { order, r1 } = await inHospitalAccount();
    const menus = JSON.stringify((await call('GET', '/api/admin/system/menus', { token })).body);
    assert.match(menus, /"payment:refund:payout"/, 'the 登记线下支付 button is a menu permission');

    const retrier = await staffWithPerms(['payment:order:list', 'payment:refund:retry'], {
      dataScope: 'all',
      dept: '行政后勤',
      roleName: '收费主管',
    });
    const denied = await payout(order.id, r1.outRefundNo, { method: 'cash' }, retrier);
    assert.deepEqual([denied.status, denied.body.error.code], [403, 'FORBIDDEN']);
    const deptCashier = await staffWithPerms(['payment:order:list', 'payment:refund:payout'], {
      dataScope: 'dept',
      dept: '行政后勤',
      roleName: '科室收费员',
    });
    const outOfScope = await payout(order.id, r1.outRefundNo, { method: 'cash' }, deptCashier);
    assert.deepEqual([outOfScope.status, outOfScope.body.error.code], [403, 'OUT_OF_SCOPE']);
    assert.equal((await payout(order.id, r1.outRefundNo, { method: 'cash' }, await loginAs('deptadmin'))).status, 403);
    assert.equal(await PayRefundPayout.count({ where: { refundId: r1.id } }), 0, 'nothing was recorded');

    // bad input: 400 with a Chinese message, nothing recorded
    for (const bad of [
      {},
      { method: 'alipay_red_packet' },
      { method: 'bank_transfer' },
      { method: 'other', reference: 'X1' },
      { method: 'cash', note: 'x'.repeat(201) },
    ]) {
      const r = await payout(order.id, r1.outRefundNo, bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.match(r.body.error.message, CN);
    }
    assert.equal((await payout(order.id, 'NOPE123', { method: 'cash' })).status, 404);
    assert.equal(await PayRefundPayout.count({ where: { refundId: r1.id } }), 0);

    // a cashier holding just this permission (and 全部) records it
    const cashier = await staffWithPerms(['payment:order:list', 'payment:refund:payout'], {
      dataScope: 'all',
      dept: '行政后勤',
      roleName: '收费员',
    });
    const done = await payout(order.id, r1.outRefundNo, { method: 'cash' }, cashier);
    assert.equal(done.status, 201, JSON.stringify(done.body));
    assert.equal(done.body.refund.payout.recordedBy, '收费员');

    // a refund that went to the payer's own card (or any other) has no offline payout
    const other = await abnormalRefund();
    const toCard = await retry(other.order.id, other.r1.outRefundNo, {
      reason: '原卡已注销',
      bankCard: { bankType: 'ICBC_DEBIT', account: '6212260200001234', realName: '王患者' },
    });
    assert.equal(toCard.status, 200, JSON.stringify(toCard.body));
    await (await startStack()).pay.settled();
    const na = await payout(other.order.id, other.r1.outRefundNo, { method: 'cash' });
    assert.deepEqual([na.status, na.body.error.code], [409, 'PAYOUT_NOT_APPLICABLE']);
  });
});
