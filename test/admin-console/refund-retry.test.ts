/**
 * 订单管理 › 重新退款 in real Chromium (issue 15): failed refunds are filtered and highlighted; a closed one is
 * refunded again after a confirmation, an abnormal one goes to the debit card typed into the dialog — or back to the
 * hospital's account (退至医院账户), after which the list shows it 待线下支付 until 登记线下支付 records the payout
 * (with a confirmation; someone else's record first is a 409 the page explains and then shows). A re-route that
 * fails too (found by the reconciliation's query) is shown as such and done again to the patient's card. A recorded
 * payout is corrected (更正: a reason, a confirmation, the history shown); of two staff correcting it at once the slower
 * gets a 409 explained in Chinese and the dialog then shows the record as it is now.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startStack } from '../support/stack';
import { bookAsApp, call } from '../support/api';
import { admin, newDoctor, newSchedule, patient, tomorrow } from '../support/booking';
import { field } from '../support/browser';
import { consoleHarness } from '../support/console-harness';
import { exportedOrders } from '../support/payments';
import { staffAccountWithPerms } from '../support/accounts';
import { PayOrder, PayRefund } from '../../bff/src/modules/payment/models';
import { describeViolations, wcagViolations } from '../miniprogram/axe';

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

/**
 * A failed refund re-routed to the hospital's account (退至医院账户) and its payout recorded by bank transfer with
 * `reference`, through the API; the order's number and the refund's path.
 */
async function recordedPayout(scheduleId: number, reference: string) {
  const { pay } = await startStack();
  const no = await failedRefund(scheduleId, 'ABNORMAL');
  const o = (await PayOrder.findOne({ where: { outTradeNo: no } }))!;
  const token = await admin();
  const base = `/api/admin/payment/orders/${o.id}/refunds/${no}R1`;
  const reroute = await call('POST', `${base}/retry`, {
    token,
    body: { reason: '原卡已注销，退至医院账户', to: 'MERCHANT_BANK_CARD' },
  });
  assert.equal(reroute.status, 200, JSON.stringify(reroute.body));
  await pay.settled();
  const rec = await call('POST', `${base}/payout`, { token, body: { method: 'bank_transfer', reference } });
  assert.equal(rec.status, 201, JSON.stringify(rec.body));
  return { no, base, token };
}

/** 订单管理's search by order number, until that order's row is shown. */
async function searchOrder(page: Page, no: string) {
  await page.fill(field('order-filter-no'), no);
  await page.click('[data-test=query-search]');
  await page.waitForSelector(`[data-test="order-row-${no}"]`);
}

/** Confirms the open message box; its text (what the user was asked). */
async function confirmBox(page: Page, opts: { waitHidden?: boolean } = {}) {
  const box = page.locator('.el-message-box');
  await box.waitFor();
  const text = await box.innerText();
  await box.locator('.el-message-box__btns .el-button--primary').click();
  if (opts.waitHidden) await box.waitFor({ state: 'hidden' });
  return text;
}

/** The reconciliation job, after making `outRefundNo` look untouched for 5 minutes (the job asks about those). */
async function reconcileNow(outRefundNo: string) {
  const { running, pay } = await startStack();
  await PayRefund.sequelize!.query('UPDATE pay_refund SET updated_at = ? WHERE out_refund_no = ?', {
    replacements: [new Date(Date.now() - 5 * 60_000), outRefundNo],
  });
  await running.infra.jobs.runNow('payment-reconcile');
  await pay.settled();
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
    const search = (no: string) => searchOrder(page, no);
    const confirm = () => confirmBox(page);

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

  it('re-routes an abnormal refund to the hospital’s account and records the offline payout once', async () => {
    const { pay } = ch.stack;
    const d = await newDoctor('心血管内科');
    const s = await newSchedule(d.id, { feeFen: 2500, slotCount: 10, date: tomorrow() });
    const first = await failedRefund(s.id, 'ABNORMAL');
    const second = await failedRefund(s.id, 'ABNORMAL');

    const session = await ch.loginAs('admin', '/finance/order');
    const { page } = session;
    const search = (no: string) => searchOrder(page, no);
    const confirmText = () => confirmBox(page, { waitHidden: true });
    const stateIs = (no: string, text: string) =>
      page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want, [
        `[data-test="refund-state-${no}"]`,
        text,
      ] as const);

    // 重新退款 › 退至医院账户（线下支付）: no card asked for
    const reroute = async (no: string) => {
      await search(no);
      await page.click(`[data-test="refund-retry-${no}R1"]`);
      await page.waitForSelector('[data-test=retry-abnormal-info]');
      await page.waitForSelector('[data-test=retry-bank]');
      await page.click('[data-test=retry-route-MERCHANT_BANK_CARD]');
      await page.waitForSelector('[data-test=retry-merchant-info]');
      assert.equal(
        await page.locator('[data-test=retry-bank]').count(),
        0,
        'no bank fields for the hospital’s account',
      );
      assert.equal(await page.locator(field('retry-account')).count(), 0);
      assert.equal(
        await page.locator('[data-test=retry-dialog] .el-form-item__error').count(),
        0,
        'choosing where the money goes flags no field yet',
      );
      await page.fill(field('retry-reason'), '原卡已注销，退至医院账户');
      await session.shot('retry-merchant');
      await page.click('[data-test=retry-submit]');
      return confirmText();
    };
    assert.match(await reroute(first), /退至医院账户.*登记线下支付/s);
    await page.waitForSelector('[data-test=retry-dialog]', { state: 'hidden' });
    assert.match(await reroute(second), /退至医院账户/);
    await page.waitForSelector('[data-test=retry-dialog]', { state: 'hidden' });
    await pay.settled();
    assert.equal(pay.refund(`${first}R1`)!.abnormal?.type, 'MERCHANT_BANK_CARD');

    // the list: 退至医院账户·待线下支付, highlighted, and found by its own filter
    await page.click('[data-test=query-reset]');
    await page.click('[data-test=order-filter-refund-failed]');
    await page.click('.el-select-dropdown__item:has-text("退至医院账户·待线下支付")');
    await search(first);
    await stateIs(`${first}R1`, '退至医院账户·待线下支付');
    // WeChat Pay counts it refunded; the order says the patient is still owed the money
    assert.equal(await page.locator(`[data-test="order-status-${first}"]`).innerText(), '已退款·待线下支付');
    const row = page.locator('tr', { has: page.locator(`[data-test="order-row-${first}"]`) });
    assert.match((await row.getAttribute('class')) ?? '', /payout-pending-row/);
    assert.doesNotMatch(await page.locator(`[data-test="order-refund-${first}"]`).innerText(), /入账/);
    await session.shot('payout-pending');

    // 登记线下支付: the form asks for a method (and a reference unless cash), then a confirmation
    await page.click(`[data-test="refund-payout-btn-${first}R1"]`);
    await page.waitForSelector('[data-test=payout-dialog] [data-test=payout-info]');
    await session.done();
    const v = await wcagViolations(page, '.el-overlay:has([role=dialog])');
    assert.equal(v.length, 0, describeViolations(v));
    await page.click('[data-test=payout-submit]');
    await page.waitForSelector('[data-test=payout-dialog] .el-form-item__error');
    await page.click('[data-test=payout-method]');
    await page.click('.el-select-dropdown__item:has-text("银行转账")');
    await page.click('[data-test=payout-submit]');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-test=payout-dialog] .el-form-item__error')].some((e) =>
        e.textContent?.includes('流水号'),
      ),
    );
    await page.fill(field('payout-reference'), 'TRF202601150001');
    await page.fill(field('payout-note'), '转至患者本人账户');
    await session.shot('payout-form');
    await page.click('[data-test=payout-submit]');
    assert.match(await confirmText(), /确认已将 ¥25\.00 以「银行转账」线下支付给患者/);
    await page.waitForSelector('[data-test=payout-dialog]', { state: 'hidden' });
    await page.click('[data-test=query-reset]');
    await search(first);
    await stateIs(`${first}R1`, '已线下支付');
    assert.equal(await page.locator(`[data-test="order-status-${first}"]`).innerText(), '已退款');
    assert.match(
      await page.locator(`[data-test="refund-payout-${first}R1"]`).innerText(),
      /银行转账 · 凭证 TRF202601150001 · 转至患者本人账户 · .+ 于 .+ 登记/,
    );
    assert.equal(await page.locator(`[data-test="refund-payout-btn-${first}R1"]`).count(), 0, 'recorded: no second');
    await session.shot('payout-recorded');

    // another member of staff records the second one while this dialog is open: a 409 explained, then shown
    await search(second);
    await page.click(`[data-test="refund-payout-btn-${second}R1"]`);
    await page.waitForSelector('[data-test=payout-dialog] [data-test=payout-info]');
    await page.click('[data-test=payout-method]');
    await page.click('.el-select-dropdown__item:visible:has-text("现金")');
    const o2 = (await PayOrder.findOne({ where: { outTradeNo: second } }))!;
    const other = await call('POST', `/api/admin/payment/orders/${o2.id}/refunds/${second}R1/payout`, {
      token: await admin(),
      body: { method: 'cash', note: '收费窗口已退' },
    });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const seen = await session.expectProblems(/\/payout → 409/, async () => {
      await page.click('[data-test=payout-submit]');
      await confirmText();
    });
    assert.ok(
      seen.some((t) => /已登记过线下支付/.test(t)),
      seen.join('\n'),
    );
    await page.waitForSelector('[data-test=payout-dialog]', { state: 'hidden' });
    await stateIs(`${second}R1`, '已线下支付');
    assert.equal(await PayRefund.count({ where: { outRefundNo: `${second}R1` } }), 1);
  });

  it('shows a re-route to the hospital’s account that failed too, and re-routes it to the patient’s card', async () => {
    const { pay } = ch.stack;
    const d = await newDoctor('心血管内科');
    const s = await newSchedule(d.id, { feeFen: 2500, slotCount: 10, date: tomorrow() });
    const no = await failedRefund(s.id, 'ABNORMAL');
    const o = (await PayOrder.findOne({ where: { outTradeNo: no } }))!;
    const delay = pay.refundDelayMs;
    pay.refundDelayMs = 'manual';
    try {
      const r = await call('POST', `/api/admin/payment/orders/${o.id}/refunds/${no}R1/retry`, {
        token: await admin(),
        body: { reason: '原卡已注销，退至医院账户', to: 'MERCHANT_BANK_CARD' },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // the hospital's settlement account refuses it; the job's query finds out
      await pay.completeRefund(`${no}R1`, 'ABNORMAL');
      await reconcileNow(`${no}R1`);
      assert.equal((await PayRefund.findOne({ where: { outRefundNo: `${no}R1` } }))!.status, 'failed');

      const session = await ch.loginAs('admin', '/finance/order');
      const { page } = session;
      await page.click('[data-test=order-filter-refund-failed]');
      await page.click('.el-select-dropdown__item:has-text("退款失败待处理")');
      await searchOrder(page, no);
      assert.equal(
        (await page.locator(`[data-test="refund-state-${no}R1"]`).innerText()).trim(),
        '退款异常·退至医院账户未成功',
      );
      // the Excel export says what the screen says
      const [cells] = await exportedOrders(await admin(), `outTradeNo=${no}`);
      assert.equal(cells['退款状态'], (await page.locator(`[data-test="refund-state-${no}R1"]`).innerText()).trim());
      assert.equal(cells['状态'], (await page.locator(`[data-test="order-status-${no}"]`).innerText()).trim());
      const row = page.locator('tr', { has: page.locator(`[data-test="order-row-${no}"]`) });
      assert.match((await row.getAttribute('class')) ?? '', /refund-failed-row/);
      assert.equal(await page.locator(`[data-test="refund-payout-btn-${no}R1"]`).count(), 0, 'nothing to pay out');

      await page.click(`[data-test="refund-retry-${no}R1"]`);
      assert.match(
        await page.locator('[data-test=retry-again-info]').innerText(),
        /此前已发起异常退款（退至医院账户（线下支付））.*再次报告退款异常.*改退至患者本人的借记卡/s,
      );
      await page.waitForSelector('[data-test=retry-bank]');
      await page.click('[data-test=retry-bank]');
      await page.click('.el-select-dropdown__item:has-text("招商银行（借记卡）")');
      await page.fill(field('retry-account'), '6225880112345678');
      await page.fill(field('retry-name'), '王患者');
      await page.fill(field('retry-reason'), '医院账户未能入账，改退患者借记卡');
      await session.shot('retry-again');
      await page.click('[data-test=retry-submit]');
      assert.match(await confirmBox(page, { waitHidden: true }), /招商银行借记卡（尾号 5678，持卡人 王患者）/);
      await page.waitForSelector('[data-test=retry-dialog]', { state: 'hidden' });
      await pay.completeRefund(`${no}R1`, 'SUCCESS');
      await pay.settled();
      await page.click('[data-test=query-reset]');
      await searchOrder(page, no);
      await page.waitForFunction(
        (sel) => document.querySelector(sel)?.textContent?.trim() === '已退款',
        `[data-test="refund-state-${no}R1"]`,
      );
      assert.match(await page.locator(`[data-test="order-refund-${no}"]`).innerText(), /入账 招商银行借记卡5678/);
    } finally {
      pay.refundDelayMs = delay;
    }
  });

  it('corrects a recorded payout with a reason and a confirmation, shows its history; someone else’s correction first is a 409', async () => {
    const d = await newDoctor('心血管内科');
    const s = await newSchedule(d.id, { feeFen: 2500, slotCount: 10, date: tomorrow() });
    const { no, base, token } = await recordedPayout(s.id, 'TRF202601150001');

    const session = await ch.loginAs('admin', '/finance/order');
    const { page } = session;
    const payoutShows = (text: string) =>
      page.waitForFunction(([sel, want]) => !!document.querySelector(sel)?.textContent?.includes(want), [
        `[data-test="refund-payout-${no}R1"]`,
        text,
      ] as const);
    await searchOrder(page, no);
    await page.click(`[data-test="refund-payout-correct-${no}R1"]`);
    await page.waitForSelector('[data-test=payout-correct-dialog] [data-test=payout-correct-info]');
    assert.equal(
      await page.inputValue(field('payout-correct-reference')),
      'TRF202601150001',
      'the form starts as recorded',
    );
    assert.equal(await page.locator('[data-test=payout-correct-history]').count(), 0);
    await session.done();
    const v = await wcagViolations(page, '.el-overlay:has([role=dialog])');
    assert.equal(v.length, 0, describeViolations(v));

    // a reason is required; then a confirmation naming the old and the new values, the button loading meanwhile
    await page.fill(field('payout-correct-reference'), 'TRF202601150009');
    await page.click('[data-test=payout-correct-submit]');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-test=payout-correct-dialog] .el-form-item__error')].some((e) =>
        e.textContent?.includes('请填写更正原因'),
      ),
    );
    await page.fill(field('payout-correct-reason'), '流水号录入有误，按银行回单更正');
    await session.shot('payout-correct');
    await page.click('[data-test=payout-correct-submit]');
    await page.locator('.el-message-box').waitFor();
    assert.match((await page.locator('[data-test=payout-correct-submit]').getAttribute('class')) ?? '', /is-loading/);
    assert.match(
      await confirmBox(page, { waitHidden: true }),
      /由「银行转账 · 凭证 TRF202601150001」更正为「银行转账 · 凭证 TRF202601150009」/,
    );
    await page.waitForSelector('[data-test=payout-correct-dialog]', { state: 'hidden' });
    await payoutShows('TRF202601150009');
    assert.match(await page.locator(`[data-test="refund-payout-corrected-${no}R1"]`).innerText(), /已更正 1 次/);

    // the history in the dialog; someone else corrects it while it is open: the 409 is explained, theirs shown
    await page.click(`[data-test="refund-payout-correct-${no}R1"]`);
    assert.match(
      await page.locator('[data-test=payout-correct-history]').innerText(),
      /系统管理员 · 原因：流水号录入有误，按银行回单更正\s*原：银行转账 · 凭证 TRF202601150001 → 新：银行转账 · 凭证 TRF202601150009/,
    );
    await session.shot('payout-correct-history');
    await page.click('[data-test=payout-correct-method]');
    await page.click('.el-select-dropdown__item:visible:has-text("现金")');
    await page.fill(field('payout-correct-reference'), '');
    await page.fill(field('payout-correct-reason'), '实际为现金退还');
    const other = await call('PUT', `${base}/payout`, {
      token,
      body: { method: 'wechat_transfer', reference: 'WX20260115001', reason: '实际为微信转账', version: 2 },
    });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    const seen = await session.expectProblems(/\/payout → 409/, async () => {
      await page.click('[data-test=payout-correct-submit]');
      await confirmBox(page, { waitHidden: true });
    });
    assert.ok(
      seen.some((t) => /已被他人更正/.test(t)),
      seen.join('\n'),
    );
    // the dialog stays, with their values; closed, the list shows them too
    await page.waitForSelector('[data-test=payout-correct-changed]');
    assert.equal(await page.inputValue(field('payout-correct-reference')), 'WX20260115001');
    await page.click('[data-test=payout-correct-dialog] .el-dialog__footer button:has-text("取消")');
    await page.waitForSelector('[data-test=payout-correct-dialog]', { state: 'hidden' });
    await payoutShows('微信转账 · 凭证 WX20260115001');
    assert.match(await page.locator(`[data-test="refund-payout-corrected-${no}R1"]`).innerText(), /已更正 2 次/);
  });

  it('two staff correct the same payout at once: the slower is told in Chinese and shown the current values, then corrects those', async () => {
    const d = await newDoctor('心血管内科');
    const s = await newSchedule(d.id, { feeFen: 2500, slotCount: 10, date: tomorrow() });
    const { no } = await recordedPayout(s.id, 'TRF202601160001');
    const cashier = await staffAccountWithPerms(['payment:order:list', 'payment:refund:payout'], {
      dataScope: 'all',
      dept: '心血管内科',
      roleName: '收费员',
    });

    // both open 更正 on the record as it is (version 1)
    const first = await ch.loginAs('admin', '/finance/order');
    const second = await ch.loginAs({ username: cashier.username, password: cashier.password }, '/finance/order');
    for (const { page } of [first, second]) {
      await searchOrder(page, no);
      await page.click(`[data-test="refund-payout-correct-${no}R1"]`);
      await page.waitForSelector('[data-test=payout-correct-dialog] [data-test=payout-correct-info]');
    }
    await second.page.click('[data-test=payout-correct-method]');
    await second.page.click('.el-select-dropdown__item:visible:has-text("现金")');
    await second.page.fill(field('payout-correct-reference'), '');
    await second.page.fill(field('payout-correct-reason'), '实际为现金退还');

    // the first saves
    await first.page.fill(field('payout-correct-reference'), 'TRF202601160002');
    await first.page.fill(field('payout-correct-reason'), '流水号录入有误');
    await first.page.click('[data-test=payout-correct-submit]');
    await confirmBox(first.page, { waitHidden: true });
    await first.page.waitForSelector('[data-test=payout-correct-dialog]', { state: 'hidden' });

    // the second, slower, is refused: told why in Chinese, and the dialog now shows the record as it is
    const seen = await second.expectProblems(/\/payout → 409/, async () => {
      await second.page.click('[data-test=payout-correct-submit]');
      await confirmBox(second.page, { waitHidden: true });
    });
    assert.ok(
      seen.some((t) => /该登记已被他人更正，请查看最新内容后再更正/.test(t)),
      seen.join('\n'),
    );
    const { page } = second;
    assert.match(
      await page.locator('[data-test=payout-correct-changed]').innerText(),
      /该登记已被他人更正（系统管理员 于 .+）.*下方已显示最新内容/s,
    );
    assert.match(
      await page.locator('[data-test=payout-correct-info]').innerText(),
      /当前登记：银行转账 · 凭证 TRF202601160002/,
    );
    assert.equal(await page.inputValue(field('payout-correct-reference')), 'TRF202601160002');
    assert.match(await page.locator('[data-test=payout-correct-method]').innerText(), /银行转账/);
    assert.equal(await page.inputValue(field('payout-correct-reason')), '实际为现金退还', 'the reason typed stays');
    assert.match(
      await page.locator('[data-test=payout-correct-history]').innerText(),
      /系统管理员 · 原因：流水号录入有误\s*原：银行转账 · 凭证 TRF202601160001 → 新：银行转账 · 凭证 TRF202601160002/,
    );
    await second.shot('payout-correct-changed');

    // they correct the current record (version 2): the confirmation names the first's values as the old ones
    await page.click('[data-test=payout-correct-method]');
    await page.click('.el-select-dropdown__item:visible:has-text("现金")');
    await page.fill(field('payout-correct-reference'), '');
    await page.click('[data-test=payout-correct-submit]');
    assert.match(await confirmBox(page, { waitHidden: true }), /由「银行转账 · 凭证 TRF202601160002」更正为「现金」/);
    await page.waitForSelector('[data-test=payout-correct-dialog]', { state: 'hidden' });
    await page.waitForFunction(([sel, want]) => !!document.querySelector(sel)?.textContent?.includes(want), [
      `[data-test="refund-payout-${no}R1"]`,
      '现金 · 系统管理员 于',
    ] as const);
    assert.match(await page.locator(`[data-test="refund-payout-corrected-${no}R1"]`).innerText(), /已更正 2 次/);
  });
});
