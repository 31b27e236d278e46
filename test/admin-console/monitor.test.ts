/**
 * 系统监控 in real Chromium for the administrator: 服务监控 and 缓存监控 render with data and charts, 服务监控 polls
 * while shown and stops when left (kept alive in its tab), and 定时任务 lists the jobs and previews a cron.
 * Where time matters the page's clock is Playwright's fake clock, so "five seconds later" is a jump, not a wait.
 */
import assert from 'node:assert/strict';
import { startStack } from '../support/stack';
import { clickMenu, field, loginAs } from '../support/browser';
import { consoleHarness, type ConsolePage } from '../support/console-harness';

describe('系统监控 pages in the console (real Chromium)', function () {
  this.timeout(240_000);
  const ch = consoleHarness({ shots: 'monitor' });
  /** The administrator on a page whose clock is Playwright's fake clock from before the first script runs. */
  async function onFakeClock(): Promise<ConsolePage> {
    const s = await ch.newPage();
    await s.page.clock.install();
    await loginAs(s, 'admin');
    return s;
  }

  it('服务监控 shows live figures and instances, polls while shown and stops polling when left', async () => {
    const s = await onFakeClock();
    const { page } = s;
    let serverCalls = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/admin/monitor/server') serverCalls += 1;
    });
    await clickMenu(page, '服务监控');
    await page.waitForSelector('[data-test=server-requests-hour]');
    await page.waitForSelector('[data-test=server-chart] canvas');
    assert.ok(Number(await page.locator('[data-test=server-requests-hour]').innerText()) > 0);
    assert.equal(await page.locator('[data-test=server-instances] .el-table__row').count(), 1);
    assert.equal((await page.locator('[data-test=server-instances] .el-tag').last().innerText()).trim(), '正常');
    await page.waitForSelector('[data-test=server-db-pool]');
    await s.shot('server');

    // live: five seconds on, the page asks again
    const before = serverCalls;
    const next = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/admin/monitor/server');
    await page.clock.runFor(5_500);
    await next;
    assert.ok(serverCalls > before);

    // left (the tab keeps the page alive in the background): no more polling, however long
    await clickMenu(page, '定时任务');
    await page.waitForSelector('[data-test="job-row-log-retention"]');
    const afterLeaving = serverCalls;
    await page.clock.runFor(60_000);
    // a round trip the page does make, so any request the jump had triggered would have been sent by now
    await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/admin/monitor/jobs'),
      page.click('[data-test=toolbar-refresh]'),
    ]);
    assert.equal(serverCalls, afterLeaving, 'the server page kept polling after it was left');

    // back on the page: polling resumes
    const resumed = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/admin/monitor/server');
    await clickMenu(page, '服务监控');
    await resumed;
  });

  it('定时任务 lists jobs with counts and checks a cron with croner, showing the next five run times', async () => {
    const s = await onFakeClock();
    const { page } = s;
    await clickMenu(page, '定时任务');
    await page.waitForSelector('[data-test="job-row-log-retention"]');
    assert.equal((await page.locator('[data-test="job-schedule-log-retention"]').innerText()).trim(), '0 30 3 * * *');
    assert.equal((await page.locator('[data-test="job-status-log-retention"]').innerText()).trim(), '运行中');
    await page.click('[data-test="job-edit-log-retention"]');
    await page.waitForSelector('[data-test=job-cron-dialog] [data-test=job-next-runs] .run');
    assert.equal(await page.locator('[data-test=job-next-runs] .run').count(), 5);
    // refused beside the field only (no error toast besides)
    const refused = await s.expectProblems(
      /cron-preview\?cron=every\+monday → 400/,
      async () => {
        await page.fill(field('job-cron-input'), 'every monday');
        await page.clock.runFor(400); // the field is checked 300 ms after typing stops
      },
      { toast: false },
    );
    assert.equal(refused.length, 1, refused.join('; '));
    await page.waitForSelector('[data-test=job-cron-dialog] .el-form-item__error');
    assert.ok(await page.locator('[data-test=job-cron-save]').isDisabled());
    await page.fill(field('job-cron-input'), '0 0 8 * * 1');
    await page.clock.runFor(400);
    await page.waitForFunction(() => document.querySelectorAll('[data-test=job-next-runs] .run').length === 5);
    assert.match(await page.locator('[data-test=job-next-runs]').innerText(), /08:00:00/);
    await s.shot('job-cron');
    await page.click('[data-test=job-cron-cancel]');
    await page.clock.runFor(1000); // the dialog's closing transition
    await page.waitForSelector('[data-test=job-cron-dialog]', { state: 'hidden' });
  });

  it('缓存监控 shows Redis INFO, the command chart and key counts per namespace (or the in-process cache)', async () => {
    const { mode } = await startStack();
    const s = await ch.loginAs('admin');
    const { page } = s;
    await clickMenu(page, '缓存监控');
    await page.waitForSelector('[data-test=cache-description]');
    if (mode === 'embedded') {
      assert.match(await page.locator('[data-test=cache-description]').innerText(), /进程内/);
      return;
    }
    await page.waitForSelector('[data-test=cache-redis]');
    await page.waitForSelector('[data-test=cache-chart] canvas');
    await page.waitForSelector('[data-test="ns-bull"]');
    assert.match(await page.locator('[data-test=cache-hit-rate]').innerText(), /%|—/);
    await s.shot('cache');
  });

  it('统计分析 charts the roll-ups over a date range, and the home page shows today’s figures', async () => {
    const s = await ch.loginAs('admin');
    const { page } = s;
    await clickMenu(page, '统计分析');
    await page.waitForSelector('[data-test=stats-chart-daily] canvas');
    await page.waitForSelector('[data-test=stats-chart-dept] canvas');
    assert.match(await page.locator('[data-test=stats-bookings]').innerText(), /^\d+$/);
    // consultations and education reads, rolled up by consult and education through the kernel
    await page.waitForSelector('[data-test=stats-chart-care] canvas');
    assert.match(await page.locator('[data-test=stats-consultations]').innerText(), /^\d+$/);
    assert.match(await page.locator('[data-test=stats-edu-reads]').innerText(), /^\d+$/);
    await s.shot('stats');
    // 导出 asks the BFF for the workbook (not a CSV built in the page)
    const [download, exported] = await Promise.all([
      page.waitForEvent('download'),
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/admin/monitor/stats/export'),
      page.click('[data-test=stats-export]'),
    ]);
    assert.equal(exported.status(), 200);
    assert.match(download.suggestedFilename(), /^统计分析-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx$/);
    await clickMenu(page, '首页');
    await page.waitForSelector('[data-test=today-stats]');
    await page.waitForFunction(() =>
      /^\d+$/.test(document.querySelector('[data-test=today-bookings]')?.textContent ?? ''),
    );
    assert.match(await page.locator('[data-test=today-new-patients]').innerText(), /^\d+$/);
    assert.match(await page.locator('[data-test=today-consultations]').innerText(), /^\d+$/);
  });
});
