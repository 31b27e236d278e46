import type { Redis } from 'ioredis';
import { SingleFlight } from './single-flight';

/**
 * Admission: the free numbers (tickets) of a session, kept where every BFF process reaches them without the database
 * (Redis in production, this process's memory in embedded mode). The database stays the truth behind every booking
 * (its unique index on (session, number)); the pool decides who may try, and with which number:
 *
 * - `admit` hands a request the lowest ticket whose score is at least `minScore`, and at most `maxScore` when one is
 *   given (a time band of the session) ('admitted' with that ticket: it goes on to the database and inserts exactly
 *   that number). With none left it answers 'full' — refused at once, no database; 'passed' when free tickets are
 *   left but none in [`minScore`, `maxScore`] (below `minScore`, or outside the band: the session as a whole is not
 *   known to be full, so a caller must not remember it so) — unless the same holder (account) has an
 *   admitted request still in flight ('in-flight': that one may yet fail, so the database answers this one too, e.g.
 *   "already booked" for a double tap). A missing pool (first
 *   use, expired, Redis restarted) is rebuilt from `load` (a database read); 'unknown' when that can't be done (the
 *   store is down, or a change raced the rebuild), and the caller goes to the database's own way of choosing.
 * - A ticket handed out is leased (`LEASE_SEC`) until `done`: a rebuild meanwhile leaves it out, so a number in
 *   flight is not handed out twice. `done` ends it: 'taken' (booked), 'returned' (the request failed; the ticket goes
 *   back) or 'recount' (the database disagreed — full, or the number already held: drop the pool, rebuild it).
 * - `take` / `give` follow a commit made outside admission (a number taken by a waitlist offer, a late payment or a
 *   request that went to the database without a ticket; a number freed by an expiry or a cancellation); a missing
 *   pool stays missing.
 * - A change sequence per pool makes a rebuild that read the database before a change not stored, so a rebuild never
 *   overwrites a newer change; pools expire (`ttlSec`), so a ticket lost with a crashed process comes back at the
 *   next rebuild.
 */
export interface Ticket {
  /** The number itself (≥ 1). */
  n: number;
  /** Orders the tickets (lowest first); `admit` skips those below its `minScore`. Unique per pool. */
  score: number;
}
export type Admit = { answer: 'admitted'; ticket: Ticket } | { answer: 'full' | 'passed' | 'in-flight' | 'unknown' };
export type AdmissionEnd = 'taken' | 'returned' | 'recount';
/** The free tickets from the database; null when the session takes no bookings (the database answers). */
export type LoadTickets = () => Promise<Ticket[] | null>;

export interface Admission {
  admit(key: string, holder: string, minScore: number, load: LoadTickets, maxScore?: number): Promise<Admit>;
  done(key: string, holder: string, ticket: Ticket, end: AdmissionEnd): Promise<void>;
  /** How many tickets the pool holds, rebuilt with `load` when missing; undefined when unknown. */
  free(key: string, load: LoadTickets): Promise<number | undefined>;
  take(key: string, n: number): Promise<void>;
  give(key: string, ticket: Ticket): Promise<void>;
  forget(key: string): Promise<void>;
  /** How many tickets are leased to requests still in flight (leases not run out); undefined when unknown. */
  inFlight(key: string): Promise<number | undefined>;
}

const POOL_TTL_SEC = 60;
const SEQ_TTL_SEC = 3_600;
/** An admitted request is expected to end well within this; a mark or lease left by a crashed process lapses. */
const LEASE_SEC = 30;

// The pool is a sorted set (score → number) with a sentinel member at -inf, so an empty pool still exists.
const ADMIT = `if redis.call('exists', KEYS[1]) == 0 then return -1 end
local t = redis.call('zrangebyscore', KEYS[1], ARGV[1], ARGV[4], 'WITHSCORES', 'LIMIT', 0, 1)
if t[1] then
  redis.call('zrem', KEYS[1], t[1])
  redis.call('incr', KEYS[2]) redis.call('expire', KEYS[2], ARGV[2])
  redis.call('zadd', KEYS[3], ARGV[3], t[1]) redis.call('expire', KEYS[3], ARGV[2])
  return t
end
if tonumber(redis.call('get', KEYS[2]) or '0') > 0 then return -2 end
if redis.call('zcard', KEYS[1]) > 1 then return -3 end
return 0`;
const DONE = `if redis.call('decr', KEYS[2]) <= 0 then redis.call('del', KEYS[2]) end
redis.call('zrem', KEYS[4], ARGV[2])
if ARGV[1] == 'returned' then
  redis.call('incr', KEYS[3]) redis.call('expire', KEYS[3], ARGV[4])
  if redis.call('exists', KEYS[1]) == 1 then redis.call('zadd', KEYS[1], ARGV[3], ARGV[2]) end
elseif ARGV[1] == 'recount' then
  redis.call('incr', KEYS[3]) redis.call('expire', KEYS[3], ARGV[4])
  redis.call('del', KEYS[1])
end
return 0`;
const TAKE = `redis.call('incr', KEYS[2]) redis.call('expire', KEYS[2], ARGV[2])
if redis.call('exists', KEYS[1]) == 1 then redis.call('zrem', KEYS[1], ARGV[1]) end
return 0`;
const GIVE = `redis.call('incr', KEYS[2]) redis.call('expire', KEYS[2], ARGV[3])
if redis.call('exists', KEYS[1]) == 1 then redis.call('zadd', KEYS[1], ARGV[2], ARGV[1]) end
return 0`;
// Stored only if no change came since the caller read the sequence and no other rebuild got there first; tickets
// leased to requests in flight stay out.
const REBUILD = `if (redis.call('get', KEYS[2]) or '') ~= ARGV[1] then return 0 end
if redis.call('exists', KEYS[1]) == 1 then return 0 end
redis.call('zremrangebyscore', KEYS[3], '-inf', ARGV[3])
local add = {'-inf', '_'}
for i = 4, #ARGV, 2 do
  if not redis.call('zscore', KEYS[3], ARGV[i + 1]) then add[#add + 1] = ARGV[i] add[#add + 1] = ARGV[i + 1] end
end
redis.call('zadd', KEYS[1], unpack(add))
redis.call('expire', KEYS[1], ARGV[2])
return 1`;

export class RedisAdmission implements Admission {
  private rebuilds = new SingleFlight<number | undefined>(); // a rush's first requests share one rebuild
  constructor(
    private redis: Redis,
    private prefix: string,
    private ttlSec = POOL_TTL_SEC,
  ) {}
  private keys(key: string) {
    const base = `${this.prefix}seats:${key}`;
    return { pool: base, seq: `${base}:seq`, leases: `${base}:out` };
  }
  private holderKey(key: string, holder: string) {
    return `${this.prefix}seats:${key}:h:${holder}`;
  }
  async admit(key: string, holder: string, minScore: number, load: LoadTickets, maxScore?: number): Promise<Admit> {
    const { pool, leases } = this.keys(key);
    const run = async () =>
      (await this.redis.eval(
        ADMIT,
        3,
        pool,
        this.holderKey(key, holder),
        leases,
        String(minScore),
        String(LEASE_SEC),
        String(Date.now() + LEASE_SEC * 1000),
        maxScore === undefined ? '+inf' : String(maxScore),
      )) as number | [string, string];
    try {
      let r = await run();
      if (r === -1) {
        if ((await this.free(key, load)) === undefined) return { answer: 'unknown' };
        r = await run();
      }
      if (Array.isArray(r)) return { answer: 'admitted', ticket: { n: Number(r[0]), score: Number(r[1]) } };
      return { answer: r === 0 ? 'full' : r === -3 ? 'passed' : r === -2 ? 'in-flight' : 'unknown' };
    } catch {
      // No answer (e.g. timed out) — the script may still have run and leased a ticket nobody will end.
      await this.reset(key);
      return { answer: 'unknown' };
    }
  }
  async done(key: string, holder: string, ticket: Ticket, end: AdmissionEnd) {
    const { pool, seq, leases } = this.keys(key);
    await this.redis
      .eval(
        DONE,
        4,
        pool,
        this.holderKey(key, holder),
        seq,
        leases,
        end,
        String(ticket.n),
        String(ticket.score),
        String(SEQ_TTL_SEC),
      )
      .catch(() => this.reset(key));
  }
  async free(key: string, load: LoadTickets) {
    try {
      const count = await this.redis.zcard(this.keys(key).pool);
      if (count > 0) return count - 1;
    } catch {
      return undefined;
    }
    return this.rebuilds.run(key, () => this.rebuild(key, load));
  }
  private async rebuild(key: string, load: LoadTickets) {
    const { pool, seq, leases } = this.keys(key);
    try {
      const s = await this.redis.get(seq);
      const tickets = await load();
      if (tickets === null) return undefined;
      const args = tickets.flatMap((t) => [String(t.score), String(t.n)]);
      await this.redis.eval(REBUILD, 3, pool, seq, leases, s ?? '', String(this.ttlSec), String(Date.now()), ...args);
      const after = await this.redis.zcard(pool);
      return after > 0 ? after - 1 : tickets.length;
    } catch {
      return undefined;
    }
  }
  async take(key: string, n: number) {
    const { pool, seq } = this.keys(key);
    await this.redis.eval(TAKE, 2, pool, seq, String(n), String(SEQ_TTL_SEC)).catch(() => this.reset(key));
  }
  async give(key: string, ticket: Ticket) {
    const { pool, seq } = this.keys(key);
    await this.redis
      .eval(GIVE, 2, pool, seq, String(ticket.n), String(ticket.score), String(SEQ_TTL_SEC))
      .catch(() => this.reset(key));
  }
  /**
   * A change that may or may not have reached the pool (no answer): pool and leases are dropped, so the next admit
   * rebuilds from the database; numbers then in flight may be handed out twice, and the database's unique index
   * sends the second to the database-chosen path — slower, never wrong.
   */
  private async reset(key: string) {
    const { pool, seq, leases } = this.keys(key);
    await this.redis
      .multi()
      .del(pool, leases)
      .incr(seq)
      .expire(seq, SEQ_TTL_SEC)
      .exec()
      .catch(() => undefined);
  }
  async inFlight(key: string) {
    try {
      return await this.redis.zcount(this.keys(key).leases, `(${Date.now()}`, '+inf');
    } catch {
      return undefined;
    }
  }
  async forget(key: string) {
    const { pool, seq } = this.keys(key);
    // The sequence moves too, so a rebuild that read the database before this is not stored.
    await this.redis
      .multi()
      .del(pool)
      .incr(seq)
      .expire(seq, SEQ_TTL_SEC)
      .exec()
      .catch(() => undefined);
  }
}

/** The same in this process's memory (embedded mode: one process). */
export class MemoryAdmission implements Admission {
  /** Tickets sorted by score, lowest first. */
  private pools = new Map<string, { tickets: Ticket[]; exp: number }>();
  private seqs = new Map<string, number>();
  private holders = new Map<string, number>();
  /** Tickets in flight per pool: number → lease expiry. */
  private leases = new Map<string, Map<number, number>>();
  private rebuilds = new SingleFlight<number | undefined>(); // a rush's first requests share one rebuild
  constructor(private ttlSec = POOL_TTL_SEC) {}
  private live(key: string) {
    const c = this.pools.get(key);
    if (c && c.exp > Date.now()) return c;
    this.pools.delete(key);
    return undefined;
  }
  private bump(key: string) {
    this.seqs.set(key, (this.seqs.get(key) ?? 0) + 1);
  }
  async admit(key: string, holder: string, minScore: number, load: LoadTickets, maxScore = Infinity): Promise<Admit> {
    if (!this.live(key) && (await this.free(key, load)) === undefined) return { answer: 'unknown' };
    const c = this.live(key);
    if (!c) return { answer: 'unknown' };
    const h = `${key}|${holder}`;
    const i = c.tickets.findIndex((t) => t.score >= minScore);
    if (i >= 0 && c.tickets[i].score <= maxScore) {
      const [ticket] = c.tickets.splice(i, 1);
      this.holders.set(h, (this.holders.get(h) ?? 0) + 1);
      if (!this.leases.has(key)) this.leases.set(key, new Map());
      this.leases.get(key)!.set(ticket.n, Date.now() + LEASE_SEC * 1000);
      return { answer: 'admitted', ticket };
    }
    if ((this.holders.get(h) ?? 0) > 0) return { answer: 'in-flight' };
    return { answer: c.tickets.length ? 'passed' : 'full' };
  }
  async done(key: string, holder: string, ticket: Ticket, end: AdmissionEnd) {
    const h = `${key}|${holder}`;
    const left = (this.holders.get(h) ?? 0) - 1;
    if (left > 0) this.holders.set(h, left);
    else this.holders.delete(h);
    this.leases.get(key)?.delete(ticket.n);
    if (end === 'returned') await this.give(key, ticket);
    else if (end === 'recount') await this.forget(key);
  }
  async free(key: string, load: LoadTickets) {
    const c = this.live(key);
    if (c) return c.tickets.length;
    return this.rebuilds.run(key, () => this.rebuild(key, load));
  }
  private async rebuild(key: string, load: LoadTickets) {
    const seq = this.seqs.get(key) ?? 0;
    const tickets = await load();
    if (tickets === null) return undefined;
    if ((this.seqs.get(key) ?? 0) === seq && !this.live(key)) {
      const now = Date.now();
      const leased = this.leases.get(key) ?? new Map<number, number>();
      for (const [n, exp] of leased) if (exp <= now) leased.delete(n);
      const kept = tickets.filter((t) => !leased.has(t.n)).sort((a, b) => a.score - b.score);
      this.pools.set(key, { tickets: kept, exp: now + this.ttlSec * 1000 });
      return kept.length;
    }
    return tickets.length;
  }
  async take(key: string, n: number) {
    this.bump(key);
    const c = this.live(key);
    if (c) c.tickets = c.tickets.filter((t) => t.n !== n);
  }
  async give(key: string, ticket: Ticket) {
    this.bump(key);
    const c = this.live(key);
    if (!c || c.tickets.some((t) => t.n === ticket.n)) return;
    const i = c.tickets.findIndex((t) => t.score > ticket.score);
    c.tickets.splice(i < 0 ? c.tickets.length : i, 0, ticket);
  }
  async forget(key: string) {
    this.bump(key);
    this.pools.delete(key);
  }
  async inFlight(key: string) {
    const now = Date.now();
    return [...(this.leases.get(key)?.values() ?? [])].filter((exp) => exp > now).length;
  }
}
