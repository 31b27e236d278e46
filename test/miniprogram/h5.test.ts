/**
 * The patient app's h5 build in real Chromium against the real BFF (fresh database, simulated WeChat):
 * silent login, family members, default member, phone binding, staff application → console.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startStack } from '../support/stack';
import { adminLogin, call, DEMO } from '../support/api';
import { breakCheck, makeIdCard } from '../support/idcard';
import { launchChromium } from './browser';
import { ensureBuilt, root } from './build';

const shots = path.join(root, 'test/artifacts/screenshots');

// Root-level hook: the BFF decides at start-up whether to serve /h5, so the build must exist before
// any suite (in any file) starts the shared stack.
before(function () {
  this.timeout(15 * 60_000);
  ensureBuilt('h5');
});

describe('miniprogram h5 (Chromium, real BFF)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;
  const consoleErrors: string[] = [];

  /** Taro keeps earlier pages of the stack in the DOM (hidden): only look at what is on screen. */
  const on = (selector: string, hasText?: string | RegExp): Locator =>
    page.locator(selector, hasText ? { hasText } : undefined).filter({ visible: true }).first();
  const fill = async (hostClass: string, value: string) => {
    const input = on(`.${hostClass} input`);
    await input.fill(value);
  };
  const shot = (name: string) => page.screenshot({ path: path.join(shots, `mp-${name}.png`), fullPage: true });
  const tab = (text: string) => page.locator('.weui-tabbar__item', { hasText: text }).click();

  /** The tokens this browser's app holds, to check what the BFF stored through the same user. */
  async function userToken(): Promise<string> {
    const raw = await page.evaluate(() => localStorage.getItem('yiyun.mp.tokens'));
    assert.ok(raw, 'the app stored its tokens');
    const parsed = JSON.parse(raw);
    return (parsed.data ?? parsed).accessToken;
  }

  before(async function () {
    this.timeout(180_000);
    fs.mkdirSync(shots, { recursive: true });
    baseUrl = (await startStack()).baseUrl;
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    page = await context.newPage();
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });

  after(async () => {
    await browser?.close();
  });

  it('a new user opens the app and is logged in silently with the simulated WeChat', async () => {
    const login = page.waitForResponse((r) => r.url().endsWith('/api/mp/auth/login'));
    await page.goto(`${baseUrl}/h5/`);
    const res = await login;
    assert.equal(res.status(), 200);
    const body = await res.json();
    assert.ok(body.accessToken && body.user?.id, 'login returned tokens and the user');

    await on('.home-entry', '预约挂号').waitFor();
    assert.ok(await on('.home-entry', '我的预约').isVisible());
    const openid = await page.evaluate(() => localStorage.getItem('yiyun.sim.openid'));
    assert.match(openid ?? '', /h5-[0-9a-f]{24}/, 'one simulated WeChat user per browser, kept in storage');
    await shot('home');

    const me = await call('GET', '/api/mp/me', { token: await userToken() });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, body.user.id);
  });
});
