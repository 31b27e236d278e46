/**
 * 订单管理 › 重新退款 in real Chromium (issue 15): failed refunds are filtered and highlighted; a closed one is
 * refunded again after a confirmation, an abnormal one goes to the debit card typed into the dialog.
 */
import assert from 'node:assert/strict';
import { startStack } from '../support/stack';
import { bookAsApp, call } from '../support/api';
import { newDoctor, newSchedule, patient, tomorrow } from '../support/booking';
import { field } from '../support/browser';
import { consoleHarness } from '../support/console-harness';
import { PayOrder } from '../../bff/src/modules/payment/models';

/** A paid booking cancelled by the patient, whose refund WeChat Pay ends `outcome`. */
async function failedRefund(scheduleId: number, outcome: 'CLOSED' | 'ABNORMAL') {
  const { pay } = await startStack();
  const p = await patient();
  const b = await bookAsApp({
    token: p.token,
    body: { scheduleId, patientId: p.patientId },
  });
  assert.equal(b.status, 201, JSON.stringify(b.body));
  const o = (await PayOrder.findOne({ where: { subjectType: 'appointment', subjectId: b.body.appointment.id } }))!;
  await pay.pay(o.outTradeNo);
  await pay.settled();
  pay.refundOutcome(o.outTradeNo, outcome);
  const c = await call('POST', `/api/mp/appointments/${b.body.appointment.id}/cancel`, { token: p.token });
  assert.ok(c.status < 300, JSON.stringify(c.body));
  await pay.settled();
  return o.outTradeNo;
}

describe('订单管理: 重新退款 of failed refunds (real Chromium)', function () {
  this.timeout(300_000);
  const ch = consoleHarness({ shots: 'finance-order' });

  it('filters and highlights failed refunds; retries a closed one and re-routes an abnormal one to a debit card', async () => {
    const { pay } = ch.stack;
    const d = await newDoctor('心血管内科');
    const s = await newSchedule(d.id, { feeFen: 2500, slotCount: 10, date: tomorrow() });
    const closed = await failedRefund(s.id, 'CLOSED');
    const abnormal = await failedRefund(s.id, 'ABNORMAL');

    const session = await ch.loginAs('admin', '/finance/order');
    const { page } = session;
    const search = async (no: string) => {
      await page.fill(field('order-filter-no'), no);
      await page.click('[data-test=query-search]');
      await page.waitForSelector(`[data-test="order-row-${no}"]`);
    };
    const confirm = async () => {
      const box = page.locator('.el-message-box');
      await box.waitFor();
      await box.locator('.el-message-box__btns .el-button--primary').click();
    };

    // only the failed ones, highlighted
    await page.click('[data-test=order-filter-refund-failed]');
    await page.click('.el-select-dropdown__item:has-text("退款失败待处理")');
    await search(closed);
    const row = page.locator('tr', { has: page.locator(`[data-test="order-row-${closed}"]`) });
    assert.match((await row.getAttribute('class')) ?? '', /refund-failed-row/);
    assert.equal((await page.locator(`[data-test="refund-state-${closed}R1"]`).innerText()).trim(), '退款关闭');
    await session.shot('refund-failed');

    // 退款关闭: a reason, a confirmation, a new refund number
    await page.click(`[data-test="refund-retry-${closed}R1"]`);
    await page.waitForSelector('[data-test=retry-closed-info]');
    await page.click('[data-test=retry-submit]');
    await page.waitForSelector('[data-test=retry-dialog] .el-form-item__error');
    await page.fill(field('retry-reason'), '微信退款关闭，余额已补足');
    await page.click('[data-test=retry-submit]');
    await confirm();
    await page.waitForSelector('[data-test=retry-dialog]', { state: 'hidden' });
    await pay.settled();
    await page.click('[data-test=query-reset]');
    await search(closed);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent?.trim() === '已退款',
      `[data-test="refund-state-${closed}RT1"]`,
    );
    assert.equal(await page.locator(`[data-test="refund-retry-${closed}R1"]`).count(), 0, 'done: no second retry');
    assert.match(await page.locator(`[data-test="order-status-${closed}"]`).innerText(), /已退款/);

    // 退款异常: the payer's debit card
    await search(abnormal);
    assert.equal((await page.locator(`[data-test="refund-state-${abnormal}R1"]`).innerText()).trim(), '退款异常');
    await page.click(`[data-test="refund-retry-${abnormal}R1"]`);
    await page.waitForSelector('[data-test=retry-abnormal-info]');
    await page.click('[data-test=retry-bank]');
    await page.click('.el-select-dropdown__item:has-text("招商银行（借记卡）")');
    await page.fill(field('retry-account'), '6225880112345678');
    await page.fill(field('retry-name'), '王患者');
    await page.fill(field('retry-reason'), '原卡已注销，患者提供借记卡');
    await session.shot('retry-abnormal');
    await page.click('[data-test=retry-submit]');
    const box = page.locator('.el-message-box');
    await box.waitFor();
    assert.match(await box.innerText(), /招商银行借记卡（尾号 5678，持卡人 王患者）/);
    await confirm();
    await page.waitForSelector('[data-test=retry-dialog]', { state: 'hidden' });
    await pay.settled();
    await page.click('[data-test=query-search]');
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent?.trim() === '已退款',
      `[data-test="refund-state-${abnormal}R1"]`,
    );
    assert.match(await page.locator(`[data-test="order-refund-${abnormal}"]`).innerText(), /入账 招商银行借记卡5678/);
    await session.shot('retried');
  });
});
