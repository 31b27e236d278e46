/**
 * A clinic's LAN: the console and the h5 app served over plain http under a host name that is not localhost
 * (Chromium maps yiyun.test to 127.0.0.1). Browsers treat localhost as secure and http://<name> not, so this is
 * where a Content-Security-Policy that upgrades every request to https leaves the pages blank.
 */
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStack } from '../support/stack';
import { CHROMIUM, CHROMIUM_ARGS, ensureConsoleBuilt, field } from '../support/browser';
import { ensureBuilt } from '../miniprogram/build';

const HOST = 'yiyun.test';

// Root-level hook, as in the h5 tests: both builds exist before any suite starts the shared stack.
before(function () {
  this.timeout(15 * 60_000);
  ensureConsoleBuilt();
  ensureBuilt('h5');
});

describe('console and h5 over plain http under a LAN host name (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let origin: string;

  before(async () => {
    const { baseUrl } = await startStack();
    origin = `http://${HOST}:${new URL(baseUrl).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
      headless: true,
    });
  });
  after(async () => {
    await browser?.close();
  });

  /** A fresh page that records every request that failed or did not stay on plain http to our origin. */
  async function openPage(): Promise<{ page: Page; problems: string[]; requests: string[]; close(): Promise<void> }> {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e}`));
    return { page, problems, requests, close: () => context.close() };
  }

  /** Waits for what the page should show; if it never shows, the failed requests are the likely reason. */
  async function shows(what: ReturnType<Page['locator']>, problems: string[]) {
    await what.waitFor({ state: 'visible' }).catch((err) => {
      throw new Error(`${err.message}\nrequests that failed meanwhile:\n  ${problems.join('\n  ')}`);
    });
  }

  it('serves the console: every asset loads over http and the login page renders', async () => {
    const { page, problems, requests, close } = await openPage();
    try {
      await page.goto(`${origin}/admin/`);
      await shows(page.locator(field('login-username')), problems);
      await shows(page.locator('[data-test=login-submit]'), problems);
      await page.waitForLoadState('networkidle');
      assert.deepEqual(problems, []);
      const assets = requests.filter((u) => /\.(js|css)(\?|$)/.test(u));
      assert.ok(assets.length > 0, 'the page loaded its scripts and styles');
      assert.deepEqual(
        requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:')),
        [],
        'nothing was fetched elsewhere (such as https)',
      );
    } finally {
      await close();
    }
  });

  it('serves the h5 app: every asset loads over http, the patient is logged in and the home page renders', async () => {
    const { page, problems, requests, close } = await openPage();
    try {
      const login = page.waitForResponse((r) => r.url().endsWith('/api/mp/auth/login'));
      login.catch(() => undefined); // awaited below; not an unhandled rejection if the page never shows
      await page.goto(`${origin}/h5/`);
      await shows(page.locator('.home-entry', { hasText: '预约挂号' }).filter({ visible: true }).first(), problems);
      assert.equal((await login).status(), 200);
      await page.waitForLoadState('networkidle');
      // Taro's tab bar items are <a href="javascript:;">, which the CSP refuses harmlessly: not a failed request.
      assert.deepEqual(problems, []);
      assert.ok(
        requests.some((u) => /\.js(\?|$)/.test(u)),
        'the app loaded its scripts',
      );
      assert.deepEqual(
        requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:')),
        [],
        'nothing was fetched elsewhere (such as https)',
      );
    } finally {
      await close();
    }
  });
});
