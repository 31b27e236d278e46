/**
 * axe-core on the console (issue 15): the login page and the main pages — 首页, 用户管理, 预约管理, 排班管理, 医生管理,
 * 患者管理, 随访管理, 订单管理, 对账管理, 服务监控, 统计分析 — have 0 WCAG 2.1 A/AA violations in real Chromium, checked
 * once the page has its data (loading masks gone, transitions finished).
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

/**
 * The shown treeitems of the trees in `within`: only a node with children (its row's expand icon is not Element
 * Plus's is-leaf) may say whether it is expanded — a leaf announced as 「已展开」 promises children it has not.
 */
async function assertExpandedOnBranchesOnly(page: Page, within: string) {
  const items = await page.evaluate(
    (within) =>
      [...document.querySelectorAll<HTMLElement>(`:is(${within}) [role=treeitem]`)]
        .filter((e) => e.checkVisibility())
        .map((e) => ({
          name: e.querySelector('.el-tree-node__content')?.textContent?.trim() ?? '',
          leaf: !!e.querySelector(':scope > .el-tree-node__content > .el-tree-node__expand-icon.is-leaf'),
          expanded: e.getAttribute('aria-expanded'),
        })),
    within,
  );
  const leaves = items.filter((i) => i.leaf);
  const branches = items.filter((i) => !i.leaf);
  assert.ok(leaves.length && branches.length, `leaves and branches in ${within}: ${JSON.stringify(items)}`);
  assert.deepEqual(
    leaves.filter((i) => i.expanded !== null).map((i) => `${i.name}: aria-expanded=${i.expanded}`),
    [],
    'no leaf claims aria-expanded',
  );
  assert.deepEqual(
    branches.filter((i) => i.expanded !== 'true' && i.expanded !== 'false').map((i) => i.name),
    [],
    'every node with children says whether it is expanded',
  );
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
    // the pages a hospital works in every day (issue 15's audit: they were only opened by every-page)
    ['/clinic/schedule', '[data-test=page-clinic-schedule]'],
    ['/clinic/doctor', '[data-test=page-clinic-doctor]'],
    ['/clinic/patient', '[data-test=page-clinic-patient]'],
    ['/clinic/follow-up', '[data-test=fu-table]'],
    ['/finance/order', '[data-test=page-finance-order]'],
    ['/finance/reconcile', '[data-test=sidebar] .el-menu'],
    ['/monitor/server', '[data-test=server-cpu] .el-progress'],
    ['/monitor/stats', '[data-test=page-monitor-stats]'],
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
      // 新增角色's menu and department trees (el-tree)
      if (name === '新增角色') await assertExpandedOnBranchesOnly(s.page, '.el-overlay:has([role=dialog])');
    });
  }

  // What a multiple select holds shows as tags (新增用户's 角色; a multiple DeptSelect alike): AA-readable too.
  it('the 新增用户 dialog has no violations with a role chosen (a multiple select’s tags)', async () => {
    const s = await ch.loginAs('admin', '/system/user');
    await s.page.click('[data-test=user-add]');
    await s.page.waitForSelector('.el-overlay [role=dialog]:visible');
    await ready(s.page);
    await s.page.click('[data-test=user-form-roles]');
    const role = s.page.locator('.el-select-dropdown__item:visible').first();
    const name = (await role.innerText()).trim();
    await role.click();
    await s.page.locator('[data-test=user-form-roles] .el-tag', { hasText: name }).waitFor();
    await s.page.locator('.el-overlay [role=dialog] .el-dialog__title').click(); // the dropdown closes
    await s.page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' });
    await ready(s.page);
    const v = await wcagViolations(s.page, '.el-overlay:has([role=dialog])');
    if (v.length) await s.shot('dialog-新增用户-roles');
    assert.equal(v.length, 0, describeViolations(v));
  });

  // The department picker (DeptSelect: Element Plus's el-tree-select, its tree in a dropdown teleported to <body>)
  // checked open where people use it: in a dialog (新增用户's 部门, 新增部门's 上级部门) and in a page's filter
  // (统计分析's 科室). axe on the dropdown and what it opened over (the dialog, or the filter field).
  // Still a picker afterwards: a screen reader hears a tree named after the field, with the chosen node selected.
  // 新增菜单's 上级菜单 is an el-tree-select of its own, made whole the same way.
  for (const [name, path, dialog, field, label, node] of [
    ['新增用户 › 部门', '/system/user', '[data-test=user-add]', '[data-test=user-form-dept]', '部门', '呼吸内科'],
    [
      '新增部门 › 上级部门',
      '/system/dept',
      '[data-test=dept-add]',
      '[data-test=dept-form-parent]',
      '上级部门',
      '呼吸内科',
    ],
    ['统计分析 › 科室', '/monitor/stats', null, '[data-test=stats-dept]', '科室', '呼吸内科'],
    [
      '新增菜单 › 上级菜单',
      '/system/menu',
      '[data-test=menu-add]',
      '[data-test=menu-form-parent]',
      '上级菜单',
      '系统管理',
    ],
  ] as const) {
    it(`the tree picker of ${name} has no violations, open`, async () => {
      const s = await ch.loginAs('admin', path);
      if (dialog) {
        await s.page.click(dialog);
        await s.page.waitForSelector('.el-overlay [role=dialog]:visible');
      }
      await ready(s.page);
      await s.page.locator(`${field} .el-select__wrapper`).click();
      await s.page.locator('.el-tree-select__popper .el-tree-node__content').first().waitFor();
      await ready(s.page);
      const v = await wcagViolations(
        s.page,
        `${dialog ? '.el-overlay:has([role=dialog])' : field}, .el-tree-select__popper`,
      );
      if (v.length) await s.shot(`tree-select-${name}`);
      assert.equal(v.length, 0, describeViolations(v));
      await assertExpandedOnBranchesOnly(s.page, '.el-tree-select__popper');

      // (a required field's label reads 「* 部门」: Element Plus's asterisk is in the label)
      const tree = s.page.getByRole('tree', { name: new RegExp(`^(\\* )?${label}$`) });
      await tree.getByRole('treeitem', { name: node, exact: true }).click();
      await s.page.locator(`${field} .el-select__selected-item`, { hasText: node }).waitFor();
      await s.page.locator(`${field} .el-select__wrapper`).click();
      await tree.getByRole('treeitem', { name: node, exact: true, selected: true }).waitFor();
      assert.equal(await tree.getByRole('treeitem', { selected: true }).count(), 1, 'one node chosen');
    });
  }
});
