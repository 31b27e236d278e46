import { Queue, Worker } from 'bullmq';
import { Cron } from 'croner';
import type { Redis } from 'ioredis';
import type { Logger } from './logger';

export type JobHandler = () => Promise<unknown>;

/**
 * When a job runs: every `everyMs`, or on a cron expression (5 fields, or 6 with seconds first) read in the
 * hospital's time zone, Asia/Shanghai — "0 30 7 * * *" is 07:30 Beijing time whatever the server's zone.
 */
export type JobSchedule = { everyMs: number } | { cron: string };

/** A named background job as a module declares it (see kernel/module.ts). */
export type JobDef = { name: string; handler: JobHandler } & JobSchedule;

export const JOB_TIME_ZONE = 'Asia/Shanghai';

/**
 * Repeating background jobs. On Redis they go through BullMQ, so with N BFF instances each run
 * happens once; embedded mode uses timers in the one process.
 */
export interface JobRunner {
  define(name: string, everyMs: number, handler: JobHandler): void;
  register(def: JobDef): void;
  runNow(name: string): Promise<unknown>;
  start(): Promise<void>;
  close(): Promise<void>;
}

type Def = JobSchedule & { handler: JobHandler };

export interface JobRunnerOptions {
  /** Per-job interval overrides in seconds (JOB_EVERY_SEC), e.g. to run hold expiry every second in a test. */
  everySec?: Record<string, number>;
}

/** The job table both runners share; they differ only in how runs are triggered. */
abstract class JobTable {
  protected defs = new Map<string, Def>();
  constructor(private everySec: Record<string, number> = {}) {}
  define(name: string, everyMs: number, handler: JobHandler) {
    this.register({ name, everyMs, handler });
  }
  /** An interval override (JOB_EVERY_SEC) replaces a cron schedule too, so tests can run any job every second. */
  register(def: JobDef) {
    if (this.defs.has(def.name)) throw new Error(`job ${def.name} is registered twice`);
    const override = this.everySec[def.name];
    if (override) this.defs.set(def.name, { everyMs: Math.round(override * 1000), handler: def.handler });
    else if ('cron' in def) {
      // Refuse a bad expression at start, not at the first run.
      new Cron(def.cron, { timezone: JOB_TIME_ZONE, paused: true }).stop();
      this.defs.set(def.name, { cron: def.cron, handler: def.handler });
    } else this.defs.set(def.name, { everyMs: def.everyMs, handler: def.handler });
  }
  async runNow(name: string) {
    const def = this.defs.get(name);
    if (!def) throw new Error(`unknown job ${name}`);
    return def.handler();
  }
}

export class TimerJobRunner extends JobTable implements JobRunner {
  private timers: NodeJS.Timeout[] = [];
  private crons: Cron[] = [];
  constructor(
    private log: Logger,
    opts: JobRunnerOptions = {},
  ) {
    super(opts.everySec);
  }
  async start() {
    for (const [name, def] of this.defs) {
      const run = async () => {
        await def.handler().catch((err) => this.log.error({ err, job: name }, 'job failed'));
      };
      if ('cron' in def) {
        // protect: a run still going when the next is due is not started twice.
        this.crons.push(new Cron(def.cron, { timezone: JOB_TIME_ZONE, protect: true, unref: true }, run));
        continue;
      }
      const t = setInterval(run, def.everyMs);
      t.unref();
      this.timers.push(t);
    }
  }
  async close() {
    this.timers.forEach(clearInterval);
    this.crons.forEach((c) => c.stop());
  }
}

/**
 * BullMQ keeps the schedules in Redis, so a Redis that restarts empty (or loses the queue's keys any other way)
 * forgets them, and nothing would run again until a BFF restarts. Each BFF therefore puts its schedules back
 * whenever its connection becomes ready again, and checks every `checkEveryMs` that they are still there
 * (a flush without a reconnect). Upserting an existing schedule is harmless, so N instances doing it is fine.
 */
export class BullJobRunner extends JobTable implements JobRunner {
  private queue: Queue;
  private worker?: Worker;
  private checkTimer?: NodeJS.Timeout;
  private ensuring?: Promise<void>;
  /** Schedules this process has put in Redis at least once: finding one of them missing is worth a warning. */
  private registered = new Set<string>();
  private closed = false;
  private connectionDown = false;
  constructor(
    private connection: Redis,
    private prefix: string,
    private log: Logger,
    private opts: JobRunnerOptions & { checkEveryMs: number },
  ) {
    super(opts.everySec);
    this.queue = new Queue('yiyun-jobs', { connection, prefix: prefix + 'bull' });
    this.queue.on('error', (err) => this.connectionTrouble(err));
  }
  async start() {
    await this.ensureSchedules();
    this.connection.on('ready', this.onReady);
    this.connection.on('error', this.connectionTrouble);
    this.checkTimer = setInterval(() => void this.ensureSchedules().catch(() => undefined), this.opts.checkEveryMs);
    this.checkTimer.unref();
    this.worker = new Worker(
      'yiyun-jobs',
      async (job) => {
        const def = this.defs.get(job.name);
        if (!def) throw new Error(`unknown job ${job.name}`);
        return def.handler();
      },
      { connection: this.connection, prefix: this.prefix + 'bull', concurrency: 1 },
    );
    this.worker.on('failed', (job, err) => this.log.error({ err, job: job?.name }, 'job failed'));
    this.worker.on('error', this.connectionTrouble);
  }

  private onReady = () => {
    if (this.connectionDown) this.log.info('job queue: Redis connection is back; checking the job schedules');
    this.connectionDown = false;
    void this.ensureSchedules().catch(() => undefined);
  };

  /** Logged once per outage, not once per reconnect attempt. */
  private connectionTrouble = (err: Error) => {
    if (this.connectionDown || this.closed) return;
    this.connectionDown = true;
    this.log.warn({ err }, 'job queue: Redis connection trouble; jobs pause until it is back');
  };

  /** Puts back any schedule that is missing or has another interval or pattern. One check at a time. */
  ensureSchedules(): Promise<void> {
    return (this.ensuring ??= (async () => {
      try {
        for (const [name, def] of this.defs) {
          if (this.closed) return;
          const existing = await this.queue.getJobScheduler(name);
          if (
            'cron' in def
              ? existing?.pattern === def.cron && existing?.tz === JOB_TIME_ZONE
              : existing?.every === def.everyMs
          )
            continue;
          await this.queue.upsertJobScheduler(
            name,
            'cron' in def ? { pattern: def.cron, tz: JOB_TIME_ZONE } : { every: def.everyMs },
            { name },
          );
          if (existing === undefined && this.registered.has(name)) {
            this.log.warn(
              { job: name },
              'job schedule was missing from Redis (restarted or flushed?); registered it again',
            );
          }
          this.registered.add(name);
        }
      } catch (err) {
        if (!this.closed) this.log.warn({ err }, 'job queue: could not check the job schedules; will retry');
        throw err;
      } finally {
        this.ensuring = undefined;
      }
    })());
  }

  async close() {
    this.closed = true;
    clearInterval(this.checkTimer);
    this.connection.off('ready', this.onReady);
    this.connection.off('error', this.connectionTrouble);
    await this.worker?.close();
    await this.queue.close();
    this.connection.disconnect();
  }
}
