/**
 * 随访 end to end in two real Chromium pages against one real BFF: the demo physician builds a questionnaire in the
 * console (随访问卷), plans a questionnaire follow-up from the patient's appointment (预约管理 › 预约详情 › 新增随访);
 * the patient finds it under 我的 › 我的随访 in the h5 build and answers it; the physician sees the answers under
 * 随访管理 › 已完成 › 详情. 我的随访's 开启提醒 asks for the FOLLOWUP_DUE subscribe message through the shared
 * composable, once per visit of the page.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { buildH5BeforeAnySuite, mpHarness, SHOTS } from '../support/mp-harness';
import { call, consentAll } from '../support/api';
import { makeIdCard } from '../support/idcard';
import { bookedToday } from '../support/records';
import { field, loginAs, newConsole, type ConsoleSession } from '../support/browser';
import { User } from '../../bff/src/modules/system/models';
import { settle } from './browser';

buildH5BeforeAnySuite({ console: true });

describe('随访 in the browser: the physician plans a questionnaire, the patient answers it in /h5', function () {
  this.timeout(180_000);
  const mp = mpHarness({ shots: 'mp-followup', timeout: 15_000, hiDpi: false });
  const { on } = mp;
  let doctor: ConsoleSession;

  before(async () => {
    doctor = await newConsole(mp.baseUrl);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await doctor?.page.screenshot({ path: path.join(SHOTS, 'followup-failed-doctor.png') }).catch(() => {});
  });
  after(async () => {
    await doctor?.close();
  });

  it('questionnaire built and planned in the console, answered in the app, the answers back in the console', async () => {
    // The patient: the app logs in silently (simulated WeChat); a family member booked with the demo physician today.
    const { accessToken: token, user } = await mp.login();
    const name = '孙随访';
    await consentAll(token);
    const member = await call('POST', '/api/mp/patients', {
      token,
      body: { name, idCard: makeIdCard('1958-09-21', 233), phone: '13600002222', relation: 'self' },
    });
    assert.equal(member.status, 201, JSON.stringify(member.body));
    const demo = (await User.findOne({ where: { username: 'doctor' } }))!;
    const appt = await bookedToday(
      { id: demo.id, deptId: demo.deptId! },
      { userId: user.id as number, patientId: member.body.id as number },
      150 + crypto.randomInt(100),
    );

    // 随访问卷: a single-choice and a number question.
    await loginAs(doctor, 'doctor', '/clinic/questionnaire');
    const dp = doctor.page;
    await dp.waitForSelector('[data-test=page-clinic-questionnaire]');
    const title = `血压随访问卷-${crypto.randomBytes(2).toString('hex')}`;
    await dp.click('[data-test=qn-add]');
    await dp.waitForSelector('[data-test=qn-dialog]');
    await dp.fill(field('qn-title'), title);
    await dp.fill(field('qn-qtitle-0'), '最近血压是否平稳');
    await dp.fill(field('qn-options-0'), '平稳\n偶有波动\n不平稳');
    await dp.click('[data-test=qn-add-question]');
    await dp.click('[data-test=qn-type-1]');
    await dp.locator('.el-select-dropdown__item:visible', { hasText: /^数值题$/ }).click();
    await dp.fill(field('qn-qtitle-1'), '今晨收缩压');
    await dp.click('[data-test=qn-submit]');
    await dp.locator('[data-test^=qn-row-]', { hasText: title }).waitFor();

    // 预约管理 › 预约详情 › 新增随访: a questionnaire follow-up (sent today).
    await dp.goto(doctor.url('/clinic/appointment'));
    await dp.waitForSelector('[data-test=appt-table]');
    await dp.fill(field('appt-filter-no'), appt.no);
    await dp.click('[data-test=query-search]');
    await dp.click(`[data-test="appt-detail-${appt.no}"]`);
    await dp.waitForSelector('[data-test=appt-drawer]');
    await dp.click('[data-test=followup-add]');
    await dp.waitForSelector('[data-test=followup-plan-dialog]');
    await dp.click('[data-test=followup-type-questionnaire]');
    await dp.click('[data-test=followup-questionnaire]');
    await dp.locator('.el-select-dropdown__item:visible', { hasText: title }).click();
    await dp.fill(field('followup-content'), '请填写血压随访问卷');
    await dp.click('[data-test=followup-plan-submit]');
    await dp.locator('[data-test=followup-list] [data-test^="followup-"][data-status=planned]').first().waitFor();

    // The patient: 我的 › 我的随访 → the questionnaire → answers → 已提交.
    await on('.weui-tabbar__item', '我的').click();
    await on('.menu-followup').click();
    const task = on('.fu-task-open');
    await task.waitFor();
    await settle(mp.page);
    await mp.page.screenshot({ path: path.join(SHOTS, 'mp-followup.png'), fullPage: true });
    await task.click();
    await on('.fu-question-q1').waitFor();
    // Submitting with nothing answered is stopped at the first question, before anything is sent.
    await on('.fu-submit').click();
    await on('.fu-error', '最近血压是否平稳').waitFor();
    await on('.fu-option-q1-1').click();
    await on('.fu-input-q2 input').fill('136');
    await on('.fu-submit').click();
    await on('.fu-done', '问卷已提交').waitFor();
    assert.match(await on('.fu-answer-q2').innerText(), /136/);
    await settle(mp.page);
    await mp.page.screenshot({ path: path.join(SHOTS, 'mp-followup-answered.png'), fullPage: true });

    // The physician: 随访管理 › 已完成 › 详情 shows the answers.
    const plans = await call('GET', `/api/mp/followup/patients/${member.body.id}/plans`, { token });
    const taskId = plans.body[0].tasks[0].id as number;
    await dp.goto(doctor.url('/clinic/follow-up'));
    await dp.waitForSelector('[data-test=fu-table]');
    await dp.click('[data-test=fu-view-done]');
    await dp.click(`[data-test=fu-detail-${taskId}]`);
    await dp.locator('[data-test=fu-answer-q1]', { hasText: '偶有波动' }).waitFor();
    assert.match(await dp.locator('[data-test=fu-answer-q2]').innerText(), /136/);
    await dp.screenshot({ path: path.join(SHOTS, 'console-followup-answers.png') });
    assert.deepEqual(mp.errors, []);
  });

  it('开启提醒 asks for FOLLOWUP_DUE at the tap, reports it, and does not ask again on the same visit', async () => {
    // the patient of the test above (this phone's user, with a family member) on 我的 › 我的随访
    const token = await mp.token();
    const bffQuota = async () =>
      ((await call('GET', '/api/mp/notifications/subscriptions', { token })).body.quota.sim_tmpl_followup_due ??
        0) as number;
    const before = await bffQuota();
    await mp.open('/packages/followup/pages/index/index');
    const remind = on('.fu-remind', '随访到期时通过微信提醒我');
    await remind.waitFor();
    await settle(mp.page);
    const toast = (text: string) =>
      mp.page.waitForFunction((text) => {
        const t = document.querySelector<HTMLElement>('.taro__toast');
        return !!t && t.style.display !== 'none' && !!t.textContent?.includes(text);
      }, text);
    const toastGone = () =>
      mp.page.waitForFunction(() => {
        const t = document.querySelector<HTMLElement>('.taro__toast');
        return !t || t.style.display === 'none';
      });

    const reported = mp.page.waitForResponse(
      (r) => r.url().endsWith('/api/mp/notifications/subscriptions') && r.request().method() === 'POST',
    );
    await remind.click();
    assert.equal((await (await reported).json()).quota.sim_tmpl_followup_due, before + 1);
    await on('.fu-remind-action', '已开启').waitFor();
    await toast('已开启随访提醒');
    await toastGone();
    // tapped again: it says so again, without bringing WeChat's dialog up (nor reporting) a second time
    await remind.click();
    await toast('已开启随访提醒');
    assert.equal(await bffQuota(), before + 1, 'asked once per visit of the page');
    assert.deepEqual(mp.errors, []);
  });
});
