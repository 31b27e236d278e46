/**
 * The kernel's notifications: every notice lands in 我的消息 (with a link to its subject) and, when the patient
 * accepted the template through wx.requestSubscribeMessage, goes out as a WeChat subscribe message through the
 * simulated WeChat, which enforces the one-send-per-acceptance quota itself (43101 otherwise).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call, loginAs, mpLogin } from '../support/api';
import { startStack, TEST_APPID, TEST_SECRET } from '../support/stack';
import { newDoctor, newSchedule } from '../support/booking';
import { uniqueIdCard } from '../support/idcard';

const TEMPLATE = 'sim_tmpl_appointment';

async function patientWithOpenid() {
  const openid = `o_ntf_${crypto.randomBytes(8).toString('hex')}`;
  const login = await mpLogin(openid);
  const p = await call('POST', '/api/mp/patients', {
    token: login.accessToken,
    body: {
      name: '赵患者',
      idCard: uniqueIdCard('1975-03-01'),
      phone: '13700002222',
      relation: 'self',
    },
  });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return { openid, token: login.accessToken, patientId: p.body.id as number };
}

/** What the h5 platform does after a booking: the user answers the dialog (simulator), then the BFF is told. */
async function answerSubscribe(p: { openid: string; token: string }, status: 'accept' | 'reject', tellWechat = true) {
  const { fake } = await startStack();
  if (tellWechat) fake.answerSubscribeRequest(p.openid, { [TEMPLATE]: status });
  const r = await call('POST', '/api/mp/notifications/subscriptions', {
    token: p.token,
    body: { errMsg: 'requestSubscribeMessage:ok', [TEMPLATE]: status },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.quota as Record<string, number>;
}

async function bookedOnNewSession(p: { token: string; patientId: number }) {
  // A department no other suite lists: a stopped session shows 0 remaining, which a suite reading 心血管内科's first
  // doctor would trip over.
  const doctor = await newDoctor('皮肤科');
  const s = await newSchedule(doctor.id, { slotCount: 2 });
  const r = await call('POST', '/api/mp/appointments', {
    token: p.token,
    body: { scheduleId: s.id, patientId: p.patientId },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { scheduleId: s.id, appointmentId: r.body.appointment.id as number };
}

async function stop(scheduleId: number) {
  const r = await call('POST', `/api/admin/scheduling/schedules/${scheduleId}/stop`, {
    token: await loginAs('admin'),
    body: { reason: '医生外出会诊' },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const sentTo = async (openid: string) => (await startStack()).fake.sentMessages.filter((m) => m.touser === openid);
const notices = async (token: string) => (await call('GET', '/api/mp/notices', { token })).body;

describe('notifications: in-app notice and WeChat subscribe message', () => {
  it('the template ids the mini-program asks for come from the BFF (fixed fake ids with the simulated WeChat)', async () => {
    const p = await mpLogin();
    const r = await call('GET', '/api/mp/notifications/templates?names=APPOINTMENT', { token: p.accessToken });
    assert.deepEqual(r.body, { templates: { APPOINTMENT: TEMPLATE } });
    assert.equal(
      (await call('GET', '/api/mp/notifications/templates?names=bad name', { token: p.accessToken })).status,
      400,
    );
  });

  it('sends one subscribe message per acceptance and records the notice with a link to the appointment', async () => {
    const p = await patientWithOpenid();
    assert.deepEqual(await answerSubscribe(p, 'accept'), { [TEMPLATE]: 1 });
    const first = await bookedOnNewSession(p);
    const second = await bookedOnNewSession(p);
    await stop(first.scheduleId);

    const sent = await sentTo(p.openid);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].templateId, TEMPLATE);
    assert.equal(sent[0].page, `packages/booking/pages/detail/index?id=${first.appointmentId}`);
    assert.equal(sent[0].data.thing1.value, '医生停诊通知');
    assert.ok([...sent[0].data.thing2.value].length <= 20, 'thing values are cut to WeChat’s 20 characters');
    const n1 = (await notices(p.token)).items[0];
    assert.equal(n1.title, '医生停诊通知');
    assert.deepEqual(n1.link, { type: 'appointment', id: String(first.appointmentId) });
    assert.deepEqual((await call('GET', '/api/mp/notifications/subscriptions', { token: p.token })).body, {
      quota: { [TEMPLATE]: 0 },
    });

    // The one acceptance is spent: the next notice is in-app only and WeChat is not even asked.
    const { fake } = await startStack();
    const calls = fake.stats.subscribeSend;
    await stop(second.scheduleId);
    assert.equal(fake.stats.subscribeSend, calls);
    assert.equal((await sentTo(p.openid)).length, 1);
    const list = await notices(p.token);
    const stops = list.items.filter((n: { title: string }) => n.title === '医生停诊通知');
    assert.equal(stops.length, 2);
    assert.deepEqual(stops[0].link, { type: 'appointment', id: String(second.appointmentId) });
    // each booking also left its in-app 预约待支付 notice (never a subscribe message: the patient was there)
    assert.equal(list.items.length, 4);
    assert.equal(list.unread, 4);
  });

  it('without an acceptance only the in-app notice is created', async () => {
    const p = await patientWithOpenid();
    assert.deepEqual(await answerSubscribe(p, 'reject'), {});
    const b = await bookedOnNewSession(p);
    await stop(b.scheduleId);
    assert.equal((await sentTo(p.openid)).length, 0);
    assert.equal((await notices(p.token)).items[0].title, '医生停诊通知');
  });

  it('when WeChat holds no acceptance (43101) the notice stays in-app and the recorded quota is reset', async () => {
    const p = await patientWithOpenid();
    // The client reports an acceptance WeChat never saw (a tampered or stale client): WeChat is the judge.
    assert.deepEqual(await answerSubscribe(p, 'accept', false), { [TEMPLATE]: 1 });
    const { fake } = await startStack();
    const calls = fake.stats.subscribeSend;
    const b = await bookedOnNewSession(p);
    await stop(b.scheduleId);
    assert.equal(fake.stats.subscribeSend, calls + 1, 'WeChat was asked');
    assert.equal((await sentTo(p.openid)).length, 0, 'and refused');
    assert.equal((await notices(p.token)).items[0].title, '医生停诊通知');
    assert.deepEqual((await call('GET', '/api/mp/notifications/subscriptions', { token: p.token })).body, {
      quota: { [TEMPLATE]: 0 },
    });
  });

  it('refuses a malformed subscription result and keeps the mp notice API', async () => {
    const p = await mpLogin();
    const bad = await call('POST', '/api/mp/notifications/subscriptions', {
      token: p.accessToken,
      body: { 'bad id!': 'accept' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.equal((await call('POST', '/api/mp/notices/999999999/read', { token: p.accessToken })).status, 404);
  });

  it('the simulated WeChat follows the spec: token checked, 40003 for an unknown openid, 43101 without acceptance', async () => {
    const { fake, env } = await startStack();
    const url = env.WECHAT_API_BASE!;
    const tok = await fetch(`${url}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: TEST_APPID, secret: TEST_SECRET }),
    }).then((r) => r.json());
    const send = (token: string, body: object) =>
      fetch(`${url}/cgi-bin/message/subscribe/send?access_token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    const msg = { template_id: TEMPLATE, page: 'pages/index/index', data: { thing1: { value: '测试' } } };
    assert.equal((await send('nope', { ...msg, touser: 'x' })).errcode, 40001);
    assert.equal((await send(tok.access_token, { ...msg, touser: 'o_never_logged_in' })).errcode, 40003);
    const p = await patientWithOpenid();
    assert.deepEqual(await send(tok.access_token, { ...msg, touser: p.openid }), {
      errcode: 43101,
      errmsg: 'user refuse to accept the msg',
    });
    fake.answerSubscribeRequest(p.openid, { [TEMPLATE]: 'accept' });
    assert.equal(
      (
        await send(tok.access_token, {
          ...msg,
          touser: p.openid,
          data: { thing1: { value: '一二三四五六七八九十一二三四五六七八九十一' } },
        })
      ).errcode,
      47003,
    );
    assert.equal((await send(tok.access_token, { ...msg, touser: p.openid })).errcode, 0);
    assert.equal((await send(tok.access_token, { ...msg, touser: p.openid })).errcode, 43101);
  });
});
