/**
 * 我的订单 when a refund fails (issue 15, real Chromium): a closed refund says the hospital redoes it and disappears
 * behind its retry once 收费管理 has refunded it again; an abnormal one says a debit card is needed; a refund that
 * landed says where.
 */
import assert from 'node:assert/strict';
import { startStack } from '../support/stack';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { bookAsApp, call, loginAs } from '../support/api';
import { makeIdCard } from '../support/idcard';
import { newDoctor, newSchedule } from '../support/booking';
import { PayOrder, PayRefund } from '../../bff/src/modules/payment/models';
import { refundPart } from '../../bff/src/modules/payment/service';

buildH5BeforeAnySuite();

describe('miniprogram h5: 我的订单 shows failed and retried refunds (Chromium, real BFF)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp-refunds', failingStatus: 500 });
  const { on, tab, shot, accessible } = mp;

  after(() => assert.deepEqual(mp.errors, [], 'no page errors, no 5xx'));

  it('abnormal and closed refunds say what happens next; a retried one shows its retry', async () => {
    const { pay } = await startStack();
    await mp.login();
    const token = await mp.consent();
    const member = await call('POST', '/api/mp/patients', {
      token,
      body: { name: '钱退款', idCard: makeIdCard('1979-03-04', 321), phone: '13700002222', relation: 'self' },
    });
    assert.equal(member.status, 201, JSON.stringify(member.body));
    const s = await newSchedule((await newDoctor('皮肤科', '卫退款')).id, { feeFen: 2500, slotCount: 3 });
    const booked = await bookAsApp({
      token,
      body: { scheduleId: s.id, patientId: member.body.id },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const order = (await PayOrder.findOne({
      where: { subjectType: 'appointment', subjectId: booked.body.appointment.id },
    }))!;
    await pay.pay(order.outTradeNo);
    await pay.settled();
    // a 替诊 difference whose refund goes abnormal, then a cancellation whose refund WeChat closes
    pay.refundOutcome(order.outTradeNo, 'ABNORMAL');
    await refundPart(await order.reload(), 800, 'sub1700', '替诊医生挂号费较低，退还差价');
    await pay.settled();
    pay.refundOutcome(order.outTradeNo, 'CLOSED');
    const cancelled = await call('POST', `/api/mp/appointments/${booked.body.appointment.id}/cancel`, { token });
    assert.ok(cancelled.status < 300, JSON.stringify(cancelled.body));
    await pay.settled();

    await tab('我的');
    await on('.menu-orders').click();
    const card = on('.order-card', order.outTradeNo);
    await card.waitFor();
    await on('.order-refund', '原卡无法入账').waitFor();
    assert.match(await card.innerText(), /退款 ¥8\.00 · 原卡无法入账，医院将联系您改退至银行卡/);
    assert.match(await card.innerText(), /退款 ¥17\.00 · 未成功，医院将重新办理/);
    await shot('failed');
    await accessible('我的订单（退款失败）');

    // 收费管理 redoes both: the closed one under a new number, the abnormal one to a debit card
    const admin = await loginAs('admin');
    const [part, rest] = await PayRefund.findAll({ where: { orderId: order.id }, order: [['id', 'ASC']] });
    const retry = (no: string, body: object) =>
      call('POST', `/api/admin/payment/orders/${order.id}/refunds/${no}/retry`, { token: admin, body });
    assert.equal((await retry(rest.outRefundNo, { reason: '余额已补足' })).status, 200);
    const card2 = { bankType: 'CCB_DEBIT', account: '6217000010002468', realName: '钱退款' };
    assert.equal((await retry(part.outRefundNo, { reason: '原卡已注销', bankCard: card2 })).status, 200);
    await pay.settled();

    await mp.page.goBack();
    await on('.menu-orders').click();
    await on('.order-line', '退至 建设银行借记卡2468').waitFor();
    // both retries are settled at WeChat Pay, but the card shows what the BFF answered when it loaded: wait for the
    // card without a failure line (a failure that stays behind its retry fails here, after the wait)
    await on('.order-card', order.outTradeNo)
      .filter({ hasNotText: /未成功|原卡无法入账/ })
      .waitFor()
      .catch(() => undefined);
    const text = await on('.order-card', order.outTradeNo).innerText();
    assert.doesNotMatch(text, /未成功|原卡无法入账/, 'the failures are behind their retries');
    assert.match(text, /退款 ¥8\.00 · 已退回/);
    assert.match(text, /退款 ¥17\.00 · 已退回/);
    await shot('retried');
    await accessible('我的订单（重新退款后）');
  });

  it('a refund sent back to the hospital’s account is on its way until the hospital records paying it out', async () => {
    const { pay } = await startStack();
    const token = await mp.token(); // the same app and family member as above
    const member = await call('GET', '/api/mp/patients', { token });
    assert.equal(member.status, 200, JSON.stringify(member.body));
    const s = await newSchedule((await newDoctor('皮肤科', '卫线下')).id, { feeFen: 3000, slotCount: 3 });
    const booked = await bookAsApp({ token, body: { scheduleId: s.id, patientId: member.body.items[0].id } });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const order = (await PayOrder.findOne({
      where: { subjectType: 'appointment', subjectId: booked.body.appointment.id },
    }))!;
    await pay.pay(order.outTradeNo);
    await pay.settled();
    pay.refundOutcome(order.outTradeNo, 'ABNORMAL');
    const cancelled = await call('POST', `/api/mp/appointments/${booked.body.appointment.id}/cancel`, { token });
    assert.ok(cancelled.status < 300, JSON.stringify(cancelled.body));
    await pay.settled();
    const admin = await loginAs('admin');
    const no = `${order.outTradeNo}R1`;
    const url = (what: string) => `/api/admin/payment/orders/${order.id}/refunds/${no}/${what}`;
    const rerouted = await call('POST', url('retry'), {
      token: admin,
      body: { reason: '原卡已注销', to: 'MERCHANT_BANK_CARD' },
    });
    assert.equal(rerouted.status, 200, JSON.stringify(rerouted.body));
    await pay.settled();

    await tab('首页');
    await tab('我的');
    await on('.menu-orders').click();
    const card = on('.order-card', order.outTradeNo);
    await on('.order-refund', '医院将线下退还').waitFor();
    assert.match(await card.innerText(), /退款中/);
    assert.match(await card.innerText(), /退款 ¥30\.00 · 已退回医院账户，医院将线下退还给您/);
    assert.doesNotMatch(await card.innerText(), /商户结算银行账户/, 'the hospital’s own account is not the patient’s');
    await shot('offline-pending');

    const paid = await call('POST', url('payout'), { token: admin, body: { method: 'cash', note: '窗口现金退还' } });
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    await mp.page.goBack();
    await on('.menu-orders').click();
    await on('.order-line', '医院线下退还（现金）').waitFor();
    assert.match(await card.innerText(), /已退款/);
    assert.match(await card.innerText(), /退款 ¥30\.00 · 已退回/);
    await shot('offline-paid');
    await accessible('我的订单（线下退还）');
  });
});
