/**
 * A chat client for tests, speaking the consult protocol over the kernel's socket the way the mini-program and the
 * console do: subscribe to a conversation, catch up from the last seq it holds, apply messages in seq order (a
 * live message ahead of a gap waits for the catch-up), acknowledge delivery. Nothing in it waits for time.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import WebSocket from 'ws';
import { call, loginAs } from './api';
import { User } from '../../bff/src/modules/system/models';

export interface ChatMessage {
  id: number;
  consultationId: number;
  seq: number;
  sender: 'patient' | 'doctor' | 'system';
  clientMsgId: string;
  kind: string;
  text: string | null;
  hidden: boolean;
}

type Frame = Record<string, any>;

export class Socket {
  private frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private listeners = new Set<(f: Frame) => void>();
  readonly closed: Promise<{ code: number }>;
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as Frame;
      for (const l of this.listeners) l(f);
      const i = this.waiters.findIndex((w) => w.match(f));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(f);
      else this.frames.push(f);
    });
    this.closed = new Promise((r) => ws.on('close', (code) => r({ code })));
  }

  /** Opens a socket with an access token (as the mini-program offers it) and waits for `ready`. */
  static open(baseUrl: string, token: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/api/ws', ['yiyun', token]);
      const s = new Socket(ws);
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      s.frame((f) => f.type === 'ready').then(() => resolve(s), reject);
    });
  }

  onFrame(l: (f: Frame) => void) {
    this.listeners.add(l);
  }

  /** The next frame matching `match` (one already received counts). */
  frame(match: (f: Frame) => boolean): Promise<Frame> {
    const i = this.frames.findIndex(match);
    if (i >= 0) return Promise.resolve(this.frames.splice(i, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Sends a frame with a fresh id and resolves with the answer carrying that id (an error frame included). */
  request(frame: Frame): Promise<Frame> {
    const id = `r${this.nextId++}`;
    this.ws.send(JSON.stringify({ ...frame, id }));
    return this.frame((f) => f.id === id);
  }

  sendRaw(data: string) {
    this.ws.send(data);
  }

  kill() {
    this.ws.terminate();
  }
}

/** One participant's view of one conversation, built from live frames and catch-ups, in seq order. */
export class Conversation {
  readonly messages: ChatMessage[] = [];
  private pending = new Map<number, ChatMessage>();
  private waiters: { n: number; resolve: () => void }[] = [];
  receipts: Frame[] = [];
  private receiptWaiters: { match: (r: Frame) => boolean; resolve: (r: Frame) => void }[] = [];
  statuses: Frame[] = [];
  /** How many times a message with an already applied seq arrived (live frame and catch-up overlapping). */
  overlaps = 0;

  constructor(readonly consultationId: number) {}

  get lastSeq() {
    return this.messages.length ? this.messages[this.messages.length - 1].seq : 0;
  }

  /** Applies messages; anything after a gap waits until the gap is filled. */
  apply(list: ChatMessage[]) {
    for (const m of list) {
      if (m.seq <= this.lastSeq || this.pending.has(m.seq)) this.overlaps++;
      else this.pending.set(m.seq, m);
    }
    while (this.pending.has(this.lastSeq + 1)) {
      const m = this.pending.get(this.lastSeq + 1)!;
      this.pending.delete(m.seq);
      this.messages.push(m);
    }
    for (const w of [...this.waiters])
      if (this.messages.length >= w.n) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
  }

  /** Resolves with the first receipt event (received or still to come) matching `match`. */
  receipt(match: (r: Frame) => boolean): Promise<Frame> {
    const found = this.receipts.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.receiptWaiters.push({ match, resolve }));
  }

  onReceipt(r: Frame) {
    this.receipts.push(r);
    for (const w of [...this.receiptWaiters])
      if (w.match(r)) {
        this.receiptWaiters.splice(this.receiptWaiters.indexOf(w), 1);
        w.resolve(r);
      }
  }

  get hasGap() {
    return this.pending.size > 0;
  }

  /** Resolves once `n` messages are applied in order. */
  until(n: number): Promise<void> {
    if (this.messages.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  texts() {
    return this.messages.map((m) => m.text);
  }
}

/** A participant connected to one BFF: joins conversations, sends, catches up after a reconnect. */
export class ChatClient {
  socket!: Socket;
  readonly conversations = new Map<number, Conversation>();

  private constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async connect(baseUrl: string, token: string) {
    const c = new ChatClient(baseUrl, token);
    await c.reconnect();
    return c;
  }

  async reconnect() {
    this.socket = await Socket.open(this.baseUrl, this.token);
    this.socket.onFrame((f) => this.onFrame(f));
    for (const conv of this.conversations.values()) await this.resume(conv);
  }

  private onFrame(f: Frame) {
    if (f.type !== 'message' || typeof f.channel !== 'string' || !f.channel.startsWith('consult:')) return;
    const conv = this.conversations.get(Number(f.channel.slice('consult:'.length)));
    if (!conv) return;
    const d = f.data;
    if (d.event === 'message') {
      conv.apply([d.message]);
      if (conv.hasGap) void this.sync(conv);
    } else if (d.event === 'receipt') conv.onReceipt(d);
    else if (d.event === 'status') conv.statuses.push(d);
  }

  /** Subscribe first, then catch up: anything published after the subscription is live, anything before in the sync. */
  private async resume(conv: Conversation) {
    const sub = await this.socket.request({ type: 'subscribe', channel: `consult:${conv.consultationId}` });
    if (sub.type !== 'subscribed') throw new Error(`subscribe refused: ${JSON.stringify(sub)}`);
    await this.sync(conv);
  }

  async sync(conv: Conversation) {
    for (;;) {
      const h = await this.socket.request({
        type: 'consult.sync',
        consultationId: conv.consultationId,
        afterSeq: conv.lastSeq,
      });
      if (h.type !== 'consult.history') throw new Error(`sync failed: ${JSON.stringify(h)}`);
      conv.apply(h.messages);
      if (!h.hasMore) return;
    }
  }

  async join(consultationId: number) {
    const conv = new Conversation(consultationId);
    this.conversations.set(consultationId, conv);
    await this.resume(conv);
    return conv;
  }

  /** Sends a text; resolves with the ack (or the error frame). */
  send(consultationId: number, text: string, clientMsgId: string = crypto.randomUUID()) {
    return this.socket.request({ type: 'consult.send', consultationId, clientMsgId, text });
  }

  close() {
    this.socket.kill();
  }
}

/**
 * A consultation with the demo physician (`doctor`, free), opened by the patient behind `token` for `patientId`, and
 * answered once by the physician through the console's API: a conversation with something in it on both sides.
 */
export async function answeredConsultation(token: string, patientId: number, answer = '您好，请说说血压最近的情况') {
  const doctorId = (await User.findOne({ where: { username: 'doctor' } }))!.id;
  const opened = await call('POST', '/api/mp/consult/consultations', { token, body: { doctorId, patientId } });
  assert.equal(opened.status, 200, JSON.stringify(opened.body));
  const consultationId = opened.body.consultation.id as number;
  const sent = await call('POST', `/api/admin/consult/workbench/${consultationId}/messages`, {
    token: await loginAs('doctor'),
    body: { clientMsgId: crypto.randomUUID(), text: answer },
  });
  assert.ok(sent.status < 300, JSON.stringify(sent.body));
  return { doctorId, consultationId };
}
