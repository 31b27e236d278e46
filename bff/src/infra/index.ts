import { Redis } from 'ioredis';
import type { Sequelize, Transaction } from 'sequelize';
import type { Config } from '../config';
import { createLogger, type Logger } from './logger';
import { createSequelize } from './db';
import { MemoryKv, RedisKv, type Kv } from './kv';
import { MemoryPubSub, RedisPubSub, type PubSub } from './pubsub';
import { BullJobRunner, TimerJobRunner, type JobRunner } from './jobs';
import { FieldCrypto } from './crypto';
import { LayeredCache, type Cache } from './cache';
import { MemoryAdmission, RedisAdmission, type Admission } from './admission';
import { LocalMemo, type Memo } from './memo';
import { WechatClient } from './wechat';
import type { WechatPayClient } from './wechatpay';

export interface Infra {
  config: Config;
  log: Logger;
  sequelize: Sequelize;
  kv: Kv;
  pubsub: PubSub;
  /** The hot reads everyone makes at once (listings), invalidated across processes (infra/cache.ts). */
  cache: Cache;
  /** The free numbers of sessions, handed out in front of the booking transaction (infra/admission.ts). */
  admission: Admission;
  /** About a second of what every request asks again (login states), dropped across processes (infra/memo.ts). */
  memo: Memo;
  jobs: JobRunner;
  fieldCrypto: FieldCrypto;
  wechat: WechatClient;
  /** WeChat Pay, set up by the server once it knows its notify URL (see server.ts). */
  pay?: { client: WechatPayClient; notifyUrl: string; simulatorBase?: string };
  redis?: Redis;
}

let current: Infra | undefined;

/** One warning when a connection drops and one line when it is back, instead of one per reconnect attempt. */
function watchConnection(redis: Redis, name: string, log: Logger) {
  let down = false;
  redis.on('error', (err) => {
    if (down) return;
    down = true;
    log.warn({ err, connection: name }, 'Redis connection lost; requests that need it answer 503 until it is back');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ connection: name }, 'Redis connection is back');
  });
}

/** The process-wide infrastructure; services reach it through `infra()`, never through ctx. */
export function infra(): Infra {
  if (!current) throw new Error('infra not initialised');
  return current;
}

export interface InfraOptions {
  log?: Logger;
  /**
   * Defines the domains' models on the new connection (modules/index.ts `initModuleModels`): infra knows no domain,
   * so whoever composes the process hands them in.
   */
  initModels?: (sequelize: Sequelize) => void;
}

export async function initInfra(config: Config, opts: InfraOptions = {}): Promise<Infra> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const sequelize = createSequelize(config, log);
  opts.initModels?.(sequelize);
  let redis: Redis | undefined;
  let kv: Kv;
  let pubsub: PubSub;
  let jobs: JobRunner;
  let admission: Admission;
  if (config.secretsFile?.generated) {
    log.warn(
      { file: config.secretsFile.path },
      'generated JWT_SECRET and DATA_KEY for this installation: back this file up together with the database — DATA_KEY decrypts the ID and phone numbers in it, and without it they are lost',
    );
  } else if (config.secretsFile?.tightened) {
    log.warn(
      { file: config.secretsFile.path },
      'the secrets file was readable by others; made it readable by its owner only',
    );
  }
  if (config.REDIS_URL) {
    // Requests must not hang on Redis: a command that gets no answer within the timeout fails (→ 503), also while
    // queued during a reconnect, so a short blip passes unnoticed and a long outage answers fast.
    redis = new Redis(config.REDIS_URL, {
      maxRetriesPerRequest: 1,
      commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
      enableOfflineQueue: true,
      enableAutoPipelining: config.REDIS_AUTO_PIPELINING,
    });
    watchConnection(redis, 'cache', log);
    kv = new RedisKv(redis, config.REDIS_PREFIX);
    pubsub = new RedisPubSub(redis, config.REDIS_PREFIX);
    admission = new RedisAdmission(redis, config.REDIS_PREFIX);
    // BullMQ needs its own connection with maxRetriesPerRequest: null (blocking commands) and no command timeout.
    jobs = new BullJobRunner(new Redis(config.REDIS_URL, { maxRetriesPerRequest: null }), config.REDIS_PREFIX, log, {
      everySec: config.JOB_EVERY_SEC,
      lock: kv,
      checkEveryMs: config.JOB_SCHEDULE_CHECK_SEC * 1000,
    });
  } else {
    kv = new MemoryKv();
    pubsub = new MemoryPubSub();
    admission = new MemoryAdmission();
    jobs = new TimerJobRunner(log, { everySec: config.JOB_EVERY_SEC, lock: kv });
  }
  current = {
    config,
    log,
    sequelize,
    kv,
    pubsub,
    cache: new LayeredCache({ pubsub, log, redis, prefix: config.REDIS_PREFIX }),
    admission,
    memo: new LocalMemo(pubsub, log, !!redis),
    jobs,
    redis,
    fieldCrypto: new FieldCrypto(config.DATA_KEY),
    wechat: new WechatClient(config, kv, log),
  };
  return current;
}

export async function closeInfra() {
  if (!current) return;
  const i = current;
  current = undefined;
  await i.jobs.close();
  await i.cache.close();
  await i.memo.close();
  await i.pubsub.close();
  await i.kv.close();
  i.redis?.disconnect();
  await i.sequelize.close();
}

/**
 * One write statement outside any transaction (`fn` runs a single autocommit statement): on MariaDB it runs at once,
 * its row locks held only while the server runs it; in embedded mode it waits its turn with the transactions
 * (SQLite has one writer, and a write racing a transaction would wait on SQLite's busy timeout instead).
 */
export async function autocommit<T>(fn: () => Promise<T>): Promise<T> {
  return infra().config.embedded ? sqliteTurn(fn) : fn();
}

/** Embedded mode: SQLite's one writer, taken in turn by every transaction and autocommit write. */
const sqliteTurn = <T>(fn: () => Promise<T>) => infra().kv.withLock('sqlite-tx', fn, { waitMs: 30_000, ttlMs: 60_000 });

/** InnoDB rolled the whole transaction back to break a deadlock; running it again is the documented remedy. */
const isDeadlockVictim = (err: unknown) =>
  (err as { parent?: { code?: string } } | null)?.parent?.code === 'ER_LOCK_DEADLOCK';
const DEADLOCK_ATTEMPTS = 3;

/**
 * A transaction. SQLite has one connection in Sequelize, so embedded mode runs transactions one at a time
 * (an in-process lock) instead of letting two interleave on the same connection.
 *
 * On MariaDB a deadlock victim is run again (up to 3 times, after a short random pause), so `fn` must do nothing
 * but database work in `t`: no Redis, HTTP or WeChat calls whose effect would survive the rollback.
 */
export async function tx<T>(
  fn: (t: Transaction) => Promise<T>,
  opts: { readCommitted?: boolean; repeatableRead?: boolean } = {},
): Promise<T> {
  const i = infra();
  if (i.config.embedded) return sqliteTurn(() => i.sequelize.transaction(fn));
  // REPEATABLE READ whatever the server's default: a locking read that must also lock the gaps (keep inserts out)
  const isolationLevel = (
    opts.readCommitted ? 'READ COMMITTED' : opts.repeatableRead ? 'REPEATABLE READ' : undefined
  ) as Transaction.ISOLATION_LEVELS | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await i.sequelize.transaction(isolationLevel ? { isolationLevel } : {}, fn);
    } catch (err) {
      if (!isDeadlockVictim(err) || attempt >= DEADLOCK_ATTEMPTS) throw err;
      i.log.warn({ attempt }, 'transaction chosen as deadlock victim; running it again');
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}
