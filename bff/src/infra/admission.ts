import type { Redis } from 'ioredis';

/**
 * Admission counters: how many seats of a session are still free, kept where every BFF process can read them
 * without the database (Redis in production, this process's memory in embedded mode). A counter is a hint in front
 * of the database, never the truth behind a booking: it only lets a process refuse at once when the session is
 * full, and everything else goes on to the database's row lock and unique indexes as before.
 *
 * - `free` reads the counter; when it is missing (first use, expired, Redis restarted) it is rebuilt from `count`
 *   (a database read). Changes made while the rebuild read the database are noticed through a change sequence, and
 *   such a rebuild is not stored (the next request tries again), so a rebuild never overwrites a newer change.
 * - `change` adjusts it after a commit (−1 a seat taken, +1 a seat given back); a missing counter stays missing.
 * - Counters expire (`ttlSec`): a change lost with a crashed process is corrected at the next rebuild.
 * - Any failure of the store makes `free` answer `undefined` (unknown) and callers go on to the database.
 */
export interface Admission {
  free(key: string, count: () => Promise<number | null>): Promise<number | undefined>;
  change(key: string, delta: number): Promise<void>;
  forget(key: string): Promise<void>;
}

const COUNTER_TTL_SEC = 60;
const SEQ_TTL_SEC = 3_600;

const CHANGE = `redis.call('incr', KEYS[2]) redis.call('expire', KEYS[2], ARGV[2])
if redis.call('exists', KEYS[1]) == 1 then return redis.call('incrby', KEYS[1], ARGV[1]) end
return false`;
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
  constructor(private ttlSec = COUNTER_TTL_SEC) {}
  async free(key: string, count: () => Promise<number | null>) {
    const c = this.counters.get(key);
    if (c && c.exp > Date.now()) return c.n;
    this.counters.delete(key);
    const seq = this.seqs.get(key) ?? 0;
    const n = await count();
    if (n === null) return undefined;
    if ((this.seqs.get(key) ?? 0) === seq && !this.counters.has(key))
      this.counters.set(key, { n, exp: Date.now() + this.ttlSec * 1000 });
    return n;
  }
  async change(key: string, delta: number) {
    this.seqs.set(key, (this.seqs.get(key) ?? 0) + 1);
    const c = this.counters.get(key);
    if (c && c.exp > Date.now()) c.n += delta;
    else this.counters.delete(key);
  }
  async forget(key: string) {
    this.seqs.set(key, (this.seqs.get(key) ?? 0) + 1);
    this.counters.delete(key);
  }
}
