import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/browser';

// One animation-settle predicate for both front-ends' browser tests.
export { settle } from '../support/browser';

/** Launches the system Chromium (never a downloaded one) with the flags this machine needs (shared with the console tests). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Counts the page's requests in flight, so a test can wait until everything it triggered has answered. */
export function trackRequests(page: Page) {
  let inflight = 0;
  let waiters: (() => void)[] = [];
  const done = () => {
    inflight--;
    if (inflight === 0) {
      const w = waiters;
      waiters = [];
      w.forEach((r) => r());
    }
  };
  page.on('request', () => inflight++);
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    /** Resolves when no request is in flight. */
    idle: () => (inflight === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
  };
}
