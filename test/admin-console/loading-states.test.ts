/**
 * Loading states, not empty states, while data is on its way (issue 15, defect 5): the test holds the page's
 * requests at the network and looks at the page while they are held — no "没有…" may show before the answer came.
 */
import assert from 'node:assert/strict';
import type { Page, Route } from 'playwright-core';
import { consoleHarness } from '../support/console-harness';

/** Holds every request whose path matches until released; `next()` resolves with the next one held. */
async function hold(page: Page, path: RegExp) {
  const held: Route[] = [];
  let waiting: ((r: Route) => void) | undefined;
  await page.route(
    (u) => path.test(u.pathname),
    (route) => {
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w(route);
      } else held.push(route);
    },
  );
  return {
    next: () => (held.length ? Promise.resolve(held.shift()!) : new Promise<Route>((r) => (waiting = r))),
  };
}

describe('loading states in the console (real Chromium)', function () {
  this.timeout(120_000);

  const ch = consoleHarness({ shots: 'loading' });

  it('排班管理 shows its loading calendar, never "没有可查看的医生排班", until doctors and sessions are in', async () => {
    const s = await ch.loginAs('admin');
    const { page } = s;
    const doctors = await hold(page, /\/api\/admin\/scheduling\/doctors$/);
    const sessions = await hold(page, /\/api\/admin\/scheduling\/schedules$/);
    await page.goto(s.url('/clinic/schedule'));

    const empty = page.locator('[data-test=page-clinic-schedule] [data-test=empty]');
    const spinner = page.locator('[data-test=page-clinic-schedule] .el-loading-mask');
    const d = await doctors.next();
    await spinner.waitFor();
    assert.equal(await empty.isVisible(), false, 'no empty state while the doctors are on their way');
    await s.shot('schedule');
    await d.continue();

    const sc = await sessions.next();
    await spinner.waitFor();
    assert.equal(await empty.isVisible(), false, 'no empty state while the sessions are on their way');
    await sc.continue();

    await page.waitForSelector('[data-test=sched-calendar]');
    await page.waitForFunction(() => !document.querySelector('[data-test=page-clinic-schedule] .el-loading-mask'));
    assert.equal(await empty.isVisible(), false, 'the demo doctors are there');
  });

  it('a list table shows its spinner, not its empty text, while the list is on its way', async () => {
    const s = await ch.loginAs('admin');
    const { page } = s;
    const users = await hold(page, /\/api\/admin\/system\/users$/);
    await page.goto(s.url('/system/user'));
    const u = await users.next();
    const table = page.locator('[data-test=user-table]');
    await table.locator('.el-loading-mask').waitFor();
    assert.equal(await table.locator('.el-table__empty-block').isVisible(), false, 'no "没有符合条件的用户" yet');
    await u.continue();
    await page.waitForSelector('[data-test^="user-row-"]');
  });
});
