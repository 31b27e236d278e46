/**
 * Every text field of the patient and staff screens has a name of its own, not only its placeholder (a placeholder is a
 * hint that goes away as one types: WCAG 1.3.1, 3.3.2; axe-core lets it pass as a name). The screens with a field —
 * 预约's and 科普's search, an article's comment, the 问诊 chat, 个人资料, 注销账号, 就诊人 (new and editing), the
 * simulated phone-number sheet, 人员申请 and a 随访问卷 — each in the standard look and in 关怀模式: every input and
 * textarea shown is counted, must have a name (`unnamedFields`), and axe's WCAG 2.1 A/AA rules find nothing.
 * (mp.violations runs the same field check on every screen the other a11y suites visit.)
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { answeredConsultation } from '../support/chat';
import { makeIdCard } from '../support/idcard';
import { bookedToday, physician } from '../support/records';
import { newPlan, newQuestionnaire } from '../support/followup';
import { published } from '../bff/education/helpers';
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
    const { token, user, ...patient } = await mp.loginWithMember({
      name: '周字段',
      idCard: makeIdCard('1952-03-08', 415),
      phone: '13600006666',
    });
    memberId = patient.memberId;

    // a consultation with the demo physician (free), answered: the chat with its composer
    ({ consultationId } = await answeredConsultation(token, memberId));

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

  /**
   * The screens with text fields: how to get there (a tab, a path, or 我的's 绑定手机号 for the simulated sheet), a field
   * to wait for, the page's root (it carries the care class in 关怀模式; none for the sheet, teleported to <body>),
   * and how many fields it shows at least. (Each screen is opened afresh: the sheet goes with the page it was on.)
   */
  const SCREENS: [screen: string, go: (l: Look) => Promise<void>, field: string, root: string, fields: number][] = [
    ['预约', () => mp.tab('预约'), '.bk-search-input input', '.booking-home', 1],
    ['科普', () => mp.tab('科普'), '.edu-item', '.edu-home', 1],
    [
      '科普文章·评论',
      () => mp.open(`/packages/education/pages/detail/index?id=${articleId}`),
      '[data-test=edu-comment-input] input',
      '.edu-detail',
      1,
    ],
    [
      '问诊对话',
      () => mp.open(`/packages/consult/pages/chat/index?id=${consultationId}`),
      '.cs-input input',
      '.cs-chat',
      1,
    ],
    ['个人资料', () => mp.open('/packages/me/pages/profile/index'), '.profile-nickname input', '.me-profile-edit', 1],
    ['注销账号', () => mp.open('/packages/me/pages/delete/index'), '.delete-confirm-input input', '.me-delete', 1],
    ['添加就诊人', () => mp.open('/packages/patient/pages/edit/index'), '.input-idcard input', '.patient-edit', 3],
    [
      '编辑就诊人',
      () => mp.open(`/packages/patient/pages/edit/index?id=${memberId}`),
      '.input-name input',
      '.patient-edit',
      2,
    ],
    [
      '模拟微信·授权手机号',
      async () => {
        await mp.tab('我的');
        await on('.phone-btn').click();
      },
      '.sim-phone-input input',
      '',
      1,
    ],
    ['人员申请', () => mp.open('/packages/staff/pages/apply/index'), '.input-staff-name input', '.staff-apply', 4],
    [
      '随访问卷',
      (l) => mp.open(`/packages/followup/pages/task/index?id=${tasks[l]}`),
      '.fu-submit',
      '.fu-task-page',
      2,
    ],
  ];

  /** Each screen: the fields shown (at least as many as listed), then axe and the name check; a screenshot of each. */
  async function screens(l: Look) {
    const care = l === 'care';
    const found: string[] = [];
    const counted: string[] = [];
    for (const [i, [screen, go, field, root, fields]] of SCREENS.entries()) {
      await go(l);
      await on(field).waitFor();
      if (care && root) await on(`${root}.care`).waitFor();
      const shown = await mp.page
        .locator('input:not([type=hidden]), textarea')
        .evaluateAll((els) => els.filter((e) => e.checkVisibility()).length);
      counted.push(`${screen}: ${shown}`);
      assert.ok(shown >= fields, `${screen}: ${fields} text field(s) shown, found ${shown}`);
      found.push(...(await mp.violations(`${screen}（${care ? '关怀模式' : '标准'}）`)));
      await shot(`${i}${care ? '-care' : ''}`);
    }
    assert.equal(found.length, 0, `${found.join('\n')}\n(fields counted — ${counted.join('; ')})`);
  }

  it('standard look: every text field is named', async () => {
    await mp.look('standard');
    await screens('standard');
  });

  it('关怀模式: every text field is named', async () => {
    await mp.look('care');
    await screens('care');
    await mp.look('standard');
  });
});
