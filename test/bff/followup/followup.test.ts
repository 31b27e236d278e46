/**
 * Follow-up plans (随访): planned from a visit by dates or a rule, questionnaires answered by the patient, results of
 * phone follow-ups, the console's views and export, reminders through the simulated WeChat, the overdue job — and
 * who may see what: role × data scope × patient for every route (404 where the follow-up is not theirs).
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { call, loginAs } from '../../support/api';
import { bookedToday, patient, physician } from '../../support/records';
import { newPlan, newQuestionnaire, patientWithOpenid, runJob } from '../../support/followup';
import { startStack } from '../../support/stack';
import { DataAccessLog } from '../../../bff/src/kernel/audit';
import { FollowupTask } from '../../../bff/src/modules/followup/models';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';
import { ruleDates } from '../../../bff/src/shared/followup';

type Who = { name: string; token: string };
const today = () => shanghaiDate();

describe('follow-up plans: planning, questionnaires, results', () => {
  let author: Awaited<ReturnType<typeof physician>>;
  let owner: Awaited<ReturnType<typeof patientWithOpenid>>;
  let apptId: number;
  let questionnaireId: number;

  before(async function () {
    this.timeout(300_000); // boots the shared stack, logs in seven staff (slow hashes) on a busy machine
    author = await physician('心血管内科');
    owner = await patientWithOpenid('李随访');
    apptId = (await bookedToday(author, owner, 1)).id;
    questionnaireId = (await newQuestionnaire(author.token)).id;
  });

  it('a rule "every 30 days for 6 months" gives one follow-up per date from the visit; each keeps its questions', async () => {
    const plan = await newPlan(author.token, {
      appointmentId: apptId,
      type: 'questionnaire',
      questionnaireId,
      content: '每月复查血压，填写问卷',
      rule: { everyDays: 30, months: 6 },
    });
    const expected = ruleDates(today(), 30, 6);
    assert.equal(expected.length, 6);
    assert.deepEqual(
      plan.tasks.map((t) => t.dueDate),
      expected,
    );
    assert.ok(plan.tasks.every((t) => t.status === 'planned' && t.type === 'questionnaire'));
    // Editing the questionnaire later does not change what was sent.
    const q = await call('PUT', `/api/admin/followup/questionnaires/${questionnaireId}`, {
      token: author.token,
      body: { title: '改过的问卷', description: null, questions: [{ key: 'x', type: 'text', title: '新题' }] },
    });
    assert.equal(q.status, 200, JSON.stringify(q.body));
    const t = await call('GET', `/api/admin/followup/tasks/${plan.tasks[0]!.id}`, { token: author.token });
    assert.equal(t.status, 200);
    assert.equal(t.body.questionnaireTitle, '高血压随访问卷');
    assert.deepEqual(
      t.body.questions.map((x: { key: string }) => x.key),
      ['bp_sys', 'feeling', 'symptoms', 'note'],
    );
    // The patient was told about the plan in 我的消息.
    const notices = await call('GET', '/api/mp/notices', { token: owner.token });
    assert.ok(notices.body.items.some((n: { link: { type: string } | null }) => n.link?.type === 'followup_plan'));
  });

  it('refuses a plan it cannot keep: both dates and a rule, no questionnaire, a past date, a rule with no future date', async () => {
    const bad = async (body: Record<string, unknown>, status: number, code: string) => {
      const r = await call('POST', '/api/admin/followup/plans', { token: author.token, body });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
    };
    const base = { appointmentId: apptId, type: 'phone', content: '电话随访血压' };
    await bad({ ...base, dates: [today()], rule: { everyDays: 7, months: 1 } }, 400, 'VALIDATION_FAILED');
    await bad({ ...base }, 400, 'VALIDATION_FAILED');
    await bad({ ...base, type: 'questionnaire', dates: [today()] }, 400, 'VALIDATION_FAILED');
    await bad({ ...base, dates: [addDays(today(), -1)] }, 422, 'FOLLOWUP_DATE_PAST');
    await bad(
      { ...base, rule: { everyDays: 30, months: 1, startDate: addDays(today(), -90) } },
      422,
      'FOLLOWUP_NO_DATES',
    );
    await bad({ ...base, appointmentId: 999999999, dates: [today()] }, 404, 'NOT_FOUND');
    const off = await newQuestionnaire(author.token, '停用的问卷');
    assert.equal(
      (
        await call('PUT', `/api/admin/followup/questionnaires/${off.id}/status`, {
          token: author.token,
          body: { status: 'disabled' },
        })
      ).status,
      200,
    );
    await bad(
      { ...base, type: 'questionnaire', questionnaireId: off.id, dates: [today()] },
      422,
      'QUESTIONNAIRE_DISABLED',
    );
    // A questionnaire with a choice question without options is refused.
    const q = await call('POST', '/api/admin/followup/questionnaires', {
      token: author.token,
      body: { title: '坏问卷', questions: [{ key: 'a', type: 'single', title: '选一个', options: ['唯一'] }] },
    });
    assert.equal(q.status, 400);
  });

  it('the patient answers a due questionnaire once; answers are checked; the physician sees them, audited', async () => {
    const plan = await newPlan(author.token, {
      appointmentId: apptId,
      type: 'questionnaire',
      questionnaireId: (await newQuestionnaire(author.token, '术后问卷')).id,
      content: '术后一周问卷',
      dates: [today(), addDays(today(), 7)],
    });
    const [due, later] = plan.tasks;
    const mine = await call('GET', `/api/mp/followup/patients/${owner.patientId}/plans`, { token: owner.token });
    assert.equal(mine.status, 200);
    const shown = mine.body.find((p: { id: number }) => p.id === plan.id);
    assert.equal(shown.content, '术后一周问卷');
    assert.deepEqual(
      shown.tasks.map((t: { answerable: boolean }) => t.answerable),
      [true, false],
    );
    const answer = (id: number, answers: Record<string, unknown>) =>
      call('POST', `/api/mp/followup/tasks/${id}/answers`, { token: owner.token, body: { answers } });
    for (const [answers, problem] of [
      [{ feeling: '很好' }, 'bp_sys'],
      [{ bp_sys: 20, feeling: '很好' }, 'bp_sys'],
      [{ bp_sys: 130, feeling: '不知道' }, 'feeling'],
      [{ bp_sys: 130, feeling: '很好', symptoms: ['头晕', '发烧'] }, 'symptoms'],
      [{ bp_sys: 130, feeling: '很好', extra: '1' }, 'extra'],
    ] as const) {
      const r = await answer(due!.id, answers);
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'ANSWER_INVALID');
      assert.equal(r.body.error.details.key, problem);
    }
    const early = await answer(later!.id, { bp_sys: 130, feeling: '很好' });
    assert.equal(early.status, 422);
    assert.equal(early.body.error.code, 'FOLLOWUP_NOT_DUE');
    const ok = await answer(due!.id, { bp_sys: 132, feeling: '一般', symptoms: ['头晕'], note: '偶尔头晕' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, 'done');
    const again = await answer(due!.id, { bp_sys: 120, feeling: '很好' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'FOLLOWUP_DONE');
    // Stored encrypted: no answer in clear in the row.
    const row = await FollowupTask.findByPk(due!.id);
    assert.ok(row!.answersEnc && !row!.answersEnc.includes('偶尔头晕'));

    const before = await DataAccessLog.count({ where: { patientId: owner.patientId, what: 'followup.task.view' } });
    const seen = await call('GET', `/api/admin/followup/tasks/${due!.id}`, { token: author.token });
    assert.equal(seen.status, 200);
    assert.equal(seen.body.status, 'done');
    assert.deepEqual(
      seen.body.answers.map((a: { text: string }) => a.text),
      ['132 mmHg', '一般', '头晕', '偶尔头晕'],
    );
    assert.equal(
      await DataAccessLog.count({ where: { patientId: owner.patientId, what: 'followup.task.view' } }),
      before + 1,
    );
  });

  it('a phone follow-up: a result without finishing (未接通), then done; views today / done and the export', async () => {
    const plan = await newPlan(author.token, {
      appointmentId: apptId,
      type: 'phone',
      content: '电话询问服药情况',
      dates: [today()],
    });
    const id = plan.tasks[0]!.id;
    const listed = async (view: string) => {
      const r = await call('GET', `/api/admin/followup/tasks?view=${view}&pageSize=100`, { token: author.token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { items: { id: number; result: string | null }[]; counts: Record<string, number> };
    };
    assert.ok((await listed('today')).items.some((t) => t.id === id));
    const open = await call('PUT', `/api/admin/followup/tasks/${id}/result`, {
      token: author.token,
      body: { result: '电话未接通', done: false },
    });
    assert.equal(open.status, 200, JSON.stringify(open.body));
    assert.equal(open.body.status, 'planned');
    const done = await call('PUT', `/api/admin/followup/tasks/${id}/result`, {
      token: author.token,
      body: { result: '血压 128/80，按时服药' },
    });
    assert.equal(done.body.status, 'done');
    const doneView = await listed('done');
    assert.equal(doneView.items.find((t) => t.id === id)?.result, '血压 128/80，按时服药');
    assert.ok(!(await listed('today')).items.some((t) => t.id === id));
    assert.ok(doneView.counts.done >= 2);

    const chief = await loginAs('chief');
    const res = await fetch(`${(await startStack()).baseUrl}/api/admin/followup/tasks/export?view=done`, {
      headers: { authorization: `Bearer ${chief}` },
    });
    assert.equal(res.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('随访数据')!;
    const rows = ws.getSheetValues().flat().map(String);
    assert.ok(rows.includes('血压 128/80，按时服药'), 'the export has the result');
    assert.ok(
      (await DataAccessLog.count({ where: { patientId: owner.patientId, what: 'followup.task.export' } })) >= 1,
    );
  });
});

describe('follow-up plans: role × scope × patient', () => {
  let author: Awaited<ReturnType<typeof physician>>;
  let owner: Awaited<ReturnType<typeof patient>>;
  let stranger: Awaited<ReturnType<typeof patient>>;
  let staff: Record<string, Who>;
  let planId: number;
  let taskId: number;
  let apptId: number;
  let qId: number;

  before(async function () {
    this.timeout(300_000); // boots the shared stack, logs in seven staff (slow hashes) on a busy machine
    author = await physician('心血管内科');
    const colleague = await physician('心血管内科');
    const otherDept = await physician('呼吸内科');
    owner = await patient();
    stranger = await patient();
    apptId = (await bookedToday(author, owner, 1)).id;
    qId = (await newQuestionnaire(author.token, '矩阵问卷')).id;
    const plan = await newPlan(author.token, {
      appointmentId: apptId,
      type: 'questionnaire',
      questionnaireId: qId,
      content: '矩阵测试',
      dates: [today(), addDays(today(), 14)],
    });
    planId = plan.id;
    taskId = plan.tasks[0]!.id;
    staff = {
      author: { name: 'author', token: author.token },
      colleague: { name: 'same-dept physician', token: colleague.token },
      otherDept: { name: 'other-dept physician', token: otherDept.token },
      demoDoctor: { name: 'demo physician (心血管内科)', token: await loginAs('doctor') },
      chief: { name: 'chief (dept scope, 心血管内科)', token: await loginAs('chief') },
      deptadmin: { name: 'dept admin (内科 and below)', token: await loginAs('deptadmin') },
      admin: { name: 'admin (all)', token: await loginAs('admin') },
    };
  });

  const SEES: Record<string, boolean> = {
    author: true,
    colleague: false,
    otherDept: false,
    demoDoctor: false,
    chief: true,
    deptadmin: true,
    admin: true,
  };

  it('reads: the physician of the visit, chief and dept admin by scope, admin — others 404 and an empty list', async () => {
    for (const [key, who] of Object.entries(staff)) {
      const want = SEES[key] ? 200 : 404;
      for (const path of [
        `/api/admin/followup/plans/${planId}`,
        `/api/admin/followup/tasks/${taskId}`,
        `/api/admin/followup/appointments/${apptId}/plans`,
        `/api/admin/booking/appointments/${apptId}/follow-ups`,
      ]) {
        const r = await call('GET', path, { token: who.token });
        assert.equal(r.status, want, `${who.name} GET ${path}: ${JSON.stringify(r.body)}`);
      }
      const list = await call('GET', '/api/admin/followup/tasks?pageSize=100&view=all', { token: who.token });
      assert.equal(list.status, 200);
      assert.equal(
        list.body.items.some((t: { id: number }) => t.id === taskId),
        SEES[key],
        `${who.name} lists the follow-up`,
      );
      const legacy = await call('GET', '/api/admin/booking/follow-ups?pageSize=100', { token: who.token });
      assert.equal(
        legacy.body.items.some((t: { id: number }) => t.id === taskId),
        SEES[key],
      );
    }
  });

  it('every staff read of follow-ups is audited, the old API’s too', async () => {
    const count = (what: string) => DataAccessLog.count({ where: { patientId: owner.patientId, what } });
    const before = await count('followup.task.list');
    await call('GET', `/api/admin/booking/appointments/${apptId}/follow-ups`, { token: author.token });
    await call('GET', '/api/admin/booking/follow-ups?pageSize=100', { token: author.token });
    await call('GET', '/api/admin/followup/tasks?pageSize=100', { token: author.token });
    assert.equal(await count('followup.task.list'), before + 3);
    const plans = await count('followup.plan.view');
    await call('GET', `/api/admin/followup/plans/${planId}`, { token: author.token });
    assert.equal(await count('followup.plan.view'), plans + 1);
  });

  it('writes: plan, result, cancel only within scope (404 otherwise); export needs its permission (403)', async () => {
    for (const [key, who] of Object.entries(staff)) {
      const r = await call('POST', '/api/admin/followup/plans', {
        token: who.token,
        body: { appointmentId: apptId, type: 'return_visit', content: '两周后复诊', dates: [addDays(today(), 14)] },
      });
      assert.equal(r.status, SEES[key] ? 201 : 404, `${who.name} plans: ${JSON.stringify(r.body)}`);
      const res = await call('PUT', `/api/admin/followup/tasks/${taskId}/result`, {
        token: who.token,
        body: { result: '电话提醒填写问卷', done: false },
      });
      assert.equal(res.status, SEES[key] ? 200 : 404, `${who.name} records a result`);
      if (!SEES[key]) {
        const c = await call('POST', `/api/admin/followup/plans/${planId}/cancel`, { token: who.token });
        assert.equal(c.status, 404, `${who.name} cancels`);
      }
      const x = await fetch(`${(await startStack()).baseUrl}/api/admin/followup/tasks/export`, {
        headers: { authorization: `Bearer ${who.token}` },
      });
      const exportAllowed = ['chief', 'deptadmin', 'admin'].includes(key);
      assert.equal(x.status, exportAllowed ? 200 : 403, `${who.name} exports`);
    }
  });

  it('questionnaires: every clinical role reads them; only the author and those with scope over it change them', async () => {
    const body = { title: '矩阵问卷（改）', description: null, questions: [{ key: 'a', type: 'text', title: '说明' }] };
    for (const [key, who] of Object.entries(staff)) {
      assert.equal((await call('GET', `/api/admin/followup/questionnaires/${qId}`, { token: who.token })).status, 200);
      const r = await call('PUT', `/api/admin/followup/questionnaires/${qId}`, { token: who.token, body });
      assert.equal(r.status, SEES[key] ? 200 : 404, `${who.name} edits the questionnaire`);
    }
  });

  it('patients: their own family members only — B asking for A’s plan, follow-up or answer by id gets 404', async () => {
    const mine = await call('GET', `/api/mp/followup/patients/${owner.patientId}/plans`, { token: owner.token });
    assert.equal(mine.status, 200);
    assert.ok(mine.body.some((p: { id: number }) => p.id === planId));
    assert.equal((await call('GET', `/api/mp/followup/tasks/${taskId}`, { token: owner.token })).status, 200);
    for (const [m, path, body] of [
      ['GET', `/api/mp/followup/patients/${owner.patientId}/plans`, undefined],
      ['GET', `/api/mp/followup/tasks/${taskId}`, undefined],
      ['POST', `/api/mp/followup/tasks/${taskId}/answers`, { answers: { a: 'x' } }],
    ] as const) {
      const r = await call(m, path, { token: stranger.token, body });
      assert.equal(r.status, 404, `${m} ${path}: ${JSON.stringify(r.body)}`);
    }
    // The stranger's own (empty) list is theirs; staff tokens are no patient tokens, and no token is nobody.
    const own = await call('GET', `/api/mp/followup/patients/${stranger.patientId}/plans`, { token: stranger.token });
    assert.deepEqual(own.body, []);
    assert.equal((await call('GET', `/api/mp/followup/tasks/${taskId}`, { token: staff.admin!.token })).status, 401);
    assert.equal((await call('GET', `/api/mp/followup/tasks/${taskId}`)).status, 401);
    assert.equal((await call('GET', `/api/admin/followup/tasks/${taskId}`, { token: owner.token })).status, 401);
  });

  it('the plan is cancelled with its open follow-ups; the done ones stay', async () => {
    const c = await call('POST', `/api/admin/followup/plans/${planId}/cancel`, { token: author.token });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.deepEqual(
      c.body.tasks.map((t: { status: string }) => t.status),
      ['cancelled', 'cancelled'],
    );
    const again = await call('POST', `/api/admin/followup/plans/${planId}/cancel`, { token: author.token });
    assert.equal(again.status, 409);
    const r = await call('POST', `/api/mp/followup/tasks/${taskId}/answers`, {
      token: owner.token,
      body: { answers: { a: 'x' } },
    });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'FOLLOWUP_CLOSED');
  });
});

describe('follow-up jobs: reminders through the simulated WeChat, overdue marking', () => {
  it('a follow-up due today reminds the patient once: a notice and a WeChat subscribe message', async () => {
    const { fake } = await startStack();
    const doctor = await physician('心血管内科');
    const p = await patientWithOpenid('张提醒');
    const appt = await bookedToday(doctor, p, 1);
    // The patient accepted the follow-up template (wx.requestSubscribeMessage), and the BFF was told.
    const tmpl = 'sim_tmpl_followup_due';
    const tpl = await call('GET', '/api/mp/notifications/templates?names=FOLLOWUP_DUE', { token: p.token });
    assert.equal(tpl.body.templates.FOLLOWUP_DUE, tmpl);
    fake.answerSubscribeRequest(p.openid, { [tmpl]: 'accept' });
    await call('POST', '/api/mp/notifications/subscriptions', {
      token: p.token,
      body: { errMsg: 'requestSubscribeMessage:ok', [tmpl]: 'accept' },
    });
    const plan = await newPlan(doctor.token, {
      appointmentId: appt.id,
      type: 'phone',
      content: '电话随访',
      dates: [today(), addDays(today(), 3)],
    });
    const [dueTask, laterTask] = plan.tasks;
    await runJob('followup-due-reminder');
    const sent = fake.sentMessages.filter((m) => m.touser === p.openid && m.templateId === tmpl);
    assert.equal(sent.length, 1, 'one message for the one follow-up due');
    assert.equal(sent[0]!.data.thing1!.value, '电话随访');
    assert.equal(sent[0]!.page, `packages/followup/pages/task/index?id=${dueTask!.id}`);
    const notices = await call('GET', '/api/mp/notices', { token: p.token });
    const reminder = notices.body.items.find(
      (n: { link: { type: string; id: string } | null }) =>
        n.link?.type === 'followup_task' && n.link.id === String(dueTask!.id),
    );
    assert.ok(reminder, 'the reminder is in 我的消息');
    assert.match(reminder.title, /随访提醒/);
    assert.ok(!notices.body.items.some((n: { link: { id: string } | null }) => n.link?.id === String(laterTask!.id)));
    // Again: nothing new (each follow-up is reminded once).
    fake.answerSubscribeRequest(p.openid, { [tmpl]: 'accept' });
    await runJob('followup-due-reminder');
    assert.equal(fake.sentMessages.filter((m) => m.touser === p.openid && m.templateId === tmpl).length, 1);
  });

  it('the daily job marks a follow-up whose day has passed as overdue; it can still be done', async () => {
    const doctor = await physician('心血管内科');
    const p = await patientWithOpenid('赵逾期');
    const appt = await bookedToday(doctor, p, 1);
    const plan = await newPlan(doctor.token, {
      appointmentId: appt.id,
      type: 'phone',
      content: '电话随访',
      dates: [today()],
    });
    const id = plan.tasks[0]!.id;
    // Set-up: the follow-up was for yesterday (the API refuses past dates).
    await FollowupTask.update({ dueDate: addDays(today(), -1) }, { where: { id } });
    await runJob('followup-overdue');
    assert.equal((await FollowupTask.findByPk(id))!.status, 'overdue');
    const list = await call('GET', '/api/admin/followup/tasks?view=overdue&pageSize=100', { token: doctor.token });
    assert.deepEqual(
      list.body.items.map((t: { id: number; status: string }) => [t.id, t.status]),
      [[id, 'overdue']],
    );
    assert.equal(list.body.counts.overdue, 1);
    const mine = await call('GET', `/api/mp/followup/patients/${p.patientId}/plans`, { token: p.token });
    assert.equal(mine.body[0].tasks[0].status, 'overdue');
    const done = await call('PUT', `/api/admin/followup/tasks/${id}/result`, {
      token: doctor.token,
      body: { result: '补做电话随访，情况良好' },
    });
    assert.equal(done.body.status, 'done');
  });
});
