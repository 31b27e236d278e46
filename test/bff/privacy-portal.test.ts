/**
 * The patient portal's shell (issue 15): consents recorded with version and time (separate ones for ID numbers and
 * health data, required before adding a family member), 注销账号, the hospital's home-page information and
 * 通知公告 managed from the console, 我的订单, and a message for every appointment event naming patient and doctor.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { call, loginAs, mpLogin, bookAsApp } from '../support/api';
import { startStack } from '../support/stack';
import { newDoctor, newSchedule, tomorrow } from '../support/booking';
import { uniqueIdCard } from '../support/idcard';
import { MpUser } from '../../bff/src/modules/auth/models';
import { Patient } from '../../bff/src/modules/patient/models';
import { Appointment } from '../../bff/src/modules/booking/models';
import { PayOrder } from '../../bff/src/modules/payment/models';
import { PatientNotice } from '../../bff/src/kernel/notifications/models';
import { MpConsent } from '../../bff/src/modules/privacy/models';
import { remindTomorrow } from '../../bff/src/modules/booking/notices';
import { VisitRecord } from '../../bff/src/modules/records/models';
import { VisitReport } from '../../bff/src/modules/records/reports';
import { StoredFile } from '../../bff/src/kernel/files';
import { infra } from '../../bff/src/infra';
import { bookedToday, physician } from '../support/records';
import { addDays, shanghaiDate } from '../../bff/src/shared/time';

const member = (name = '周就诊', relation = 'self') => ({
  name,
  idCard: uniqueIdCard('1972-01-10'),
  phone: '13600007777',
  relation,
});
const version = async (kind: string) =>
  (await call<{ version: string }>('GET', `/api/mp/privacy/documents/${kind}`)).body.version;

async function patientWithMember() {
  const login = await mpLogin(`o_pp_${crypto.randomBytes(8).toString('hex')}`);
  const p = await call('POST', '/api/mp/patients', { token: login.accessToken, body: member() });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  return { ...login, token: login.accessToken, patientId: p.body.id as number };
}
const orderOf = async (appointmentId: number) =>
  (await PayOrder.findOne({
    where: { subjectType: 'appointment', subjectId: appointmentId },
    order: [['id', 'DESC']],
  }))!;
const notices = async (token: string) =>
  (await call('GET', '/api/mp/notices?pageSize=50', { token })).body.items as {
    title: string;
    content: string;
    link: { type: string; id: string } | null;
  }[];

describe('privacy: documents, consents with version and time, the sensitive-information gate', () => {
  it('serves every document with its version to anyone; a new user has agreed to nothing', async () => {
    for (const kind of ['privacy_policy', 'user_agreement', 'health_data', 'id_number']) {
      const d = await call('GET', `/api/mp/privacy/documents/${kind}`);
      assert.equal(d.status, 200);
      assert.match(
        d.body.version,
        /^\d{4}-\d{2}-\d{2}(\.\d+)?$/,
        'the day, and the version number once 协议管理 publishes one',
      );
      assert.ok(d.body.sections.length > 0 && d.body.title);
    }
    const policy = (await call('GET', '/api/mp/privacy/documents/privacy_policy')).body;
    assert.match(JSON.stringify(policy), /医云示范医院/, 'names the hospital from its configuration');
    assert.equal((await call('GET', '/api/mp/privacy/documents/cookies')).status, 400);

    const { accessToken: t } = await mpLogin(undefined, { consent: false });
    const c = (await call('GET', '/api/mp/privacy/consents', { token: t })).body;
    assert.deepEqual(
      c.items.map((i: { kind: string; granted: boolean }) => [i.kind, i.granted]),
      [
        ['privacy_policy', false],
        ['user_agreement', false],
        ['health_data', false],
        ['id_number', false],
      ],
    );
    assert.equal((await call('GET', '/api/mp/privacy/consents')).status, 401);
  });

  it('refuses a family member (privacy policy, ID number, health data) until the consents are given, then records them', async () => {
    const login = await mpLogin(undefined, { consent: false });
    const t = login.accessToken;
    const refused = await call('POST', '/api/mp/patients', { token: t, body: member() });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'CONSENT_REQUIRED');
    assert.deepEqual(refused.body.error.details.kinds, ['privacy_policy', 'id_number', 'health_data']);

    const idOnly = await call('POST', '/api/mp/privacy/consents', {
      token: t,
      body: {
        answers: [
          { kind: 'privacy_policy', version: await version('privacy_policy'), granted: true },
          { kind: 'id_number', version: await version('id_number'), granted: true },
        ],
      },
    });
    assert.equal(idOnly.status, 200);
    const still = await call('POST', '/api/mp/patients', { token: t, body: member() });
    assert.equal(still.status, 403);
    assert.deepEqual(still.body.error.details.kinds, ['health_data'], 'only the missing consent is asked for');

    const outdated = await call('POST', '/api/mp/privacy/consents', {
      token: t,
      body: { answers: [{ kind: 'health_data', version: '2020-01-01', granted: true }] },
    });
    assert.equal(outdated.status, 409);
    assert.equal(outdated.body.error.code, 'CONSENT_OUTDATED');
    const bad = await call('POST', '/api/mp/privacy/consents', { token: t, body: { answers: [] } });
    assert.equal(bad.status, 400);

    const before = Date.now();
    await call('POST', '/api/mp/privacy/consents', {
      token: t,
      body: { answers: [{ kind: 'health_data', version: await version('health_data'), granted: true }] },
    });
    const added = await call('POST', '/api/mp/patients', { token: t, body: member() });
    assert.equal(added.status, 201, JSON.stringify(added.body));

    const rows = await MpConsent.findAll({ where: { userId: login.user.id }, order: [['id', 'ASC']] });
    assert.deepEqual(
      rows.map((r) => [r.kind, r.version, r.granted]),
      [
        ['privacy_policy', await version('privacy_policy'), true],
        ['id_number', await version('id_number'), true],
        ['health_data', await version('health_data'), true],
      ],
    );
    assert.ok(rows[2].createdAt.getTime() >= before - 1000, 'recorded with its time');
    const state = (await call('GET', '/api/mp/privacy/consents', { token: t })).body.items;
    const health = state.find((i: { kind: string }) => i.kind === 'health_data');
    assert.equal(health.granted, true);
    assert.equal(health.answeredVersion, await version('health_data'));

    // withdrawn: recorded as a new row, and no further family member can be added
    const withdrawn = await call('POST', '/api/mp/privacy/consents', {
      token: t,
      body: { answers: [{ kind: 'health_data', version: await version('health_data'), granted: false }] },
    });
    assert.equal(withdrawn.body.items.find((i: { kind: string }) => i.kind === 'health_data').granted, false);
    const afterWithdrawal = await call('POST', '/api/mp/patients', { token: t, body: member('吴家人', 'child') });
    assert.equal(afterWithdrawal.body.error.code, 'CONSENT_REQUIRED');
    assert.equal(await MpConsent.count({ where: { userId: login.user.id } }), 4, 'the log keeps every answer');
  });
});

describe('注销账号: anonymised, sessions ended, medical records kept', () => {
  it('is refused while a booking is live, then erases personal data and keeps the appointment', async () => {
    const openid = `o_del_${crypto.randomBytes(8).toString('hex')}`;
    const login = await mpLogin(openid);
    const t = login.accessToken;
    const { fake } = await startStack();
    const phone = await call('POST', '/api/mp/me/phone', {
      token: t,
      body: { code: fake.issuePhoneCode('13912345678') },
    });
    assert.equal(phone.status, 200);
    const p = await call('POST', '/api/mp/patients', { token: t, body: member('郑注销') });
    assert.equal(p.status, 201);
    const doctor = await newDoctor('皮肤科', '冯医生');
    const s = await newSchedule(doctor.id, { slotCount: 3 });
    const booked = await bookAsApp({
      token: t,
      body: { scheduleId: s.id, patientId: p.body.id },
    });
    assert.equal(booked.status, 201);
    const appointmentId = booked.body.appointment.id as number;

    const typo = await call('POST', '/api/mp/account/delete', { token: t, body: { confirm: '删除' } });
    assert.equal(typo.status, 400);
    const live = await call('POST', '/api/mp/account/delete', { token: t, body: { confirm: '注销' } });
    assert.equal(live.status, 409);
    assert.equal(live.body.error.code, 'ACCOUNT_HAS_BOOKINGS');

    assert.equal((await call('POST', `/api/mp/appointments/${appointmentId}/cancel`, { token: t })).status, 200);
    const done = await call('POST', '/api/mp/account/delete', { token: t, body: { confirm: '注销' } });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.ok(done.body.kept.length && done.body.erased.length);

    // every login ends at once: the access token and the refresh token
    assert.equal((await call('GET', '/api/mp/me', { token: t })).status, 401);
    assert.equal(
      (await call('POST', '/api/mp/auth/refresh', { body: { refreshToken: login.refreshToken } })).status,
      401,
    );

    const u = (await MpUser.findByPk(login.user.id))!;
    assert.ok(u.deletedAt);
    assert.notEqual(u.openid, openid);
    assert.equal(u.phoneEnc, null);
    assert.equal(u.nickname, null);
    assert.equal(await PatientNotice.count({ where: { userId: u.id } }), 0, 'messages erased');
    const kept = await Appointment.findByPk(appointmentId);
    assert.equal(kept?.userId, u.id, 'the appointment stays, linked to the anonymised account');
    const memberRow = await Patient.findByPk(p.body.id, { paranoid: false });
    assert.ok(memberRow?.deletedAt, 'the family member is hidden');

    // the same WeChat user logging in again starts a new, empty account
    const again = await mpLogin(openid, { consent: false });
    assert.notEqual(again.user.id, u.id);
    assert.equal((await call('GET', '/api/mp/patients', { token: again.accessToken })).body.total, 0);
  });
});

/** A real 1×1 PNG (signature, IHDR, IDAT, IEND). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** POST of a raw body (an avatar, a report file), as the apps send it. */
async function upload(p: string, token: string, bytes: Buffer) {
  const { baseUrl } = await startStack();
  const res = await fetch(baseUrl + p, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: await res.json() };
}
/** Where a stored file's bytes are, and whether its row and bytes are still there. */
async function storedOf(url: string) {
  const [, id, ext] = /^\/files\/([0-9a-f-]{36})\.(\w+)$/.exec(url)!;
  return storedById(id, ext, 'uploads');
}
async function storedById(id: string, ext: string, folder: 'uploads' | 'private-uploads') {
  const file = path.resolve(infra().config.DATA_DIR, folder, `${id}.${ext}`);
  return { row: !!(await StoredFile.findByPk(id)), bytes: fs.existsSync(file) };
}

describe('注销账号: uploaded avatar files are deleted, medical records and reports stay', () => {
  it('a replaced avatar and the last one leave the disk; the signed record and its report file remain', async function () {
    this.timeout(120_000);
    const who = await patientWithMember();
    const first = await upload('/api/mp/me/avatar', who.token, PNG);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(await storedOf(first.body.avatarUrl), { row: true, bytes: true }, 'the avatar is stored');
    const second = await upload('/api/mp/me/avatar', who.token, PNG);
    assert.equal(second.status, 200);
    assert.notEqual(second.body.avatarUrl, first.body.avatarUrl);
    assert.deepEqual(
      await storedOf(first.body.avatarUrl),
      { row: false, bytes: false },
      'a replaced avatar is deleted',
    );

    // A visit: signed record and a report file (medical data the account's deletion must keep).
    const doc = await physician('心血管内科');
    const appt = await bookedToday(doc, { userId: who.user.id, patientId: who.patientId }, 1);
    const visit = await call('POST', '/api/admin/records/visits', {
      token: doc.token,
      body: { appointmentId: appt.id },
    });
    assert.equal(visit.status, 200, JSON.stringify(visit.body));
    const visitId = visit.body.id as number;
    const content = { chiefComplaint: '咳嗽 3 天', diagnoses: [{ code: 'I10' }], advice: '多饮水' };
    assert.equal(
      (await call('PUT', `/api/admin/records/visits/${visitId}`, { token: doc.token, body: content })).status,
      200,
    );
    const sign = await call('POST', `/api/admin/records/visits/${visitId}/sign`, { token: doc.token, body: {} });
    assert.equal(sign.status, 200, JSON.stringify(sign.body));
    const report = await upload(
      `/api/admin/records/visits/${visitId}/reports/file?kind=exam&title=${encodeURIComponent('胸片')}`,
      doc.token,
      PNG,
    );
    assert.equal(report.status, 201, JSON.stringify(report.body));
    const reportFile = (await StoredFile.findByPk((await VisitReport.findByPk(report.body.id))!.fileId!))!;

    const done = await call('POST', '/api/mp/account/delete', { token: who.token, body: { confirm: '注销' } });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(await storedOf(second.body.avatarUrl), { row: false, bytes: false }, 'the avatar file is gone');
    assert.equal((await MpUser.findByPk(who.user.id))!.avatarUrl, null);
    assert.ok(await VisitRecord.findByPk(visitId), 'the visit record stays');
    assert.ok(await VisitReport.findByPk(report.body.id), 'the report stays');
    assert.deepEqual(
      await storedById(reportFile.id, reportFile.ext, 'private-uploads'),
      { row: true, bytes: true },
      'the report file stays on disk',
    );
  });
});

describe('首页: hospital information and 通知公告 from the console', () => {
  it('shows the configured hospital and only published announcements; the console needs system:notice:*', async () => {
    const info = (await call('GET', '/api/mp/hospital')).body;
    assert.equal(info.name, '医云示范医院');
    assert.ok(info.address && info.phone && info.hours);
    assert.equal(typeof info.latitude, 'number');
    assert.ok(info.notices.length >= 1, 'the demo hospital has announcements');

    const admin = await loginAs('admin');
    const title = `停车场改造通知${crypto.randomInt(1000)}`;
    const draft = await call('POST', '/api/admin/system/notices', {
      token: admin,
      body: { title, type: 'notice', content: '东门停车场 12 月起改造，请从南门进入。', status: 'draft' },
    });
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    assert.equal(draft.body.publishedAt, null);
    const shown = async () =>
      (await call('GET', '/api/mp/hospital')).body.notices.map((n: { title: string }) => n.title);
    assert.ok(!(await shown()).includes(title), 'a draft is not shown');
    assert.equal((await call('GET', `/api/mp/hospital/notices/${draft.body.id}`)).status, 404);

    const published = await call('PUT', `/api/admin/system/notices/${draft.body.id}`, {
      token: admin,
      body: { status: 'published', pinned: true },
    });
    assert.equal(published.status, 200);
    assert.ok(published.body.publishedAt);
    assert.equal((await shown())[0], title, 'pinned first');
    const detail = await call('GET', `/api/mp/hospital/notices/${draft.body.id}`);
    assert.match(detail.body.content, /南门/);

    const list = await call('GET', `/api/admin/system/notices?title=${encodeURIComponent('停车场')}`, { token: admin });
    assert.ok(list.body.items.some((n: { id: number }) => n.id === draft.body.id));
    const invalid = await call('POST', '/api/admin/system/notices', {
      token: admin,
      body: { title: '', type: 'notice', content: 'x', status: 'draft' },
    });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.code, 'VALIDATION_FAILED');

    const doctor = await loginAs('doctor');
    assert.equal((await call('GET', '/api/admin/system/notices', { token: doctor })).status, 403);
    assert.equal(
      (
        await call('POST', '/api/admin/system/notices', {
          token: doctor,
          body: { title: 'x', type: 'notice', content: 'x', status: 'draft' },
        })
      ).status,
      403,
    );
    assert.equal((await call('DELETE', `/api/admin/system/notices/${draft.body.id}`, { token: admin })).status, 204);
    assert.ok(!(await shown()).includes(title));
  });
});

describe('消息 and 我的订单: every appointment event, naming the patient and the doctor', () => {
  it('booked → 去支付, paid, cancelled, refunded; orders are the caller’s own', async () => {
    const { pay } = await startStack();
    const p = await patientWithMember();
    const other = await patientWithMember();
    const doctor = await newDoctor('皮肤科', '褚明医');
    const s = await newSchedule(doctor.id, { slotCount: 3 });
    const r = await bookAsApp({
      token: p.token,
      body: { scheduleId: s.id, patientId: p.patientId },
    });
    assert.equal(r.status, 201);
    const id = r.body.appointment.id as number;
    let items = await notices(p.token);
    assert.equal(items[0].title, '预约待支付');
    assert.deepEqual(items[0].link, { type: 'appointment_pay', id: String(id) }, 'the message opens 去支付');
    assert.match(items[0].content, /周就诊/);
    assert.match(items[0].content, /褚明医/);

    await pay.pay((await orderOf(id)).outTradeNo);
    await pay.settled();
    items = await notices(p.token);
    assert.equal(items[0].title, '支付成功，预约已确认');
    assert.deepEqual(items[0].link, { type: 'appointment', id: String(id) });

    const orders = (await call('GET', '/api/mp/orders', { token: p.token })).body;
    assert.equal(orders.total, 1);
    assert.equal(orders.items[0].status, 'paid');
    assert.deepEqual(orders.items[0].subject, { type: 'appointment', id });
    assert.equal((await call('GET', '/api/mp/orders', { token: other.token })).body.total, 0, 'not another’s');

    assert.equal((await call('POST', `/api/mp/appointments/${id}/cancel`, { token: p.token })).status, 200);
    await pay.settled();
    items = await notices(p.token);
    const titles = items.map((n) => n.title);
    assert.ok(titles.includes('预约已取消'), titles.join());
    const refund = items.find((n) => n.title === '退款成功');
    assert.ok(refund, titles.join());
    assert.match(refund!.content, /褚明医/);
    const after = (await call('GET', '/api/mp/orders', { token: p.token })).body.items[0];
    assert.equal(after.status, 'refunded');
    assert.equal(after.refunds[0].status, 'success');
    assert.equal((await call('GET', '/api/mp/orders?pageSize=500', { token: p.token })).status, 400);
  });

  it('reminds a booked visit the day before, once', async () => {
    const p = await patientWithMember();
    const doctor = await newDoctor('皮肤科', '卫提醒');
    const s = await newSchedule(doctor.id, { slotCount: 3, feeFen: 0, date: tomorrow() });
    const r = await bookAsApp({
      token: p.token,
      body: { scheduleId: s.id, patientId: p.patientId },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.appointment.status, 'booked');
    const later = await newSchedule(doctor.id, { slotCount: 3, feeFen: 0, date: addDays(shanghaiDate(), 3) });
    await bookAsApp({
      token: p.token,
      body: { scheduleId: later.id, patientId: p.patientId },
    });

    const first = await remindTomorrow();
    assert.ok(first.reminded >= 1);
    await remindTomorrow();
    const reminders = (await notices(p.token)).filter((n) => n.title === '明日就诊提醒');
    assert.equal(reminders.length, 1, 'once, and only for tomorrow');
    assert.deepEqual(reminders[0].link, { type: 'appointment', id: String(r.body.appointment.id) });
    assert.match(reminders[0].content, /卫提醒/);
    assert.match(reminders[0].content, /周就诊/);
  });
});

describe('协议管理: the documents are edited and published in the console; a new privacy policy is agreed to again', () => {
  it('needs system:agreement:*; a draft is not shown; publishing makes a new version that old consents do not meet', async function () {
    this.timeout(120_000);
    // permission: the demo physician and chief have no 协议管理; no token is 401
    for (const role of ['doctor', 'chief'] as const) {
      const token = await loginAs(role);
      assert.equal((await call('GET', '/api/admin/privacy/documents', { token })).status, 403, role);
      const put = await call('PUT', '/api/admin/privacy/documents/privacy_policy/draft', {
        token,
        body: { title: '隐私政策', purpose: 'x', body: 'x' },
      });
      assert.equal(put.status, 403, role);
      assert.equal(put.body.error.code, 'FORBIDDEN');
    }
    assert.equal((await call('GET', '/api/admin/privacy/documents')).status, 401);

    const admin = await loginAs('admin');
    const overview = (await call('GET', '/api/admin/privacy/documents', { token: admin })).body;
    assert.deepEqual(
      overview.items.map((i: { kind: string }) => i.kind),
      ['privacy_policy', 'user_agreement', 'health_data', 'id_number'],
    );
    const before = overview.items[0].published;
    assert.equal(before.version, await version('privacy_policy'), 'the mini-program shows the published version');

    // a patient who agreed to everything as it is now, with a family member
    const who = await patientWithMember();

    // bad input: nothing changes
    const empty = await call('PUT', '/api/admin/privacy/documents/privacy_policy/draft', {
      token: admin,
      body: { title: '', purpose: '', body: '' },
    });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'VALIDATION_FAILED');
    assert.equal(
      (await call('PUT', '/api/admin/privacy/documents/cookies/draft', { token: admin, body: {} })).status,
      400,
    );

    // a draft: kept with the next number, not shown to patients
    const marker = `新增条款${crypto.randomBytes(3).toString('hex')}`;
    const text = `${before.body}\n\n## 十、${marker}\n我们新增了随访提醒所需的信息说明。`;
    const draft = await call('PUT', '/api/admin/privacy/documents/privacy_policy/draft', {
      token: admin,
      body: { title: before.title, purpose: before.purpose, body: text },
    });
    assert.equal(draft.status, 200, JSON.stringify(draft.body));
    assert.equal(draft.body.status, 'draft');
    assert.equal(draft.body.version, null);
    assert.ok(draft.body.seq > before.seq);
    const again = await call('PUT', '/api/admin/privacy/documents/privacy_policy/draft', {
      token: admin,
      body: { title: before.title, purpose: before.purpose, body: text },
    });
    assert.equal(again.body.id, draft.body.id, 'one draft per document, edited in place');
    assert.doesNotMatch(
      JSON.stringify((await call('GET', '/api/mp/privacy/documents/privacy_policy')).body),
      new RegExp(marker),
    );

    // publish: a new version; the old one superseded and kept
    const published = await call('POST', '/api/admin/privacy/documents/privacy_policy/publish', { token: admin });
    assert.equal(published.status, 200, JSON.stringify(published.body));
    assert.equal(published.body.status, 'published');
    assert.match(published.body.version, /^\d{4}-\d{2}-\d{2}\.\d+$/);
    assert.notEqual(published.body.version, before.version);
    const shown = (await call('GET', '/api/mp/privacy/documents/privacy_policy')).body;
    assert.equal(shown.version, published.body.version);
    assert.ok(shown.sections.some((s: { heading: string }) => s.heading === `十、${marker}`));
    const versions = (await call('GET', '/api/admin/privacy/documents/privacy_policy/versions', { token: admin })).body;
    assert.deepEqual(
      versions.items.slice(0, 2).map((v: { id: number; status: string }) => [v.id, v.status]),
      [
        [published.body.id, 'published'],
        [before.id, 'superseded'],
      ],
    );
    const nothing = await call('POST', '/api/admin/privacy/documents/privacy_policy/publish', { token: admin });
    assert.equal(nothing.status, 409);
    assert.equal(nothing.body.error.code, 'NO_DRAFT');

    // the patient's consent was to the old version: it no longer counts, and no more health data is collected
    const state = (await call('GET', '/api/mp/privacy/consents', { token: who.token })).body.items;
    const policy = state.find((i: { kind: string }) => i.kind === 'privacy_policy');
    assert.deepEqual([policy.granted, policy.answeredVersion], [false, before.version]);
    const refused = await call('POST', '/api/mp/patients', { token: who.token, body: member('王再同意', 'child') });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'CONSENT_REQUIRED');
    assert.deepEqual(refused.body.error.details.kinds, ['privacy_policy']);
    const stale = await call('POST', '/api/mp/privacy/consents', {
      token: who.token,
      body: { answers: [{ kind: 'privacy_policy', version: before.version, granted: true }] },
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'CONSENT_OUTDATED');
    const renewed = await call('POST', '/api/mp/privacy/consents', {
      token: who.token,
      body: { answers: [{ kind: 'privacy_policy', version: published.body.version, granted: true }] },
    });
    assert.equal(renewed.status, 200);
    const latest = await MpConsent.findOne({
      where: { userId: who.user.id, kind: 'privacy_policy' },
      order: [['id', 'DESC']],
    });
    assert.equal(latest!.version, published.body.version, 'the consent records the version agreed to');
    const added = await call('POST', '/api/mp/patients', { token: who.token, body: member('王再同意', 'child') });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  });
});
