/**
 * Every page of every built-in role, in real Chromium against the real BFF (fresh database, demo seed): each page in
 * the role's sidebar is opened, and the test fails on any API answer 4xx/5xx the page asked for by itself, on any
 * error toast and on a 403 page. Reference data a role needs in its forms (departments, positions) must be readable
 * by that role (issue 15, defects 2 and 3).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call, mpLogin, unique } from '../support/api';
import { DEMO, screenshot, type DemoUser } from '../support/browser';
import { consoleHarness, type ConsolePage } from '../support/console-harness';

/** what the page asked for and was refused, and the error toasts it showed (the harness records them) */
const failures = (s: ConsolePage) => ({ responses: s.problems.responses, toasts: s.problems.toasts });

/** the console paths of the sidebar's items, in order */
async function sidebarPaths(page: Page): Promise<{ title: string; path: string }[]> {
  return page.$$eval('[data-test=sidebar] [data-test^="menu-"]:not([data-test^="menu-dir-"])', (els) =>
    els.map((e) => ({ title: e.getAttribute('data-test')!.slice('menu-'.length), path: e.getAttribute('data-path')! })),
  );
}

describe('every page of every role opens cleanly (real Chromium)', function () {
  this.timeout(300_000);

  const ch = consoleHarness({ shots: 'every-page' });

  for (const role of Object.keys(DEMO) as DemoUser[]) {
    it(`${role}: every page in the sidebar loads without a failed request or an error toast`, async () => {
      const s = await ch.loginAs(role);
      const problems = s.problems;
      const pages = await sidebarPaths(s.page);
      assert.ok(pages.length >= 2, `${role} has pages in the sidebar`);
      const report: string[] = [];
      for (const p of pages) {
        problems.responses.length = 0;
        problems.toasts.length = 0;
        await s.page.goto(s.url(p.path));
        await s.page.waitForSelector('.app-main [data-test], [data-test=error-403], [data-test=error-404]');
        await s.done();
        const forbidden = await s.page.locator('[data-test=error-403], [data-test=error-404]').count();
        if (forbidden) report.push(`${p.title} (${p.path}): error page`);
        for (const r of problems.responses) report.push(`${p.title} (${p.path}): ${r}`);
        for (const t of problems.toasts) report.push(`${p.title} (${p.path}): toast “${t}”`);
        await screenshot(s.page, `every-page-${role}-${p.path.replace(/^\//, '').replace(/\//g, '-')}`);
      }
      assert.deepEqual(report, [], `${role}'s pages asked for something they may not read, or showed an error`);
    });
  }

  it('科室管理员 picks a 岗位 in 新增用户 and sees the applied 岗位 by name in 人员申请 › 通过', async () => {
    const applied = await applyAsStaff();

    const s = await ch.loginAs('deptadmin', '/system/user');
    await s.page.click('[data-test=user-add]');
    await s.page.locator('[data-test=user-form]').waitFor();
    await s.page.click('[data-test=user-form-post]');
    const options = s.page.locator('.el-select-dropdown__item:visible');
    await options.first().waitFor();
    assert.ok((await options.allInnerTexts()).includes(applied.post), 'the position picker lists the positions');
    await s.page.keyboard.press('Escape');

    await s.page.goto(s.url('/system/staff-application'));
    await s.page.click(`[data-test="application-approve-${applied.username}"]`);
    const dialog = s.page.locator('[data-test=approve-dialog]');
    await dialog.waitFor();
    await s.done();
    assert.equal(
      (await dialog.locator('[data-test=approve-post]').innerText()).trim(),
      applied.post,
      'the applied position shows by name, not by id',
    );
    await screenshot(s.page, 'every-page-deptadmin-approve');
    assert.deepEqual(failures(s), { responses: [], toasts: [] });
  });

  it('主任医师 opens 用户管理 and sees the department tree', async () => {
    const s = await ch.loginAs('chief', '/system/user');
    await s.done();
    assert.ok((await s.page.locator('[data-test^="dept-node-"]').count()) > 0, 'the department tree has nodes');
    assert.deepEqual(failures(s), { responses: [], toasts: [] });
  });
});

/** A pending staff application for 心血管内科 naming a position, made by a fresh WeChat user in the mini-program. */
async function applyAsStaff(): Promise<{ username: string; post: string }> {
  const { accessToken: t } = await mpLogin();
  const depts = (await call<DeptNode[]>('GET', '/api/mp/departments', { token: t })).body;
  const find = (nodes: DeptNode[]): DeptNode | undefined =>
    nodes.map((n) => (n.name === '心血管内科' ? n : find(n.children))).find(Boolean);
  const posts = (await call<{ id: number; name: string }[]>('GET', '/api/mp/positions', { token: t })).body;
  const post = posts.find((p) => p.name === '住院医师')!;
  const username = unique('apply');
  const r = await call('POST', '/api/mp/staff-applications', {
    token: t,
    body: { name: '申请医生', deptId: find(depts)!.id, postId: post.id, username, password: 'Sunlit-Harbor-42' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { username, post: post.name };
}

interface DeptNode {
  id: number;
  name: string;
  children: DeptNode[];
}
