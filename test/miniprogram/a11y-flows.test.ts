/**
 * axe-core (WCAG 2.1 A/AA) on the patient's working screens, beyond the shell pages portal.test.ts checks: the
 * booking flow (大科 › 小科 picker, doctor list, doctor page, confirm page), the 问诊 chat, 我的病历, 我的报告 and a
 * record's detail — each in the standard look and in 关怀模式, where the page must carry the care styles (larger
 * type, higher contrast) as the shell pages do. 0 violations everywhere.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call } from '../support/api';
import { newDoctor, newSchedule, tomorrow } from '../support/booking';
import { makeIdCard } from '../support/idcard';
import { bookedToday, physician } from '../support/records';
import { User } from '../../bff/src/modules/system/models';

buildH5BeforeAnySuite();

describe('miniprogram h5: booking, 问诊 and 病历 screens with axe-core, standard and 关怀模式 (Chromium)', function () {
  this.timeout(240_000);
  const mp = mpHarness({ shots: 'mp-a11y', timeout: 15_000, failingStatus: 500 });
  const { on, tab, shot } = mp;
  const doctorName = `孔无障${Math.floor(Math.random() * 90 + 10)}`;
  let scheduleId: number;
  let recordId: number;
  let chatUrl: string;

  before(async function () {
    this.timeout(180_000);
    const { user, memberId } = await mp.loginWithMember({
      name: '吴适老',
      idCard: makeIdCard('1948-03-08', 517),
      phone: '13600003333',
    });
    const d = await newDoctor('心血管内科', doctorName);
    scheduleId = (await newSchedule(d.id, { date: tomorrow(), slotCount: 8 })).id;

    // A signed record with a lab report for 我的病历 / 我的报告.
    const doc = await physician();
    const appt = await bookedToday(doc, { userId: user.id, patientId: memberId }, 1);
    recordId = (await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: appt.id } }))
      .body.id;
    const content = { chiefComplaint: '胸闷 3 天', diagnoses: [{ code: 'I10' }], advice: '低盐饮食，每日测量血压' };
    assert.equal(
      (await call('PUT', `/api/admin/records/visits/${recordId}`, { token: doc.token, body: content })).status,
      200,
    );
    assert.equal(
      (await call('POST', `/api/admin/records/visits/${recordId}/sign`, { token: doc.token, body: {} })).status,
      200,
    );
    const report = await call('POST', `/api/admin/records/visits/${recordId}/reports`, {
      token: doc.token,
      body: {
        kind: 'lab',
        title: '血脂四项',
        items: [
          { name: '总胆固醇', value: '6.8', unit: 'mmol/L', range: '<5.2', flag: 'high' },
          { name: '甘油三酯', value: '1.2', unit: 'mmol/L', range: '<1.7' },
        ],
        conclusion: '总胆固醇升高',
      },
    });
    assert.equal(report.status, 201, JSON.stringify(report.body));

    // A consultation with the demo physician (free), opened as a patient does: 发起问诊 from the doctor's page.
    const demoDoctor = (await User.findOne({ where: { username: 'doctor' } }))!.id;
    await mp.open(`/packages/consult/pages/start/index?doctorId=${demoDoctor}`);
    await on('.cs-patient-on', '吴适老').waitFor();
    await on('.cs-submit', '开始问诊').click();
    await on('.cs-chat .cs-bar').waitFor();
    await on('.cs-input input').fill('医生您好，我胸闷三天了');
    await on('.cs-send').click();
    await on('.cs-msg-patient[data-seq="1"]', '胸闷').waitFor();
    chatUrl = mp.page.url();
  });

  after(() => {
    assert.deepEqual(mp.errors, [], 'no page errors, no 5xx');
  });

  /** Walks the screens; in 关怀模式 each page's root must carry the care class before axe looks at it. */
  async function screens(care: boolean) {
    const mode = care ? '关怀模式' : '标准';
    const found: string[] = [];
    const check = async (screen: string, root: string) => {
      if (care) await on(`${root}.care`).waitFor();
      found.push(...(await mp.violations(`${screen}（${mode}）`)));
      await shot(`${root.slice(1)}${care ? '-care' : ''}`);
    };

    await mp.open('/');
    await tab('预约');
    await on('.bk-top', /^\s*内科\s*$/).click();
    await on('.bk-dept-name', '心血管内科').waitFor();
    await check('预约·科室', '.booking-home');
    await on('.bk-dept', '心血管内科').click();
    await on('.bk-doctor', doctorName).waitFor();
    await check('医生列表', '.bk-doctors');
    await on('.bk-doctor', doctorName).click();
    await on('.bk-session').waitFor();
    await check('医生主页', '.bk-doctor-page');
    await mp.open(`/packages/booking/pages/confirm/index?scheduleId=${scheduleId}`);
    await on('.bk-summary').waitFor();
    await check('确认预约', '.bk-confirm');

    await mp.page.goto(chatUrl);
    await on('.cs-chat .cs-bar').waitFor();
    await on('.cs-msg-patient', '胸闷').waitFor();
    await check('问诊对话', '.cs-chat');
    // the composer is on screen below the h5 title bar, not pushed under the fold
    const composer = (await on('.cs-composer').boundingBox())!;
    assert.ok(composer.y + composer.height <= 844 + 0.5, `composer ends at ${composer.y + composer.height}px of 844`);

    await mp.open('/packages/records/pages/index/index');
    await on(`.rec-visit-${recordId}`).waitFor();
    await check('我的病历', '.rec-home');
    await on('.rec-tab-reports').click();
    await on('.rec-report', '血脂四项').waitFor();
    await check('我的报告', '.rec-home');
    await mp.open(`/packages/records/pages/detail/index?id=${recordId}`);
    await on('.rec-complaint', '胸闷 3 天').waitFor();
    await check('病历详情', '.rec-detail');
    assert.equal(found.length, 0, found.join('\n'));
  }

  it('standard look: 0 violations on every screen of booking, 问诊 and 病历', async () => {
    await screens(false);
  });

  it('关怀模式: the same screens carry the care styles, larger type, and 0 violations', async () => {
    await tab('我的');
    await on('.menu-care').click();
    await on('.page.me.care').waitFor();
    await screens(true);
    const size = await on('.rec-complaint').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 20, `large type on the record (${size}px)`);
  });
});
