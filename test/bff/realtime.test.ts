/**
 * The kernel's WebSocket endpoint (GET /api/ws) over real sockets: the same access tokens as HTTP, channels guarded
 * per prefix, fan-out between two BFF processes through Redis pub/sub, and a heartbeat that drops dead sockets.
 * The second BFF is a child process sharing this run's database and Redis prefix, as a second instance would.
 */
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startStack, testMode, type Stack } from '../support/stack';
import { call, loginAs, mpLogin } from '../support/api';
import { startChildBff, type ChildBff } from '../support/child';
import { publish } from '../../bff/src/kernel/realtime';

const HEARTBEAT_MS = 300;

function includes(actual: Record<string, unknown>, expected: Record<string, unknown>) {
  assert.deepEqual(
    Object.fromEntries(Object.keys(expected).map((k) => [k, actual[k]])),
    expected,
    JSON.stringify(actual),
  );
}

interface Conn {
  ws: WebSocket;
  /** The next server frame matching `match` (frames already received count). */
  frame(match: (f: any) => boolean): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
}

function wsUrl(base: string) {
  return base.replace(/^http/, 'ws') + '/api/ws';
}

/** Opens a socket; resolves after the server's `ready` frame, or rejects with the HTTP status of a refused upgrade. */
function connect(
  base: string,
  opts: { protocols?: string[]; headers?: Record<string, string>; autoPong?: boolean } = {},
): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(base), opts.protocols ?? [], {
      headers: opts.headers,
      autoPong: opts.autoPong ?? true,
    });
    const frames: any[] = [];
    const waiters: { match: (f: any) => boolean; resolve: (f: any) => void }[] = [];
    ws.on('message', (raw) => {
      const f = JSON.parse(String(raw));
      const i = waiters.findIndex((w) => w.match(f));
      if (i >= 0) waiters.splice(i, 1)[0].resolve(f);
      else frames.push(f);
    });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: String(reason) })),
    );
    const conn: Conn = {
      ws,
      closed,
      frame(match) {
        const i = frames.findIndex(match);
        if (i >= 0) return Promise.resolve(frames.splice(i, 1)[0]);
        return new Promise((r) => waiters.push({ match, resolve: r }));
      },
    };
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`upgrade refused: ${res.statusCode}`), {
            status: res.statusCode,
            body: JSON.parse(body || '{}'),
          }),
        ),
      );
    });
    ws.once('error', (err) => reject(err));
    conn.frame((f) => f.type === 'ready').then(() => resolve(conn), reject);
  });
}

const withToken = (token: string) => ({ protocols: ['yiyun', token] });

async function refusal(p: Promise<Conn>) {
  try {
    const c = await p;
    c.ws.close();
  } catch (err) {
    return err as { status: number; body: { error: { code: string } } };
  }
  throw new Error('the upgrade was accepted');
}

describe('realtime: WebSocket endpoint', function () {
  if (testMode() !== 'mysql') return;
  this.timeout(120_000);
  let stack: Stack;
  let second: ChildBff;
  const open: Conn[] = [];
  const track = async (p: Promise<Conn>) => {
    const c = await p;
    open.push(c);
    return c;
  };

  before(async () => {
    stack = await startStack();
    second = await startChildBff({
      ...stack.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'false',
      SEED_DEMO: 'false',
      WS_HEARTBEAT_MS: String(HEARTBEAT_MS),
    });
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.ws.terminate();
  });
  after(async () => {
    const code = await second?.stop();
    assert.equal(code, 0, second?.output().slice(-2000));
  });

  it('refuses an upgrade without a token, with a bad token, or with the token in the query string', async () => {
    const none = await refusal(connect(stack.baseUrl));
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'UNAUTHENTICATED');
    const bad = await refusal(connect(stack.baseUrl, withToken('not.a.jwt')));
    assert.equal(bad.status, 401);
    const { accessToken } = await mpLogin();
    // Query-string tokens would land in proxy logs: not accepted.
    const q = await refusal(
      new Promise<Conn>((resolve, reject) => {
        const ws = new WebSocket(`${wsUrl(stack.baseUrl)}?token=${accessToken}`);
        ws.once('unexpected-response', (_r, res) =>
          reject(Object.assign(new Error('refused'), { status: res.statusCode, body: { error: {} } })),
        );
        ws.once('open', () => resolve({ ws } as Conn));
      }),
    );
    assert.equal(q.status, 401);
  });

  it('accepts a patient token in Sec-WebSocket-Protocol and a console token as Authorization: Bearer', async () => {
    const patient = await mpLogin();
    const mp = await track(connect(stack.baseUrl, withToken(patient.accessToken)));
    assert.equal(mp.ws.protocol, 'yiyun');
    const adminToken = await loginAs('admin');
    const admin = await track(connect(second.url, { headers: { authorization: `Bearer ${adminToken}` } }));
    admin.ws.send(JSON.stringify({ type: 'ping', id: 1 }));
    assert.deepEqual(await admin.frame((f) => f.type === 'pong'), { type: 'pong', id: 1 });
  });

  it('refuses a revoked login at the upgrade, and closes an open socket with 4401 when its login ends', async () => {
    const patient = await mpLogin();
    const live = await track(connect(second.url, withToken(patient.accessToken)));
    const out = await call('POST', '/api/mp/auth/logout', {
      token: patient.accessToken,
      body: { refreshToken: patient.refreshToken },
    });
    assert.equal(out.status, 204);
    const refused = await refusal(connect(stack.baseUrl, withToken(patient.accessToken)));
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'SESSION_REVOKED');
    // The second BFF learns it on its next heartbeat (300 ms here).
    assert.equal((await live.closed).code, 4401);
  });

  it("closes a console user's open socket with 4401 when that console login is logged out", async () => {
    const doctor = await loginAs('doctor');
    const live = await track(connect(second.url, { headers: { authorization: `Bearer ${doctor}` } }));
    assert.equal((await call('POST', '/api/admin/auth/logout', { token: doctor })).status, 204);
    // Console logins are checked against their session row, not the patients' revocation cache.
    assert.equal((await live.closed).code, 4401);
  });

  it("refuses a subscription to another user's channel or to a channel nobody registered", async () => {
    const a = await mpLogin();
    const b = await mpLogin();
    const conn = await track(connect(stack.baseUrl, withToken(a.accessToken)));
    conn.ws.send(JSON.stringify({ type: 'subscribe', channel: `mp-user:${b.user.id}`, id: 'x' }));
    const refused = await conn.frame((f) => f.id === 'x');
    includes(refused, { type: 'error', code: 'CHANNEL_FORBIDDEN' });
    conn.ws.send(JSON.stringify({ type: 'subscribe', channel: 'nobody:1', id: 'y' }));
    includes(await conn.frame((f) => f.id === 'y'), { type: 'error', code: 'CHANNEL_FORBIDDEN' });
    // Staff ids are another id space: a console user cannot listen on the patient with the same number.
    const admin = await track(connect(stack.baseUrl, withToken(await loginAs('admin'))));
    admin.ws.send(JSON.stringify({ type: 'subscribe', channel: `mp-user:${a.user.id}`, id: 'z' }));
    includes(await admin.frame((f) => f.id === 'z'), { type: 'error', code: 'CHANNEL_FORBIDDEN' });
    // Nothing published on b's channel reaches a.
    conn.ws.send(JSON.stringify({ type: 'subscribe', channel: `mp-user:${a.user.id}`, id: 'own' }));
    includes(await conn.frame((f) => f.id === 'own'), { type: 'subscribed' });
    await publish(`mp-user:${b.user.id}`, { secret: true });
    await publish(`mp-user:${a.user.id}`, { mine: true });
    const got = await conn.frame((f) => f.type === 'message');
    assert.deepEqual(got, { type: 'message', channel: `mp-user:${a.user.id}`, data: { mine: true } });
  });

  it('answers a bad frame with an error frame and keeps the socket', async () => {
    const p = await mpLogin();
    const conn = await track(connect(stack.baseUrl, withToken(p.accessToken)));
    conn.ws.send('{not json');
    includes(await conn.frame((f) => f.type === 'error'), { code: 'BAD_FRAME' });
    conn.ws.send(JSON.stringify({ type: 'subscribe', channel: 'bad channel!', id: 2 }));
    includes(await conn.frame((f) => f.id === 2), { code: 'BAD_CHANNEL' });
    conn.ws.send(JSON.stringify({ type: 'teleport', id: 3 }));
    includes(await conn.frame((f) => f.id === 3), { code: 'UNKNOWN_FRAME_TYPE' });
    conn.ws.send(JSON.stringify({ type: 'ping', id: 4 }));
    includes(await conn.frame((f) => f.id === 4), { type: 'pong' });
  });

  it('fans a message published on this BFF out to a client connected to the second BFF process', async () => {
    const p = await mpLogin();
    const channel = `mp-user:${p.user.id}`;
    const there = await track(connect(second.url, withToken(p.accessToken)));
    const here = await track(connect(stack.baseUrl, withToken(p.accessToken)));
    for (const c of [there, here]) {
      c.ws.send(JSON.stringify({ type: 'subscribe', channel, id: 's' }));
      assert.deepEqual(await c.frame((f) => f.id === 's'), { type: 'subscribed', channel, id: 's' });
    }
    await publish(channel, { text: '你好', n: 1 });
    for (const c of [there, here])
      assert.deepEqual(await c.frame((f) => f.type === 'message'), {
        type: 'message',
        channel,
        data: { text: '你好', n: 1 },
      });
    // After unsubscribing, the second process stops delivering.
    there.ws.send(JSON.stringify({ type: 'unsubscribe', channel, id: 'u' }));
    includes(await there.frame((f) => f.id === 'u'), { type: 'unsubscribed' });
    await publish(channel, { n: 2 });
    assert.deepEqual((await here.frame((f) => f.type === 'message')).data, { n: 2 });
    there.ws.send(JSON.stringify({ type: 'ping', id: 'after' }));
    await there.frame((f) => f.id === 'after');
    await publish(channel, { n: 3 });
    assert.deepEqual((await here.frame((f) => f.type === 'message')).data, { n: 3 });
    // Frames arrive in order on one socket: had n=2 reached `there`, it would be queued before this pong.
    there.ws.send(JSON.stringify({ type: 'ping', id: 'last' }));
    await there.frame((f) => f.id === 'last');
    assert.equal(await Promise.race([there.frame((f) => f.type === 'message'), Promise.resolve('none')]), 'none');
  });

  it('drops a client that stops answering pings, and keeps one that answers', async () => {
    const p = await mpLogin();
    const dead = await track(connect(second.url, { ...withToken(p.accessToken), autoPong: false }));
    const alive = await track(connect(second.url, withToken(p.accessToken)));
    const started = Date.now();
    const { code } = await dead.closed;
    assert.equal(code, 1006); // terminated, no close handshake: the server gave up on it
    assert.ok(Date.now() - started < HEARTBEAT_MS * 10);
    alive.ws.send(JSON.stringify({ type: 'ping', id: 'still' }));
    includes(await alive.frame((f) => f.id === 'still'), { type: 'pong' });
    assert.equal(alive.ws.readyState, WebSocket.OPEN);
  });
});
