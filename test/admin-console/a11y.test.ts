/**
 * axe-core on the console (issue 15): the login page and the main pages — 首页, 用户管理, 预约管理 — have 0 WCAG 2.1
 * A/AA violations in real Chromium, checked once the page has its data (loading masks gone, transitions finished).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call } from '../support/api';
import { newDoctor, newSchedule, patient } from '../support/booking';
import { settle } from '../support/browser';
import { consoleHarness } from '../support/console-harness';
import { describeViolations, wcagViolations } from '../miniprogram/axe';

async function ready(page: Page) {
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask, .el-skeleton'));
  await settle(page);
}

describe('console accessibility: axe-core, WCAG 2.1 AA (real Chromium)', function () {
  this.timeout(240_000);
  const ch = consoleHarness({ shots: 'console-a11y' });
  before(async () => {
    // 预约管理 is checked with rows in it (status tags, fee, actions), not only its empty state
    const doctor = await newDoctor('心血管内科', '无障碍医生');
    const s = await newSchedule(doctor.id, { slotCount: 3 });
    const p = await patient();
    const b = await call('POST', '/api/mp/appointments', {
      token: p.token,
      body: { scheduleId: s.id, patientId: p.patientId },
    });
    assert.equal(b.status, 201, JSON.stringify(b.body));
  });

  it('the login page has no violations', async () => {
    const s = await ch.newPage();
    await s.page.goto(s.url('/login'));
    await s.page.waitForSelector('[data-test=login-submit]');
    await ready(s.page);
    const v = await wcagViolations(s.page);
    assert.equal(v.length, 0, describeViolations(v));
  });

  for (const [path, marker] of [
    ['/dashboard', '[data-test=sidebar] .el-menu'],
    ['/system/user', '[data-test=user-table] .el-table__row'],
    ['/clinic/appointment', '[data-test=appt-table] .el-table__row'],
  ] as const) {
    it(`${path} has no violations`, async () => {
      const s = await ch.loginAs('admin');
      await s.page.goto(s.url(path));
      await s.page.waitForSelector(marker);
      await ready(s.page);
      const v = await wcagViolations(s.page);
      assert.equal(v.length, 0, describeViolations(v));
    });
  }

  // The main create/edit dialogs (新增角色 and 新建文章 are drawers: dialogs to assistive technology too), checked open,
  // axe on the open overlay alone (the pages behind are checked above or by every-page).
  for (const [name, path, open] of [
    ['新增用户', '/system/user', '[data-test=user-add]'],
    ['新增角色', '/system/role', '[data-test=role-add]'],
    ['新增部门', '/system/dept', '[data-test=dept-add]'],
    ['新增字典', '/system/dict', 'button:has-text("新增字典")'],
    ['导入排班', '/clinic/schedule', '[data-test=sched-import]'],
    ['新建文章', '/education/content', '[data-test=content-new-article]'],
  ] as const) {
    it(`the ${name} dialog has no violations`, async () => {
      const s = await ch.loginAs('admin', path);
      await s.page.click(open);
      await s.page.waitForSelector('.el-overlay [role=dialog]:visible');
      await ready(s.page);
      const v = await wcagViolations(s.page, '.el-overlay:has([role=dialog])');
      if (v.length) await s.shot(`dialog-${name}`);
      assert.equal(v.length, 0, describeViolations(v));
    });
  }
});
