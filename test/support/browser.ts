/**
 * Real Chromium for the console tests: Debian's /usr/bin/chromium driven by playwright-core (never a downloaded
 * browser). One browser per mocha process, a fresh context (own localStorage = own console session) per test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { BUILDS, buildIfStale } from '../../scripts/build-stamp.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const root = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = path.join(root, 'test/artifacts/screenshots');

export const DEMO = {
  admin: { username: 'admin', password: 'Harbor-Lamp-2468' },
  deptadmin: { username: 'deptadmin', password: 'Maple-River-1357' },
  chief: { username: 'chief', password: 'Cedar-Stone-8642' },
  doctor: { username: 'doctor', password: 'Willow-Cloud-9753' },
} as const;
export type DemoUser = keyof typeof DEMO;

const browsers = new Map<string, Promise<Browser>>();

/** The process's Chromium; a browser of its own for other flags (a host-resolver rule), so no test sees another's. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const key = extraArgs.join(' ');
  let b = browsers.get(key);
  if (!b) {
    b = chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
    browsers.set(key, b);
  }
  return b;
}

export async function closeBrowser(): Promise<void> {
  const open = [...browsers.values()];
  browsers.clear();
  for (const b of open) await (await b).close();
}

/**
 * Resolves once every finite CSS transition and animation on the page has finished (Taro's page slide, Element
 * Plus's fades, a modal fading in): the condition the screen is waiting for, not a guess at how long it takes.
 * Endless animations (loading spinners) are ignored.
 */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every(
        (a) =>
          a.playState === 'finished' || a.playState === 'idle' || a.effect?.getComputedTiming().iterations === Infinity,
      ),
  );
}

/** The tests run against the built console the BFF serves; build it unless it was built from the current sources. */
export function ensureConsoleBuilt(): void {
  const r = buildIfStale(BUILDS.console);
  if (!r.ok) throw new Error(`the console failed to build (exit ${r.status})`);
}

export interface ConsoleSession {
  context: BrowserContext;
  page: Page;
  /** The origin the pages are opened at: the BFF's, or http://<host>:<port> under a LAN host name. */
  origin: string;
  /** absolute URL of a console path, e.g. url('/system/user') */
  url(p?: string): string;
  close(): Promise<void>;
}

export interface NewConsoleOptions {
  /**
   * Open the pages under this host name instead of the BFF's 127.0.0.1 (the browser resolves it to 127.0.0.1): a
   * clinic's LAN, where plain http is not a secure context as localhost is.
   */
  host?: string;
}

/** A new, logged-out browser profile pointed at the console of `baseUrl`. */
export async function newConsole(baseUrl: string, opts: NewConsoleOptions = {}): Promise<ConsoleSession> {
  const b = await launchBrowser(opts.host ? [`--host-resolver-rules=MAP ${opts.host} 127.0.0.1`] : []);
  const origin = opts.host ? `http://${opts.host}:${new URL(baseUrl).port}` : baseUrl;
  const context = await b.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = (p = '/') => `${origin}/admin${p.startsWith('/') ? p : `/${p}`}`;
  return { context, page, origin, url, close: () => context.close() };
}

/** el-input puts attributes on the <input> itself, el-select on its wrapper: match either. */
export const field = (test: string) =>
  `input[data-test="${test}"], textarea[data-test="${test}"], [data-test="${test}"] input`;

/** Log in through the login form and wait for the layout to be ready (sidebar rendered). */
export async function loginAs(
  s: ConsoleSession,
  who: DemoUser | { username: string; password: string },
  landing = '/dashboard',
): Promise<void> {
  const cred = typeof who === 'string' ? DEMO[who] : who;
  const { page } = s;
  await page.goto(s.url(landing === '/dashboard' ? '/login' : `/login?redirect=${encodeURIComponent(landing)}`));
  await page.fill(field('login-username'), cred.username);
  await page.fill(field('login-password'), cred.password);
  await page.click('[data-test=login-submit]');
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
  await page.waitForSelector('[data-test=sidebar] .el-menu');
}

/** The sidebar's menu titles, directories opened so every item is visible, in order. */
export async function sidebarTitles(page: Page): Promise<string[]> {
  return page.$$eval('[data-test=sidebar] [data-test^="menu-"]', (els) =>
    els.map((e) => e.getAttribute('data-test')!.replace(/^menu-(dir-)?/, '')),
  );
}

/** Click a sidebar item by its title, opening its directory first when it is folded. */
export async function clickMenu(page: Page, title: string): Promise<void> {
  const item = page.locator(`[data-test=sidebar] [data-test="menu-${title}"]`);
  if (!(await item.isVisible())) {
    const dir = page
      .locator('[data-test=sidebar] .el-sub-menu', { has: page.locator(`[data-test="menu-${title}"]`) })
      .first();
    await dir.locator('.el-sub-menu__title').first().click();
    await item.waitFor({ state: 'visible' });
  }
  await item.click();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // let loading masks and transitions settle so the picture shows the page, not a spinner
  await page
    .waitForFunction(() => !document.querySelector('.el-loading-mask'), undefined, { timeout: 10_000 })
    .catch(() => undefined);
  // and Element Plus's fades and slides to finish
  await settle(page);
  await page.screenshot({ path: file });
  return file;
}
