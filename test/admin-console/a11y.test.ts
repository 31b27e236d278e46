/**
 * axe-core on the console (issue 15): the login page and every page of the menus — as admin (首页, 系统管理, 系统监控,
 * 门诊管理's 预约/排班/医生/患者/随访, 收费管理), as 主任医师 (宣教, 评论, 关键词, 学习任务, 问诊数据, 随访问卷) and as 医师
 * (问诊工作台, 接诊工作台, 病历模板, 病历查询, 我的学习) — have 0 WCAG 2.1 A/AA violations in real Chromium, checked
 * once the page has its data (loading masks gone, transitions finished); and the main dialogs and tree pickers, open.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call, loginAs, unique } from '../support/api';
import { newDoctor, newSchedule, patient } from '../support/booking';
import { applyForStaff } from '../support/staff';
import { answeredConsultation } from '../support/chat';
import { settle } from '../support/browser';
import { consoleHarness } from '../support/console-harness';
import { describeViolations, wcagViolations } from '../miniprogram/axe';
import { chiefToken, learningTask, published } from '../bff/education/helpers';

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

    // the doctor's 问诊工作台 and the chief's 问诊数据 with a consultation in them, answered
    await answeredConsultation(p.token, p.patientId);

    // a learning task for 心血管内科 (the chief's 学习任务, the doctor's 我的学习) with an article just published
    const article = await published({ title: unique('在家测血压') });
    await learningTask(await chiefToken(), [article.id]);

    // a patient's comment on that article (评论管理), a word to watch for (敏感词), a staff application (人员申请)
    const comment = await call('POST', `/api/mp/education/contents/${article.id}/comments`, {
      token: p.token,
      body: { text: '量血压前要休息几分钟？' },
    });
    assert.equal(comment.status, 201, JSON.stringify(comment.body));
    const word = await call('POST', '/api/admin/education/sensitive-words', {
      token: await loginAs('admin'),
      body: { word: unique('包治百病'), action: 'review' },
    });
    assert.equal(word.status, 201, JSON.stringify(word.body));
    await applyForStaff(p.token, { name: '无障碍申请', dept: '心血管内科', usernamePrefix: 'a11yapply' });
  });

  it('the login page has no violations', async () => {
    const s = await ch.newPage();
    await s.page.goto(s.url('/login'));
    await s.page.waitForSelector('[data-test=login-submit]');
    await ready(s.page);
    const v = await wcagViolations(s.page);
    assert.equal(v.length, 0, describeViolations(v));
  });

  // Every page of the menus, each as the role that works in it (one login per role, the page reused), checked once
  // it shows its content: a row of its table where the demo data (or this suite's before) gives one, else its marker.
  const PAGES: Record<'admin' | 'chief' | 'doctor', [path: string, marker: string][]> = {
    admin: [
      ['/dashboard', '[data-test=today-stats]'],
      ['/system/user', '[data-test=user-table] .el-table__row'],
      ['/system/role', '[data-test=page-system-role] .el-table__row'],
      ['/system/menu', '[data-test=menu-table] .el-table__row'],
      ['/system/dept', '[data-test=dept-table] .el-table__row'],
      ['/system/post', '[data-test=page-system-post] .el-table__row'],
      ['/system/dict', '[data-test=page-system-dict] .el-table__row'],
      ['/system/dict-data/sys_user_status', '[data-test=page-system-dict-data] .el-table__row'],
      ['/system/staff-application', '[data-test=staff-application-table] .el-table__row'],
      ['/system/notice', '[data-test=page-system-notice] .el-table__row'],
      ['/system/agreement', '[data-test=agreement-table] .el-table__row'],
      ['/monitor/online', '[data-test=page-monitor-online] .el-table__row'],
      ['/monitor/operlog', '[data-test=page-monitor-operlog] .el-table__row'],
      ['/monitor/logininfor', '[data-test=page-monitor-logininfor] .el-table__row'],
      ['/monitor/job', '[data-test=page-monitor-job] .el-table__row'],
      ['/monitor/server', '[data-test=server-cpu] .el-progress'],
      ['/monitor/cache', '[data-test=cache-namespaces] .el-table__row'],
      ['/monitor/stats', '[data-test=stats-totals]'],
      // the pages a hospital works in every day (issue 15's audit: they were only opened by every-page)
      ['/clinic/appointment', '[data-test=appt-table] .el-table__row'],
      ['/clinic/schedule', '[data-test=page-clinic-schedule]'],
      ['/clinic/doctor', '[data-test^=doc-row-]'],
      ['/clinic/patient', '[data-test^=pt-open-]'],
      ['/clinic/follow-up', '[data-test=fu-table]'],
      ['/finance/order', '[data-test=page-finance-order]'],
      ['/finance/reconcile', '[data-test=page-finance-reconcile]'],
    ],
    // a 主任医师 publishes 科普, moderates comments and words, assigns learning, reads consultations and questionnaires
    chief: [
      ['/education/content', '[data-test=page-education-content] .el-table__row'],
      ['/education/comment', '[data-test=page-education-comment] .el-table__row'],
      ['/education/sensitive-word', '[data-test=page-education-word] .el-table__row'],
      ['/education/learning-task', '[data-test=page-learning-task] .el-table__row'],
      ['/consult/messages', '[data-test=page-consult-messages] .el-table__row'],
      ['/clinic/questionnaire', '[data-test=qn-table] .el-table__row'],
    ],
    // a 医师 answers consultations, sees patients in the 接诊 queue, writes records from templates, studies
    doctor: [
      ['/consult/workbench', '[data-test=consult-list] [data-test^=consult-item-]'],
      ['/clinic/workbench', '[data-test=wb-queue] .el-table__row'],
      ['/clinic/templates', '[data-test=tp-table] .el-table__row'],
      ['/clinic/records', '[data-test=page-clinic-records]'],
      ['/education/my-learning', '[data-test=page-learning-my] [data-test^=my-task-]'],
    ],
  };
  for (const role of ['admin', 'chief', 'doctor'] as const) {
    it(`${role}: every page in the table has no violations`, async () => {
      const s = await ch.loginAs(role);
      const found: string[] = [];
      for (const [path, marker] of PAGES[role]) {
        await s.page.goto(s.url(path));
        await s.page.waitForSelector(marker);
        await ready(s.page);
        const v = await wcagViolations(s.page);
        if (v.length) {
          found.push(`${path}: ${describeViolations(v)}`);
          await s.shot(`page-${path.replace(/^\//, '').replace(/\//g, '-')}`);
        }
      }
      assert.deepEqual(found, [], found.join('\n'));
    });
  }

  // The create/edit dialogs (新增角色 and 新建文章 are drawers: dialogs to assistive technology too), checked open as
  // the role that uses them (one login per role), axe on the open overlay alone (the pages behind are checked above).
  const DIALOGS: Record<'admin' | 'chief', [name: string, path: string, open: string][]> = {
    admin: [
      ['新增用户', '/system/user', '[data-test=user-add]'],
      ['新增角色', '/system/role', '[data-test=role-add]'],
      ['新增菜单', '/system/menu', '[data-test=menu-add]'],
      ['新增部门', '/system/dept', '[data-test=dept-add]'],
      ['新增岗位', '/system/post', '[data-test=post-add]'],
      ['新增字典', '/system/dict', 'button:has-text("新增字典")'],
      ['新增公告', '/system/notice', '[data-test=notice-add]'],
      ['修改定时任务', '/monitor/job', '[data-test^=job-edit-]'],
      ['导入排班', '/clinic/schedule', '[data-test=sched-import]'],
      ['新增关键词', '/education/sensitive-word', '[data-test=word-new]'],
    ],
    chief: [
      ['新建文章', '/education/content', '[data-test=content-new-article]'],
      ['布置学习任务', '/education/learning-task', '[data-test=task-new]'],
      ['新增问卷', '/clinic/questionnaire', '[data-test=qn-add]'],
      ['新建病历模板', '/clinic/templates', '[data-test=tp-add]'],
    ],
  };
  for (const role of ['admin', 'chief'] as const) {
    it(`${role}: the create/edit dialogs have no violations, open`, async () => {
      const s = await ch.loginAs(role);
      const found: string[] = [];
      for (const [name, path, open] of DIALOGS[role]) {
        await s.open(path);
        await s.page.locator(open).first().click();
        await s.page.waitForSelector('.el-overlay [role=dialog]:visible');
        await ready(s.page);
        const v = await wcagViolations(s.page, '.el-overlay:has([role=dialog])');
        if (v.length) {
          found.push(`${name}: ${describeViolations(v)}`);
          await s.shot(`dialog-${name}`);
        }
        // 新增角色's menu and department trees (el-tree)
        if (name === '新增角色') await assertExpandedOnBranchesOnly(s.page, '.el-overlay:has([role=dialog])');
      }
      assert.deepEqual(found, [], found.join('\n'));
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
