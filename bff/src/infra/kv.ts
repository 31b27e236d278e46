import crypto from 'node:crypto';
import { Redis, ReplyError } from 'ioredis';
import { DependencyUnavailableError } from './unavailable';

/** Cache, distributed lock and rate limiter: Redis in production, in-process in embedded mode. */
export interface Kv {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSec: number): Promise<void>;
  /** Sets the key only if it is absent; says whether it did. */
  setIfAbsent(key: string, value: unknown, ttlSec: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /**
   * Runs fn while holding the named lock; throws LockBusyError if it can't be had within waitMs. The lock lapses
   * ttlMs after it was taken — or, with `renew`, ttlMs after the last renewal: the holder extends it every ttlMs/3
   * while fn runs, so a long run keeps it and a process that dies (SIGKILL) lets it go within ttlMs.
   */
  withLock<T>(key: string, fn: () => Promise<T>, opts?: LockOptions): Promise<T>;
  /** Fixed-window counter: counts this hit and says whether it is within limit. */
  hit(
    key: string,
    limit: number,
    windowSec: number,
  ): Promise<{ allowed: boolean; count: number; retryAfterSec: number }>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface LockOptions {
  ttlMs?: number;
  waitMs?: number;
  /** Keep extending the lock while fn runs (long runs with a short ttlMs). */
  renew?: boolean;
}

export class LockBusyError extends Error {
  constructor(key: string) {
    super(`lock busy: ${key}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const HIT = `local c = redis.call('incr', KEYS[1]) if c == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return {c, redis.call('pttl', KEYS[1])}`;

/**
 * Redis as the Kv. The connection is made with a command timeout (see infra/index.ts), and every failure that is not
 * Redis answering "no" (a ReplyError) becomes DependencyUnavailableError, which the HTTP layer answers with 503.
 */
export class RedisKv implements Kv {
  constructor(
    private redis: Redis,
    private prefix: string,
  ) {}
  private k(key: string) {
    return this.prefix + key;
  }
  private async cmd<T>(run: (r: Redis) => Promise<T>): Promise<T> {
    try {
      return await run(this.redis);
    } catch (err) {
      throw err instanceof ReplyError ? err : new DependencyUnavailableError('cache', err);
    }
  }
  async get<T>(key: string) {
    const v = await this.cmd((r) => r.get(this.k(key)));
    return v === null ? undefined : (JSON.parse(v) as T);
  }
  async set(key: string, value: unknown, ttlSec: number) {
    await this.cmd((r) => r.set(this.k(key), JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSec))));
  }
  async setIfAbsent(key: string, value: unknown, ttlSec: number) {
    return (
      (await this.cmd((r) => r.set(this.k(key), JSON.stringify(value), 'EX', Math.max(1, Math.ceil(ttlSec)), 'NX'))) ===
      'OK'
    );
  }
  async del(key: string) {
    await this.cmd((r) => r.del(this.k(key)));
  }
  async withLock<T>(key: string, fn: () => Promise<T>, opts: LockOptions = {}) {
    const { ttlMs = 10_000, waitMs = 5_000 } = opts;
    const token = crypto.randomUUID();
    const lockKey = this.k(`lock:${key}`);
    const deadline = Date.now() + waitMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      if ((await this.cmd((r) => r.set(lockKey, token, 'PX', ttlMs, 'NX'))) === 'OK') break;
      if (Date.now() >= deadline) throw new LockBusyError(key);
      await sleep(delay);
    }
    const renewal = opts.renew ? setInterval(() => void this.extend(lockKey, token, ttlMs), ttlMs / 3) : undefined;
    renewal?.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      // fn's work is done (and committed): a release lost to a Redis outage only means the lock lapses at its TTL.
      await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
    }
  }
  /**
   * One renewal, only while the lock is still ours. A failed one (Redis unreachable) is tried again at the next tick:
   * the lock lapses only after ttlMs without any.
   */
  private async extend(lockKey: string, token: string, ttlMs: number) {
    await this.redis.eval(EXTEND, 1, lockKey, token, String(ttlMs)).catch(() => undefined);
  }
  async hit(key: string, limit: number, windowSec: number) {
    const [count, pttl] = (await this.cmd((r) => r.eval(HIT, 1, this.k(`rl:${key}`), String(windowSec * 1000)))) as [
      number,
      number,
    ];
    return { allowed: count <= limit, count, retryAfterSec: Math.max(1, Math.ceil(pttl / 1000)) };
  }
  async ping() {
    return (await this.cmd((r) => r.ping())) === 'PONG';
  }
  async close() {}
}

export class MemoryKv implements Kv {
  private store = new Map<string, { v: string; exp: number }>();
  private locks = new Map<string, Promise<void>>();
  private live(key: string) {
    const e = this.store.get(key);
    if (e && e.exp <= Date.now()) {
      this.store.delete(key);
      return undefined;
    }
    return e;
  }
  async get<T>(key: string) {
    const e = this.live(key);
    return e ? (JSON.parse(e.v) as T) : undefined;
  }
  async set(key: string, value: unknown, ttlSec: number) {
    this.store.set(key, { v: JSON.stringify(value), exp: Date.now() + ttlSec * 1000 });
  }
  async setIfAbsent(key: string, value: unknown, ttlSec: number) {
    if (this.live(key)) return false;
    await this.set(key, value, ttlSec);
    return true;
  }
  async del(key: string) {
    this.store.delete(key);
  }
  async withLock<T>(key: string, fn: () => Promise<T>, opts: LockOptions = {}) {
    const deadline = Date.now() + (opts.waitMs ?? 5_000);
    while (this.locks.has(key)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new LockBusyError(key);
      await Promise.race([this.locks.get(key), sleep(remaining)]);
    }
    let release!: () => void;
    this.locks.set(key, new Promise<void>((r) => (release = r)));
    try {
      return await fn();
    } finally {
      this.locks.delete(key);
      release();
    }
  }
  async hit(key: string, limit: number, windowSec: number) {
    const k = `rl:${key}`;
    const e = this.live(k);
    const count = e ? Number(e.v) + 1 : 1;
    const exp = e ? e.exp : Date.now() + windowSec * 1000;
    this.store.set(k, { v: String(count), exp });
    return { allowed: count <= limit, count, retryAfterSec: Math.max(1, Math.ceil((exp - Date.now()) / 1000)) };
  }
  async ping() {
    return true;
  }
  async close() {
    this.store.clear();
  }
}
