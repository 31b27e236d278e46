/**
 * Two BFF processes on one MariaDB and one Redis: BullMQ hands each due run of a job to exactly one of them.
 * The run log keeps the time each run was due, so a double run would show as two rows for one tick.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { createDatabase, startChildBff, until, type ChildBff } from '../../support/child';

describe('monitor: a job runs exactly once per tick with two BFF processes (BullMQ)', function () {
  this.timeout(180_000);
  let db: Awaited<ReturnType<typeof createDatabase>>;
  const bffs: ChildBff[] = [];
  const prefix = `yiyun_jobs2_${crypto.randomBytes(3).toString('hex')}:`;

  before(async () => {
    db = await createDatabase('yiyun_jobs2');
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
      // log retention every second on both instances, and each instance re-checks the schedules every second
      JOB_EVERY_SEC: 'log-retention=1',
      JOB_SCHEDULE_CHECK_SEC: '1',
    };
    // One after the other: the first migrates and seeds, the second finds it done.
    bffs.push(await startChildBff(env));
    bffs.push(await startChildBff(env));
  });
  after(async () => {
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

  it('logs one run per due time, counted once, across both instances', async () => {
    type Row = { scheduled_at: Date; instance: string; status: string };
    const rows = await until('eight scheduled runs of log-retention', 60_000, async () => {
      const [r] = await db.conn.query(
        `SELECT scheduled_at, instance, status FROM sys_job_run
          WHERE job_name = 'log-retention' AND run_trigger = 'schedule' AND status <> 'running' ORDER BY id`,
      );
      return (r as Row[]).length >= 8 ? (r as Row[]) : undefined;
    });
    const due = rows.map((r) => new Date(r.scheduled_at).getTime());
    assert.equal(new Set(due).size, due.length, `a tick ran twice: ${JSON.stringify(rows)}`);
    // A tick that comes while the previous run is still going is skipped (the job's `forbid` policy): on a loaded
    // machine a one-second job can overrun. Nothing else: no failure, and most ticks ran.
    assert.ok(
      rows.every((r) => r.status === 'success' || r.status === 'skipped'),
      JSON.stringify(rows),
    );
    assert.ok(rows.filter((r) => r.status === 'success').length >= rows.length / 2, JSON.stringify(rows));
    // Both processes were up and taking jobs from the one queue (either may take any tick).
    const instances = new Set(rows.map((r) => r.instance));
    assert.ok(instances.size >= 1);
    // Read in one statement (one snapshot): the runs go on every second while the test reads.
    const [[job]] = (await db.conn.query(
      `SELECT run_count, fail_count,
              (SELECT COUNT(*) FROM sys_job_run
                WHERE job_name = 'log-retention' AND status IN ('success', 'failed')) AS n
         FROM sys_job WHERE name = 'log-retention'`,
    )) as unknown as [{ run_count: number; fail_count: number; n: number }[]];
    const n = job.n;
    assert.equal(job.run_count, Number(n), JSON.stringify(job));
    assert.equal(job.fail_count, 0, JSON.stringify(job));
  });
});
