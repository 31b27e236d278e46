/**
 * The consultation in two real Chromium pages against one real BFF: the h5 build as the patient, the console as the
 * doctor (demo physician). The patient opens a consultation from the doctor's 问诊 page and writes; the doctor sees
 * the header badge move, opens the conversation in the workbench and answers (typed and a quick reply); each side
 * sees the other's messages arrive live, in order. Starting the consultation asks for the 医生已回复 and 问诊已结束
 * subscribe messages.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildH5BeforeAnySuite, mpHarness, SHOTS } from '../support/mp-harness';
import { call } from '../support/api';
import { makeIdCard } from '../support/idcard';
import { field, loginAs, newConsole, type ConsoleSession } from '../support/browser';
import { User } from '../../bff/src/modules/system/models';
import { settle } from './browser';
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

buildH5BeforeAnySuite({ console: true });

describe('consultation in the browser: h5 patient and console doctor talking', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'consult-patient', timeout: 15_000 });
  const { on } = mp;
  let doctor: ConsoleSession;

  before(async () => {
    doctor = await newConsole(mp.baseUrl);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await doctor?.page.screenshot({ path: path.join(SHOTS, 'consult-failed-doctor.png') }).catch(() => {});
  });
  after(async () => {
    await doctor?.close();
  });

  it('the patient writes from the h5 app, the doctor answers from the workbench, both live', async () => {
    const doctorId = (await User.findOne({ where: { username: 'doctor' } }))!.id;
    // The patient: the app logs in silently (simulated WeChat); a family member is added through the API.
    await mp.open('/');
    await on('.home-entry').waitFor();
    const token = await mp.consent();
    const member = await call('POST', '/api/mp/patients', {
      token,
      body: { name: '周晓雨', idCard: makeIdCard('1990-06-15', 512), phone: '13600001111', relation: 'self' },
    });
    assert.equal(member.status, 201, JSON.stringify(member.body));

    // The doctor signs in to the workbench first: the badge shows nothing new yet.
    await loginAs(doctor, 'doctor', '/consult/workbench');
    const dp = doctor.page;
    await dp.waitForSelector('[data-test=page-consult-workbench]');
    const badge = dp.locator('[data-test=consult-badge]');
    const before = Number(await badge.getAttribute('data-unread'));

    // The doctor's page in the app → 发起问诊 → the chat.
    await mp.page.goto(`${mp.stack.baseUrl}/h5/packages/consult/pages/start/index?doctorId=${doctorId}`);
    await on('.cs-patient-on', '周晓雨').waitFor();
    // the 开始问诊 tap also asks (simulated) WeChat for 医生已回复 and 问诊已结束 as subscribe messages — a free
    // question, so not for a refund — and tells the BFF: one send each of CONSULT_REPLY and CONSULT_END allowed
    const reported = mp.page.waitForResponse(
      (r) => r.url().endsWith('/api/mp/notifications/subscriptions') && r.request().method() === 'POST',
    );
    await on('.cs-submit', '开始问诊').click();
    const ids = (
      await call('GET', '/api/mp/notifications/templates?names=CONSULT_REPLY,CONSULT_END,CONSULT_REFUND', { token })
    ).body.templates;
    assert.deepEqual((await (await reported).json()).quota, { [ids.CONSULT_REPLY]: 1, [ids.CONSULT_END]: 1 });
    await on('.cs-chat .cs-bar').waitFor();
    await settle(mp.page);
    await on('.cs-input input').fill('医生您好，我这三天一直头痛');
    await on('.cs-send').click();
    await on('.cs-msg-patient[data-seq="1"]', '头痛').waitFor();

    // The badge moves live (pushed on the doctor's personal channel), the conversation is listed with it unread.
    await dp.waitForFunction(
      (n) => Number(document.querySelector('[data-test=consult-badge]')?.getAttribute('data-unread')) > n,
      before,
    );
    const item = dp.locator('[data-test^=consult-item-]', { hasText: '周晓雨' }).first();
    await item.waitFor();
    await item.click();
    await dp.locator('[data-test=msg-1]', { hasText: '头痛' }).waitFor();

    await dp.fill(field('consult-input'), '您好，头痛是哪个部位？有没有发烧？');
    await dp.click('[data-test=consult-send]');
    await dp.locator('[data-test=msg-2][data-sender=doctor]').waitFor();
    // The patient's app shows the reply without a reload.
    await on('.cs-msg-doctor[data-seq="2"]', '有没有发烧').waitFor();

    await on('.cs-input input').fill('主要是太阳穴，没有发烧');
    await on('.cs-send').click();
    await dp.locator('[data-test=msg-3]', { hasText: '太阳穴' }).waitFor();

    // A quick reply from the workbench.
    await dp.click('[data-test=consult-quick]');
    await dp.locator('.el-dropdown-menu__item', { hasText: '建议您近期到医院门诊进一步检查' }).click();
    await on('.cs-msg-doctor[data-seq="4"]', '门诊进一步检查').waitFor();

    // Both sides hold the same conversation, in order.
    const patientSide = await mp.page
      .locator('.cs-msg[data-seq]')
      .evaluateAll((els) =>
        els
          .filter((e) => e.getAttribute('data-seq') !== '0')
          .map((e) => `${e.getAttribute('data-seq')}:${e.getAttribute('data-sender')}`),
      );
    assert.deepEqual(patientSide, ['1:patient', '2:doctor', '3:patient', '4:doctor']);
    const doctorSide = await dp
      .locator('[data-test^=msg-][data-sender]')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-test')}:${e.getAttribute('data-sender')}`));
    assert.deepEqual(doctorSide, ['msg-1:patient', 'msg-2:doctor', 'msg-3:patient', 'msg-4:doctor']);
    // The doctor read everything: the patient's own messages show 已读.
    await on('.cs-msg-patient[data-seq="3"]', '已读').waitFor();

    // A photo from the app: picked, uploaded as the request body, shown to both sides (fetched with the token).
    const chooser = mp.page.waitForEvent('filechooser');
    await on('.cs-photo').click();
    await (await chooser).setFiles({ name: 'rash.png', mimeType: 'image/png', buffer: Buffer.from(PNG_1X1, 'base64') });
    await on('.cs-msg-patient[data-seq="5"] .cs-img').waitFor();
    await dp.locator('[data-test=msg-5] img').waitFor();
    // Loaded, not a broken image: the BFF served the bytes to both participants.
    await mp.page.waitForFunction(() => {
      const img = document.querySelector('.cs-msg-patient[data-seq="5"] img') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth === 1;
    });
    await dp.waitForFunction(() => {
      const img = document.querySelector('[data-test=msg-5] img') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth === 1;
    });

    await settle(mp.page);
    await mp.page.screenshot({ path: path.join(SHOTS, 'consult-h5-chat.png') });
    await dp.screenshot({ path: path.join(SHOTS, 'consult-console-workbench.png') });
    assert.deepEqual(mp.errors, []);
  });
});
