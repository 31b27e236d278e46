/**
 * RuoYi's table conventions on the console's list pages (issue 15), in real Chromium: one ListPage building block
 * gives every list 显示/隐藏搜索, 刷新 and 显隐列 (kept per page in localStorage, so it survives a reload);
 * 批量删除 names the count before it deletes; tree tables fold and unfold all rows.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call, unique } from '../support/api';
import { admin, deptId } from '../support/booking';
import { field, screenshot, settle } from '../support/browser';
import { consoleHarness } from '../support/console-harness';

const headers = (page: Page, table: string) =>
  page.$$eval(`[data-test=${table}] .el-table__header-wrapper th .cell`, (els) =>
    els.map((e) => e.textContent?.trim() ?? ''),
  );

describe('console list pages: search toggle, refresh, column chooser, batch delete, tree fold (real Chromium)', function () {
  this.timeout(240_000);
  const ch = consoleHarness({ shots: 'console-list' });

  it('every moved list page has the toolbar; search hides and shows; a hidden column stays hidden after a reload', async () => {
    const s = await ch.loginAs('admin');
    for (const [path, table] of [
      ['/system/role', 'role-table'],
      ['/system/post', 'post-table'],
      ['/system/dict', 'dict-type-table'],
      ['/monitor/operlog', 'operlog-table'],
      ['/monitor/logininfor', 'loginlog-table'],
      ['/clinic/appointment', 'appt-table'],
      ['/system/user', 'user-table'],
    ]) {
      await s.page.goto(s.url(path));
      await s.page.waitForSelector(`[data-test=${table}]`);
      await s.page.waitForSelector('[data-test=right-toolbar] [data-test=toolbar-refresh]');
      await s.page.waitForSelector('[data-test=right-toolbar] [data-test=toolbar-columns]');
    }

    // 用户管理: hide the search form, bring it back
    const { page } = s;
    await page.waitForSelector('[data-test=search-card] [data-test=query-bar]');
    await page.click('[data-test=toolbar-search]');
    await page.waitForSelector('[data-test=search-card]', { state: 'hidden' });
    await page.click('[data-test=toolbar-search]');
    await page.waitForSelector('[data-test=search-card]', { state: 'visible' });

    // 显隐列: hide 手机号
    assert.ok((await headers(page, 'user-table')).includes('手机号'));
    await page.click('[data-test=toolbar-columns]');
    const phone = page.locator('[data-test=column-chooser] [data-test=column-phone]');
    await phone.waitFor();
    await screenshot(page, 'console-list-columns');
    await phone.click();
    await page.waitForFunction(
      () =>
        ![...document.querySelectorAll('[data-test=user-table] .el-table__header-wrapper th .cell')].some(
          (e) => e.textContent?.trim() === '手机号',
        ),
    );
    // kept per page across a reload
    await page.reload();
    await page.waitForSelector('[data-test=user-table] .el-table__row');
    const after = await headers(page, 'user-table');
    assert.ok(!after.includes('手机号'), after.join(','));
    assert.ok(after.includes('部门'), after.join(','));
    // and only on that page: 操作日志 keeps its own choice
    await page.goto(s.url('/monitor/operlog'));
    await page.waitForSelector('[data-test=operlog-table] .el-table__header-wrapper th');
    assert.ok((await headers(page, 'operlog-table')).includes('IP'));
    // show it again
    await page.goto(s.url('/system/user'));
    await page.click('[data-test=toolbar-columns]');
    await page.locator('[data-test=column-chooser] [data-test=column-phone]').click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-test=user-table] .el-table__header-wrapper th .cell')].some(
        (e) => e.textContent?.trim() === '手机号',
      ),
    );

    // 刷新 asks the server again
    const again = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/admin/system/users');
    await page.click('[data-test=toolbar-refresh]');
    await again;
  });

  it('批量删除 names the count, deletes the selected users, and 取消 deletes nothing', async () => {
    const tag = unique('批删页');
    const ids: number[] = [];
    for (const n of [1, 2]) {
      const r = await call('POST', '/api/admin/system/users', {
        token: await admin(),
        body: {
          username: unique('bdpage'),
          name: `${tag}${n}`,
          password: 'Sunlit-Harbor-42',
          deptId: await deptId('呼吸内科'),
        },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.id);
    }
    const s = await ch.loginAs('admin');
    const { page } = s;
    await page.goto(s.url('/system/user'));
    await page.fill(field('filter-name'), tag);
    await page.click('[data-test=query-search]');
    await page.waitForFunction((t) => {
      const rows = document.querySelectorAll('[data-test=user-table] .el-table__body-wrapper .el-table__row');
      return rows.length === 2 && [...rows].every((r) => r.textContent?.includes(t));
    }, tag);
    const batch = page.locator('[data-test=batch-remove]');
    assert.equal(await batch.isDisabled(), true, 'nothing selected: disabled');
    await page.click('[data-test=user-table] .el-table__header-wrapper .el-checkbox');
    await page.waitForSelector('[data-test=batch-remove]:not([disabled])');

    // 取消 first: nothing happens
    await batch.click();
    const box = page.locator('.el-message-box');
    await box.waitFor();
    assert.match(await box.innerText(), /确定删除选中的 2 个用户吗/);
    await screenshot(page, 'console-list-batch-delete');
    await box.locator('.el-button:not(.el-button--primary)').click();
    await box.waitFor({ state: 'hidden' });
    for (const id of ids)
      assert.equal((await call('GET', `/api/admin/system/users/${id}`, { token: await admin() })).status, 200);

    await batch.click();
    await box.waitFor();
    const done = page.waitForResponse((r) => r.url().endsWith('/api/admin/system/users/batch-delete'));
    await box.locator('.el-button--primary').click();
    assert.equal((await done).status(), 200);
    await page.waitForSelector('text=已删除 2 个用户');
    await page.waitForSelector('[data-test=user-table] [data-test=empty]');
    for (const id of ids)
      assert.equal((await call('GET', `/api/admin/system/users/${id}`, { token: await admin() })).status, 404);
  });

  it('a role without 用户删除 sees no check boxes and no 批量删除', async () => {
    const s = await ch.loginAs('deptadmin');
    await s.page.goto(s.url('/system/user'));
    await s.page.waitForSelector('[data-test=user-table] .el-table__row');
    assert.equal(await s.page.locator('[data-test=batch-remove]').count(), 0);
    assert.equal(await s.page.locator('[data-test=user-table] .el-table-column--selection').count(), 0);
  });

  it('部门管理 and 菜单管理 fold and unfold every row', async () => {
    const s = await ch.loginAs('admin');
    const { page } = s;
    const visibleRows = (table: string) =>
      page.$$eval(
        `[data-test=${table}] .el-table__body-wrapper .el-table__row`,
        (rows) => rows.filter((r) => (r as HTMLElement).offsetParent !== null).length,
      );
    for (const [path, table, startsOpen] of [
      ['/system/dept', 'dept-table', true],
      ['/system/menu', 'menu-table', false],
    ] as const) {
      await page.goto(s.url(path));
      await page.waitForSelector(`[data-test=${table}] .el-table__row`);
      await settle(page);
      const first = await visibleRows(table);
      await page.click('[data-test=tree-toggle]');
      await page.waitForFunction(
        ([t, n, open]) => {
          const rows = [...document.querySelectorAll(`[data-test=${t}] .el-table__body-wrapper .el-table__row`)];
          const shown = rows.filter((r) => (r as HTMLElement).offsetParent !== null).length;
          return open ? shown < (n as number) : shown > (n as number);
        },
        [table, first, startsOpen] as const,
      );
      assert.equal(await page.locator('[data-test=tree-toggle]').innerText(), startsOpen ? '展开全部' : '折叠全部');
      await page.click('[data-test=tree-toggle]');
      await page.waitForFunction(
        ([t, n]) =>
          [...document.querySelectorAll(`[data-test=${t}] .el-table__body-wrapper .el-table__row`)].filter(
            (r) => (r as HTMLElement).offsetParent !== null,
          ).length === n,
        [table, first] as const,
      );
    }
  });
});
