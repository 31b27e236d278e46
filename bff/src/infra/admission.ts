import type { Redis } from 'ioredis';

/**
 * Admission counters: how many seats of a session are still free, kept where every BFF process reaches them without
 * the database (Redis in production, this process's memory in embedded mode). The database stays the truth behind
 * every booking; the counter decides only who may try:
 *
 * - `admit` takes a seat from the counter for a request ('admitted': it goes on to the database's row lock and
 *   unique indexes as before). With no seat left it answers 'full' — refused at once, no database, no lock — unless
 *   the same holder (account) has an admitted request still in flight ('in-flight': that one may yet fail, so the
 *   database answers this one too, e.g. "already booked" for a double tap). A missing counter (first use, expired,
 *   Redis restarted) is rebuilt from `count` (a database read); 'unknown' when that can't be done (the store is
 *   down, or a change raced the rebuild), and the caller goes to the database as before.
 * - `done` ends an admitted request: 'taken' (it booked the seat), 'returned' (it failed; the seat goes back) or
 *   'recount' (the database said full although the counter had a seat: drop the counter, rebuild it next time).
 * - `change` adjusts the counter after a commit made outside admission (+1 a seat given back by an expiry or a
 *   cancellation, −1 a seat taken by a waitlist offer or a late payment); a missing counter stays missing.
 * - A change sequence per counter makes a rebuild that read the database before a change not stored, so a rebuild
 *   never overwrites a newer change; counters expire (`ttlSec`), so a seat lost with a crashed process comes back
 *   at the next rebuild.
 */
export type Admit = 'admitted' | 'full' | 'in-flight' | 'unknown';
export type AdmissionEnd = 'taken' | 'returned' | 'recount';

export interface Admission {
  admit(key: string, holder: string, count: () => Promise<number | null>): Promise<Admit>;
  done(key: string, holder: string, end: AdmissionEnd): Promise<void>;
  /** The counter as it stands, rebuilt with `count` when missing; undefined when unknown. */
  free(key: string, count: () => Promise<number | null>): Promise<number | undefined>;
  change(key: string, delta: number): Promise<void>;
  forget(key: string): Promise<void>;
}

const COUNTER_TTL_SEC = 60;
const SEQ_TTL_SEC = 3_600;

const CHANGE = `redis.call('incr', KEYS[2]) redis.call('expire', KEYS[2], ARGV[2])
if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end
return false`;
const ADMIT = `local v = redis.call('get', KEYS[1])
if not v then return -1 end
if tonumber(v) > 0 then
  redis.call('decr', KEYS[1])
  redis.call('incr', KEYS[2]) redis.call('expire', KEYS[2], ARGV[1])
  return 1
end
if tonumber(redis.call('get', KEYS[2]) or '0') > 0 then return 2 end
return 0`;
const DONE = `if redis.call('decr', KEYS[2]) <= 0 then redis.call('del', KEYS[2]) end
if ARGV[1] == 'returned' then
  redis.call('incr', KEYS[3]) redis.call('expire', KEYS[3], ARGV[2])
  if redis.call('exists', KEYS[1]) == 1 then redis.call('incr', KEYS[1]) end
elseif ARGV[1] == 'recount' then
  redis.call('incr', KEYS[3]) redis.call('expire', KEYS[3], ARGV[2])
  redis.call('del', KEYS[1])
end
return 0`;
const ADMIT_ANSWER: Record<number, Admit> = { 1: 'admitted', 0: 'full', 2: 'in-flight' };
/** An admitted request is expected to end well within this; a mark left by a crashed process lapses. */
const HOLDER_TTL_SEC = 30;
const REBUILD = `if (redis.call('get', KEYS[2]) or '') ~= ARGV[3] then return 0 end
if redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then return 1 end
return 0`;

export class RedisAdmission implements Admission {
  constructor(
    private redis: Redis,
    private prefix: string,
    private ttlSec = COUNTER_TTL_SEC,
  ) {}
  private keys(key: string) {
    return [`${this.prefix}adm:${key}`, `${this.prefix}adm:${key}:seq`];
  }
  private holderKey(key: string, holder: string) {
    return `${this.prefix}adm:${key}:h:${holder}`;
  }
  async admit(key: string, holder: string, count: () => Promise<number | null>): Promise<Admit> {
    const [counter] = this.keys(key);
    const run = async () =>
      (await this.redis.eval(ADMIT, 2, counter, this.holderKey(key, holder), String(HOLDER_TTL_SEC))) as number;
    try {
      let r = await run();
      if (r === -1) {
        if ((await this.free(key, count)) === undefined) return 'unknown';
        r = await run();
      }
      return ADMIT_ANSWER[r] ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }
  async done(key: string, holder: string, end: AdmissionEnd) {
    const [counter, seq] = this.keys(key);
    await this.redis
      .eval(DONE, 3, counter, this.holderKey(key, holder), seq, end, String(SEQ_TTL_SEC))
      .catch(() => undefined);
  }
  async free(key: string, count: () => Promise<number | null>) {
    const [counter, seq] = this.keys(key);
    try {
      const [v, s] = await this.redis.mget(counter, seq);
      if (v !== null) return Number(v);
      const n = await count();
      if (n === null) return undefined;
      await this.redis.eval(REBUILD, 2, counter, seq, String(n), String(this.ttlSec), s ?? '');
      return n;
    } catch {
      return undefined;
    }
  }
  async change(key: string, delta: number) {
    const [counter, seq] = this.keys(key);
    await this.redis.eval(CHANGE, 2, counter, seq, String(delta), String(SEQ_TTL_SEC)).catch(() => undefined);
  }
  async forget(key: string) {
    const [counter, seq] = this.keys(key);
    // The sequence moves too, so a rebuild that read the database before this is not stored.
    await this.redis
      .multi()
      .del(counter)
      .incr(seq)
      .expire(seq, SEQ_TTL_SEC)
      .exec()
      .catch(() => undefined);
  }
}

export class MemoryAdmission implements Admission {
  private counters = new Map<string, { n: number; exp: number }>();
  private seqs = new Map<string, number>();
  private holders = new Map<string, number>();
  constructor(private ttlSec = COUNTER_TTL_SEC) {}
  private live(key: string) {
    const c = this.counters.get(key);
    if (c && c.exp > Date.now()) return c;
    this.counters.delete(key);
    return undefined;
  }
  async admit(key: string, holder: string, count: () => Promise<number | null>): Promise<Admit> {
    if (!this.live(key) && (await this.free(key, count)) === undefined) return 'unknown';
    const c = this.live(key);
    if (!c) return 'unknown';
    const h = `${key}|${holder}`;
    if (c.n > 0) {
      c.n--;
      this.holders.set(h, (this.holders.get(h) ?? 0) + 1);
      return 'admitted';
    }
    return (this.holders.get(h) ?? 0) > 0 ? 'in-flight' : 'full';
  }
  async done(key: string, holder: string, end: AdmissionEnd) {
    const h = `${key}|${holder}`;
    const left = (this.holders.get(h) ?? 0) - 1;
    if (left > 0) this.holders.set(h, left);
    else this.holders.delete(h);
    if (end === 'returned') await this.change(key, +1);
    else if (end === 'recount') await this.forget(key);
  }
  async free(key: string, count: () => Promise<number | null>) {
    const c = this.live(key);
    if (c) return c.n;
    const seq = this.seqs.get(key) ?? 0;
    const n = await count();
    if (n === null) return undefined;
    if ((this.seqs.get(key) ?? 0) === seq && !this.live(key))
      this.counters.set(key, { n, exp: Date.now() + this.ttlSec * 1000 });
    return n;
  }
  async change(key: string, delta: number) {
    this.seqs.set(key, (this.seqs.get(key) ?? 0) + 1);
    const c = this.live(key);
    if (c) c.n += delta;
  }
  async forget(key: string) {
    this.seqs.set(key, (this.seqs.get(key) ?? 0) + 1);
    this.counters.delete(key);
  }
}
