import type http from 'node:http';
import { infra, type Infra } from '../../infra';
import { RealtimeHub, pubsubChannel, type SocketAuth } from './hub';

export {
  registerChannel,
  registerMessageType,
  personalChannel,
  type RealtimeActor,
  type ChannelGuard,
  type MessageHandler,
} from './channels';
export { WS_PATH, WS_PROTOCOL, CLOSE_UNAUTHENTICATED, type SocketAuth } from './hub';

/**
 * Sends `data` to every socket subscribed to `channel`, on every BFF instance (Redis pub/sub; in-process in embedded
 * mode). Fire-and-forget like pub/sub itself: a client that was offline catches up from the owning domain's store.
 */
export async function publish(channel: string, data: unknown): Promise<void> {
  await infra().pubsub.publish(pubsubChannel(channel), { data });
}

/** The WebSocket endpoint `GET /api/ws` on the BFF's HTTP server; `close()` it before the server on shutdown. */
export function attachRealtime(server: http.Server, i: Infra, auth: SocketAuth): RealtimeHub {
  const hub = new RealtimeHub(i, auth, i.config.WS_HEARTBEAT_MS);
  hub.attach(server);
  return hub;
}
