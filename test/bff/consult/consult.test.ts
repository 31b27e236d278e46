/**
 * The rest of a consultation's life on one BFF: receipts and unread counts (the physician's live badge), images
 * (type and size checked, served only to participants), the console's data management (audited reads, soft delete,
 * system messages), the reply notice for an absent patient, fees (paid through WeChat Pay, refunded if the doctor
 * does not answer in time), the free follow-up window after a visit, and closing by the doctor or when idle — each
 * normal end told to the patient (问诊已结束 and its CONSULT_END message), once.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startStack, type Stack } from '../../support/stack';
import { adminLogin, call, loginAs, replaceInitialPassword } from '../../support/api';
import { newDoctor, newSchedule, patient } from '../../support/booking';
import { ChatClient, Socket } from '../../support/chat';
import { Dept, User } from '../../../bff/src/modules/system/models';
import { DataAccessLog } from '../../../bff/src/kernel/audit';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { PayOrder } from '../../../bff/src/modules/payment/models';
import { ConsultMessage, Consultation } from '../../../bff/src/modules/consult/models';
import { OperLog } from '../../../bff/src/modules/monitor/models';
import {
  addSystemMessage,
  closeLapsedConsultations,
  notifyUndeliveredReplies,
} from '../../../bff/src/modules/consult/service';

type Patient = { token: string; userId?: number; patientId: number };

async function open(p: Patient, body: Record<string, number>) {
  const r = await call('POST', '/api/mp/consult/consultations', { token: p.token, body });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as { consultation: { id: number; status: string; kind: string; feeFen: number }; payment: unknown };
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(200)]);

async function upload(base: string, path: string, token: string, body: Buffer, type = 'image/png') {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * A patient (王患者) whose WeChat user answered wx.requestSubscribeMessage with 允许 for the named templates, `times`
 * times each — in the simulated WeChat, which then allows that many sends, and reported to the BFF as the app does.
 */
async function subscribedPatient(stack: Stack, names: string[], times = 1) {
  const { token, patientId, openid } = await patient();
  const templates = (await call('GET', `/api/mp/notifications/templates?names=${names.join(',')}`, { token })).body
    .templates as Record<string, string>;
  assert.deepEqual(Object.keys(templates).sort(), [...names].sort(), 'every template is configured');
  const answer = Object.fromEntries(Object.values(templates).map((id) => [id, 'accept']));
  for (let i = 0; i < times; i++) {
    stack.fake.answerSubscribeRequest(openid, answer);
    const reported = await call('POST', '/api/mp/notifications/subscriptions', {
      token,
      body: { errMsg: 'requestSubscribeMessage:ok', ...answer },
    });
    assert.equal(reported.status, 200, JSON.stringify(reported.body));
  }
  return { token, patientId, openid, templates };
}

/** A physician of their own (initial password replaced), for tests that change a doctor's settings. */
async function ownDoctor(dept = '消化内科') {
  const d = await newDoctor(dept);
  await replaceInitialPassword(d.username, 'Sunlit-Harbor-42', 'Amber-Falcon-5820');
  return { ...d, token: (await adminLogin(d.username, 'Amber-Falcon-5820')).accessToken };
}

describe('consult: receipts, images, console, notices, fees', function () {
  this.timeout(120_000);
  let stack: Stack;
  let doctorToken: string;
  let doctorId: number;

  before(async () => {
    stack = await startStack();
    doctorToken = await loginAs('doctor');
    doctorId = (await User.findOne({ where: { username: 'doctor' } }))!.id;
  });

  it("counts unread per side and pushes the physician's badge live; read receipts clear it and reach the patient", async () => {
    const p = await patient();
    const { consultation: c } = await open(p, { doctorId, patientId: p.patientId });
    const doctorSocket = await Socket.open(stack.baseUrl, doctorToken);
    const dc = await ChatClient.connect(stack.baseUrl, p.token);
    try {
      const personal = `admin-user:${doctorId}`;
      assert.equal((await doctorSocket.request({ type: 'subscribe', channel: personal })).type, 'subscribed');
      const before = (await call('GET', '/api/admin/consult/workbench/unread', { token: doctorToken })).body;
      const conv = await dc.join(c.id);
      await dc.send(c.id, '第一问');
      const badge = await doctorSocket.frame((f) => f.type === 'message' && f.data.type === 'consult.unread');
      assert.equal(badge.data.unread, before.unread + 1);
      await dc.send(c.id, '第二问');
      await doctorSocket.frame((f) => f.type === 'message' && f.data.unread === before.unread + 2);

      const list = await call('GET', '/api/admin/consult/workbench', { token: doctorToken });
      const mine = list.body.items.find((x: { id: number }) => x.id === c.id);
      assert.equal(mine.unread, 2);
      assert.equal(mine.lastMessage, '第二问');
      // Unread first.
      assert.ok(list.body.items[0].unread >= 1);

      // The doctor reads up to seq 2: the badge drops and the patient hears of it.
      const r = await call('POST', `/api/admin/consult/workbench/${c.id}/receipts`, {
        token: doctorToken,
        body: { seq: 2, kind: 'read' },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await doctorSocket.frame((f) => f.type === 'message' && f.data.unread === before.unread);
      await conv.receipt((x) => x.side === 'doctor' && x.kind === 'read' && x.seq === 2);
      // A receipt never moves a mark back.
      await call('POST', `/api/admin/consult/workbench/${c.id}/receipts`, { token: doctorToken, body: { seq: 1 } });
      const view = (await call('GET', `/api/mp/consult/consultations/${c.id}`, { token: p.token })).body;
      assert.equal(view.peerReadSeq, 2);

      // The doctor answers; the patient's list counts it unread until the patient reads it.
      await call('POST', `/api/admin/consult/workbench/${c.id}/messages`, {
        token: doctorToken,
        body: { clientMsgId: crypto.randomUUID(), text: '收到，请详细说说' },
      });
      const mp = (await call('GET', '/api/mp/consult/consultations?status=live', { token: p.token })).body;
      assert.equal(mp.items.find((x: { id: number }) => x.id === c.id).unread, 1);
      const read = await dc.socket.request({ type: 'consult.read', consultationId: c.id, seq: 3 });
      assert.deepEqual(
        { type: read.type, seq: read.seq, kind: read.kind },
        { type: 'consult.receipt', seq: 3, kind: 'read' },
      );
      const after = (await call('GET', '/api/mp/consult/consultations?status=live', { token: p.token })).body;
      assert.equal(after.items.find((x: { id: number }) => x.id === c.id).unread, 0);
    } finally {
      doctorSocket.kill();
      dc.close();
    }
  });

  it('takes images after checking their bytes and size, and shows them only to the participants', async () => {
    const p = await patient();
    const other = await patient();
    const { consultation: c } = await open(p, { doctorId, patientId: p.patientId });
    const id = crypto.randomUUID();
    const ok = await upload(
      stack.baseUrl,
      `/api/mp/consult/consultations/${c.id}/images?clientMsgId=${id}`,
      p.token,
      PNG,
    );
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.message.kind, 'image');
    assert.equal(ok.body.message.hasImage, true);
    const again = await upload(
      stack.baseUrl,
      `/api/mp/consult/consultations/${c.id}/images?clientMsgId=${id}`,
      p.token,
      PNG,
    );
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.message.id, ok.body.message.id);

    const path = `/consult/consultations/${c.id}/messages/${ok.body.message.id}/image`;
    const mine = await fetch(`${stack.baseUrl}/api/mp${path}`, { headers: { authorization: `Bearer ${p.token}` } });
    assert.equal(mine.status, 200);
    assert.equal(mine.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await mine.arrayBuffer()).equals(PNG));
    const doctors = await fetch(
      `${stack.baseUrl}/api/admin/consult/workbench/${c.id}/messages/${ok.body.message.id}/image`,
      {
        headers: { authorization: `Bearer ${doctorToken}` },
      },
    );
    assert.equal(doctors.status, 200);
    const theirs = await fetch(`${stack.baseUrl}/api/mp${path}`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    assert.equal(theirs.status, 404);

    // A text file renamed and labelled as an image is refused by its bytes.
    const fake = await upload(
      stack.baseUrl,
      `/api/mp/consult/consultations/${c.id}/images?clientMsgId=${crypto.randomUUID()}`,
      p.token,
      Buffer.from('<script>alert(1)</script>'),
    );
    assert.equal(fake.status, 415);
    assert.equal(fake.body.error.code, 'IMAGE_TYPE');
    const big = await upload(
      stack.baseUrl,
      `/api/mp/consult/consultations/${c.id}/images?clientMsgId=${crypto.randomUUID()}`,
      p.token,
      Buffer.concat([PNG, Buffer.alloc(stack.running.infra.config.CONSULT_IMAGE_MAX_BYTES)]),
    );
    assert.equal(big.status, 413);
    const noId = await upload(stack.baseUrl, `/api/mp/consult/consultations/${c.id}/images`, p.token, PNG);
    assert.equal(noId.status, 400);
    assert.equal(noId.body.error.code, 'VALIDATION_FAILED');
  });

  it('lets data management view (audited), hide a message (kept, audited) and add a system message', async () => {
    const p = await patient();
    const { consultation: c } = await open(p, { doctorId, patientId: p.patientId });
    const clientMsgId = crypto.randomUUID();
    const sent = await call('POST', `/api/mp/consult/consultations/${c.id}/messages`, {
      token: p.token,
      body: { clientMsgId, text: '我的手机号是 13800001234，请打给我' },
    });
    const admin = await loginAs('admin');
    const before = await DataAccessLog.count({ where: { subjectType: 'consultation' } });
    const conv = await call('GET', `/api/admin/consult/consultations/${c.id}`, { token: admin });
    assert.equal(conv.status, 200, JSON.stringify(conv.body));
    assert.equal(conv.body.messages[0].text, '我的手机号是 13800001234，请打给我');
    assert.equal(conv.body.messages[0].senderName, '王患者');
    const logged = await DataAccessLog.findAll({
      where: { subjectType: 'consultation', what: 'consult.conversation.view' },
      order: [['id', 'DESC']],
      limit: 1,
    });
    assert.equal(logged[0].subjectIds, String(c.id));
    assert.equal(logged[0].patientId, p.patientId);

    const search = await call(
      'GET',
      `/api/admin/consult/messages?content=${encodeURIComponent('手机号')}&sender=${encodeURIComponent('王患者')}`,
      {
        token: admin,
      },
    );
    assert.equal(search.status, 200, JSON.stringify(search.body));
    assert.ok(search.body.items.some((m: { id: number }) => m.id === sent.body.message.id));
    assert.ok((await DataAccessLog.count({ where: { subjectType: 'consultation' } })) > before + 1);

    const noReason = await call(
      'PUT',
      `/api/admin/consult/consultations/${c.id}/messages/${sent.body.message.id}/hide`,
      {
        token: admin,
        body: {},
      },
    );
    assert.equal(noReason.status, 400);
    const hidden = await call('PUT', `/api/admin/consult/consultations/${c.id}/messages/${sent.body.message.id}/hide`, {
      token: admin,
      body: { reason: '含有个人隐私信息' },
    });
    assert.equal(hidden.status, 200, JSON.stringify(hidden.body));
    assert.equal(hidden.body.hidden, true);
    assert.equal(hidden.body.text, '我的手机号是 13800001234，请打给我', 'staff still see what was hidden');
    const twice = await call('PUT', `/api/admin/consult/consultations/${c.id}/messages/${sent.body.message.id}/hide`, {
      token: admin,
      body: { reason: '含有个人隐私信息' },
    });
    assert.equal(twice.status, 409);

    const sys = await call('POST', `/api/admin/consult/consultations/${c.id}/system-messages`, {
      token: admin,
      body: { text: '温馨提示：请勿在问诊中发送手机号等隐私信息' },
    });
    assert.equal(sys.status, 201, JSON.stringify(sys.body));
    assert.equal(sys.body.sender, 'system');

    const h = (await call('GET', `/api/mp/consult/consultations/${c.id}/messages`, { token: p.token })).body;
    assert.deepEqual(
      h.items.map((m: { seq: number; hidden: boolean; text: string | null; sender: string }) => [
        m.seq,
        m.sender,
        m.hidden,
        m.text,
      ]),
      [
        [1, 'patient', true, null],
        [2, 'system', false, '温馨提示：请勿在问诊中发送手机号等隐私信息'],
      ],
    );
    // The hide is in the operation log (with its reason); no message content is, the doctor's replies included.
    const ops = await OperLog.findAll({ where: { module: 'consult' } });
    assert.ok(ops.some((o) => o.path.endsWith('/hide') && o.params?.includes('含有个人隐私信息')));
    assert.ok(!ops.some((o) => o.params?.includes('13800001234')));
    // A physician has no data-management permission.
    assert.equal((await call('GET', '/api/admin/consult/messages', { token: doctorToken })).status, 403);
  });

  it('tells a patient whose app did not receive a reply through a notice and a WeChat subscribe message, once', async () => {
    const p = await subscribedPatient(stack, ['CONSULT_REPLY']);
    const openid = p.openid;
    const { consultation: c } = await open(p, { doctorId, patientId: p.patientId });
    for (const text of ['请按时服药', '一周后复查'])
      await call('POST', `/api/admin/consult/workbench/${c.id}/messages`, {
        token: doctorToken,
        body: { clientMsgId: crypto.randomUUID(), text },
      });
    const later = new Date(Date.now() + 3600_000);
    await notifyUndeliveredReplies(later);
    await notifyUndeliveredReplies(later); // a second run finds nothing new
    const sent = stack.fake.sentMessages.filter((m) => m.touser === openid);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].page, `packages/consult/pages/chat/index?id=${c.id}`);
    assert.ok(!JSON.stringify(sent[0].data).includes('服药'), 'the reply itself is not sent through WeChat');
    const notices = (await call('GET', '/api/mp/notices', { token: p.token })).body;
    assert.deepEqual(notices.items[0].link, { type: 'consultation', id: String(c.id) });

    // A reply the app received (delivery receipt) is not notified.
    await call('POST', `/api/admin/consult/workbench/${c.id}/messages`, {
      token: doctorToken,
      body: { clientMsgId: crypto.randomUUID(), text: '有问题随时联系' },
    });
    await call('POST', `/api/mp/consult/consultations/${c.id}/receipts`, {
      token: p.token,
      body: { seq: 3, kind: 'delivered' },
    });
    await notifyUndeliveredReplies(later);
    assert.equal(stack.fake.sentMessages.filter((m) => m.touser === openid).length, 1);
  });

  it('sends 医生已回复 (template CONSULT_REPLY) at most once per consultation until the patient has read it', async () => {
    const p = await subscribedPatient(stack, ['CONSULT_REPLY'], 3);
    const doctorName = (await User.findByPk(doctorId))!.name;
    const { consultation: c } = await open(p, { doctorId, patientId: p.patientId });
    const reply = async (text: string) => {
      const r = await call('POST', `/api/admin/consult/workbench/${c.id}/messages`, {
        token: doctorToken,
        body: { clientMsgId: crypto.randomUUID(), text },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.message.seq as number;
    };
    const sentToPatient = () => stack.fake.sentMessages.filter((m) => m.touser === p.openid);
    const replyNotices = async () =>
      ((await call('GET', '/api/mp/notices', { token: p.token })).body.items as { title: string }[]).filter(
        (n) => n.title === '医生回复了您的问诊',
      ).length;
    const later = () => new Date(Date.now() + 3600_000);

    // the patient's app is closed: two replies, one message — the reply template, its keywords, the chat to open
    await reply('饭后服药');
    await reply('一周后复查');
    await notifyUndeliveredReplies(later());
    assert.deepEqual(
      sentToPatient().map((m) => [m.templateId, m.data, m.page]),
      [
        [
          p.templates.CONSULT_REPLY,
          { thing1: { value: `${doctorName}医生已回复` }, thing2: { value: '请进入小程序查看回复' } },
          `packages/consult/pages/chat/index?id=${c.id}`,
        ],
      ],
    );
    assert.equal(await replyNotices(), 1);

    // the doctor adds more before the patient looked: nothing more, neither in WeChat nor in 我的消息, whatever the
    // patient still has of acceptances
    const unread = await reply('多喝水');
    await notifyUndeliveredReplies(later());
    await notifyUndeliveredReplies(later());
    assert.equal(sentToPatient().length, 1, 'not sent twice while unread');
    assert.equal(await replyNotices(), 1);
    assert.equal(stack.fake.subscribeQuotaOf(p.openid, p.templates.CONSULT_REPLY), 2);

    // the patient reads the conversation; the doctor's next reply, unseen again, is told again
    const read = await call('POST', `/api/mp/consult/consultations/${c.id}/receipts`, {
      token: p.token,
      body: { seq: unread, kind: 'read' },
    });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    await reply('记得复查');
    await notifyUndeliveredReplies(later());
    assert.equal(sentToPatient().length, 2);
    assert.equal(sentToPatient()[1].templateId, p.templates.CONSULT_REPLY);
    assert.equal(await replyNotices(), 2);
  });

  it('charges the doctor’s fee through WeChat Pay, refunds it in full when the doctor does not answer in time, and tells the patient', async () => {
    const d = await ownDoctor();
    const set = await call('PUT', '/api/admin/consult/workbench/settings', {
      token: d.token,
      body: { feeFen: 3000, accepting: true },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const offer = (await call('GET', `/api/mp/consult/doctors/${d.id}`, { token: (await patient()).token })).body;
    assert.equal(offer.feeFen, 3000);

    const p = await subscribedPatient(stack, ['CONSULT_REPLY', 'CONSULT_REFUND']);
    const opened = await open(p, { doctorId: d.id, patientId: p.patientId });
    assert.equal(opened.consultation.status, 'pending_payment');
    assert.equal(opened.consultation.kind, 'paid');
    assert.ok(opened.payment, 'pay parameters for wx.requestPayment');
    const c = opened.consultation;
    const early = await call('POST', `/api/mp/consult/consultations/${c.id}/messages`, {
      token: p.token,
      body: { clientMsgId: crypto.randomUUID(), text: '还没付钱' },
    });
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'CONSULT_CLOSED');
    // Opening again returns the same pending consultation.
    assert.equal((await open(p, { doctorId: d.id, patientId: p.patientId })).consultation.id, c.id);

    const order = (await PayOrder.findOne({ where: { subjectType: 'consultation', subjectId: c.id } }))!;
    await stack.pay.pay(order.outTradeNo);
    await stack.pay.settled();
    const paid = (await call('GET', `/api/mp/consult/consultations/${c.id}`, { token: p.token })).body;
    assert.equal(paid.status, 'open');
    assert.ok(paid.answerDeadline);

    await call('POST', `/api/mp/consult/consultations/${c.id}/messages`, {
      token: p.token,
      body: { clientMsgId: crypto.randomUUID(), text: '医生请回复' },
    });
    const config = stack.running.infra.config;
    await closeLapsedConsultations(new Date(Date.now() + config.CONSULT_ANSWER_MINUTES * 60_000 + 60_000));
    await stack.pay.settled();
    const closed = (await Consultation.findByPk(c.id))!;
    assert.equal(closed.status, 'closed');
    assert.equal(closed.closeReason, 'unanswered');
    await order.reload();
    assert.ok(['refunding', 'refunded'].includes(order.status), order.status);
    const h = (await call('GET', `/api/mp/consult/consultations/${c.id}/messages`, { token: p.token })).body;
    assert.equal(h.items.at(-1).sender, 'system');
    assert.match(h.items.at(-1).text, /全额退回/);

    // The money back with the patient (WeChat's REFUND.SUCCESS applied): 我的消息 says so about this consultation —
    // the family member, the doctor, the amount, how and why — and opens the chat; not payment's generic 退款通知.
    assert.equal(order.status, 'refunded', 'WeChat reported the refund a success');
    const notices = (await call('GET', '/api/mp/notices', { token: p.token })).body.items as {
      title: string;
      content: string;
      link: { type: string; id: string } | null;
    }[];
    const told = notices.filter((n) => n.title === '问诊退款成功');
    assert.equal(told.length, 1, JSON.stringify(notices));
    assert.equal(
      told[0].content,
      `就诊人：王患者；医生：消化内科 测试医生。图文问诊（${(await Consultation.findByPk(c.id))!.no}）的 30.00 元已原路退回（医生未及时回复）。`,
    );
    assert.deepEqual(told[0].link, { type: 'consultation', id: String(c.id) });
    assert.ok(!notices.some((n) => n.title === '退款通知'), 'no generic notice');
    assert.ok(!notices.some((n) => n.title === '问诊已结束'), 'the refund notice says it ended, not a second one');
    // and, as the patient accepted it when starting the consultation, one WeChat message of the refund template
    assert.deepEqual(
      stack.fake.sentMessages.filter((m) => m.touser === p.openid).map((m) => [m.templateId, m.data, m.page]),
      [
        [
          p.templates.CONSULT_REFUND,
          {
            character_string1: { value: (await Consultation.findByPk(c.id))!.no },
            amount2: { value: '30.00元' },
            thing3: { value: '消化内科 测试医生' },
            thing4: { value: '医生未及时回复' },
          },
          `packages/consult/pages/chat/index?id=${c.id}`,
        ],
      ],
    );
  });

  it('opens a free follow-up from a visited appointment, and lets the doctor close it', async () => {
    const d = await ownDoctor('内分泌科');
    await call('PUT', '/api/admin/consult/workbench/settings', {
      token: d.token,
      body: { feeFen: 5000, accepting: true },
    });
    const s = await newSchedule(d.id, { feeFen: 0 });
    const p = await patient();
    const booked = await call('POST', '/api/mp/appointments', {
      token: p.token,
      body: { scheduleId: s.id, patientId: p.patientId },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    // The visit itself (the clinic day would have to pass for the console to mark it).
    await Appointment.update(
      { status: 'visited', visitedAt: new Date() },
      { where: { id: booked.body.appointment.id } },
    );
    const opened = await open(p, { appointmentId: booked.body.appointment.id });
    assert.equal(opened.consultation.kind, 'followup');
    assert.equal(opened.consultation.status, 'open');
    assert.equal(opened.consultation.feeFen, 0);
    assert.equal(opened.payment, null);
    const someoneElse = await patient();
    const refused = await call('POST', '/api/mp/consult/consultations', {
      token: someoneElse.token,
      body: { appointmentId: booked.body.appointment.id },
    });
    assert.equal(refused.status, 404);

    const c = opened.consultation;
    const closed = await call('POST', `/api/admin/consult/workbench/${c.id}/close`, { token: d.token });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.status, 'closed');
    assert.equal(closed.body.closeReason, 'doctor');
    const late = await call('POST', `/api/mp/consult/consultations/${c.id}/messages`, {
      token: p.token,
      body: { clientMsgId: crypto.randomUUID(), text: '还有一个问题' },
    });
    assert.equal(late.status, 409);
    // Closed, the pair is free again: a new consultation (paid this time, the window still open → follow-up).
    const again = await open(p, { appointmentId: booked.body.appointment.id });
    assert.notEqual(again.consultation.id, c.id);
  });

  it('closes a conversation left idle, with a system message', async () => {
    const p = await patient();
    const { consultation: c } = await open(p, { doctorId, patientId: p.patientId });
    const hours = stack.running.infra.config.CONSULT_IDLE_CLOSE_HOURS;
    await closeLapsedConsultations(new Date(Date.now() + hours * 3600_000 + 60_000));
    const after = (await call('GET', `/api/mp/consult/consultations/${c.id}`, { token: p.token })).body;
    assert.equal(after.status, 'closed');
    assert.equal(after.closeReason, 'idle');
  });

  it('two closes at the same moment (the doctor and the idle job) end it once: one system line, the first reason kept', async () => {
    const p = await patient();
    const { consultation: c } = await open(p, { doctorId, patientId: p.patientId });
    const [byJob, byDoctor] = await Promise.all([
      addSystemMessage(c.id, '问诊长时间无新消息，已自动结束', null, 'idle'),
      addSystemMessage(c.id, '医生已结束本次问诊', doctorId, 'doctor'),
    ]);
    assert.equal([byJob, byDoctor].filter((r) => r.closed).length, 1, 'exactly one of them ended it');
    const winner = byJob.closed ? 'idle' : 'doctor';
    const lines = await ConsultMessage.findAll({ where: { consultationId: c.id, sender: 'system' } });
    assert.deepEqual(
      lines.map((m) => m.text),
      [winner === 'idle' ? '问诊长时间无新消息，已自动结束' : '医生已结束本次问诊'],
    );
    assert.equal((await Consultation.findByPk(c.id))!.closeReason, winner);
  });

  it('tells the patient a consultation ended — closed by the doctor or idle —: 问诊已结束 and a CONSULT_END message, once', async () => {
    const doctor = (await User.findByPk(doctorId))!;
    const deptName = (await Dept.findByPk(doctor.deptId!))!.name;
    type Notice = { title: string; content: string; link: { type: string; id: string } | null };
    const endedNotices = async (token: string) =>
      ((await call('GET', '/api/mp/notices?pageSize=50', { token })).body.items as Notice[]).filter(
        (n) => n.title === '问诊已结束',
      );
    const endMessages = (openid: string, tmpl: string) =>
      stack.fake.sentMessages.filter((m) => m.touser === openid && m.templateId === tmpl);

    // The doctor ends it from the workbench: 我的消息 names the family member and the doctor and opens the chat, and
    // WeChat gets the CONSULT_END message the patient accepted (keywords checked by the simulated WeChat's rules).
    const p = await subscribedPatient(stack, ['CONSULT_END'], 2);
    const { consultation: c } = await open(p, { doctorId, patientId: p.patientId });
    const closed = await call('POST', `/api/admin/consult/workbench/${c.id}/close`, { token: doctorToken });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const no = (await Consultation.findByPk(c.id))!.no;
    const told = await endedNotices(p.token);
    assert.equal(told.length, 1, JSON.stringify(told));
    assert.equal(
      told[0].content,
      `就诊人：王患者；医生：${deptName} ${doctor.name}。图文问诊（${no}）${doctor.name}医生已结束本次问诊。对话记录可在问诊中查看，如仍有疑问可再次发起问诊。`,
    );
    assert.deepEqual(told[0].link, { type: 'consultation', id: String(c.id) });
    const sent = endMessages(p.openid, p.templates.CONSULT_END);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].page, `packages/consult/pages/chat/index?id=${c.id}`);
    assert.deepEqual(
      [sent[0].data.thing1.value, sent[0].data.thing3.value],
      [`${deptName} ${doctor.name}`, '医生已结束本次问诊'],
    );
    assert.match(sent[0].data.time2.value, /^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d$/);
    // Closing again is refused, and tells nobody a second time (the patient still holds one acceptance).
    const again = await call('POST', `/api/admin/consult/workbench/${c.id}/close`, { token: doctorToken });
    assert.equal(again.status, 409);
    assert.equal((await endedNotices(p.token)).length, 1);
    assert.equal(endMessages(p.openid, p.templates.CONSULT_END).length, 1);

    // One left idle closes itself: told so once, however many runs of the job and however the doctor's close races it.
    const q = await subscribedPatient(stack, ['CONSULT_END'], 2);
    const { consultation: idle } = await open(q, { doctorId, patientId: q.patientId });
    const late = new Date(Date.now() + stack.running.infra.config.CONSULT_IDLE_CLOSE_HOURS * 3600_000 + 60_000);
    const [, byDoctor] = await Promise.all([
      closeLapsedConsultations(late),
      call('POST', `/api/admin/consult/workbench/${idle.id}/close`, { token: doctorToken }),
    ]);
    await closeLapsedConsultations(late);
    assert.ok([200, 409].includes(byDoctor.status), JSON.stringify(byDoctor.body));
    const reason = (await Consultation.findByPk(idle.id))!.closeReason;
    const idleTold = await endedNotices(q.token);
    assert.equal(idleTold.length, 1, JSON.stringify(idleTold));
    const idleSent = endMessages(q.openid, q.templates.CONSULT_END);
    assert.equal(idleSent.length, 1);
    if (byDoctor.status === 409) {
      // the job came first
      assert.equal(reason, 'idle');
      assert.match(idleTold[0].content, /问诊长时间无新消息，已自动结束。/);
      assert.equal(idleSent[0].data.thing3.value, '长时间无新消息，已自动结束');
    }
  });
});
