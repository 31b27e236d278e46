/**
 * Consultation chat over real sockets and two BFF processes sharing MariaDB and Redis: the patient on one
 * instance, the doctor on the other. Messages are stored before they are acknowledged, carry a per-conversation
 * seq, survive a dropped socket (catch-up by seq after the reconnect), are never duplicated by a resend, and reach
 * no one outside the conversation.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startStack, testMode, type Stack } from '../../support/stack';
import { call, loginAs, unique, replaceInitialPassword, adminLogin } from '../../support/api';
import { startChildBff, type ChildBff } from '../../support/child';
import { newDoctor, patient } from '../../support/booking';
import { ChatClient, Socket } from '../../support/chat';
import { User } from '../../../bff/src/modules/system/models';

type Patient = Awaited<ReturnType<typeof patient>>;

async function demoDoctorId() {
  return (await User.findOne({ where: { username: 'doctor' } }))!.id;
}

async function open(p: Patient, doctorId: number) {
  const r = await call('POST', '/api/mp/consult/consultations', {
    token: p.token,
    body: { doctorId, patientId: p.patientId },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.consultation as { id: number; status: string };
}

describe('consult: chat between two BFF processes', function () {
  if (testMode() !== 'mysql') return;
  this.timeout(120_000);
  let stack: Stack;
  let second: ChildBff;
  let doctorToken: string;
  let doctorId: number;
  const clients: ChatClient[] = [];
  const track = async (p: Promise<ChatClient>) => {
    const c = await p;
    clients.push(c);
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
    });
    doctorToken = await loginAs('doctor');
    doctorId = await demoDoctorId();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  after(async () => {
    const code = await second?.stop();
    assert.equal(code, 0, second?.output().slice(-2000));
  });

  it('carries messages both ways, in order, between a patient on one process and the doctor on the other', async () => {
    const p = await patient();
    const c = await open(p, doctorId);
    assert.equal(c.status, 'open');
    const pc = await track(ChatClient.connect(stack.baseUrl, p.token));
    const dc = await track(ChatClient.connect(second.url, doctorToken));
    const pConv = await pc.join(c.id);
    const dConv = await dc.join(c.id);

    const script: [ChatClient, string][] = [
      [pc, '医生您好，我最近总是头晕'],
      [pc, '尤其是早上起床的时候'],
      [dc, '您好，头晕持续多久了？'],
      [pc, '大概两周'],
      [dc, '有没有测过血压？'],
      [dc, '请测一下血压后告诉我'],
    ];
    const acks = [];
    for (const [who, text] of script) {
      const ack = await who.send(c.id, text);
      assert.equal(ack.type, 'consult.ack', JSON.stringify(ack));
      acks.push(ack);
    }
    // Stored before acknowledged: each ack carries the next seq.
    assert.deepEqual(
      acks.map((a) => a.message.seq),
      [1, 2, 3, 4, 5, 6],
    );
    await Promise.all([pConv.until(6), dConv.until(6)]);
    const expected = script.map(([, text]) => text);
    assert.deepEqual(pConv.texts(), expected);
    assert.deepEqual(dConv.texts(), expected);
    assert.deepEqual(
      dConv.messages.map((m) => m.sender),
      ['patient', 'patient', 'doctor', 'patient', 'doctor', 'doctor'],
    );
    // The HTTP history says the same.
    const h = await call('GET', `/api/mp/consult/consultations/${c.id}/messages`, { token: p.token });
    assert.deepEqual(
      h.body.items.map((m: { text: string }) => m.text),
      expected,
    );
  });

  it('after a socket is killed and the other side sends meanwhile, the reconnect delivers everything once, in order', async () => {
    const p = await patient();
    const c = await open(p, doctorId);
    const pc = await track(ChatClient.connect(stack.baseUrl, p.token));
    const dc = await track(ChatClient.connect(second.url, doctorToken));
    const pConv = await pc.join(c.id);
    await dc.join(c.id);
    assert.equal((await pc.send(c.id, '第一条')).type, 'consult.ack');
    await pConv.until(1);

    pc.close(); // the phone loses its network: no close handshake
    await pc.socket.closed;
    const whileAway = ['离线时的回复一', '离线时的回复二', '离线时的回复三'];
    for (const text of whileAway) assert.equal((await dc.send(c.id, text)).type, 'consult.ack');
    // The doctor's fallback: HTTP when the socket is down
    const viaHttp = await call('POST', `/api/admin/consult/workbench/${c.id}/messages`, {
      token: doctorToken,
      body: { clientMsgId: crypto.randomUUID(), text: '通过接口发送的回复' },
    });
    assert.equal(viaHttp.status, 200, JSON.stringify(viaHttp.body));
    assert.equal(viaHttp.body.message.seq, 5);

    await pc.reconnect(); // subscribe, then catch up from seq 1
    await pConv.until(5);
    assert.deepEqual(pConv.texts(), ['第一条', ...whileAway, '通过接口发送的回复']);
    assert.deepEqual(
      pConv.messages.map((m) => m.seq),
      [1, 2, 3, 4, 5],
    );
    // Live again after the reconnect.
    await dc.send(c.id, '重连后的消息');
    await pConv.until(6);
    assert.equal(pConv.messages[5].text, '重连后的消息');
    assert.equal(pConv.messages.length, 6);
  });

  it('stores a message sent twice with the same client id once, over the socket, HTTP and both processes at once', async () => {
    const p = await patient();
    const c = await open(p, doctorId);
    const here = await track(ChatClient.connect(stack.baseUrl, p.token));
    const there = await track(ChatClient.connect(second.url, p.token));
    const id = crypto.randomUUID();
    const first = await here.send(c.id, '只应保存一次', id);
    const again = await here.send(c.id, '只应保存一次', id);
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.message.seq, first.message.seq);
    const http = await call('POST', `/api/mp/consult/consultations/${c.id}/messages`, {
      token: p.token,
      body: { clientMsgId: id, text: '只应保存一次' },
    });
    assert.equal(http.status, 200);
    assert.equal(http.body.duplicate, true);
    assert.equal(http.body.message.id, first.message.id);
    // The same resend racing on both instances.
    const raced = crypto.randomUUID();
    const both = await Promise.all([here.send(c.id, '并发重发', raced), there.send(c.id, '并发重发', raced)]);
    assert.deepEqual(
      both.map((a) => a.type),
      ['consult.ack', 'consult.ack'],
    );
    assert.equal(both[0].message.id, both[1].message.id);
    assert.deepEqual(both.map((a) => a.duplicate).sort(), [false, true]);
    const h = await call('GET', `/api/mp/consult/consultations/${c.id}/messages`, { token: p.token });
    assert.deepEqual(
      h.body.items.map((m: { text: string; seq: number }) => [m.seq, m.text]),
      [
        [1, '只应保存一次'],
        [2, '并发重发'],
      ],
    );
  });

  it("keeps patient A out of patient B's consultation: open, read, send, subscribe", async () => {
    const a = await patient();
    const b = await patient();
    const cb = await open(b, doctorId);
    // A cannot open a consultation for B's family member.
    const opened = await call('POST', '/api/mp/consult/consultations', {
      token: a.token,
      body: { doctorId, patientId: b.patientId },
    });
    assert.equal(opened.status, 404);
    for (const [method, path, body] of [
      ['GET', `/api/mp/consult/consultations/${cb.id}`, undefined],
      ['GET', `/api/mp/consult/consultations/${cb.id}/messages`, undefined],
      ['POST', `/api/mp/consult/consultations/${cb.id}/messages`, { clientMsgId: crypto.randomUUID(), text: '偷看' }],
      ['POST', `/api/mp/consult/consultations/${cb.id}/receipts`, { seq: 1, kind: 'read' }],
    ] as const) {
      const r = await call(method, path, { token: a.token, body });
      assert.equal(r.status, 404, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'NOT_FOUND');
    }
    const s = await Socket.open(stack.baseUrl, a.token);
    try {
      const sub = await s.request({ type: 'subscribe', channel: `consult:${cb.id}` });
      assert.equal(sub.code, 'CHANNEL_FORBIDDEN');
      const sent = await s.request({
        type: 'consult.send',
        consultationId: cb.id,
        clientMsgId: unique('x-'),
        text: '偷发',
      });
      assert.equal(sent.type, 'error');
      assert.equal(sent.code, 'NOT_FOUND');
      const synced = await s.request({ type: 'consult.sync', consultationId: cb.id, afterSeq: 0 });
      assert.equal(synced.code, 'NOT_FOUND');
    } finally {
      s.kill();
    }
    const h = await call('GET', `/api/mp/consult/consultations/${cb.id}/messages`, { token: b.token });
    assert.deepEqual(h.body.items, []);
  });

  it('keeps a physician out of consultations that are not theirs, and out of data management', async () => {
    const p = await patient();
    const c = await open(p, doctorId);
    const other = await newDoctor('呼吸内科');
    await replaceInitialPassword(other.username, 'Sunlit-Harbor-42', 'Quiet-Meadow-7315');
    const otherToken = (await adminLogin(other.username, 'Quiet-Meadow-7315')).accessToken;
    for (const path of [`/api/admin/consult/workbench/${c.id}`, `/api/admin/consult/workbench/${c.id}/messages`]) {
      const r = await call('GET', path, { token: otherToken });
      assert.equal(r.status, 404, path);
    }
    const send = await call('POST', `/api/admin/consult/workbench/${c.id}/messages`, {
      token: otherToken,
      body: { clientMsgId: crypto.randomUUID(), text: '不是我的病人' },
    });
    assert.equal(send.status, 404);
    // A physician has no data-management permission at all.
    const data = await call('GET', `/api/admin/consult/consultations/${c.id}`, { token: otherToken });
    assert.equal(data.status, 403);
    const s = await Socket.open(second.url, otherToken);
    try {
      assert.equal((await s.request({ type: 'subscribe', channel: `consult:${c.id}` })).code, 'CHANNEL_FORBIDDEN');
    } finally {
      s.kill();
    }
    // Their own workbench does not list it.
    const list = await call('GET', '/api/admin/consult/workbench', { token: otherToken });
    assert.equal(list.status, 200);
    assert.ok(!list.body.items.some((x: { id: number }) => x.id === c.id));
  });

  it('answers bad frames with an error frame and keeps the socket', async () => {
    const p = await patient();
    const c = await open(p, doctorId);
    const s = await Socket.open(stack.baseUrl, p.token);
    try {
      s.sendRaw('not json at all');
      assert.equal((await s.frame((f) => f.type === 'error')).code, 'BAD_FRAME');
      for (const bad of [
        { type: 'consult.send', consultationId: c.id, text: '没有客户端编号' },
        { type: 'consult.send', consultationId: c.id, clientMsgId: crypto.randomUUID(), text: '' },
        { type: 'consult.send', consultationId: c.id, clientMsgId: crypto.randomUUID(), text: 'x'.repeat(2001) },
        { type: 'consult.send', consultationId: 'abc', clientMsgId: crypto.randomUUID(), text: 'hi' },
        { type: 'consult.sync', consultationId: c.id, afterSeq: -1 },
        { type: 'consult.read', consultationId: c.id, seq: 'all' },
      ]) {
        const r = await s.request(bad);
        assert.equal(r.type, 'error', JSON.stringify(bad));
        assert.equal(r.code, 'BAD_FRAME', JSON.stringify(r));
        assert.match(r.message, /消息格式有误/);
      }
      const ok = await s.request({
        type: 'consult.send',
        consultationId: c.id,
        clientMsgId: crypto.randomUUID(),
        text: '还能用',
      });
      assert.equal(ok.type, 'consult.ack');
      assert.equal((await s.request({ type: 'ping' })).type, 'pong');
    } finally {
      s.kill();
    }
  });
});
