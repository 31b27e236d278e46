/**
 * Every text field of the patient and staff screens has a name of its own, not only its placeholder (a placeholder is a
 * hint that goes away as one types: WCAG 1.3.1, 3.3.2; axe-core lets it pass as a name). The screens with a field —
 * 预约's and 科普's search, an article's comment, the 问诊 chat, 个人资料, 注销账号, 就诊人 (new and editing), the
 * simulated phone-number sheet, 人员申请 and a 随访问卷 — each in the standard look and in 关怀模式: every input and
 * textarea shown is counted, must have a name (`unnamedFields`), and axe's WCAG 2.1 A/AA rules find nothing.
 * (mp.violations runs the same field check on every screen the other a11y suites visit.)
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call, loginAs } from '../support/api';
import { makeIdCard } from '../support/idcard';
import { bookedToday, physician } from '../support/records';
import { newPlan, newQuestionnaire } from '../support/followup';
import { published } from '../bff/education/helpers';
import { User } from '../../bff/src/modules/system/models';
import { shanghaiDate } from '../../bff/src/shared/time';

buildH5BeforeAnySuite();

type Look = 'standard' | 'care';

describe('miniprogram h5: every text field has a name besides its placeholder, standard and 关怀模式', function () {
  this.timeout(300_000);
  const mp = mpHarness({ shots: 'mp-a11y-fields', timeout: 15_000, failingStatus: 500 });
  const { on, shot } = mp;
  let memberId: number;
  let consultationId: number;
  let articleId: number;
  const tasks: Record<Look, number> = { standard: 0, care: 0 };

  before(async function () {
    this.timeout(240_000);
    const { accessToken: token, user } = await mp.login();
    await mp.consent();
    const member = await call('POST', '/api/mp/patients', {
      token,
      body: { name: '周字段', idCard: makeIdCard('1952-03-08', 415), phone: '13600006666', relation: 'self' },
    });
    assert.equal(member.status, 201, JSON.stringify(member.body));
    memberId = member.body.id;

    // a consultation with the demo physician (free), answered: the chat with its composer
    const doctorId = (await User.findOne({ where: { username: 'doctor' } }))!.id;
    const opened = await call('POST', '/api/mp/consult/consultations', {
      token,
      body: { doctorId, patientId: memberId },
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    consultationId = opened.body.consultation.id;
    const answer = await call('POST', `/api/admin/consult/workbench/${consultationId}/messages`, {
      token: await loginAs('doctor'),
      body: { clientMsgId: crypto.randomUUID(), text: '您好，请说说血压最近的情况' },
    });
    assert.ok(answer.status < 300, JSON.stringify(answer.body));

    // a visit today and a questionnaire (a number and a text question) due today, one per look (a sent one is done)
    const doc = await physician();
    const visit = await bookedToday(doc, { userId: user.id, patientId: memberId }, 1);
    for (const look of ['standard', 'care'] as const) {
      const plan = await newPlan(doc.token, {
        appointmentId: visit.id,
        type: 'questionnaire',
        questionnaireId: (await newQuestionnaire(doc.token, `血压随访（${look}）`)).id,
        content: '每周测量血压并填写问卷',
        dates: [shanghaiDate()],
      });
      tasks[look] = plan.tasks[0].id;
    }
    articleId = (await published({ title: `测血压的姿势-${Math.floor(Math.random() * 9000 + 1000)}` })).id;
  });

  after(() => {
    assert.deepEqual(mp.errors, [], 'no page errors, no 5xx');
  });

  /** 关怀模式 on or off, switched where a patient does it: 我的. */
  async function look(l: Look) {
    await mp.open('/pages/me/index');
    await on('.menu-care').waitFor();
    const care = l === 'care';
    if ((await on('.page.me').getAttribute('class'))!.split(/\s+/).includes('care') !== care)
      await on('.menu-care').click();
    await on(care ? '.page.me.care' : '.page.me:not(.care)').waitFor();
  }

  async function screens(l: Look) {
    const care = l === 'care';
    const found: string[] = [];
    const counted: string[] = [];
    /** the fields shown on the screen (at least `fields`), then axe and the name check; a screenshot of each */
    const check = async (screen: string, root: string, fields: number, name: string) => {
      if (care && root) await on(`${root}.care`).waitFor();
      const shown = await mp.page
        .locator('input:not([type=hidden]), textarea')
        .evaluateAll((els) => els.filter((e) => e.checkVisibility()).length);
      counted.push(`${screen}: ${shown}`);
      assert.ok(shown >= fields, `${screen}: ${fields} text field(s) shown, found ${shown}`);
      found.push(...(await mp.violations(`${screen}（${care ? '关怀模式' : '标准'}）`)));
      await shot(`${name}${care ? '-care' : ''}`);
    };

    await mp.tab('预约');
    await on('.bk-search-input input').waitFor();
    await check('预约', '.booking-home', 1, 'booking');

    await mp.tab('科普');
    await on('.edu-item').waitFor();
    await check('科普', '.edu-home', 1, 'education');
    await mp.open(`/packages/education/pages/detail/index?id=${articleId}`);
    await on('[data-test=edu-comment-input] input').waitFor();
    await check('科普文章·评论', '.edu-detail', 1, 'article');

    await mp.open(`/packages/consult/pages/chat/index?id=${consultationId}`);
    await on('.cs-input input').waitFor();
    await check('问诊对话', '.cs-chat', 1, 'chat');

    await mp.open('/packages/me/pages/profile/index');
    await on('.profile-nickname input').waitFor();
    await check('个人资料', '.me-profile-edit', 1, 'profile');

    await mp.open('/packages/me/pages/delete/index');
    await on('.delete-confirm-input input').waitFor();
    await check('注销账号', '.me-delete', 1, 'delete');

    await mp.open('/packages/patient/pages/edit/index');
    await on('.input-idcard input').waitFor();
    await check('添加就诊人', '.patient-edit', 3, 'patient-new');
    await mp.open(`/packages/patient/pages/edit/index?id=${memberId}`);
    await on('.input-name input').waitFor();
    await check('编辑就诊人', '.patient-edit', 2, 'patient-edit');

    await mp.tab('我的');
    await on('.phone-btn').click();
    await on('.sim-phone-input input').waitFor();
    await check('模拟微信·授权手机号', '', 1, 'phone-sheet');
    await on('.sim-phone-deny').click();
    await on('.sim-phone-sheet').waitFor({ state: 'detached' });

    await mp.open('/packages/staff/pages/apply/index');
    await on('.input-staff-name input').waitFor();
    await check('人员申请', '.staff-apply', 4, 'staff-apply');

    await mp.open(`/packages/followup/pages/task/index?id=${tasks[l]}`);
    await on('.fu-submit').waitFor();
    await check('随访问卷', '.fu-task-page', 2, 'questionnaire');

    assert.equal(found.length, 0, `${found.join('\n')}\n(fields counted — ${counted.join('; ')})`);
  }

  it('standard look: every text field is named', async () => {
    await look('standard');
    await screens('standard');
  });

  it('关怀模式: every text field is named', async () => {
    await look('care');
    await screens('care');
    await look('standard');
  });
});
