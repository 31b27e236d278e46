/**
 * 收费管理 › 登记线下支付 › 更正: a recorded offline payout is corrected with a reason, the old and the new values kept
 * (pay_refund_payout_change), the record's version moved on; a correction names the version it corrects, so of
 * concurrent ones exactly one goes through and the others get 409 PAYOUT_CHANGED — none is lost unseen. Same
 * permission and scope as recording it; bad input is a 4xx with a stable code and changes nothing; every attempt is
 * in the operation log.
 */
import assert from 'node:assert/strict';
import { startStack } from '../../support/stack';
import { call, loginAs } from '../../support/api';
import { staffWithPerms } from '../../support/accounts';
import { admin, newDoctor, newSchedule, tomorrow } from '../../support/booking';
import { PayRefundPayout, PayRefundPayoutChange, type PayRefund } from '../../../bff/src/modules/payment/models';
import { OperLog } from '../../../bff/src/modules/monitor/models';
import { User } from '../../../bff/src/modules/system/models';
import { PatientNotice } from '../../../bff/src/kernel/notifications/models';

import { cancelBooking as cancel, paidBooking, refundedFen, refundsOf as refunds } from '../../support/payments';

const FEE = 2500;
const CN = /[\u4e00-\u9fa5]/;

describe('收费管理: 更正 of a recorded offline payout', function () {
  this.timeout(300_000);
  let token: string;
  let scheduleId: number;

  const base = (orderId: number, outRefundNo: string) => `/api/admin/payment/orders/${orderId}/refunds/${outRefundNo}`;
  const record = (orderId: number, outRefundNo: string, body: unknown) =>
    call('POST', `${base(orderId, outRefundNo)}/payout`, { token, body });
  const correct = (orderId: number, outRefundNo: string, body: unknown, as = token) =>
    call('PUT', `${base(orderId, outRefundNo)}/payout`, { token: as, body });
  const listedRefund = async (outTradeNo: string) => {
    const r = await call('GET', `/api/admin/payment/orders?outTradeNo=${outTradeNo}`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items[0].refunds[0];
  };
  /** What a refund's payout record and its history are now (the database's word). */
  const stateOf = async (r1: PayRefund) => {
    const p = (await PayRefundPayout.findOne({ where: { refundId: r1.id }, raw: true }))!;
    const changes = await PayRefundPayoutChange.count({ where: { payoutId: p.id } });
    return { method: p.method, reference: p.reference, note: p.note, version: p.version, changes };
  };

  /** A cancelled booking whose abnormal refund went to the hospital's account, paid out by bank transfer. */
  async function paidOut() {
    const { pay } = await startStack();
    const b = await paidBooking(scheduleId);
    pay.refundOutcome(b.order.outTradeNo, 'ABNORMAL');
    await cancel(b.patient, b.appointmentId);
    const [r1] = await refunds(b.order.id);
    const r = await call('POST', `${base(b.order.id, r1.outRefundNo)}/retry`, {
      token,
      body: { reason: '原卡已注销，退至医院账户', to: 'MERCHANT_BANK_CARD' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await pay.settled();
    const rec = await record(b.order.id, r1.outRefundNo, {
      method: 'bank_transfer',
      reference: 'TRF202601150001',
      note: '转至患者本人工行账户',
    });
    assert.equal(rec.status, 201, JSON.stringify(rec.body));
    assert.deepEqual([rec.body.refund.payout.version, rec.body.refund.payout.corrections], [1, []]);
    return { ...b, r1 };
  }

  before(async () => {
    await startStack();
    token = await admin();
    const d = await newDoctor('心血管内科');
    scheduleId = (await newSchedule(d.id, { feeFen: FEE, slotCount: 40, date: tomorrow() })).id;
  });

  it('corrects a payout: new values shown, the old ones kept with reason/who/when, logged; the money counted once', async () => {
    const { order, patient: p, r1 } = await paidOut();
    const noticesBefore = await PatientNotice.count({ where: { userId: p.userId } });

    const r = await correct(order.id, r1.outRefundNo, {
      method: 'bank_transfer',
      reference: 'TRF202601150009',
      note: '转至患者本人工行账户',
      reason: '流水号录入有误，按银行回单更正',
      version: 1,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const adminUser = (await User.findOne({ where: { username: 'admin' } }))!;
    const shown = r.body.refund.payout;
    assert.deepEqual(
      [shown.method, shown.reference, shown.note, shown.version, shown.amountFen, shown.recordedBy],
      ['bank_transfer', 'TRF202601150009', '转至患者本人工行账户', 2, FEE, adminUser.name],
    );
    assert.equal(shown.corrections.length, 1);
    const [c] = shown.corrections;
    assert.deepEqual(c.before, { method: 'bank_transfer', reference: 'TRF202601150001', note: '转至患者本人工行账户' });
    assert.deepEqual(c.after, { method: 'bank_transfer', reference: 'TRF202601150009', note: '转至患者本人工行账户' });
    assert.deepEqual([c.version, c.reason, c.changedBy], [2, '流水号录入有误，按银行回单更正', adminUser.name]);
    assert.ok(Math.abs(new Date(c.changedAt).getTime() - Date.now()) < 60_000);
    const [row] = await PayRefundPayoutChange.findAll({ where: { refundId: r1.id } });
    assert.equal(row.changedBy, adminUser.id);

    // a second correction, on the version it now has: cash, no reference; the history keeps both, oldest first
    const second = await correct(order.id, r1.outRefundNo, {
      method: 'cash',
      note: '患者到收费窗口领取现金',
      reason: '实际为现金退还',
      version: 2,
    });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const listed = await listedRefund(order.outTradeNo);
    assert.deepEqual(
      [listed.payout.method, listed.payout.reference, listed.payout.note, listed.payout.version],
      ['cash', null, '患者到收费窗口领取现金', 3],
    );
    assert.deepEqual(
      listed.payout.corrections.map((x: { version: number; before: { method: string }; after: { method: string } }) => [
        x.version,
        x.before.method,
        x.after.method,
      ]),
      [
        [2, 'bank_transfer', 'bank_transfer'],
        [3, 'bank_transfer', 'cash'],
      ],
    );
    // still one payout of the whole refund, the order refunded once; the patient's view follows, no new notice
    assert.equal(await PayRefundPayout.count({ where: { refundId: r1.id } }), 1);
    assert.equal(await refundedFen(order.id), FEE);
    const mine = (await call('GET', '/api/mp/orders', { token: p.token })).body.items.find(
      (o: { outTradeNo: string }) => o.outTradeNo === order.outTradeNo,
    );
    assert.deepEqual(
      [mine.status, mine.refunds[0].offline, mine.refunds[0].account],
      ['refunded', 'paid', '医院线下退还（现金）'],
    );
    assert.equal(await PatientNotice.count({ where: { userId: p.userId } }), noticesBefore);

    // the operation log: both corrections, with who and the request
    const ops = await OperLog.findAll({
      where: { path: `${base(order.id, r1.outRefundNo)}/payout`, method: 'PUT' },
      order: [['id', 'ASC']],
    });
    assert.deepEqual(
      ops.map((o) => [o.status, o.action, o.userId]),
      [
        ['success', '更正线下支付登记', adminUser.id],
        ['success', '更正线下支付登记', adminUser.id],
      ],
    );
    assert.match(ops[0].params ?? '', /流水号录入有误/);
  });

  it('concurrent corrections of one version: one goes through, the others get 409 PAYOUT_CHANGED; none is lost unseen', async () => {
    const { order, r1 } = await paidOut();
    const bodies = ['A', 'B', 'C', 'D'].map((x) => ({
      method: 'bank_transfer',
      reference: `TRF20260115000${x}`,
      reason: `更正流水号为 ${x}`,
      version: 1,
    }));
    const answers = await Promise.all(bodies.map((b) => correct(order.id, r1.outRefundNo, b)));
    assert.deepEqual(
      answers.map((a) => a.status).sort(),
      [200, 409, 409, 409],
      JSON.stringify(answers.map((a) => a.body)),
    );
    for (const a of answers.filter((x) => x.status === 409)) {
      assert.equal(a.body.error.code, 'PAYOUT_CHANGED');
      assert.match(a.body.error.message, CN);
    }
    const winner = bodies[answers.findIndex((a) => a.status === 200)];
    const now = await stateOf(r1);
    assert.deepEqual(
      [now.reference, now.version, now.changes],
      [winner.reference, 2, 1],
      'the record is the one correction that was answered 200, and only it is in the history',
    );
    // a correction made on what someone saw before is refused too, however late
    const stale = await correct(order.id, r1.outRefundNo, { ...bodies[0], reference: 'TRF-LATE', version: 1 });
    assert.deepEqual([stale.status, stale.body.error.code], [409, 'PAYOUT_CHANGED']);
    assert.deepEqual(await stateOf(r1), now);
    const ops = await OperLog.findAll({ where: { path: `${base(order.id, r1.outRefundNo)}/payout`, method: 'PUT' } });
    assert.deepEqual(ops.map((o) => o.errorCode ?? o.status).sort(), [
      'PAYOUT_CHANGED',
      'PAYOUT_CHANGED',
      'PAYOUT_CHANGED',
      'PAYOUT_CHANGED',
      'success',
    ]);
  });

  it('bad input is a 4xx with a stable code and changes nothing', async () => {
    const { order, r1 } = await paidOut();
    const before = await stateOf(r1);
    const good = { method: 'cash', reason: '实际为现金退还', version: 1 };
    for (const bad of [
      { ...good, reason: undefined },
      { ...good, reason: '改' },
      { ...good, reason: 'x'.repeat(61) },
      { ...good, version: undefined },
      { ...good, version: 0 },
      { ...good, version: '1' },
      { ...good, method: 'alipay_red_packet' },
      { ...good, method: 'bank_transfer' },
      { ...good, method: 'other' },
      { ...good, note: 'x'.repeat(201) },
      { ...good, amountFen: 1 },
    ]) {
      const r = await correct(order.id, r1.outRefundNo, bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
      assert.match(r.body.error.message, CN);
    }
    // the values it has already
    const same = await correct(order.id, r1.outRefundNo, {
      method: 'bank_transfer',
      reference: 'TRF202601150001',
      note: '转至患者本人工行账户',
      reason: '核对无误',
      version: 1,
    });
    assert.deepEqual([same.status, same.body.error.code], [422, 'PAYOUT_UNCHANGED']);
    assert.match(same.body.error.message, CN);
    assert.equal((await correct(order.id, 'NOPE123', good)).status, 404);
    assert.equal((await correct(999_999, r1.outRefundNo, good)).status, 404);
    assert.deepEqual(await stateOf(r1), before);

    // no payout recorded yet: nothing to correct
    const { pay } = await startStack();
    const b = await paidBooking(scheduleId);
    pay.refundOutcome(b.order.outTradeNo, 'ABNORMAL');
    await cancel(b.patient, b.appointmentId);
    const [f1] = await refunds(b.order.id);
    await call('POST', `${base(b.order.id, f1.outRefundNo)}/retry`, {
      token,
      body: { reason: '原卡已注销，退至医院账户', to: 'MERCHANT_BANK_CARD' },
    });
    await pay.settled();
    const none = await correct(b.order.id, f1.outRefundNo, good);
    assert.deepEqual([none.status, none.body.error.code], [409, 'PAYOUT_NOT_RECORDED']);
    // a refund that went back the original way has no payout at all
    const plain = await paidBooking(scheduleId);
    await cancel(plain.patient, plain.appointmentId);
    const [p1] = await refunds(plain.order.id);
    const na = await correct(plain.order.id, p1.outRefundNo, good);
    assert.deepEqual([na.status, na.body.error.code], [409, 'PAYOUT_NOT_APPLICABLE']);
    assert.equal(await PayRefundPayoutChange.count({ where: { refundId: [f1.id, p1.id] } }), 0);
  });

  it('needs payment:refund:payout and the hospital-wide scope; refusals change nothing', async () => {
    const { order, r1 } = await paidOut();
    const before = await stateOf(r1);
    const body = { method: 'cash', reason: '实际为现金退还', version: 1 };
    const retrier = await staffWithPerms(['payment:order:list', 'payment:refund:retry'], {
      dataScope: 'all',
      dept: '行政后勤',
      roleName: '收费主管',
    });
    const denied = await correct(order.id, r1.outRefundNo, body, retrier);
    assert.deepEqual([denied.status, denied.body.error.code], [403, 'FORBIDDEN']);
    const deptCashier = await staffWithPerms(['payment:order:list', 'payment:refund:payout'], {
      dataScope: 'dept',
      dept: '行政后勤',
      roleName: '科室收费员',
    });
    const outOfScope = await correct(order.id, r1.outRefundNo, body, deptCashier);
    assert.deepEqual([outOfScope.status, outOfScope.body.error.code], [403, 'OUT_OF_SCOPE']);
    assert.equal((await correct(order.id, r1.outRefundNo, body, await loginAs('deptadmin'))).status, 403);
    assert.equal((await call('PUT', `${base(order.id, r1.outRefundNo)}/payout`, { body })).status, 401);
    assert.deepEqual(await stateOf(r1), before, 'nothing was corrected');

    // a cashier holding just this permission (and 全部) corrects it, named in the history
    const cashier = await staffWithPerms(['payment:order:list', 'payment:refund:payout'], {
      dataScope: 'all',
      dept: '行政后勤',
      roleName: '收费员',
    });
    const done = await correct(order.id, r1.outRefundNo, body, cashier);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.refund.payout.corrections[0].changedBy, '收费员');
  });
});
