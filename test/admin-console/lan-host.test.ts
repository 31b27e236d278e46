/**
 * A clinic's LAN: the console and the h5 app served over plain http under a host name that is not localhost
 * (Chromium maps yiyun.test to 127.0.0.1: the console harness's `host`). Browsers treat localhost as secure and
 * http://<name> not, so this is where a Content-Security-Policy that upgrades every request to https leaves the pages
 * blank.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { field } from '../support/browser';
import { consoleHarness } from '../support/console-harness';
import { buildH5BeforeAnySuite } from '../support/mp-harness';

// Root-level hook, as in the h5 tests: both builds exist before any suite starts the shared stack.
buildH5BeforeAnySuite({ console: true });

describe('console and h5 over plain http under a LAN host name (Chromium)', function () {
  this.timeout(120_000);
  const ch = consoleHarness({ shots: 'lan-host', host: 'yiyun.test', timeout: 20_000 });

  /**
   * Every request the page makes, and those that failed or were answered ≥ 400 (any of them, scripts and styles too:
   * the harness itself watches only the API).
   */
  function record(page: Page) {
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e}`));
    return { problems, requests };
  }

  /** Waits for what the page should show; if it never shows, the failed requests are the likely reason. */
  async function shows(what: Locator, problems: string[]) {
    await what.waitFor({ state: 'visible' }).catch((err) => {
      throw new Error(`${err.message}\nrequests that failed meanwhile:\n  ${problems.join('\n  ')}`);
    });
  }

  it('serves the console: every asset loads over http and the login page renders', async () => {
    const s = await ch.newPage();
    assert.equal(s.origin, `http://yiyun.test:${new URL(ch.baseUrl).port}`, 'the page is opened under the LAN name');
    const { problems, requests } = record(s.page);
    await s.page.goto(s.url('/'));
    await shows(s.page.locator(field('login-username')), problems);
    await shows(s.page.locator('[data-test=login-submit]'), problems);
    await s.page.waitForLoadState('networkidle');
    assert.deepEqual(problems, []);
    const assets = requests.filter((u) => /\.(js|css)(\?|$)/.test(u));
    assert.ok(assets.length > 0, 'the page loaded its scripts and styles');
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(`${s.origin}/`) && !u.startsWith('data:')),
      [],
      'nothing was fetched elsewhere (such as https)',
    );
  });

  it('serves the h5 app: every asset loads over http, the patient is logged in and the home page renders', async () => {
    const s = await ch.newPage();
    const { problems, requests } = record(s.page);
    const login = s.page.waitForResponse((r) => r.url().endsWith('/api/mp/auth/login'));
    login.catch(() => undefined); // awaited below; not an unhandled rejection if the page never shows
    await s.page.goto(`${s.origin}/h5/`);
    await shows(s.page.locator('.home-entry', { hasText: '预约挂号' }).filter({ visible: true }).first(), problems);
    assert.equal((await login).status(), 200);
    await s.page.waitForLoadState('networkidle');
    // Taro's tab bar items are <a href="javascript:;">, which the CSP refuses harmlessly: not a failed request.
    assert.deepEqual(problems, []);
    assert.ok(
      requests.some((u) => /\.js(\?|$)/.test(u)),
      'the app loaded its scripts',
    );
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(`${s.origin}/`) && !u.startsWith('data:')),
      [],
      'nothing was fetched elsewhere (such as https)',
    );
  });
});
