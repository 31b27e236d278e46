/**
 * Console features a hospital expects (issue 15), in real Chromium against the real BFF: 医生管理 (a photo uploaded,
 * 职称 and 号别 set), 患者管理 (masked phone revealed once, a no-show suspension lifted with a reason), 订单管理
 * (WeChat Pay's state asked, a refund by hand) and 对账管理 (a day with a difference, highlighted).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call, mpLogin, bookAsApp } from '../support/api';
import { admin, newDoctor, newSchedule, patient, tomorrow } from '../support/booking';
import { makeIdCard } from '../support/idcard';
import { bookedToday, todaySession } from '../support/records';
import { field, screenshot } from '../support/browser';
import { consoleHarness, type ConsolePage } from '../support/console-harness';
import { Appointment } from '../../bff/src/modules/booking/models';
import { PayOrder } from '../../bff/src/modules/payment/models';
import { addDays, shanghaiDate } from '../../bff/src/shared/time';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const CHARS = '赵钱孙李周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛';
const rareName = (n = 3) => Array.from({ length: n }, () => CHARS[crypto.randomInt(CHARS.length)]).join('');

async function confirmPrompt(s: ConsolePage, text: string) {
  const box = s.page.locator('.el-message-box');
  await box.waitFor();
  await box.locator('input, textarea').first().fill(text);
  await box.locator('.el-message-box__btns .el-button--primary').click();
}

describe('hospital console features (real Chromium)', function () {
  this.timeout(300_000);
  // the screenshots keep their page's own names (clinic-…, finance-…); failures are shot as hospital-failed-…
  const ch = consoleHarness({ shots: 'hospital' });

  it('医生管理: a department admin uploads a photo and sets 职称 and 号别; the fee shows', async () => {
    const name = rareName();
    const d = await newDoctor('心血管内科', name);
    const session = await ch.loginAs('deptadmin', '/clinic/doctor');
    const { page } = session;
    await page.waitForSelector('[data-test=level-fee-expert]');
    const expertFee = (await page.locator('[data-test=level-fee-expert]').innerText()).trim();
    await page.fill(field('doc-filter-name'), name);
    await page.click('[data-test=query-search]');
    await page.waitForSelector(`[data-test="doc-row-${d.username}"]`);
    assert.equal((await page.locator(`[data-test="doc-level-${d.username}"]`).innerText()).trim(), '未设置');
    assert.equal(await page.locator('[data-test^=level-edit-]').count(), 0, 'only administrators set fees');

    await page.click(`[data-test="doc-edit-${d.username}"]`);
    await page.waitForSelector('[data-test=doc-dialog]');
    await page.setInputFiles('[data-test=doc-photo-input]', { name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.waitForSelector('[data-test=doc-photo-preview]');
    await page.fill(field('doc-title'), '主任医师');
    await page.click('[data-test=doc-level]');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '专家号' }).click();
    await page.fill(field('doc-specialty'), '心律失常的射频消融');
    await page.fill(field('doc-intro'), '擅长复杂心律失常的诊治。');
    await screenshot(page, 'clinic-doctor-edit');
    await page.click('[data-test=doc-save]');
    await page.waitForSelector('[data-test=doc-dialog]', { state: 'hidden' });
    await page.waitForFunction(([sel, fee]) => document.querySelector(sel)?.textContent?.trim() === `专家号 ${fee}`, [
      `[data-test="doc-level-${d.username}"]`,
      expertFee,
    ] as const);
    await screenshot(page, 'clinic-doctor-list');

    const p = await patient();
    const card = await call('GET', `/api/mp/booking/doctors/${d.id}`, { token: p.token });
    assert.equal(card.body.title, '主任医师');
    assert.equal(card.body.levelName, '专家号');
    assert.match(card.body.avatarUrl, /^\/files\//);
  });

  it('患者管理: a masked number revealed once, a suspension lifted with a reason', async () => {
    const doctor = await newDoctor('心血管内科');
    const name = rareName(4);
    const login = await mpLogin();
    const phone = `136${String(crypto.randomInt(1e8)).padStart(8, '0')}`;
    const added = await call('POST', '/api/mp/patients', {
      token: login.accessToken,
      body: { name, idCard: makeIdCard('1970-08-09', crypto.randomInt(999)), phone, relation: 'self' },
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    for (const period of ['am', 'pm', 'eve'] as const) {
      const a = await bookedToday(
        doctor,
        { userId: login.user.id, patientId: added.body.id },
        1,
        await todaySession(doctor, period),
      );
      await Appointment.update({ status: 'no_show' }, { where: { id: a.id } });
    }

    const session = await ch.loginAs('deptadmin', '/clinic/patient');
    const { page } = session;
    await page.fill(field('pt-filter-name'), name);
    await page.click('[data-test=query-search]');
    const id = added.body.id as number;
    await page.waitForSelector(`[data-test="pt-open-${id}"]`);
    assert.equal((await page.locator(`[data-test="phone-${id}"]`).innerText()).trim(), `136****${phone.slice(-4)}`);
    await page.waitForSelector(`[data-test="pt-suspended-${id}"]`);
    await page.click(`[data-test="phone-reveal-${id}"]`);
    await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want, [
      `[data-test="phone-${id}"]`,
      phone,
    ] as const);
    assert.equal(await page.locator(`[data-test="phone-reveal-${id}"]`).count(), 0, 'one reveal per click');

    await page.click(`[data-test="pt-open-${id}"]`);
    await page.waitForSelector('[data-test=pt-drawer] [data-test=pt-drawer-suspended]');
    assert.equal(await page.locator('[data-test=pt-noshow-table] .el-table__row').count(), 3);
    await screenshot(page, 'clinic-patient-drawer');
    await page.click('[data-test=pt-lift]');
    await confirmPrompt(session, '患者住院未能就诊，已核实');
    await page.waitForSelector('[data-test=pt-drawer] [data-test=pt-drawer-ok]');
    assert.match(await page.locator('[data-test=pt-lift-row]').first().innerText(), /患者住院未能就诊，已核实/);
    await page.keyboard.press('Escape');
    await page.waitForSelector(`[data-test="pt-ok-${id}"]`);
    await screenshot(page, 'clinic-patient-list');
  });

  it('订单管理 and 对账管理: WeChat state asked, a refund by hand, a day’s difference highlighted', async () => {
    const { pay } = ch.stack;
    const doctor = await newDoctor('心血管内科');
    const s = await newSchedule(doctor.id, { feeFen: 3100, date: tomorrow() });
    const orders: PayOrder[] = [];
    for (let i = 0; i < 2; i++) {
      const p = await patient();
      const b = await bookAsApp({
        token: p.token,
        body: { scheduleId: s.id, patientId: p.patientId },
      });
      assert.equal(b.status, 201, JSON.stringify(b.body));
      const o = (await PayOrder.findOne({ where: { subjectType: 'appointment', subjectId: b.body.appointment.id } }))!;
      await pay.pay(o.outTradeNo, { hold: i === 1 });
      orders.push(o);
    }
    await pay.settled();
    const [paid, lost] = orders;

    const session = await ch.loginAs('admin', '/finance/order');
    const { page } = session;
    await page.fill(field('order-filter-no'), paid.outTradeNo);
    await page.click('[data-test=query-search]');
    await page.waitForSelector(`[data-test="order-row-${paid.outTradeNo}"]`);
    assert.equal((await page.locator(`[data-test="order-status-${paid.outTradeNo}"]`).innerText()).trim(), '已支付');
    await page.click(`[data-test="order-ask-${paid.outTradeNo}"]`);
    await page.waitForSelector(`[data-test="order-wechat-${paid.outTradeNo}"]`);
    assert.equal((await page.locator(`[data-test="order-wechat-${paid.outTradeNo}"]`).innerText()).trim(), '支付成功');
    await page.click(`[data-test="order-refund-btn-${paid.outTradeNo}"]`);
    await confirmPrompt(session, '患者来电要求退款');
    await page.waitForSelector(`[data-test="order-refund-${paid.outTradeNo}"]`);
    await pay.settled();
    await page.click('[data-test=query-search]');
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent?.trim() === '已退款',
      `[data-test="order-status-${paid.outTradeNo}"]`,
    );
    assert.match(await page.locator(`[data-test="order-refund-${paid.outTradeNo}"]`).innerText(), /患者来电要求退款/);
    await screenshot(page, 'finance-order');

    // yesterday: WeChat has the held payment, our books closed it — the day shows a difference
    const DAY = 86400_000;
    for (const o of orders) pay.shiftTimes(o.outTradeNo, DAY);
    await paid.reload();
    await paid.update({ paidAt: new Date(paid.paidAt!.getTime() - DAY) });
    await lost.update({ status: 'closed', closedAt: new Date() });
    await call('POST', '/api/admin/payment/reconciliations', {
      token: await admin(),
      body: { billDate: addDays(shanghaiDate(), -1) },
    });
    await page.goto(session.url('/finance/reconcile'));
    const yesterday = addDays(shanghaiDate(), -1);
    await page.waitForSelector(`[data-test="recon-row-${yesterday}"]`);
    await page.click('[data-test=recon-run]');
    await page.waitForSelector('[data-test=recon-drawer] [data-test=recon-diff-table]');
    await page.waitForSelector(`[data-test="recon-diff-${lost.outTradeNo}"]`);
    assert.equal(
      (await page.locator(`[data-test="recon-diff-${lost.outTradeNo}"]`).innerText()).trim(),
      '微信有支付，本院未记为已支付',
    );
    await screenshot(page, 'finance-reconcile-drawer');
    await page.keyboard.press('Escape');
    assert.equal((await page.locator(`[data-test="recon-status-${yesterday}"]`).innerText()).trim(), '有差异');
    assert.ok(
      (
        await page.locator(`[data-test="recon-row-${yesterday}"]`).locator('xpath=ancestor::tr').getAttribute('class')
      )?.includes('has-diff'),
      'the day with differences is highlighted',
    );
    await screenshot(page, 'finance-reconcile');
  });
});
