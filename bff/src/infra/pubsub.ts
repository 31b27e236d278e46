import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { DependencyUnavailableError } from './unavailable';

export type Handler = (message: unknown) => void;

/** Fan-out between BFF instances (Redis pub/sub) or inside one process (embedded mode). */
export interface PubSub {
  /** Resolves with how many subscribers (processes) the message was handed to. */
  publish(channel: string, message: unknown): Promise<number>;
  subscribe(channel: string, handler: Handler): Promise<() => Promise<void>>;
  /** Called each time the subscription connection is (re)established: messages sent while it was down are lost. */
  onReconnect?(fn: () => void): void;
  close(): Promise<void>;
}

export class RedisPubSub implements PubSub {
  private sub: Redis;
  private handlers = new Map<string, Set<Handler>>();
  constructor(
    private pub: Redis,
    private prefix: string,
  ) {
    this.sub = pub.duplicate();
    // The main connection's watcher reports outages (infra/index.ts); ioredis resubscribes by itself on reconnect.
    this.sub.on('error', () => undefined);
    this.sub.on('message', (channel: string, raw: string) => {
      const name = channel.slice(this.prefix.length);
      for (const h of this.handlers.get(name) ?? []) h(JSON.parse(raw));
    });
  }
  async publish(channel: string, message: unknown) {
    return this.pub.publish(this.prefix + channel, JSON.stringify(message)).catch((err) => {
      throw new DependencyUnavailableError('cache', err);
    });
  }
  async subscribe(channel: string, handler: Handler) {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      try {
        await this.sub.subscribe(this.prefix + channel);
      } catch (err) {
        // Not subscribed after all: forget the channel, so that trying again really subscribes.
        this.handlers.delete(channel);
        throw new DependencyUnavailableError('cache', err);
      }
    }
    set.add(handler);
    return async () => {
      set!.delete(handler);
      if (set!.size === 0) {
        this.handlers.delete(channel);
        await this.sub.unsubscribe(this.prefix + channel);
      }
    };
  }
  onReconnect(fn: () => void) {
    this.sub.on('ready', fn);
  }
  async close() {
    this.sub.disconnect();
  }
}

export class MemoryPubSub implements PubSub {
  private ee = new EventEmitter().setMaxListeners(0);
  async publish(channel: string, message: unknown) {
    // Round-trip through JSON so in-process subscribers see what Redis subscribers would.
    const receivers = this.ee.listenerCount(channel);
    this.ee.emit(channel, JSON.parse(JSON.stringify(message)));
    return receivers;
  }
  async subscribe(channel: string, handler: Handler) {
    this.ee.on(channel, handler);
    return async () => {
      this.ee.off(channel, handler);
    };
  }
  async close() {
    this.ee.removeAllListeners();
  }
}
