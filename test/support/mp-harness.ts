/**
 * The mini-program browser tests' one set-up: the shared stack, Debian's Chromium (playwright-core) with a phone's
 * viewport (390×844, touch, zh-CN), the app's silent login through the simulated WeChat, and the helpers every
 * /h5 test uses (`on` for what is on screen, tabs, tokens, consent, screenshots, axe-core).
 *
 *   buildH5BeforeAnySuite();                       // file level: the BFF decides at start-up whether to serve /h5
 *   describe('…', function () {
 *     const mp = mpHarness({ shots: 'mp-portal' }); // registers before / afterEach / after in this suite
 *     it('…', async () => { await mp.open('/'); await mp.on('.home-entry').waitFor(); });
 *   });
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startStack, type Stack } from './stack';
import { call, consentAll } from './api';
import { ensureConsoleBuilt } from './browser';
import { launchChromium, settle } from '../miniprogram/browser';
import { ensureBuilt, root } from '../miniprogram/build';
import { describeViolations, unnamedFields, wcagViolations } from '../miniprogram/axe';

/**
 * Waits until Taro's router shows the page of the address: a 返回 (history back) changes the address at once, and the
 * router shows the page on its own turn after that — with page transitions off (h5) there is no animation to wait
 * for, so without this a check right after 返回 could still see the page being left (a tab test then went back once
 * too often, out of the app).
 */
export async function pageShown(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const shown = [...document.querySelectorAll<HTMLElement>('.taro_page')].filter(
      (e) => !e.classList.contains('taro_page_shade') && getComputedStyle(e).display !== 'none',
    );
    const here = location.pathname.replace(/\/$/, '');
    // the bare /h5/ address shows 首页
    if (!/\/pages\//.test(here)) return shown.length > 0;
    return shown.some((e) => e.id.split('?')[0] === here);
  });
  await settle(page);
}

/**
 * What lies over `target` (at the middle of its first line), described; '' when nothing does and a tap there reaches it.
 * For what axe can't tell: an element covered by another one (the h5 video player once covered its whole page).
 */
export function coveredBy(target: Locator): Promise<string> {
  return target.evaluate((e) => {
    const r = e.getClientRects()[0];
    if (!r) return 'not laid out';
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (top && (e === top || e.contains(top))) return '';
    return top ? `${top.tagName.toLowerCase()}.${[...top.classList].join('.')}` : 'nothing there';
  });
}

export const SHOTS = path.join(root, 'test/artifacts/screenshots');
const TOKENS = 'yiyun.mp.tokens';

/**
 * A root-level hook (call it at a test file's top level): the h5 build — and the console's, for tests that drive both —
 * exists before any suite in any file starts the shared stack.
 */
export function buildH5BeforeAnySuite(opts: { console?: boolean } = {}): void {
  before(function () {
    this.timeout(15 * 60_000);
    ensureBuilt('h5');
    if (opts.console) ensureConsoleBuilt();
  });
}

export interface MpHarnessOptions {
  /** Prefix of this suite's screenshots (`<shots>-<name>.png`, `<shots>-failed-<test>.png`). */
  shots: string;
  /** The page's default wait (ms). */
  timeout?: number;
  /** Device pixel ratio 2 (sharper screenshots); the CSS layout is the same either way. */
  hiDpi?: boolean;
  /** Also count as errors: console errors (other than failed loads the responses rule covers). */
  consoleErrors?: boolean;
  /** Also count as errors: responses with at least this status (favicon aside). */
  failingStatus?: 400 | 500;
  /** Dismiss every dialog (alert, confirm) and keep its message in `dialogs`. */
  recordDialogs?: boolean;
}

export interface MpHarness {
  readonly stack: Stack;
  readonly baseUrl: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Page errors (and what the options add) seen so far; the test decides when to assert on them. */
  readonly errors: string[];
  readonly dialogs: string[];
  /** The first visible match: Taro keeps earlier pages of the stack in the DOM, hidden. */
  on(selector: string, hasText?: string | RegExp): Locator;
  /** Opens an /h5 path ('/' is 首页). */
  open(p?: string): Promise<void>;
  /** Opens 首页 and resolves with the silent login's answer (the app logs in through the simulated WeChat). */
  login(): Promise<{ accessToken: string; user: { id: number } }>;
  /** Taps a tab; from a subpackage page (no tab bar) goes back first, as a user would. */
  tab(text: string): Promise<void>;
  /** The access token the app holds (waits until it holds one). */
  token(): Promise<string>;
  /** The app's user agrees to every consent (privacy policy, agreement, ID numbers, health data); returns the token. */
  consent(): Promise<string>;
  /**
   * The app logs in (`login`), agrees to every consent and adds `member` as the user's own 就诊人 (relation self, through
   * the API): a patient ready to book. Resolves with the token, the user and the member's id.
   */
  loginWithMember(member: {
    name: string;
    idCard: string;
    phone: string;
  }): Promise<{ token: string; user: { id: number }; memberId: number }>;
  /** 关怀模式 on ('care') or off ('standard'), switched where a patient does it: 我的 (left open). */
  look(l: 'standard' | 'care'): Promise<void>;
  /** A full-page screenshot once animations have settled. */
  shot(name: string): Promise<void>;
  /**
   * axe-core's WCAG 2.1 A/AA rules: 0 violations on the screen as it is now; and every text field shown has a name
   * other than its placeholder (`unnamedFields`: axe takes a placeholder for a name).
   */
  accessible(screen: string): Promise<void>;
  /** The same checks' findings on the screen as it is now, described (none: empty), to report several screens at once. */
  violations(screen: string): Promise<string[]>;
  /** Another phone (a fresh profile: its own storage, so its own simulated WeChat user); the caller closes it. */
  newPhone(): Promise<BrowserContext>;
}

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;

/** Registers this suite's browser set-up (before), failure screenshot (afterEach) and clean-up (after). */
export function mpHarness(opts: MpHarnessOptions): MpHarness {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const errors: string[] = [];
  const dialogs: string[] = [];
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`mpHarness: ${what} is used before the suite's before hook ran`);
    return v;
  };

  const h: MpHarness = {
    get stack() {
      return ready(stack, 'stack');
    },
    get baseUrl() {
      return ready(stack, 'stack').baseUrl;
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get context() {
      return ready(context, 'context');
    },
    get page() {
      return ready(page, 'page');
    },
    errors,
    dialogs,
    on: (selector, hasText) =>
      h.page
        .locator(selector, hasText ? { hasText } : undefined)
        .filter({ visible: true })
        .first(),
    open: async (p = '/') => {
      await h.page.goto(`${h.baseUrl}/h5${p.startsWith('/') ? p : `/${p}`}`);
    },
    login: async () => {
      const answer = h.page.waitForResponse((r) => r.url().endsWith('/api/mp/auth/login'));
      await h.open('/');
      return (await answer).json();
    },
    tab: async (text) => {
      const bar = h.page.locator('.weui-tabbar__item').first();
      await pageShown(h.page);
      for (let i = 0; i < 6 && !(await bar.isVisible()); i++) {
        await h.page.goBack();
        await pageShown(h.page);
      }
      await h.page.locator('.weui-tabbar__item', { hasText: text }).click();
    },
    token: async () => {
      await h.page.waitForFunction((key) => !!localStorage.getItem(key), TOKENS);
      const raw = await h.page.evaluate((key) => localStorage.getItem(key), TOKENS);
      assert.ok(raw, 'the app holds tokens');
      const parsed = JSON.parse(raw);
      return (parsed.data ?? parsed).accessToken as string;
    },
    consent: async () => {
      const token = await h.token();
      await consentAll(token);
      return token;
    },
    loginWithMember: async (member) => {
      const { accessToken: token, user } = await h.login();
      await h.consent();
      const added = await call('POST', '/api/mp/patients', { token, body: { ...member, relation: 'self' } });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      return { token, user, memberId: added.body.id as number };
    },
    look: async (l) => {
      await h.open('/pages/me/index');
      await h.on('.menu-care').waitFor();
      const care = l === 'care';
      if ((await h.on('.page.me').getAttribute('class'))!.split(/\s+/).includes('care') !== care)
        await h.on('.menu-care').click();
      await h.on(care ? '.page.me.care' : '.page.me:not(.care)').waitFor();
    },
    shot: async (name) => {
      await settle(h.page);
      await h.page.screenshot({ path: path.join(SHOTS, `${opts.shots}-${name}.png`), fullPage: true });
    },
    accessible: async (screen) => {
      const v = await h.violations(screen);
      assert.equal(v.length, 0, v.join('\n'));
    },
    violations: async (screen) => {
      await settle(h.page);
      const v = await wcagViolations(h.page);
      const unnamed = await unnamedFields(h.page);
      return [
        ...(v.length ? [`${screen}: ${describeViolations(v)}`] : []),
        ...(unnamed.length ? [`${screen}: text fields named only by their placeholder: ${unnamed.join(', ')}`] : []),
      ];
    },
    newPhone: () => h.browser.newContext(PHONE),
  };

  before(async function () {
    this.timeout(180_000);
    fs.mkdirSync(SHOTS, { recursive: true });
    stack = await startStack();
    browser = await launchChromium();
    context = await browser.newContext({ ...PHONE, ...(opts.hiDpi === false ? {} : { deviceScaleFactor: 2 }) });
    page = await context.newPage();
    page.setDefaultTimeout(opts.timeout ?? 10_000);
    page.on('pageerror', (e) => errors.push(String(e)));
    if (opts.consoleErrors)
      page.on('console', (m) => {
        // Taro's h5 tab bar items are <a href="javascript:;">: the BFF's CSP refuses that no-op, harmlessly.
        if (m.type() === 'error' && !/Failed to load resource|Running the JavaScript URL/.test(m.text()))
          errors.push(m.text());
      });
    const failing = opts.failingStatus;
    if (failing)
      page.on('response', (r) => {
        if (r.status() >= failing && !r.url().endsWith('/favicon.ico'))
          errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
      });
    if (opts.recordDialogs)
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page
        .screenshot({
          path: path.join(
            SHOTS,
            `${opts.shots}-failed-${this.currentTest.title.slice(0, 30).replace(/\W+/g, '_')}.png`,
          ),
        })
        .catch(() => {});
  });

  after(async () => {
    await browser?.close();
  });

  return h;
}
