import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Infra } from '../../infra';
import { AppError } from '../../http/errors';
import { guardFor, messageHandler, personalChannel, type RealtimeActor } from './channels';

export const WS_PATH = '/api/ws';
/** The subprotocol a browser or mini-program offers next to its access token, and the one the server selects. */
export const WS_PROTOCOL = 'yiyun';
/** Close codes in the application range: 4401 the login ended or the token expired (reconnect with a fresh one). */
export const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_GOING_AWAY = 1001;

const MAX_FRAME_BYTES = 64 * 1024;
const MAX_CHANNELS_PER_SOCKET = 200;
const CHANNEL_NAME = /^[\w:.-]{1,200}$/;

export interface SocketAuth {
  /** The actor a token belongs to; throws a 401 AppError when the token is bad, expired or its login has ended. */
  authenticate(token: string): Promise<RealtimeActor>;
  /** Whether the token's login is still live (asked on every heartbeat), without counting as the person's activity. */
  stillValid(token: string): Promise<boolean>;
}

interface Client {
  ws: WebSocket;
  actor: RealtimeActor;
  token: string;
  channels: Set<string>;
  alive: boolean;
}

/** One instance-wide subscription on the pub/sub per channel that any local socket listens on. */
interface LocalChannel {
  clients: Set<Client>;
  subscribed: Promise<() => Promise<void>>;
}

export const pubsubChannel = (channel: string) => `rt:${channel}`;

/**
 * The WebSocket endpoint: one socket per app multiplexes every channel (WeChat allows a mini-program five sockets in
 * all). Messages reach sockets through the infra pub/sub, so a publish on any instance reaches every instance.
 */
export class RealtimeHub {
  private wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  private clients = new Set<Client>();
  private local = new Map<string, LocalChannel>();
  private timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private infra: Infra,
    private auth: SocketAuth,
    private heartbeatMs: number,
  ) {
    this.timer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.timer.unref();
  }

  attach(server: http.Server) {
    server.on(
      'upgrade',
      (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head),
    );
  }

  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== WS_PATH || this.closed) return refuse(socket, 404, 'ROUTE_NOT_FOUND', '接口不存在');
    const token = tokenOf(req);
    if (!token) return refuse(socket, 401, 'UNAUTHENTICATED', '请先登录');
    let actor: RealtimeActor;
    try {
      actor = await this.auth.authenticate(token);
    } catch (err) {
      if (err instanceof AppError) return refuse(socket, err.status, err.code, err.message);
      this.infra.log.warn({ err }, 'websocket authentication failed');
      return refuse(socket, 503, 'UNAVAILABLE', '服务暂时不可用，请稍后重试');
    }
    if (actor.kind === 'admin' && actor.mustChangePassword)
      return refuse(socket, 403, 'PASSWORD_CHANGE_REQUIRED', '请先修改初始密码');
    if (!socket.writable || this.closed) return socket.destroy();
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, actor, token));
  }

  private connected(ws: WebSocket, actor: RealtimeActor, token: string) {
    const client: Client = { ws, actor, token, channels: new Set(), alive: true };
    this.clients.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (raw, isBinary) => void this.onFrame(client, raw, isBinary));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => void this.disconnected(client));
    send(client, {
      type: 'ready',
      user: { kind: actor.kind, userId: actor.userId },
      personalChannel: personalChannel(actor),
    });
  }

  private async onFrame(client: Client, raw: unknown, isBinary: boolean) {
    client.alive = true;
    let frame: Record<string, unknown>;
    try {
      if (isBinary) throw new Error('binary');
      const parsed: unknown = JSON.parse(String(raw));
      if (
        !parsed ||
        typeof parsed !== 'object' ||
        Array.isArray(parsed) ||
        typeof (parsed as { type?: unknown }).type !== 'string'
      )
        throw new Error('shape');
      frame = parsed as Record<string, unknown>;
    } catch {
      return send(client, { type: 'error', code: 'BAD_FRAME', message: '消息格式有误：应为带 type 的 JSON 对象' });
    }
    const id = typeof frame.id === 'string' || typeof frame.id === 'number' ? frame.id : undefined;
    try {
      switch (frame.type) {
        case 'ping':
          return send(client, { type: 'pong', id });
        case 'subscribe':
          await this.subscribe(client, channelOf(frame));
          return send(client, { type: 'subscribed', channel: frame.channel, id });
        case 'unsubscribe':
          await this.unsubscribe(client, channelOf(frame));
          return send(client, { type: 'unsubscribed', channel: frame.channel, id });
        default: {
          const handler = messageHandler(frame.type as string);
          if (!handler)
            throw new AppError(400, 'UNKNOWN_FRAME_TYPE', `不支持的消息类型：${String(frame.type).slice(0, 40)}`);
          await handler(client.actor, frame, (reply) => send(client, { ...reply, id }));
        }
      }
    } catch (err) {
      if (err instanceof AppError)
        return send(client, { type: 'error', code: err.code, message: err.message, channel: frame.channel, id });
      this.infra.log.error({ err, frameType: String(frame.type).slice(0, 40) }, 'websocket frame failed');
      send(client, { type: 'error', code: 'INTERNAL', message: '服务器开小差了，请稍后再试', id });
    }
  }

  private async subscribe(client: Client, channel: string) {
    if (client.channels.has(channel)) return;
    if (client.channels.size >= MAX_CHANNELS_PER_SOCKET)
      throw new AppError(400, 'TOO_MANY_CHANNELS', `每个连接最多订阅 ${MAX_CHANNELS_PER_SOCKET} 个频道`);
    const guard = guardFor(channel);
    if (!guard || !(await guard(client.actor, channel))) throw new AppError(403, 'CHANNEL_FORBIDDEN', '无权订阅该频道');
    if (client.ws.readyState !== client.ws.OPEN) return;
    client.channels.add(channel);
    let entry = this.local.get(channel);
    if (!entry) {
      const clients = new Set<Client>();
      entry = {
        clients,
        subscribed: this.infra.pubsub.subscribe(pubsubChannel(channel), (m) => this.deliver(clients, channel, m)),
      };
      this.local.set(channel, entry);
    }
    entry.clients.add(client);
    try {
      // Acknowledged only once the instance listens, so anything published after the ack reaches this socket.
      await entry.subscribed;
    } catch (err) {
      client.channels.delete(channel);
      entry.clients.delete(client);
      if (this.local.get(channel) === entry) this.local.delete(channel);
      throw err;
    }
  }

  private async unsubscribe(client: Client, channel: string) {
    if (!client.channels.delete(channel)) return;
    const entry = this.local.get(channel);
    if (!entry) return;
    entry.clients.delete(client);
    if (entry.clients.size > 0) return;
    this.local.delete(channel);
    const stop = await entry.subscribed.catch(() => undefined);
    await stop?.().catch(() => undefined);
  }

  private deliver(clients: Set<Client>, channel: string, message: unknown) {
    const frame = JSON.stringify({ type: 'message', channel, data: (message as { data?: unknown })?.data });
    for (const c of clients) if (c.ws.readyState === c.ws.OPEN) c.ws.send(frame);
  }

  private async disconnected(client: Client) {
    this.clients.delete(client);
    for (const channel of [...client.channels]) await this.unsubscribe(client, channel);
  }

  /**
   * A socket that did not answer the previous ping (nor send anything) since the last tick is dead — a phone that
   * lost its network never sends a close — and is dropped. A socket whose login ended or whose token expired is
   * closed with 4401 so the client reconnects with a fresh token.
   */
  private async heartbeat() {
    const live: Client[] = [];
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
      live.push(c);
    }
    // A cache or database blip keeps sockets open (they were valid a tick ago) rather than dropping everyone.
    await Promise.all(
      live.map(async (c) => {
        if (!(await this.auth.stillValid(c.token).catch(() => true))) c.ws.close(CLOSE_UNAUTHENTICATED, 'login ended');
      }),
    );
  }

  get connections() {
    return this.clients.size;
  }

  /** Shutdown: tells every client to reconnect (to another instance) and stops listening. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const c of this.clients) c.ws.close(CLOSE_GOING_AWAY, 'server shutting down');
    const deadline = setTimeout(() => {
      for (const c of this.clients) c.ws.terminate();
    }, 2_000);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await Promise.all(
      [...this.clients].map((c) =>
        c.ws.readyState === c.ws.CLOSED ? undefined : new Promise((r) => c.ws.once('close', r)),
      ),
    );
    clearTimeout(deadline);
    for (const [channel, entry] of this.local) {
      this.local.delete(channel);
      const stop = await entry.subscribed.catch(() => undefined);
      await stop?.().catch(() => undefined);
    }
  }
}

/**
 * The access token travels in the `Sec-WebSocket-Protocol` header, offered next to `yiyun` (`new WebSocket(url,
 * ['yiyun', token])`, wx.connectSocket's `protocols`), or as `Authorization: Bearer` (wx.connectSocket's `header`).
 * Never in the query string: URLs end up in proxy and access logs.
 */
function tokenOf(req: http.IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (m) return m[1];
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!offered.includes(WS_PROTOCOL)) return undefined;
  return offered.find((p) => p !== WS_PROTOCOL);
}

function channelOf(frame: Record<string, unknown>): string {
  const channel = frame.channel;
  if (typeof channel !== 'string' || !CHANNEL_NAME.test(channel))
    throw new AppError(400, 'BAD_CHANNEL', '频道名称有误');
  return channel;
}

function send(client: Client, frame: object) {
  if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(frame));
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};
/** A refused upgrade gets a plain HTTP answer with the API's error shape, as any other request would. */
function refuse(socket: Duplex, status: number, code: string, message: string) {
  if (!socket.writable) return socket.destroy();
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
