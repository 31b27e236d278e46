import type { Logger } from './logger';
import type { PubSub } from './pubsub';

/**
 * A per-process memo, for about a second, of answers every request asks again and again (a login still live, its
 * console session and user rows). Each entry carries tags ("login:<id>"); `drop(tag)` in any process drops the
 * entries carrying it here at once and, through pub/sub, in every other process — so a logout or force logout is
 * seen by the next request everywhere, not when the memo runs out. A load that started before a drop and ends after
 * it is not kept (generation per tag, as the cache's local layer does). If a drop message is lost (Redis restarted)
 * the memo is cleared when the subscription comes back, and nothing lives longer than its ttl anyway.
 */
export interface Memo {
  get<T>(key: string, tags: string[], ttlMs: number, load: () => Promise<T>): Promise<T>;
  /** After a change is committed: entries carrying any of `tags` are dropped in every process; '*' drops all. */
  drop(...tags: string[]): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = 'memo:drop';
const MAX_ENTRIES = 10_000;
const ALL = '*';

interface Entry {
  value: unknown;
  exp: number;
  tags: string[];
  gens: number[];
}

export class LocalMemo implements Memo {
  private entries = new Map<string, Entry>();
  private gens = new Map<string, number>();
  private unsubscribe?: () => Promise<void>;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private pubsub: PubSub,
    private log: Logger,
    /** Several processes (production): drops are published to the others. */
    private shared: boolean,
  ) {
    if (shared) {
      void this.subscribe();
      pubsub.onReconnect?.(() => this.dropLocal([ALL]));
    }
  }

  private async subscribe() {
    try {
      const off = await this.pubsub.subscribe(CHANNEL, (m) => this.dropLocal((m as { tags?: string[] }).tags ?? []));
      if (this.closed) await off();
      else this.unsubscribe = off;
    } catch (err) {
      if (this.closed) return;
      this.log.warn({ err }, 'memo drop channel not subscribed yet; trying again');
      this.retry = setTimeout(() => void this.subscribe(), 1_000);
      this.retry.unref();
    }
  }

  private gen(tag: string) {
    return this.gens.get(tag) ?? 0;
  }

  private dropLocal(tags: string[]) {
    for (const t of tags) this.gens.set(t, this.gen(t) + 1);
    if (tags.includes(ALL)) this.entries.clear();
    else for (const [k, e] of this.entries) if (e.tags.some((t) => tags.includes(t))) this.entries.delete(k);
  }

  async get<T>(key: string, tags: string[], ttlMs: number, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.exp > now) return hit.value as T;
    const all = [...tags, ALL];
    const gens = all.map((t) => this.gen(t));
    const value = await load();
    // Not kept if a drop of one of its tags came while it loaded.
    if (all.every((t, i) => this.gen(t) === gens[i])) {
      if (this.entries.size >= MAX_ENTRIES) {
        const now2 = Date.now();
        for (const [k, e] of this.entries) if (e.exp <= now2) this.entries.delete(k);
        if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      }
      this.entries.set(key, { value, exp: Date.now() + ttlMs, tags, gens });
    }
    return value;
  }

  async drop(...tags: string[]) {
    if (!tags.length) return;
    this.dropLocal(tags);
    if (!this.shared) return;
    try {
      await this.pubsub.publish(CHANNEL, { tags });
    } catch (err) {
      // The change itself is committed; the other processes' entries lapse within their ttl (about a second).
      this.log.warn({ err, tags }, 'memo drop not delivered');
    }
  }

  async close() {
    this.closed = true;
    clearTimeout(this.retry);
    await this.unsubscribe?.().catch(() => undefined);
    this.entries.clear();
  }
}
