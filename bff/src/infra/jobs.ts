import { Queue, Worker } from 'bullmq';
import { Cron } from 'croner';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { LockBusyError, type LockOptions } from './kv';
import { metrics } from './metrics';
import type { Logger } from './logger';

export type JobHandler = () => Promise<unknown>;

/**
 * When a job runs: every `everyMs`, or on a cron expression (5 fields, or 6 with seconds first) read in the
 * hospital's time zone, Asia/Shanghai — "0 30 7 * * *" is 07:30 Beijing time whatever the server's zone.
 */
export type JobSchedule = { everyMs: number } | { cron: string };

/**
 * What happens when a run is due while the previous one is still going (on any instance): `forbid` skips the new
 * run (logged as skipped), `allow` lets them overlap.
 */
export const CONCURRENCY_POLICIES = ['forbid', 'allow'] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];

/** A named background job as a module declares it (see kernel/module.ts). Only code can name a handler. */
export type JobDef = { name: string; handler: JobHandler; concurrency?: ConcurrencyPolicy } & JobSchedule;

export const JOB_TIME_ZONE = 'Asia/Shanghai';

/** Throws (croner's message) unless `expr` is a cron expression the runners accept. */
export function parseCron(expr: string): Cron {
  return new Cron(expr, { timezone: JOB_TIME_ZONE, paused: true });
}

/** The next `n` times a schedule fires after `from` (an interval fires on its multiples, as BullMQ's `every` does). */
export function nextRuns(schedule: JobSchedule, n = 5, from = new Date()): Date[] {
  if ('cron' in schedule) {
    const c = parseCron(schedule.cron);
    const out = c.nextRuns(n, from);
    c.stop();
    return out;
  }
  const first = Math.floor(from.getTime() / schedule.everyMs + 1) * schedule.everyMs;
  return Array.from({ length: n }, (_, i) => new Date(first + i * schedule.everyMs));
}

/** What the console may change about a job, kept by the store (the database): the code holds the defaults. */
export interface JobSetting {
  /** Replaces the schedule declared in code; null keeps the code's. */
  cron: string | null;
  paused: boolean;
  concurrency: ConcurrencyPolicy;
}

export interface JobInfo {
  name: string;
  /** As declared in code (or replaced by JOB_EVERY_SEC). */
  schedule: JobSchedule;
  concurrency: ConcurrencyPolicy;
  /** JOB_EVERY_SEC replaces it: the console's cron has no effect while it does. */
  overridden: boolean;
}

export type RunTrigger = 'schedule' | 'manual';
export type RunOutcome =
  | { status: 'success'; durationMs: number; result: unknown }
  | { status: 'failed'; durationMs: number; error: unknown }
  | { status: 'skipped'; durationMs: 0; reason: string };

/**
 * Where the runners keep job settings and the run log. infra knows no domain: the monitor module implements it
 * over its tables and the composition root hands it in (runner.useStore). Without one, code defaults apply and
 * nothing is logged but failures.
 */
export interface JobStore {
  /** Adds a row for each job not seen before (settings from code), keeps existing rows as the console left them. */
  sync(jobs: JobInfo[]): Promise<void>;
  setting(name: string): Promise<JobSetting | undefined>;
  started(run: { name: string; trigger: RunTrigger; scheduledAt: Date | null; instance: string }): Promise<number>;
  finished(runId: number, name: string, outcome: RunOutcome): Promise<void>;
}

/** The lock a `forbid` job holds while it runs, on every instance (Kv: Redis, or in-process). */
export interface JobLock {
  withLock<T>(key: string, fn: () => Promise<T>, opts?: LockOptions): Promise<T>;
}

/** How this process names itself in run logs and heartbeats. */
export const INSTANCE_ID = `${os.hostname()}:${process.pid}`;

/**
 * Repeating background jobs. On Redis they go through BullMQ, so with N BFF instances each run
 * happens once; embedded mode uses timers in the one process.
 */
export interface JobRunner {
  define(name: string, everyMs: number, handler: JobHandler): void;
  register(def: JobDef): void;
  /** Calls the handler directly in this process and returns what it returns (tests; not logged). */
  runNow(name: string): Promise<unknown>;
  /** Run once now, through the runner (logged; on Redis any instance may pick it up). Resolves when queued. */
  trigger(name: string): Promise<void>;
  /** Reads the job's setting from the store again and schedules it accordingly (after the console changed it). */
  apply(name: string): Promise<void>;
  jobs(): JobInfo[];
  has(name: string): boolean;
  /** The schedule in force for `setting`: JOB_EVERY_SEC, else the console's cron, else the code's. */
  effectiveSchedule(name: string, setting?: JobSetting): JobSchedule;
  useStore(store: JobStore): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

type Def = JobSchedule & { handler: JobHandler; concurrency: ConcurrencyPolicy; overridden: boolean };

export interface JobRunnerOptions {
  /** Per-job interval overrides in seconds (JOB_EVERY_SEC), e.g. to run hold expiry every second in a test. */
  everySec?: Record<string, number>;
  /** Where `forbid` jobs take their lock; without one, only runs in this process are kept apart. */
  lock?: JobLock;
}

/**
 * A `forbid` run's lock is short-lived and renewed by the running instance every third of it, as long as the run
 * goes on (however long): an instance killed mid-run (SIGKILL, OOM) stops renewing, so its lock lapses within this
 * time and the job's next run goes ahead instead of being skipped as "still running elsewhere".
 */
export const FORBID_LOCK_TTL_MS = 30_000;

/** The job table both runners share; they differ only in how runs are triggered. */
abstract class JobTable {
  protected defs = new Map<string, Def>();
  protected store?: JobStore;
  private running = new Set<string>();
  constructor(
    protected log: Logger,
    private jobOpts: JobRunnerOptions = {},
  ) {}
  define(name: string, everyMs: number, handler: JobHandler) {
    this.register({ name, everyMs, handler });
  }
  /** An interval override (JOB_EVERY_SEC) replaces a cron schedule too, so tests can run any job every second. */
  register(def: JobDef) {
    if (this.defs.has(def.name)) throw new Error(`job ${def.name} is registered twice`);
    const override = this.jobOpts.everySec?.[def.name];
    const base = { handler: def.handler, concurrency: def.concurrency ?? 'forbid', overridden: !!override };
    if (override) this.defs.set(def.name, { ...base, everyMs: Math.round(override * 1000) });
    else if ('cron' in def) {
      // Refuse a bad expression at start, not at the first run.
      parseCron(def.cron).stop();
      this.defs.set(def.name, { ...base, cron: def.cron });
    } else this.defs.set(def.name, { ...base, everyMs: def.everyMs });
  }
  useStore(store: JobStore) {
    this.store = store;
  }
  has(name: string) {
    return this.defs.has(name);
  }
  jobs(): JobInfo[] {
    return [...this.defs].map(([name, d]) => ({
      name,
      schedule: 'cron' in d ? { cron: d.cron } : { everyMs: d.everyMs },
      concurrency: d.concurrency,
      overridden: d.overridden,
    }));
  }
  effectiveSchedule(name: string, setting?: JobSetting): JobSchedule {
    const d = this.def(name);
    if (!d.overridden && setting?.cron) return { cron: setting.cron };
    return 'cron' in d ? { cron: d.cron } : { everyMs: d.everyMs };
  }
  protected def(name: string) {
    const d = this.defs.get(name);
    if (!d) throw new Error(`unknown job ${name}`);
    return d;
  }
  protected async setting(name: string) {
    return this.store?.setting(name);
  }
  async runNow(name: string) {
    return this.def(name).handler();
  }

  /** The run log is bookkeeping: a store that fails is logged, never allowed to fail or block the job. */
  private async bookkeep<T>(name: string, fn: () => Promise<T> | undefined): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.log.warn({ err, job: name }, 'could not write the job run log');
      return undefined;
    }
  }

  /**
   * One run as the log sees it: a scheduled run of a paused job is dropped, a `forbid` job already running
   * anywhere is skipped, anything else is logged with its duration and result or error. Rethrows the job's error.
   */
  protected async execute(name: string, trigger: RunTrigger, scheduledAt: Date | null): Promise<unknown> {
    const def = this.def(name);
    const setting = await this.setting(name).catch((err) => {
      this.log.warn({ err, job: name }, 'job store unavailable; running with the code settings');
      return undefined;
    });
    if (trigger === 'schedule' && setting?.paused) return undefined;
    const run = { name, trigger, scheduledAt, instance: INSTANCE_ID };
    const finished = (runId: number | undefined, outcome: RunOutcome) => {
      metrics().jobRuns.inc({ job: name, status: outcome.status });
      return runId === undefined ? undefined : this.bookkeep(name, () => this.store?.finished(runId, name, outcome));
    };
    const body = async () => {
      const started = Date.now();
      const runId = await this.bookkeep(name, () => this.store?.started(run));
      try {
        const result = await def.handler();
        await finished(runId, { status: 'success', durationMs: Date.now() - started, result });
        return result;
      } catch (err) {
        this.log.error({ err, job: name }, 'job failed');
        await finished(runId, { status: 'failed', durationMs: Date.now() - started, error: err });
        throw err;
      }
    };
    const skip = async (reason: string) => {
      await finished(await this.bookkeep(name, () => this.store?.started(run)), {
        status: 'skipped',
        durationMs: 0,
        reason,
      });
      return undefined;
    };
    if ((setting?.concurrency ?? def.concurrency) === 'allow') return body();
    if (this.running.has(name)) return skip('上一次运行尚未结束');
    this.running.add(name);
    try {
      if (!this.jobOpts.lock) return await body();
      return await this.jobOpts.lock.withLock(`job:${name}`, body, {
        waitMs: 0,
        ttlMs: FORBID_LOCK_TTL_MS,
        renew: true,
      });
    } catch (err) {
      if (err instanceof LockBusyError) return skip('上一次运行尚未结束（在另一实例上）');
      throw err;
    } finally {
      this.running.delete(name);
    }
  }
}

export class TimerJobRunner extends JobTable implements JobRunner {
  private scheduled = new Map<string, { stop(): void }>();
  private started = false;
  constructor(log: Logger, opts: JobRunnerOptions = {}) {
    super(log, opts);
  }
  async start() {
    this.started = true;
    await this.store?.sync(this.jobs());
    for (const name of this.defs.keys()) await this.apply(name);
  }
  async apply(name: string) {
    this.def(name);
    if (!this.started) return;
    await this.store?.sync(this.jobs().filter((j) => j.name === name));
    this.scheduled.get(name)?.stop();
    this.scheduled.delete(name);
    const setting = await this.setting(name);
    if (setting?.paused) return;
    const schedule = this.effectiveSchedule(name, setting);
    const run = () => void this.execute(name, 'schedule', new Date()).catch(() => undefined);
    if ('cron' in schedule) {
      // protect: a run still going when the next is due is not started twice by this timer.
      const cron = new Cron(schedule.cron, { timezone: JOB_TIME_ZONE, protect: true, unref: true }, async () => {
        await this.execute(name, 'schedule', new Date()).catch(() => undefined);
      });
      this.scheduled.set(name, cron);
      return;
    }
    const t = setInterval(run, schedule.everyMs);
    t.unref();
    this.scheduled.set(name, { stop: () => clearInterval(t) });
  }
  async trigger(name: string) {
    this.def(name);
    void this.execute(name, 'manual', null).catch(() => undefined);
  }
  async close() {
    this.started = false;
    for (const s of this.scheduled.values()) s.stop();
    this.scheduled.clear();
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
  private started = false;
  private closed = false;
  private connectionDown = false;
  constructor(
    private connection: Redis,
    private prefix: string,
    log: Logger,
    private opts: JobRunnerOptions & { checkEveryMs: number },
  ) {
    super(log, opts);
    this.queue = new Queue('yiyun-jobs', { connection, prefix: prefix + 'bull' });
    this.queue.on('error', (err) => this.connectionTrouble(err));
  }
  async start() {
    this.started = true;
    await this.store?.sync(this.jobs());
    await this.ensureSchedules();
    this.connection.on('ready', this.onReady);
    this.connection.on('error', this.connectionTrouble);
    this.checkTimer = setInterval(() => void this.ensureSchedules().catch(() => undefined), this.opts.checkEveryMs);
    this.checkTimer.unref();
    this.worker = new Worker(
      'yiyun-jobs',
      async (job) => {
        // A job scheduler's job is named after the time it was due (repeat:<scheduler>:<millis>): the run log
        // keeps it, which is what tells two runs of one tick apart.
        const manual = !job.repeatJobKey;
        const due = Number(/:(\d+)$/.exec(job.id ?? '')?.[1] ?? job.timestamp + job.delay);
        return this.execute(job.name, manual ? 'manual' : 'schedule', manual ? null : new Date(due));
      },
      // More than one at a time, so one long job does not hold back the others on this instance.
      { connection: this.connection, prefix: this.prefix + 'bull', concurrency: 4 },
    );
    this.worker.on('error', this.connectionTrouble);
  }

  async apply(name: string) {
    this.def(name);
    if (!this.started) return;
    await this.store?.sync(this.jobs().filter((j) => j.name === name));
    await this.ensureSchedule(name);
  }

  async trigger(name: string) {
    this.def(name);
    await this.queue.add(name, {}, { removeOnComplete: 200, removeOnFail: 200 });
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

  /**
   * Makes Redis hold the schedule the store says (paused: none). Every instance checks against the store, not
   * against its own memory, so a change made through one instance is not undone by another.
   */
  private async ensureSchedule(name: string) {
    const setting = await this.setting(name);
    const existing = await this.queue.getJobScheduler(name);
    if (setting?.paused) {
      if (existing) await this.queue.removeJobScheduler(name);
      return;
    }
    const schedule = this.effectiveSchedule(name, setting);
    if (
      'cron' in schedule
        ? existing?.pattern === schedule.cron && existing?.tz === JOB_TIME_ZONE
        : existing?.every === schedule.everyMs && !existing?.pattern
    )
      return;
    if (existing) await this.queue.removeJobScheduler(name);
    await this.queue.upsertJobScheduler(
      name,
      'cron' in schedule ? { pattern: schedule.cron, tz: JOB_TIME_ZONE } : { every: schedule.everyMs },
      { name, opts: { removeOnComplete: 200, removeOnFail: 200 } },
    );
    if (existing === undefined && this.registered.has(name)) {
      this.log.warn({ job: name }, 'job schedule was missing from Redis (restarted or flushed?); registered it again');
    }
    this.registered.add(name);
  }

  /** Puts back any schedule that is missing or differs from the store's. One check at a time. */
  ensureSchedules(): Promise<void> {
    return (this.ensuring ??= (async () => {
      try {
        for (const name of this.defs.keys()) {
          if (this.closed) return;
          await this.ensureSchedule(name);
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
