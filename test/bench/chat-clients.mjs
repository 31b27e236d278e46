// Chat load clients for `npm run bench:chat`, run in worker threads so the load generator is never the bottleneck
// of the measurement (its ceiling is shown against a bare ws server in the same run). Plain JavaScript: a worker
// needs no TypeScript loader. Each worker holds a share of the sockets and speaks the consult protocol the apps
// speak: subscribe, catch up by seq, send with a client message id, resend the same id after a reconnect.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const now = () => performance.timeOrigin + performance.now();
const { sockets: plans } = workerData;
const sockets = [];
let sending = false;
let sentCount = 0;

class Client {
  constructor(plan) {
    this.plan = plan;
    this.channel = `consult:${plan.consultationId}`;
    this.lastSeq = 0;
    this.pending = new Map(); // seq → message, beyond a gap
    this.baseSeq = 0;
    this.latencies = [];
    this.reconnects = 0;
    this.waiting = new Map();
    this.nextId = 1;
    this.unacked = new Map(); // clientMsgId → text: resent after a reconnect
    this.ws = null;
    this.open = false;
  }

  connect() {
    return new Promise((resolve) => {
      const attempt = () => {
        const ws = new WebSocket(`ws://127.0.0.1:${this.plan.port}/api/ws`, ['yiyun', this.plan.token]);
        let ready = false;
        ws.on('message', (raw) =>
          this.onFrame(ws, JSON.parse(String(raw)), () => {
            ready = true;
            resolve();
          }),
        );
        ws.on('error', () => undefined);
        ws.on('close', () => {
          if (this.ws === ws) {
            this.ws = null;
            this.open = false;
          }
          for (const done of this.waiting.values()) done({ type: 'error', code: 'NETWORK' });
          this.waiting.clear();
          if (!this.stopped) {
            if (ready) this.reconnects++;
            setTimeout(attempt, ready ? 50 : 200);
          }
        });
      };
      attempt();
    });
  }

  async onFrame(ws, f, onReady) {
    if (f.type === 'ready') {
      this.ws = ws;
      this.open = true;
      await this.request({ type: 'subscribe', channel: this.channel });
      await this.sync();
      for (const [clientMsgId, text] of this.unacked) void this.send(clientMsgId, text);
      onReady();
      return;
    }
    if (f.id !== undefined && this.waiting.has(f.id)) {
      const done = this.waiting.get(f.id);
      this.waiting.delete(f.id);
      return done(f);
    }
    if (f.type === 'message' && f.channel === this.channel && f.data?.event === 'message')
      this.apply([f.data.message], true);
  }

  apply(list, live) {
    let gap = false;
    for (const m of list) {
      // A live frame and a catch-up overlapping: the seq is applied once.
      if (m.seq <= this.lastSeq || this.pending.has(m.seq)) continue;
      this.pending.set(m.seq, m);
      if (live) {
        const t = Number(/t=(\d+(\.\d+)?)/.exec(m.text ?? '')?.[1]);
        if (t) this.latencies.push(now() - t);
      }
    }
    while (this.pending.has(this.lastSeq + 1)) {
      this.pending.delete(this.lastSeq + 1);
      this.lastSeq++;
    }
    if (this.pending.size) gap = true;
    if (gap) void this.sync();
  }

  request(frame) {
    const ws = this.ws;
    if (!ws || !this.open) return Promise.resolve({ type: 'error', code: 'NETWORK' });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  async sync() {
    for (;;) {
      const h = await this.request({
        type: 'consult.sync',
        consultationId: this.plan.consultationId,
        afterSeq: this.lastSeq,
      });
      if (h.type !== 'consult.history') return;
      this.apply(h.messages, false);
      if (!h.hasMore) return;
    }
  }

  async send(clientMsgId, text) {
    this.unacked.set(clientMsgId, text);
    const ack = await this.request({
      type: 'consult.send',
      consultationId: this.plan.consultationId,
      clientMsgId,
      text,
    });
    if (ack.type === 'consult.ack') this.unacked.delete(clientMsgId);
  }
}

async function sendLoop(c, intervalMs, untilMs) {
  let n = 0;
  let next = now() + Math.random() * intervalMs;
  while (sending && now() < untilMs) {
    const wait = next - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    next += intervalMs;
    const id = `b${c.plan.consultationId}-${process.pid}-${Math.random().toString(36).slice(2, 10)}-${n++}`;
    sentCount++;
    void c.send(id, `bench t=${now().toFixed(3)}`);
  }
}

parentPort.on('message', async (msg) => {
  if (msg.type === 'connect') {
    for (const plan of plans) sockets.push(new Client(plan));
    // A few at a time, as phones would arrive: the upgrade is authenticated against the database.
    for (let i = 0; i < sockets.length; i += 25) await Promise.all(sockets.slice(i, i + 25).map((c) => c.connect()));
    parentPort.postMessage({ type: 'connected' });
  } else if (msg.type === 'send') {
    sending = true;
    sentCount = 0;
    for (const c of sockets) c.latencies = [];
    const until = now() + msg.seconds * 1000;
    await Promise.all(sockets.filter((c) => c.plan.sender).map((c) => sendLoop(c, msg.intervalMs, until)));
    sending = false;
    // Sent means stored: wait for every ack (resending after a reconnect) before the phase's figures are read.
    const deadline = now() + 120_000;
    while (sockets.some((c) => c.unacked.size) && now() < deadline) await new Promise((r) => setTimeout(r, 50));
    parentPort.postMessage({ type: 'sent', sent: sentCount });
  } else if (msg.type === 'drain') {
    // Everything stored must reach every socket (catching up where the live frame was missed); resends go out again.
    const deadline = now() + 60_000;
    for (;;) {
      const behind = sockets.filter((c) => c.lastSeq < msg.lastSeq[c.plan.consultationId] || c.unacked.size);
      if (!behind.length || now() > deadline) break;
      for (const c of behind) {
        if (c.open) {
          for (const [id, text] of c.unacked) await c.send(id, text);
          await c.sync();
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const latencies = sockets.flatMap((c) => c.latencies);
    parentPort.postMessage({
      type: 'drained',
      received: sockets.reduce((a, c) => a + (c.lastSeq - c.baseSeq), 0),
      expected: sockets.reduce((a, c) => a + (msg.lastSeq[c.plan.consultationId] - c.baseSeq), 0),
      unacked: sockets.reduce((a, c) => a + c.unacked.size, 0),
      reconnects: sockets.reduce((a, c) => a + c.reconnects, 0),
      latencies,
    });
  } else if (msg.type === 'reset') {
    for (const c of sockets) {
      c.baseSeq = c.lastSeq;
      c.reconnects = 0;
    }
    parentPort.postMessage({
      type: 'reset',
      lastSeq: Object.fromEntries(sockets.map((c) => [c.plan.consultationId, c.lastSeq])),
    });
  } else if (msg.type === 'report') {
    parentPort.postMessage({
      type: 'report',
      lastSeq: Object.fromEntries(sockets.map((c) => [c.plan.consultationId, c.lastSeq])),
    });
  } else if (msg.type === 'close') {
    for (const c of sockets) {
      c.stopped = true;
      c.ws?.close();
    }
    parentPort.postMessage({ type: 'closed' });
  }
});
