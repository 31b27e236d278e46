/**
 * The console browser tests' one set-up (the console's counterpart of mp-harness.ts): the shared stack, the built
 * console, one Debian Chromium for the process (playwright-core), a fresh profile per login, and a watch on every
 * page that fails the test on any API answer 4xx/5xx the page asked for by itself and on any error toast — unless
 * the test said it expects one (`expectProblems`).
 *
 *   describe('…', function () {
 *     const ch = consoleHarness({ shots: 'console-lists' }); // registers before / afterEach / after in this suite
 *     it('…', async () => {
 *       const s = await ch.loginAs('admin', '/system/post');
 *       await s.open('/monitor/job');
 *       await s.expectProblems(/batch-delete → 409/, () => s.page.click('…'));
 *       await s.shot('jobs');
 *     });
 *   });
 */
import assert from 'node:assert/strict';
import type { Response } from 'playwright-core';
import { startStack, type Stack } from './stack';
import {
  closeBrowser,
  ensureConsoleBuilt,
  loginAs as loginThroughForm,
  newConsole,
  screenshot,
  settle,
  type ConsoleSession,
  type DemoUser,
} from './browser';

export interface ConsoleHarnessOptions {
  /** Prefix of this suite's screenshots (`<shots>-<name>.png`, `<shots>-failed-<test>.png`). */
  shots: string;
  /** The pages' default wait (ms); the console session's own default otherwise. */
  timeout?: number;
  /**
   * Open the pages at http://<host>:<port> (Chromium maps the name to 127.0.0.1) rather than at 127.0.0.1: a clinic's
   * LAN, where plain http is not a secure context. `s.origin` is that origin, `s.url()` under it.
   */
  host?: string;
}

/** What a page did wrong by itself: failed API answers, error toasts, uncaught errors. */
export interface Problems {
  responses: string[];
  toasts: string[];
  errors: string[];
}

export interface ConsolePage extends ConsoleSession {
  readonly problems: Problems;
  /** Logs this profile in through the login form (a demo role or an account) and waits for `landing` to settle. */
  login(who: DemoUser | { username: string; password: string }, landing?: string): Promise<void>;
  /** Opens a console path and waits until its requests are answered and no loading mask is left. */
  open(path: string): Promise<void>;
  /** Resolves once the network is idle, no loading mask is left and animations have settled. */
  done(): Promise<void>;
  /** A screenshot (loading masks and animations settled first); resolves with its file. */
  shot(name: string): Promise<string>;
  /**
   * Runs `action`, waits for what it set off to be answered, and takes the problems matching `expected` as intended
   * (a refusal the test provokes); at least one must have occurred. Anything else stays and fails the test.
   * The refusal's error toast is waited for too, unless `toast: false` (a request the page asks silently because it
   * shows the reason itself, e.g. beside the field).
   */
  expectProblems(expected: RegExp, action: () => Promise<unknown>, opts?: { toast?: boolean }): Promise<string[]>;
  /** Fails now if the page has problems left. */
  assertClean(): void;
}

export interface ConsoleHarness {
  readonly stack: Stack;
  readonly baseUrl: string;
  /** A fresh browser profile, logged in through the login form (a demo role or an account), at `landing`. */
  loginAs(who: DemoUser | { username: string; password: string }, landing?: string): Promise<ConsolePage>;
  /** A fresh, logged-out profile (watched like the others). */
  newPage(): Promise<ConsolePage>;
}

const describeProblems = (p: Problems) => [
  ...p.responses,
  ...p.toasts.map((t) => `error toast: ${t}`),
  ...p.errors.map((e) => `page error: ${e}`),
];

const answer = (r: Response) => {
  const u = new URL(r.url());
  return `${r.request().method()} ${u.pathname}${u.search} → ${r.status()}`;
};

/** A page is done when the network is idle and no loading mask is left. */
async function pageDone(s: ConsoleSession): Promise<void> {
  await s.page.waitForLoadState('networkidle');
  await s.page.waitForFunction(() => !document.querySelector('.el-loading-mask:not([style*="display: none"])'));
  await settle(s.page);
}

/** Records every failed API answer, error toast and page error, from before the first request on. */
async function watched(s: ConsoleSession, shots: string): Promise<ConsolePage> {
  const problems: Problems = { responses: [], toasts: [], errors: [] };
  s.page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/') && r.status() >= 400) problems.responses.push(answer(r));
  });
  s.page.on('pageerror', (e) => problems.errors.push(String(e)));
  const toastSeen: (() => void)[] = [];
  await s.page.exposeFunction('__yyToast', (text: string) => {
    problems.toasts.push(text);
    for (const seen of toastSeen.splice(0)) seen();
  });
  const toastAfter = (n: number) =>
    new Promise<void>((resolve) => (problems.toasts.length > n ? resolve() : toastSeen.push(resolve)));
  await s.context.addInitScript(() => {
    const seen = new WeakSet<Element>();
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('.el-message--error, .el-notification .el-icon--error')) {
        if (seen.has(el)) continue;
        seen.add(el);
        (window as unknown as { __yyToast(t: string): void }).__yyToast(el.textContent?.trim() ?? '');
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const p: ConsolePage = {
    ...s,
    problems,
    login: async (who, landing = '/dashboard') => {
      await loginThroughForm(s, who, landing);
      await pageDone(s);
    },
    open: async (path) => {
      await s.page.goto(s.url(path));
      await pageDone(s);
    },
    done: () => pageDone(s),
    shot: (name) => screenshot(s.page, `${shots}-${name}`),
    expectProblems: async (expected, action, { toast = true } = {}) => {
      const r0 = problems.responses.length;
      const t0 = problems.toasts.length;
      const refused = s.page.waitForResponse((r) => r.status() >= 400 && expected.test(answer(r)));
      await action();
      await refused;
      // the client tells the person why: the refusal's error toast is part of what is expected
      if (toast) await toastAfter(t0);
      await pageDone(s);
      const arrived = problems.responses.splice(r0);
      problems.responses.push(...arrived.filter((r) => !expected.test(r)));
      return [...arrived.filter((r) => expected.test(r)), ...problems.toasts.splice(t0)];
    },
    assertClean: () => {
      const all = describeProblems(problems);
      assert.deepEqual(all, [], `the page had problems:\n${all.join('\n')}`);
    },
  };
  return p;
}

/** Registers this suite's set-up (before), its checks and failure screenshots (afterEach) and clean-up (after). */
export function consoleHarness(opts: ConsoleHarnessOptions): ConsoleHarness {
  let stack: Stack | undefined;
  let pages: ConsolePage[] = [];
  const ready = () => {
    if (!stack) throw new Error('consoleHarness: used before the suite’s before hook ran');
    return stack;
  };
  const newPage = async () => {
    const s = await watched(await newConsole(ready().baseUrl, { host: opts.host }), opts.shots);
    if (opts.timeout) s.context.setDefaultTimeout(opts.timeout);
    pages.push(s);
    return s;
  };

  before(async function () {
    this.timeout(15 * 60_000);
    ensureConsoleBuilt();
    stack = await startStack();
  });

  afterEach(async function () {
    const open = pages;
    pages = [];
    const failed = this.currentTest?.state === 'failed';
    const left = open.flatMap((p) => describeProblems(p.problems));
    for (const [i, p] of open.entries()) {
      if (failed || left.length)
        await p
          .shot(`failed-${(this.currentTest?.title ?? 'test').slice(0, 30).replace(/\W+/g, '_')}-${i}`)
          .catch(() => undefined);
      await p.close().catch(() => undefined);
    }
    // a test that passed but whose pages asked for something refused, or showed an error, fails here
    if (!failed && left.length)
      throw new Error(`${this.currentTest?.title}: the pages had problems:\n${left.join('\n')}`);
  });

  after(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await closeBrowser();
  });

  return {
    get stack() {
      return ready();
    },
    get baseUrl() {
      return ready().baseUrl;
    },
    newPage,
    loginAs: async (who, landing = '/dashboard') => {
      const p = await newPage();
      await p.login(who, landing);
      return p;
    },
  };
}
