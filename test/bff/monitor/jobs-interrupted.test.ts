/**
 * A BFF process that dies in the middle of a job run (SIGKILL: no shutdown code runs) cannot finish its run-log
 * row. The other instance closes it as failed once the dead one's heartbeat is three beats old — and leaves a
 * run alone while its instance is still reporting.
 *
 * The run is held mid-way by a real table lock: stats-rollup rewrites stats_daily, and the test holds
 * LOCK TABLES stats_daily WRITE, so the job waits inside its handler until the process is killed.
 *
 * The dead instance's job lock (a `forbid` job runs on one instance at a time) must not hold the job back for long
 * either: it is short-lived and renewed only by a live run, so once it lapses the job runs again.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { createDatabase, http, startChildBff, until, type ChildBff } from '../../support/child';
import { DEMO } from '../../support/api';
import { FORBID_LOCK_TTL_MS } from '../../../bff/src/infra/jobs';

type RunRow = { id: number; status: string; instance: string; started_at: Date; error: string | null };

describe('monitor: a run whose process crashed is closed as interrupted, not left running', function () {
  this.timeout(180_000);
  let db: Awaited<ReturnType<typeof createDatabase>>;
  const bffs: ChildBff[] = [];
  const prefix = `yiyun_jobsint_${crypto.randomBytes(3).toString('hex')}:`;
  let locker: mysql.Connection | undefined;

  before(async function () {
    if (process.env.YIYUN_TEST_MODE === 'embedded') this.skip(); // two processes need MariaDB and Redis
    db = await createDatabase('yiyun_jobsint');
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: prefix,
      JWT_SECRET: crypto.randomBytes(32).toString('hex'),
      DATA_KEY: crypto.randomBytes(32).toString('base64'),
      WECHAT_SIMULATED: 'true',
      MIGRATE_ON_START: 'true',
      SEED_DEMO: 'true',
      HEARTBEAT_SEC: '1',
    };
    bffs.push(await startChildBff(env));
    bffs.push(await startChildBff(env));
  });
  after(async () => {
    await locker?.end().catch(() => undefined);
    for (const b of bffs) await b.stop();
    await db?.drop();
    const redis = new Redis('redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  });

  it('kills the instance running stats-rollup mid-run; the survivor marks that run failed (interrupted)', async () => {
    const [a] = bffs;
    const token = (await http(a.url, 'POST', '/api/admin/auth/login', { body: DEMO.admin })).body.accessToken;
    locker = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: db.name });
    await locker.query('LOCK TABLES stats_daily WRITE');

    const queued = await http(a.url, 'POST', '/api/admin/monitor/jobs/stats-rollup/run', { token });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const run = await until('the stats-rollup run to start', 30_000, async () => {
      const [rows] = await db.conn.query(
        `SELECT id, status, instance, started_at, error FROM sys_job_run
          WHERE job_name = 'stats-rollup' AND run_trigger = 'manual' ORDER BY id`,
      );
      return (rows as RunRow[])[0];
    });
    assert.equal(run.status, 'running');
    const victim = bffs.find((b) => run.instance.endsWith(`:${b.child.pid}`));
    assert.ok(victim, `no child runs as ${run.instance}`);
    const survivor = bffs.find((b) => b !== victim)!;
    const stoken = (await http(survivor.url, 'POST', '/api/admin/auth/login', { body: DEMO.admin })).body.accessToken;
    const runNow = async () => {
      const r = await http(survivor.url, 'POST', '/api/admin/monitor/jobs/stats-rollup/run', { token: stoken });
      assert.equal(r.status, 202, JSON.stringify(r.body));
    };
    const runsAfter = async (id: number) => {
      const [rows] = await db.conn.query(
        `SELECT id, status, instance, started_at, error FROM sys_job_run
          WHERE job_name = 'stats-rollup' AND id > ? ORDER BY id`,
        [id],
      );
      return rows as RunRow[];
    };

    // While its instance keeps reporting, a long run is left alone: wait until the victim has reported for
    // longer than the stale window since the run started, then look again.
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      await until('the running instance to report past the stale window', 30_000, async () => {
        const raw = await redis.hget(`${prefix}monitor:instances`, run.instance);
        const lastSeen = raw ? Date.parse((JSON.parse(raw) as { lastSeen: string }).lastSeen) : 0;
        return lastSeen > new Date(run.started_at).getTime() + 4_000 ? true : undefined;
      });
    } finally {
      redis.disconnect();
    }
    const [[still]] = (await db.conn.query(`SELECT status FROM sys_job_run WHERE id = ?`, [run.id])) as unknown as [
      { status: string }[],
    ];
    assert.equal(still.status, 'running', 'a run of a live instance was closed');

    // The crash.
    const gone = new Promise((r) => victim.child.once('exit', r));
    victim.child.kill('SIGKILL');
    await gone;
    const killedAt = Date.now();
    await locker.query('UNLOCK TABLES');

    // Right after the crash the dead instance's lock is still there (it was renewed less than a third of its TTL
    // ago): a run now is skipped as running elsewhere.
    await runNow();
    const first = await until('the run asked for after the crash', 30_000, async () =>
      (await runsAfter(run.id)).find((r) => r.status !== 'running'),
    );
    assert.equal(first.status, 'skipped', JSON.stringify(first));

    const closed = await until('the interrupted run to be closed', 30_000, async () => {
      const [[row]] = (await db.conn.query(
        `SELECT id, status, instance, started_at, error FROM sys_job_run WHERE id = ?`,
        [run.id],
      )) as unknown as [RunRow[]];
      return row.status !== 'running' ? row : undefined;
    });
    assert.equal(closed.status, 'failed');
    assert.match(closed.error ?? '', /^运行中断：实例 \S+ (已停止上报心跳|没有心跳)/);

    // The console (through the survivor) shows it, and the job's counts include it.
    const runs = await http(survivor.url, 'GET', '/api/admin/monitor/jobs/stats-rollup/runs?page=1&pageSize=50', {
      token: stoken,
    });
    const shown = (runs.body.items as { id: number; status: string }[]).find((r) => r.id === run.id);
    assert.equal(shown?.status, 'failed');
    const job = await http(survivor.url, 'GET', '/api/admin/monitor/jobs', { token: stoken });
    const rollup = (job.body as { name: string; failCount: number }[]).find((j) => j.name === 'stats-rollup')!;
    assert.ok(rollup.failCount >= 1, JSON.stringify(rollup));

    // Nobody renews the dead instance's lock: within its TTL (not the half hour a run may take) the job runs
    // again. Ask for a run whenever none is under way, until one succeeds.
    const done = await until(
      'a stats-rollup run to succeed after the crash',
      FORBID_LOCK_TTL_MS + 60_000,
      async () => {
        const after = await runsAfter(run.id);
        const ok = after.find((r) => r.status === 'success');
        if (ok) return ok;
        if (!after.some((r) => r.status === 'running')) await runNow();
        return undefined;
      },
      1_000,
    );
    assert.equal(done.instance.endsWith(`:${survivor.child.pid}`), true, done.instance);
    const waited = new Date(done.started_at).getTime() - killedAt;
    assert.ok(waited < FORBID_LOCK_TTL_MS + 30_000, `the job ran again only ${waited} ms after the crash`);
  });
});
