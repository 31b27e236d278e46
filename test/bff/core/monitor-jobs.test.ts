/**
 * 系统监控 › 定时任务 through the console API, on whichever runner the stack has: BullMQ on Redis
 * (YIYUN_TEST_MODE unset) or the in-process timers (embedded). Same behaviour expected from both.
 */
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startStack, type Stack } from '../../support/stack';
import { call, loginAs } from '../../support/api';
import { until } from '../../support/child';
import { LoginLog } from '../../../bff/src/modules/auth/models';
import { JobRun } from '../../../bff/src/modules/monitor/models';

interface Run {
  id: number;
  trigger: 'schedule' | 'manual';
  status: string;
  error: string | null;
  result: string | null;
  startedAt: string;
  scheduledAt: string | null;
}

describe('monitor: scheduled jobs (定时任务)', function () {
  this.timeout(60_000);
  let stack: Stack;
  let admin: string;
  before(async () => {
    stack = await startStack();
    admin = await loginAs('admin');
  });

  const runs = async (name: string) => {
    const r = await call<{ items: Run[]; total: number }>('GET', `/api/admin/monitor/jobs/${name}/runs?pageSize=100`, {
      token: admin,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items;
  };
  const job = async (name: string) => {
    const r = await call<any[]>('GET', '/api/admin/monitor/jobs', { token: admin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.find((j) => j.name === name);
  };

  it('lists every job registered in code with its schedule, counts and next five run times', async () => {
    const r = await call<any[]>('GET', '/api/admin/monitor/jobs', { token: admin });
    assert.equal(r.status, 200);
    const names = r.body.map((j) => j.name);
    for (const n of ['log-retention', 'booking-hold-expiry', 'payment-reconcile']) assert.ok(names.includes(n), n);
    const retention = r.body.find((j) => j.name === 'log-retention');
    assert.equal(retention.defaultSchedule.cron, '0 30 3 * * *');
    assert.equal(retention.nextRuns.length, 5);
    // 03:30 Beijing time is 19:30 UTC the day before
    for (const t of retention.nextRuns) assert.match(t, /T19:30:00\.000Z$/);
    assert.equal(retention.title, '清理过期的操作与登录日志');
  });

  it('validates a cron expression with croner and refuses bad input with a stable code', async () => {
    const ok = await call('GET', `/api/admin/monitor/jobs/cron-preview?cron=${encodeURIComponent('0 0 8 * * 1')}`, {
      token: admin,
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.nextRuns.length, 5);
    assert.match(ok.body.nextRuns[0], /T00:00:00\.000Z$/); // 08:00 Beijing
    const bad = await call('GET', '/api/admin/monitor/jobs/cron-preview?cron=every%20monday', { token: admin });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'INVALID_CRON');
    const put = await call('PUT', '/api/admin/monitor/jobs/log-retention', {
      token: admin,
      body: { cron: '61 * * * *' },
    });
    assert.equal(put.status, 400);
    assert.equal(put.body.error.code, 'INVALID_CRON');
    // in Chinese, naming what is wrong (croner's own messages are English)
    assert.equal(bad.body.error.message, 'cron 表达式无效：应为 5～7 段，以空格分隔（[秒] 分 时 日 月 周）');
    assert.equal(put.body.error.message, 'cron 表达式无效：「分」的取值超出范围');
    for (const [cron, says] of [
      ['0 0 * 13 *', '「月」的取值超出范围'],
      ['0 0 * * 8', '「周」的取值超出范围'],
      ['*/0 * * * *', '步长写法不正确'],
    ]) {
      const r = await call('GET', `/api/admin/monitor/jobs/cron-preview?cron=${encodeURIComponent(cron)}`, {
        token: admin,
      });
      assert.equal(r.status, 400);
      assert.ok(r.body.error.message.includes(says), `${cron}: ${r.body.error.message}`);
      assert.doesNotMatch(r.body.error.message.split('：')[1], /[A-Za-z]{3,}/, 'no English left');
    }
    const unknown = await call('POST', '/api/admin/monitor/jobs/rm-rf/run', { token: admin });
    assert.equal(unknown.status, 404);
    const badName = await call('POST', '/api/admin/monitor/jobs/..%2Fx/run', { token: admin });
    assert.equal(badName.status, 400);
    const empty = await call('PUT', '/api/admin/monitor/jobs/log-retention', { token: admin, body: {} });
    assert.equal(empty.status, 400);
  });

  it('is for administrators only: a physician may neither list nor run jobs', async () => {
    const doctor = await loginAs('doctor');
    assert.equal((await call('GET', '/api/admin/monitor/jobs', { token: doctor })).status, 403);
    assert.equal((await call('POST', '/api/admin/monitor/jobs/log-retention/run', { token: doctor })).status, 403);
    assert.equal((await call('GET', '/api/admin/monitor/jobs')).status, 401);
  });

  it('logs and counts a job that throws, with its error, and keeps running it', async () => {
    const name = 'test-throws';
    let calls = 0;
    stack.running.infra.jobs.register({
      name,
      cron: '0 0 1 1 *', // once a year: only the runs the test asks for
      handler: async () => {
        calls += 1;
        throw new Error(`boom ${calls}`);
      },
    });
    await stack.running.infra.jobs.apply(name);
    for (const n of [1, 2]) {
      const r = await call('POST', `/api/admin/monitor/jobs/${name}/run`, { token: admin });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      await until(`failed run ${n} logged`, 20_000, async () =>
        (await runs(name)).filter((x) => x.status === 'failed').length >= n ? true : undefined,
      );
    }
    const logged = await runs(name);
    assert.deepEqual(
      logged.map((x) => [x.trigger, x.status, x.error]),
      [
        ['manual', 'failed', 'Error: boom 2'],
        ['manual', 'failed', 'Error: boom 1'],
      ],
    );
    const j = await job(name);
    assert.equal(j.runCount, 2);
    assert.equal(j.failCount, 2);
    assert.equal(j.lastStatus, 'failed');
  });

  it('edits the cron, pauses (nothing scheduled runs), runs once while paused, resumes, restores the code schedule', async () => {
    const name = 'log-retention';
    const edited = await call('PUT', `/api/admin/monitor/jobs/${name}`, {
      token: admin,
      body: { cron: '* * * * * *' },
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.schedule.cron, '* * * * * *');
    assert.equal(edited.body.customCron, '* * * * * *');
    const firstScheduled = await until('a scheduled run on the new cron', 20_000, async () =>
      (await runs(name)).find((x) => x.trigger === 'schedule' && x.status === 'success'),
    );
    assert.match(firstScheduled.result ?? '', /"oper":\d+/);

    const paused = await call('POST', `/api/admin/monitor/jobs/${name}/pause`, { token: admin });
    assert.equal(paused.status, 200);
    assert.equal(paused.body.paused, true);
    assert.deepEqual(paused.body.nextRuns, []);
    const pausedAt = Date.now();
    if (stack.mode === 'mysql') {
      // The BullMQ job scheduler is gone from Redis: no instance will enqueue a run.
      const connection = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
      const queue = new Queue('yiyun-jobs', { connection, prefix: `${stack.env.REDIS_PREFIX}bull` });
      try {
        assert.equal(await queue.getJobScheduler(name), undefined);
      } finally {
        await queue.close();
        connection.disconnect();
      }
    }
    // Run once works while paused, and nothing scheduled starts meanwhile: manual runs, one after another, cover
    // a window of a few seconds of the every-second cron (a run that was already starting when the pause landed
    // may show within the first second).
    // A manual run that meets a scheduled run still going (one that started before the pause, slow under load) is
    // skipped by the job's `forbid` policy; the loop then asks again.
    let lastManual = 0;
    let manualSuccesses = 0;
    while (Date.now() - pausedAt < 3000 || manualSuccesses === 0) {
      const before = lastManual;
      assert.equal((await call('POST', `/api/admin/monitor/jobs/${name}/run`, { token: admin })).status, 202);
      const done = await until('the manual run to finish', 20_000, async () =>
        (await runs(name)).find((x) => x.trigger === 'manual' && x.id > before && x.status !== 'running'),
      );
      assert.ok(done.status === 'success' || done.status === 'skipped', JSON.stringify(done));
      lastManual = done.id;
      if (done.status === 'success') manualSuccesses++;
    }
    const scheduledWhilePaused = (await runs(name)).filter(
      (x) => x.trigger === 'schedule' && new Date(x.startedAt).getTime() > pausedAt + 1000,
    );
    assert.deepEqual(scheduledWhilePaused, []);

    const resumed = await call('POST', `/api/admin/monitor/jobs/${name}/resume`, { token: admin });
    assert.equal(resumed.status, 200);
    assert.equal(resumed.body.paused, false);
    assert.equal(resumed.body.nextRuns.length, 5);
    await until('a scheduled run after resume', 20_000, async () =>
      (await runs(name)).find((x) => x.trigger === 'schedule' && x.id > lastManual),
    );

    const restored = await call('PUT', `/api/admin/monitor/jobs/${name}`, { token: admin, body: { cron: null } });
    assert.equal(restored.status, 200);
    assert.equal(restored.body.schedule.cron, '0 30 3 * * *');
    assert.equal(restored.body.customCron, null);
    const j = await job(name);
    assert.ok(j.runCount >= 4, `runCount ${j.runCount}`);
    assert.equal(j.failCount, 0);
  });

  it('records each change in the operation log', async () => {
    // Every page of the module's log: the run-once loop above writes dozens of entries after the pause.
    const paths: string[] = [];
    for (let page = 1; ; page++) {
      const r = await call('GET', `/api/admin/monitor/oper-logs?module=monitor&pageSize=50&page=${page}`, {
        token: admin,
      });
      assert.equal(r.status, 200);
      paths.push(...r.body.items.map((x: { path: string }) => x.path));
      if (page * 50 >= r.body.total) break;
    }
    assert.ok(paths.includes('/api/admin/monitor/jobs/log-retention/pause'), JSON.stringify([...new Set(paths)]));
    assert.ok(paths.includes('/api/admin/monitor/jobs/log-retention/resume'));
  });
});

describe('monitor: server and cache pages on this stack (embedded mode describes the in-process cache)', () => {
  it('answers the server page with this instance and the cache page for the mode in use', async () => {
    const stack = await startStack();
    const admin = await loginAs('admin');
    const server = await call('GET', '/api/admin/monitor/server', { token: admin });
    assert.equal(server.status, 200, JSON.stringify(server.body));
    assert.ok(server.body.instances.some((i: { self: boolean; stale: boolean }) => i.self && !i.stale));
    const cache = await call('GET', '/api/admin/monitor/cache', { token: admin });
    assert.equal(cache.status, 200, JSON.stringify(cache.body));
    if (stack.mode === 'embedded') {
      assert.equal(server.body.mode, 'embedded');
      assert.equal(server.body.dbPool, null);
      assert.equal(cache.body.mode, 'embedded');
      assert.equal(cache.body.redis, null);
      assert.match(cache.body.description, /进程内/);
      const clear = await call('DELETE', '/api/admin/monitor/cache/namespaces/rl', { token: admin });
      assert.equal(clear.status, 409);
      assert.equal(clear.body.error.code, 'CACHE_EMBEDDED');
    } else {
      assert.equal(cache.body.mode, 'redis');
      assert.ok(cache.body.namespaces.items.length > 0);
    }
  });
});

describe('monitor: log retention (log-retention job)', () => {
  it('prunes login logs older than OPER_LOG_RETENTION_DAYS (180) and job runs older than JOB_RUN_RETENTION_DAYS (30), keeping recent ones', async () => {
    const stack = await startStack();
    const day = 86400_000;
    const oldLogin = await LoginLog.create({
      username: 'retention-old',
      userId: null,
      ip: null,
      userAgent: null,
      status: 'fail',
      message: 'old',
      createdAt: new Date(Date.now() - 181 * day),
    });
    const keptLogin = await LoginLog.create({
      username: 'retention-kept',
      userId: null,
      ip: null,
      userAgent: null,
      status: 'fail',
      message: 'kept',
      createdAt: new Date(Date.now() - 179 * day),
    });
    const run = (ageDays: number) =>
      JobRun.create({
        jobName: 'log-retention',
        trigger: 'manual',
        scheduledAt: null,
        startedAt: new Date(Date.now() - ageDays * day),
        durationMs: 1,
        status: 'success',
        result: null,
        error: null,
        instance: 'test',
      });
    const oldRun = await run(31);
    const keptRun = await run(29);
    const result = (await stack.running.infra.jobs.runNow('log-retention')) as { login: number; jobRuns: number };
    assert.ok(result.login >= 1 && result.jobRuns >= 1, JSON.stringify(result));
    assert.equal(await LoginLog.findByPk(oldLogin.id), null);
    assert.ok(await LoginLog.findByPk(keptLogin.id));
    assert.equal(await JobRun.findByPk(oldRun.id), null);
    assert.ok(await JobRun.findByPk(keptRun.id));
  });
});
