/** Launches the system Chromium (never a downloaded one) with the flags this machine needs. */
import { chromium, type Browser, type Page } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Resolves once every finite CSS transition and animation on the page has finished (Taro's page slide,
 * modal fade-in): the condition the screen is waiting for, not a guess at how long it takes. Endless
 * animations (loading spinners) are ignored.
 */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState === 'finished' || a.playState === 'idle' || a.effect?.getComputedTiming().iterations === Infinity),
  );
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
