import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from './logger';

export type JobHandler = () => Promise<unknown>;

/**
 * Repeating background jobs. On Redis they go through BullMQ, so with N BFF instances each run
 * happens once; embedded mode uses timers in the one process.
 */
export interface JobRunner {
  define(name: string, everyMs: number, handler: JobHandler): void;
  runNow(name: string): Promise<unknown>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Def {
  everyMs: number;
  handler: JobHandler;
}

/** The job table both runners share; they differ only in how runs are triggered. */
abstract class JobTable {
  protected defs = new Map<string, Def>();
  define(name: string, everyMs: number, handler: JobHandler) {
    this.defs.set(name, { everyMs, handler });
  }
  async runNow(name: string) {
    const def = this.defs.get(name);
    if (!def) throw new Error(`unknown job ${name}`);
    return def.handler();
  }
}

export class TimerJobRunner extends JobTable implements JobRunner {
  private timers: NodeJS.Timeout[] = [];
  constructor(private log: Logger) {
    super();
  }
  async start() {
    for (const [name, def] of this.defs) {
      const t = setInterval(() => {
        def.handler().catch((err) => this.log.error({ err, job: name }, 'job failed'));
      }, def.everyMs);
      t.unref();
      this.timers.push(t);
    }
  }
  async close() {
    this.timers.forEach(clearInterval);
  }
}

export class BullJobRunner extends JobTable implements JobRunner {
  private queue: Queue;
  private worker?: Worker;
  constructor(private connection: Redis, private prefix: string, private log: Logger) {
    super();
    this.queue = new Queue('yiyun-jobs', { connection, prefix: prefix + 'bull' });
  }
  async start() {
    for (const [name, def] of this.defs) {
      await this.queue.upsertJobScheduler(name, { every: def.everyMs }, { name });
    }
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
  }
  async close() {
    await this.worker?.close();
    await this.queue.close();
    this.connection.disconnect();
  }
}
