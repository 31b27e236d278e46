import { randomUUID } from 'node:crypto';
import type { Logger } from './logger';
import type { PubSub } from './pubsub';

/**
 * A per-process memo, for about a second, of answers every request asks again and again (a login still live, its
 * console session and user rows). Each entry carries tags ("login:<id>"); `drop(tag)` in any process drops the
 * entries carrying it here at once and, through pub/sub, in every other process — so a logout or force logout is
 * seen by the next request everywhere, not when the memo runs out. A load that started before a drop and ends after
 * it is not kept (generation per tag, as the cache's local layer does). If a drop message is lost (Redis restarted)
 * the memo is cleared when the subscription comes back, and nothing lives longer than its ttl anyway.
 *
 * A published drop reaches the other processes a moment after the publisher's own answer is sent, and a request
 * that reaches one of them in that moment was still answered from its memo (seen once in CI: a logout's very next
 * request to the other process got 200). Where that moment matters — a login ended — `dropConfirmed` waits until
 * every subscribed process has said it dropped the tags (each answers on its own ack channel), at most
 * DROP_CONFIRM_MS, so the caller's answer is sent only when no process will serve the old value any more.
 */
export interface Memo {
  get<T>(key: string, tags: string[], ttlMs: number, load: () => Promise<T>): Promise<T>;
  /**
   * Where `tags` stand now, before asking something whose answer `put` may keep: an answer learnt some other way than
   * `get`'s load (a rush's admission said the session is full) is kept only if no drop of its tags came meanwhile.
   */
  stamp(tags: string[]): MemoStamp;
  put<T>(key: string, tags: string[], ttlMs: number, value: T, since: MemoStamp): void;
  /** After a change is committed: entries carrying any of `tags` are dropped in every process; '*' drops all. */
  drop(...tags: string[]): Promise<void>;
  /** As drop, and resolves only once every process has dropped them (or after DROP_CONFIRM_MS, logged). */
  dropConfirmed(...tags: string[]): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = 'memo:drop';
const ackChannel = (processId: string) => `memo:ack:${processId}`;
/** How long a confirmed drop waits for the other processes; their entries lapse within their ttl anyway. */
export const DROP_CONFIRM_MS = 2_000;

interface DropMessage {
  tags?: string[];
  /** Set on a confirmed drop: who waits, and for which drop. */
  from?: string;
  ack?: string;
}

interface Waiting {
  acks: number;
  expected?: number;
  done: () => void;
}
const MAX_ENTRIES = 10_000;
const ALL = '*';

/** The generations of a value's tags (and of '*') when it was asked for. */
export interface MemoStamp {
  readonly gens: number[];
}

interface Entry {
  value: unknown;
  exp: number;
  tags: string[];
}

export class LocalMemo implements Memo {
  private entries = new Map<string, Entry>();
  private loading = new Map<string, { since: MemoStamp; value: Promise<unknown> }>();
  private gens = new Map<string, number>();
  private unsubscribe?: () => Promise<void>;
  private retry?: NodeJS.Timeout;
  private closed = false;
  /** This process's name on the ack channels. */
  private readonly id = randomUUID();
  private waiting = new Map<string, Waiting>();

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
      const offAcks = await this.pubsub.subscribe(ackChannel(this.id), (m) => this.acked((m as { ack: string }).ack));
      let offDrops: () => Promise<void>;
      try {
        offDrops = await this.pubsub.subscribe(CHANNEL, (m) => this.dropped(m as DropMessage));
      } catch (err) {
        await offAcks().catch(() => undefined);
        throw err;
      }
      const off = async () => {
        await Promise.all([offDrops(), offAcks()]);
      };
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

  private dropped(m: DropMessage) {
    this.dropLocal(m.tags ?? []);
    if (!m.from || !m.ack) return;
    if (m.from === this.id) this.acked(m.ack);
    else
      void this.pubsub.publish(ackChannel(m.from), { ack: m.ack }).catch((err) => {
        this.log.warn({ err }, 'memo drop not acknowledged');
      });
  }

  private acked(dropId: string) {
    const w = this.waiting.get(dropId);
    if (!w) return;
    w.acks += 1;
    if (w.expected !== undefined && w.acks >= w.expected) w.done();
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
    const since = this.stamp(tags);
    // Requests asking at the same moment (a rush's first answers) share one load, unless a drop came between them.
    const loading = this.loading.get(key);
    if (loading && loading.since.gens.every((g, i) => g === since.gens[i])) return loading.value as Promise<T>;
    const value = load();
    const mine = { since, value };
    this.loading.set(key, mine);
    try {
      const loaded = await value;
      this.put(key, tags, ttlMs, loaded, since);
      return loaded;
    } finally {
      if (this.loading.get(key) === mine) this.loading.delete(key);
    }
  }

  stamp(tags: string[]): MemoStamp {
    return { gens: [...tags, ALL].map((t) => this.gen(t)) };
  }

  put<T>(key: string, tags: string[], ttlMs: number, value: T, since: MemoStamp) {
    // Not kept if a drop of one of its tags came since it was asked for.
    const all = [...tags, ALL];
    if (!all.every((t, i) => this.gen(t) === since.gens[i])) return;
    if (this.entries.size >= MAX_ENTRIES) {
      const now = Date.now();
      for (const [k, e] of this.entries) if (e.exp <= now) this.entries.delete(k);
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    }
    this.entries.set(key, { value, exp: Date.now() + ttlMs, tags });
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

  async dropConfirmed(...tags: string[]) {
    if (!tags.length) return;
    this.dropLocal(tags);
    if (!this.shared) return;
    const dropId = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    let confirmed = false;
    const w: Waiting = { acks: 0, done: () => undefined };
    const all = new Promise<void>((resolve) => {
      w.done = () => {
        confirmed = true;
        resolve();
      };
      timer = setTimeout(resolve, DROP_CONFIRM_MS);
    });
    this.waiting.set(dropId, w);
    try {
      // PUBLISH answers how many subscriptions took the message: each of them (this process's own included) acks.
      w.expected = await this.pubsub.publish(CHANNEL, { tags, from: this.id, ack: dropId } satisfies DropMessage);
      if (w.acks >= w.expected) w.done();
      await all;
      if (!confirmed)
        this.log.warn({ tags, expected: w.expected, acks: w.acks }, 'memo drop not confirmed by every process');
    } catch (err) {
      this.log.warn({ err, tags }, 'memo drop not delivered');
    } finally {
      clearTimeout(timer);
      this.waiting.delete(dropId);
    }
  }

  async close() {
    this.closed = true;
    clearTimeout(this.retry);
    await this.unsubscribe?.().catch(() => undefined);
    this.entries.clear();
  }
}
