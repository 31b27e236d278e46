/**
 * Issue 15, defect 10, in real Chromium: the 403 page's breadcrumb and title say 无权限 (not 页面不存在); a user an
 * administrator forced out is told so (SESSION_FORCED_OUT), not that the login expired; a list's last search
 * survives a page refresh for as long as the browser tab lives, and a new tab starts clean.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call, loginAs as apiLogin, sessionIdOf } from '../support/api';
import { field } from '../support/browser';
import { consoleHarness } from '../support/console-harness';

describe('console: 403 title, forced logout notice, searches kept across a refresh (real Chromium)', function () {
  this.timeout(240_000);
  const ch = consoleHarness({ shots: 'console' });

  it('a page the user may not open shows 403 with 无权限 in the breadcrumb and the tab title', async () => {
    const s = await ch.loginAs('doctor');
    await s.page.goto(s.url('/system/user'));
    await s.page.waitForSelector('text=无权访问该页面');
    const crumbs = (await s.page.locator('[data-test=breadcrumb]').innerText()).replace(/\s+/g, '');
    assert.match(crumbs, /无权限/);
    assert.doesNotMatch(crumbs, /页面不存在/);
    assert.match(await s.page.title(), /^无权限/);
    await s.shot('403');
    // a URL that is no page at all is still 页面不存在
    await s.page.goto(s.url('/no/such/page'));
    await s.page.waitForSelector('text=您访问的地址不存在');
    assert.match(await s.page.locator('[data-test=breadcrumb]').innerText(), /页面不存在/);
  });

  it('a user forced out by an administrator is told “您已被管理员强制下线”, not that the login expired', async () => {
    const s = await ch.loginAs('chief');
    const admin = await apiLogin('admin');
    const online = await call('GET', '/api/admin/monitor/online?username=chief&pageSize=100', { token: admin });
    // only this browser's login: other suites hold sessions of the demo chief too
    const token = await s.page.evaluate(() => localStorage.getItem('yiyun.admin.accessToken'));
    assert.ok(token, 'the browser holds its access token');
    const sid = sessionIdOf(token);
    const sessions = online.body.items as { username: string; sessionId: string }[];
    assert.ok(
      sessions.some((o) => o.sessionId === sid),
      JSON.stringify(online.body),
    );
    assert.equal((await call('DELETE', `/api/admin/monitor/online/${sid}`, { token: admin })).status, 204);

    // the next request the page makes is refused, and the page says why in a message box (not an error toast)
    await s.expectProblems(/→ 401/, () => s.page.reload(), { toast: false });
    const box = s.page.locator('.el-message-box');
    await box.waitFor();
    const text = await box.innerText();
    assert.match(text, /您已被管理员强制下线/);
    assert.doesNotMatch(text, /登录已过期/);
    await s.shot('forced-out');
    await box.locator('.el-button--primary').click();
    await s.page.waitForURL((u) => u.pathname.endsWith('/login'));
  });

  // a fresh tab loads the whole console first: on a loaded CI machine that can take longer than the default 15 s
  const listRequest = (page: Page) =>
    page.waitForRequest((r) => new URL(r.url()).pathname === '/api/admin/monitor/login-logs', { timeout: 90_000 });

  it('a list’s search conditions survive a refresh while the tab lives; a new tab starts clean', async () => {
    const s = await ch.loginAs('admin');
    await s.page.goto(s.url('/monitor/logininfor'));
    await s.page.waitForSelector('[data-test=page-monitor-logininfor]');
    await s.page.fill(field('loginlog-filter-username'), 'chief');
    const searched = s.page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/admin/monitor/login-logs' && r.url().includes('username=chief'),
    );
    await s.page.click('[data-test=page-monitor-logininfor] [data-test=query-search]');
    await searched;

    // F5: the same filter is shown and the first request already carries it
    const again = listRequest(s.page);
    await s.page.reload();
    assert.equal(new URL((await again).url()).searchParams.get('username'), 'chief');
    await s.page.waitForSelector('[data-test=page-monitor-logininfor]');
    assert.equal(await s.page.inputValue(field('loginlog-filter-username')), 'chief');

    // another tab of the same browser (same login, own sessionStorage) starts with an empty search
    const other = await s.context.newPage();
    const first = listRequest(other);
    await other.goto(s.url('/monitor/logininfor'));
    assert.equal(new URL((await first).url()).searchParams.get('username'), null);
    assert.equal(await other.inputValue(field('loginlog-filter-username')), '');
    await other.close();

    // 重置 clears what was kept
    await s.page.click('[data-test=page-monitor-logininfor] [data-test=query-reset]');
    const cleared = listRequest(s.page);
    await s.page.reload();
    assert.equal(new URL((await cleared).url()).searchParams.get('username'), null);
  });
});
