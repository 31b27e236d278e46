/**
 * axe-core (WCAG 2.1 A/AA) and 关怀模式 on the patient screens a11y-flows.test.ts does not walk: 我的预约, paying
 * (确认预约, the simulated WeChat Pay sheet, 待支付 with 去支付), the appointment with its e-ticket, 我的随访 and a
 * questionnaire, 科普 (the tab, an article, 我的宣教). Each screen in the standard look and in 关怀模式 (the page's root
 * carries the care class, larger type), 0 violations everywhere.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call } from '../support/api';
import { newDoctor, newSchedule } from '../support/booking';
import { makeIdCard } from '../support/idcard';
import { bookedToday, physician } from '../support/records';
import { newPlan, newQuestionnaire } from '../support/followup';
import { chiefToken, published } from '../bff/education/helpers';
import { shanghaiDate } from '../../bff/src/shared/time';

buildH5BeforeAnySuite();

describe('miniprogram h5: 我的预约, paying, the e-ticket, 随访 and 科普 with axe-core, standard and 关怀模式', function () {
  this.timeout(300_000);
  const mp = mpHarness({ shots: 'mp-a11y-care', timeout: 15_000, failingStatus: 500 });
  const { on, shot } = mp;
  const schedules: Record<'standard' | 'care', number> = { standard: 0, care: 0 };
  let taskId: number;
  let articleId: number;
  let articleTitle: string;

  before(async function () {
    this.timeout(240_000);
    const { user, memberId } = await mp.loginWithMember({
      name: '钱关怀',
      idCard: makeIdCard('1946-10-02', 371),
      phone: '13600004444',
    });
    const who = { userId: user.id, patientId: memberId };

    // paying: one session per look (one booking per person and session)
    const d = await newDoctor('心血管内科', `赵付款${Math.floor(Math.random() * 90 + 10)}`);
    schedules.standard = (await newSchedule(d.id, { slotCount: 5, period: 'am' })).id;
    schedules.care = (await newSchedule(d.id, { slotCount: 5, period: 'pm', startTime: '13:30', endTime: '17:00' })).id;

    // a visit today: 我的预约 lists it; the physician plans a questionnaire due today and the chief recommends an article
    const doc = await physician();
    const visit = await bookedToday(doc, who, 1);
    const plan = await newPlan(doc.token, {
      appointmentId: visit.id,
      type: 'questionnaire',
      questionnaireId: (await newQuestionnaire(doc.token, '高血压随访问卷（适老）')).id,
      content: '每周测量血压并填写问卷',
      dates: [shanghaiDate()],
    });
    taskId = plan.tasks[0].id;
    const article = await published({ title: `老年人高血压怎么管-${Math.floor(Math.random() * 9000 + 1000)}` });
    articleId = article.id;
    articleTitle = article.title;
    const sent = await call('POST', '/api/admin/education/prescriptions', {
      token: await chiefToken(),
      body: { appointmentId: visit.id, contentIds: [articleId] },
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
  });

  after(() => {
    assert.deepEqual(mp.errors, [], 'no page errors, no 5xx');
  });

  /** Walks the screens; in 关怀模式 each page's root must carry the care class before axe looks at it. */
  async function screens(look: 'standard' | 'care') {
    const care = look === 'care';
    const mode = care ? '关怀模式' : '标准';
    const found: string[] = [];
    const check = async (screen: string, root: string, name: string) => {
      if (care && root) await on(`${root}.care`).waitFor();
      found.push(...(await mp.violations(`${screen}（${mode}）`)));
      await shot(`${name}${care ? '-care' : ''}`);
    };

    await mp.open('/packages/booking/pages/mine/index');
    await on('.bk-appt-booked').waitFor();
    await check('我的预约', '.bk-mine', 'mine');

    // paying: 确认预约 › the pay sheet › cancelled: 待支付 › 去支付 › paid: the e-ticket
    await mp.open(`/packages/booking/pages/confirm/index?scheduleId=${schedules[look]}`);
    await on('.bk-patient-on', '钱关怀').waitFor();
    await check('确认预约', '.bk-confirm', 'confirm');
    await on('.bk-submit', '确认并支付').click();
    await on('.sim-pay-sheet').waitFor();
    await check('微信支付（模拟）', '', 'pay-sheet');
    await on('.sim-pay-cancel').click();
    await on('.bk-pay').waitFor();
    await check('待支付', '.bk-detail', 'pending');
    await on('.bk-pay').click();
    await on('.sim-pay-confirm').click();
    await on('.bk-ticket-qr').waitFor();
    await on('.bk-success-title').waitFor();
    await check('预约详情·电子凭证', '.bk-detail', 'ticket');

    await mp.open('/packages/followup/pages/index/index');
    await on(`.fu-task-${taskId}`).waitFor();
    await check('我的随访', '.fu-home', 'followup');
    await on(`.fu-task-${taskId}`).click();
    await on('.fu-submit').waitFor();
    await check('随访问卷', '.fu-task-page', 'questionnaire');

    await mp.tab('科普');
    await on('.edu-item').waitFor();
    await check('科普', '.edu-home', 'education');
    await mp.open(`/packages/education/pages/detail/index?id=${articleId}`);
    await on('.edu-title', articleTitle).waitFor();
    await check('科普文章', '.edu-detail', 'article');
    await mp.open('/packages/education/pages/mine/index');
    await on('.edu-rx', articleTitle).waitFor();
    await check('我的宣教', '.edu-mine-page', 'edu-mine');
    assert.equal(found.length, 0, found.join('\n'));
  }

  it('standard look: 0 violations on each screen', async () => {
    await screens('standard');
  });

  it('关怀模式: each screen carries the care styles, larger type, and 0 violations', async () => {
    await mp.tab('我的');
    await on('.menu-care').click();
    await on('.page.me.care').waitFor();
    await screens('care');
    const size = await on('.edu-rx-title').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 20, `large type on 我的宣教 (${size}px)`);
    await mp.tab('我的');
    await on('.menu-care').click();
    await on('.page.me:not(.care)').waitFor();
  });
});
