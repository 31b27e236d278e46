import type { Redis } from 'ioredis';
import type { Logger } from './logger';
import type { PubSub } from './pubsub';
import { SingleFlight } from './single-flight';

/**
 * A read-through cache for what every patient reads at the same moment (schedule listings, departments, doctors).
 *
 * Every entry depends on one or more namespaces ("sched:doctor:12", "browse"); `invalidate(ns)` after a change
 * makes every entry that depends on it a miss, in every BFF process:
 * - the shared layer (Redis in production) keys each entry by the current versions of its namespaces, and
 *   invalidating INCRs those versions, so a value loaded from a database read older than the change can only ever
 *   be stored under a version nobody asks for any more;
 * - each process keeps a tiny in-process layer (`localTtlMs`, about a second) tagged with its own generation per
 *   namespace; an invalidation bumps the generation here and, through pub/sub, in every other process. If a
 *   message is lost (Redis restarted) the local layer is dropped when the subscription comes back, and no entry
 *   lives longer than `localTtlMs` anyway.
 *
 * A cached value is for showing, never for deciding: whoever takes a slot reads the database.
 * If Redis fails, reads fall through to `load` (the database) rather than fail.
 */
export interface Cache {
  get<T>(deps: string[], key: string, ttlSec: number, load: () => Promise<T>): Promise<T>;
  /** After a change is committed: every entry depending on any of `namespaces` is reloaded on its next read. */
  invalidate(...namespaces: string[]): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = 'cache:invalidate';
const MAX_LOCAL_ENTRIES = 2_000;

interface LocalEntry {
  value: unknown;
  exp: number;
  deps: string[];
  gens: number[];
}

/** The shared layer: namespace versions and values, across processes. */
interface SharedStore {
  versions(namespaces: string[]): Promise<number[]>;
  bump(namespaces: string[]): Promise<void>;
  read(key: string): Promise<string | null>;
  write(key: string, value: string, ttlSec: number): Promise<void>;
}

class RedisStore implements SharedStore {
  constructor(
    private redis: Redis,
    private prefix: string,
  ) {}
  async versions(namespaces: string[]) {
    const raw = await this.redis.mget(namespaces.map((ns) => `${this.prefix}cv:${ns}`));
    return raw.map((v) => Number(v ?? 0));
  }
  async bump(namespaces: string[]) {
    const m = this.redis.multi();
    // Versions outlive every value stored under them (values live for minutes at most).
    for (const ns of namespaces) m.incr(`${this.prefix}cv:${ns}`).expire(`${this.prefix}cv:${ns}`, 86_400);
    await m.exec();
  }
  read(key: string) {
    return this.redis.get(`${this.prefix}c:${key}`);
  }
  async write(key: string, value: string, ttlSec: number) {
    await this.redis.set(`${this.prefix}c:${key}`, value, 'EX', Math.max(1, Math.ceil(ttlSec)));
  }
}

export class LayeredCache implements Cache {
  private local = new Map<string, LocalEntry>();
  private gens = new Map<string, number>();
  private loading = new SingleFlight<unknown>();
  private unsubscribe?: () => Promise<void>;
  private closed = false;
  private retry?: NodeJS.Timeout;
  private shared?: SharedStore;

  constructor(
    private opts: {
      pubsub: PubSub;
      log: Logger;
      /** Production: the shared layer lives here; absent in embedded mode (one process, the local layer is all). */
      redis?: Redis;
      prefix?: string;
      /** How long a process may answer from its own memory without asking the shared layer. */
      localTtlMs?: number;
    },
  ) {
    if (opts.redis) this.shared = new RedisStore(opts.redis, opts.prefix ?? '');
    if (this.shared) {
      void this.subscribe();
      opts.pubsub.onReconnect?.(() => this.local.clear());
    }
  }

  /**
   * Not awaited by the constructor: a BFF starting while Redis is slow or down must still start. Until the
   * subscription is up (tried again every second) the local layer's short life is what bounds staleness.
   */
  private async subscribe() {
    try {
      const off = await this.opts.pubsub.subscribe(CHANNEL, (m) => this.bumpLocal((m as { ns?: string[] }).ns ?? []));
      if (this.closed) await off();
      else this.unsubscribe = off;
    } catch (err) {
      if (this.closed) return;
      this.opts.log.warn({ err }, 'cache invalidation channel not subscribed yet; trying again');
      this.retry = setTimeout(() => void this.subscribe(), 1_000);
      this.retry.unref();
    }
  }

  private gen(ns: string) {
    return this.gens.get(ns) ?? 0;
  }

  private bumpLocal(namespaces: string[]) {
    for (const ns of namespaces) this.gens.set(ns, this.gen(ns) + 1);
  }

  private fresh(e: LocalEntry | undefined, now: number) {
    return e !== undefined && e.exp > now && e.deps.every((ns, i) => this.gen(ns) === e.gens[i]);
  }

  private remember(key: string, value: unknown, deps: string[], gens: number[], ttlMs: number) {
    if (this.local.size >= MAX_LOCAL_ENTRIES) {
      // Oldest first (Map keeps insertion order): enough for a cache whose entries live a second.
      const drop = [...this.local.keys()].slice(0, MAX_LOCAL_ENTRIES / 4);
      for (const k of drop) this.local.delete(k);
    }
    this.local.set(key, { value, exp: Date.now() + ttlMs, deps, gens });
  }

  async get<T>(deps: string[], key: string, ttlSec: number, load: () => Promise<T>): Promise<T> {
    const hit = this.local.get(key);
    if (this.fresh(hit, Date.now())) return hit!.value as T;
    // One load per key and process at a time: the 07:59 refresh must not become a thousand identical queries.
    return this.loading.run(key, () => this.fill(deps, key, ttlSec, load)) as Promise<T>;
  }

  private async fill<T>(deps: string[], key: string, ttlSec: number, load: () => Promise<T>): Promise<T> {
    const gens = deps.map((ns) => this.gen(ns));
    const localTtlMs = this.shared ? (this.opts.localTtlMs ?? 1_000) : ttlSec * 1000;
    if (!this.shared) {
      const value = JSON.parse(JSON.stringify(await load())) as T;
      this.remember(key, value, deps, gens, localTtlMs);
      return value;
    }
    let sharedKey: string | undefined;
    try {
      const versions = await this.shared.versions(deps);
      sharedKey = `${key}@${versions.join('.')}`;
      const raw = await this.shared.read(sharedKey);
      if (raw !== null) {
        const value = JSON.parse(raw) as T;
        this.remember(key, value, deps, gens, localTtlMs);
        return value;
      }
    } catch (err) {
      this.opts.log.debug({ err }, 'cache read failed; reading the database');
      sharedKey = undefined;
    }
    const value = await load();
    // What is kept is what the shared layer would give back: JSON, the same shape in every process.
    const json = JSON.stringify(value);
    const stored = JSON.parse(json) as T;
    this.remember(key, stored, deps, gens, localTtlMs);
    if (sharedKey) await this.shared.write(sharedKey, json, ttlSec).catch(() => undefined);
    return stored;
  }

  async invalidate(...namespaces: string[]) {
    if (!namespaces.length) return;
    if (!this.shared) return this.bumpLocal(namespaces);
    try {
      // Shared versions first, then this process, then the others: a read in between finds either the new version
      // or an entry the generation bump that follows throws away.
      await this.shared.bump(namespaces);
      this.bumpLocal(namespaces);
    } catch (err) {
      this.bumpLocal(namespaces);
      // The change itself is committed; other processes see it when their local entries lapse (about a second)
      // and the shared values under the old versions run out.
      this.opts.log.warn({ err, namespaces }, 'cache invalidation not delivered');
      return;
    }
    // The other processes are told without the caller waiting for it: their answer was never ordered after this
    // caller's (they learn of it when the message reaches them, whether or not this await is kept), and a rush's
    // winner answers one Redis round trip sooner. A lost message costs what it always did: about a second.
    void this.opts.pubsub
      .publish(CHANNEL, { ns: namespaces })
      .catch((err: unknown) => this.opts.log.warn({ err, namespaces }, 'cache invalidation not delivered'));
  }

  async close() {
    this.closed = true;
    clearTimeout(this.retry);
    await this.unsubscribe?.().catch(() => undefined);
    this.local.clear();
  }
}
