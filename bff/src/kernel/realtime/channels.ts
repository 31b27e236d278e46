import type { AdminActor, MpActor } from '../../http/actor';

/** Who holds a socket: a patient (mini-program) or a staff member (console), authenticated like an HTTP request. */
export type RealtimeActor = MpActor | AdminActor;

/** Whether `actor` may listen on `channel`. Registered by the domain that owns the channel's prefix. */
export type ChannelGuard = (actor: RealtimeActor, channel: string) => boolean | Promise<boolean>;

/** A client frame type a domain handles itself (e.g. chat's `send`); `reply` answers on the same socket. */
export type MessageHandler = (
  actor: RealtimeActor,
  frame: Record<string, unknown>,
  reply: (frame: object) => void,
) => void | Promise<void>;

const guards = new Map<string, ChannelGuard>();
const handlers = new Map<string, MessageHandler>();

/**
 * Domains register the channel prefixes they publish on together with who may subscribe; the kernel knows no domain.
 * A channel no registered prefix covers cannot be subscribed to at all.
 */
export function registerChannel(prefix: string, guard: ChannelGuard) {
  if (!prefix) throw new Error('a channel prefix must not be empty');
  if (guards.has(prefix) && guards.get(prefix) !== guard)
    throw new Error(`channel prefix ${prefix} is already registered`);
  guards.set(prefix, guard);
}

/** The guard of the longest registered prefix of `channel`, so `consult:` and `consult:staff:` can differ. */
export function guardFor(channel: string): ChannelGuard | undefined {
  let best: string | undefined;
  for (const prefix of guards.keys())
    if (channel.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
  return best === undefined ? undefined : guards.get(best);
}

const RESERVED = new Set(['subscribe', 'unsubscribe', 'ping']);
export function registerMessageType(type: string, handler: MessageHandler) {
  if (RESERVED.has(type)) throw new Error(`${type} is a kernel frame type`);
  if (handlers.has(type) && handlers.get(type) !== handler) throw new Error(`frame type ${type} is already registered`);
  handlers.set(type, handler);
}
export const messageHandler = (type: string) => handlers.get(type);

/**
 * Every signed-in person has a personal channel the kernel itself guards: `mp-user:<id>` for patients and
 * `admin-user:<id>` for staff (two id spaces, hence two prefixes). Notifications publish new notices there.
 */
export const personalChannel = (actor: Pick<RealtimeActor, 'kind' | 'userId'>) => `${actor.kind}-user:${actor.userId}`;
registerChannel('mp-user:', (actor, channel) => actor.kind === 'mp' && channel === personalChannel(actor));
registerChannel('admin-user:', (actor, channel) => actor.kind === 'admin' && channel === personalChannel(actor));
