/**
 * Jobs as modules declare them: an interval or a cron expression (read in Asia/Shanghai), through the same
 * registry for both runners — timers in embedded mode, BullMQ job schedulers on Redis.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullJobRunner, JOB_TIME_ZONE, TimerJobRunner, type JobRunner } from '../../bff/src/infra/jobs';
import { createLogger } from '../../bff/src/infra/logger';

const log = createLogger('silent');

/** Resolves on the handler's first run. */
function firstRun() {
  let ran!: () => void;
  const done = new Promise<void>((r) => (ran = r));
  return { done, handler: async () => ran() };
}

describe('jobs: intervals and cron schedules, one registry for both runners', () => {
  it('refuses a malformed cron expression and a job name registered twice, at registration', () => {
    const jobs = new TimerJobRunner(log);
    assert.throws(() => jobs.register({ name: 'bad', cron: 'every monday', handler: async () => undefined }));
    jobs.register({ name: 'once', everyMs: 60_000, handler: async () => undefined });
    assert.throws(
      () => jobs.register({ name: 'once', cron: '0 * * * *', handler: async () => undefined }),
      /registered twice/,
    );
  });

  it('timer runner: runs a cron job when its expression is due (every second here)', async () => {
    const jobs = new TimerJobRunner(log);
    const tick = firstRun();
    jobs.register({ name: 'tick', cron: '* * * * * *', handler: tick.handler });
    await jobs.start();
    try {
      await tick.done;
    } finally {
      await jobs.close();
    }
  });

  describe('BullMQ runner (Redis)', () => {
    const prefix = `yiyun_jobs_${crypto.randomBytes(4).toString('hex')}:`;
    let runner: JobRunner | undefined;
    after(async () => {
      await runner?.close();
      const redis = new Redis('redis://127.0.0.1:6379');
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });

    it('keeps a cron job as a job scheduler with its pattern and the hospital time zone, and runs it', async () => {
      const bull = new BullJobRunner(new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null }), prefix, log, {
        checkEveryMs: 60_000,
      });
      runner = bull;
      const tick = firstRun();
      bull.register({ name: 'cron-tick', cron: '* * * * * *', handler: tick.handler });
      bull.register({ name: 'interval', everyMs: 3600_000, handler: async () => undefined });
      await bull.start();
      const connection = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
      const queue = new Queue('yiyun-jobs', { connection, prefix: prefix + 'bull' });
      try {
        const scheduler = await queue.getJobScheduler('cron-tick');
        assert.equal(scheduler?.pattern, '* * * * * *');
        assert.equal(scheduler?.tz, JOB_TIME_ZONE);
        assert.equal((await queue.getJobScheduler('interval'))?.every, 3600_000);
        await tick.done;
      } finally {
        await queue.close();
        connection.disconnect();
      }
    });
  });
});
