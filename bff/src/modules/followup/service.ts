import { Op, type WhereOptions } from 'sequelize';
import { infra } from '../../infra';
import { maskPhone } from '../../infra/crypto';
import type { AdminActor, MpActor } from '../../http/actor';
import { conflict, notFound, unprocessable } from '../../http/errors';
import { auditReads, type ReadOrigin } from '../../kernel/audit';
import { pagedXlsxExport } from '../../kernel/sheets/export';
import { notify, templateId } from '../../kernel/notifications';
import { Dept, User } from '../system/models';
import { dataScopeWhere, subtreeIds } from '../system/authz';
import { Patient } from '../patient/models';
import { Appointment } from '../booking/models';
import { appointmentScopeWhere } from '../booking/service';
import { VisitRecord } from '../records/models';
import { ownPatient } from '../records/access';
import {
  FOLLOWUP_TYPE_LABEL,
  FOLLOWUP_STATUS_LABEL,
  answerProblem,
  answerText,
  ruleDates,
  type AnswerValue,
  type FollowupType,
  type Question,
} from '../../shared/followup';
import { addDays, chinaDay, shanghaiDate, shanghaiDateTime } from '../../shared/time';
import { FollowupPlan, FollowupTask, Questionnaire, parseQuestions } from './models';

// Clinical text (what the follow-up is about, its result, the patient's answers) is encrypted at rest.
export const seal = (v: unknown) => infra().fieldCrypto.encrypt(JSON.stringify(v));
export const unseal = <T>(s: string | null): T | null => (s ? (JSON.parse(infra().fieldCrypto.decrypt(s)) as T) : null);

/** Follow-ups a staff member may see: their own patients' (physician) or their departments' by data scope. */
export const taskScopeWhere = (actor: AdminActor): WhereOptions =>
  dataScopeWhere(actor, { dept: 'deptId', user: 'doctorId' });

/** Appointments a follow-up can be planned from: a booked or seen patient (not cancelled, not unpaid). */
export const FOLLOWABLE: Appointment['status'][] = ['booked', 'visited', 'no_show'];

export async function scopedAppointment(actor: AdminActor, id: number) {
  const a = await Appointment.findOne({ where: { [Op.and]: [{ id }, appointmentScopeWhere(actor)] } });
  if (!a) throw notFound('预约不存在');
  return a;
}

/** Names for rows that carry patient, doctor, department and appointment ids (deleted members still show). */
async function namesFor(rows: { patientId: number; doctorId: number; deptId: number; appointmentId: number }[]) {
  const ids = <K extends keyof (typeof rows)[number]>(k: K) => [...new Set(rows.map((r) => r[k]))];
  const [patients, doctors, depts, appts] = await Promise.all([
    Patient.findAll({ where: { id: ids('patientId') }, attributes: ['id', 'name', 'phoneEnc'], paranoid: false }),
    User.findAll({ where: { id: ids('doctorId') }, attributes: ['id', 'name'] }),
    Dept.findAll({ where: { id: ids('deptId') }, attributes: ['id', 'name'] }),
    Appointment.findAll({ where: { id: ids('appointmentId') }, attributes: ['id', 'no', 'clinicDate'] }),
  ]);
  return {
    patient: new Map(patients.map((p) => [p.id, p])),
    doctor: new Map(doctors.map((d) => [d.id, d.name])),
    dept: new Map(depts.map((d) => [d.id, d.name])),
    appt: new Map(appts.map((a) => [a.id, a])),
  };
}

const taskBase = (t: FollowupTask) => ({
  id: t.id,
  planId: t.planId,
  type: t.type,
  dueDate: t.dueDate,
  status: t.status,
  questionnaireTitle: t.questionnaireTitle,
  answeredAt: t.answeredAt ?? null,
  doneAt: t.doneAt ?? null,
});

const planContent = (p: FollowupPlan) => unseal<string>(p.contentEnc) ?? p.legacyContent ?? '';
const taskResult = (t: FollowupTask) => unseal<string>(t.resultEnc ?? null) ?? t.legacyResult ?? null;

function answersView(t: FollowupTask) {
  const answers = unseal<Record<string, AnswerValue | null>>(t.answersEnc ?? null);
  if (!answers) return null;
  return parseQuestions(t.questions).map((q) => ({
    key: q.key,
    title: q.title,
    type: q.type,
    value: answers[q.key] ?? null,
    text: answerText(q, answers[q.key]),
  }));
}

// ---- planning (console) ----

type PlanInput = {
  appointmentId: number;
  type: FollowupType;
  content: string;
  questionnaireId?: number;
  dates?: string[];
  rule?: { everyDays: number; months: number; startDate?: string };
};

/**
 * A plan from a visit: one follow-up per date (given, or from the rule counted from the visit's day). Dates already
 * past are refused; the patient is told in 我的消息. The questionnaire's questions are copied into each follow-up.
 */
export async function createPlan(actor: AdminActor, input: PlanInput, opts: { today?: string } = {}) {
  const today = opts.today ?? shanghaiDate();
  const a = await scopedAppointment(actor, input.appointmentId);
  if (!FOLLOWABLE.includes(a.status)) throw unprocessable('NOT_FOLLOWABLE', '只有已预约或已就诊的预约可以制定随访');
  let questionnaire: Questionnaire | null = null;
  if (input.questionnaireId) {
    questionnaire = await Questionnaire.findByPk(input.questionnaireId);
    if (!questionnaire) throw notFound('问卷不存在');
    if (questionnaire.status !== 'active')
      throw unprocessable('QUESTIONNAIRE_DISABLED', '该问卷已停用，请选择其他问卷');
  }
  let dates: string[];
  let schedule: string;
  if (input.dates) {
    dates = [...new Set(input.dates)].sort();
    if (dates[0]! < today) throw unprocessable('FOLLOWUP_DATE_PAST', '随访日期不能早于今天');
    schedule = dates.length === 1 ? `指定日期 ${dates[0]}` : `指定日期，共 ${dates.length} 次`;
  } else {
    const r = input.rule!;
    dates = ruleDates(r.startDate ?? a.clinicDate, r.everyDays, r.months).filter((d) => d >= today);
    if (!dates.length) throw unprocessable('FOLLOWUP_NO_DATES', '按该规则没有今天以后的随访日期，请调整');
    schedule = `每 ${r.everyDays} 天，共 ${r.months} 个月`;
  }
  const record = await VisitRecord.findOne({ where: { appointmentId: a.id }, attributes: ['id'] });
  const plan = await infra().sequelize.transaction(async (t) => {
    const p = await FollowupPlan.create(
      {
        appointmentId: a.id,
        recordId: record?.id ?? null,
        patientId: a.patientId,
        doctorId: a.doctorId,
        deptId: a.deptId,
        type: input.type,
        questionnaireId: questionnaire?.id ?? null,
        schedule,
        contentEnc: seal(input.content),
        status: 'active',
        createdBy: actor.userId,
      },
      { transaction: t },
    );
    await FollowupTask.bulkCreate(
      dates.map((dueDate) => ({
        planId: p.id,
        appointmentId: a.id,
        patientId: a.patientId,
        doctorId: a.doctorId,
        deptId: a.deptId,
        type: input.type,
        dueDate,
        status: 'planned' as const,
        questions: questionnaire?.questions ?? null,
        questionnaireTitle: questionnaire?.title ?? null,
      })),
      { transaction: t },
    );
    await notify(
      a.userId,
      {
        title: '随访计划',
        content: `医生为您制定了${FOLLOWUP_TYPE_LABEL[input.type]}计划（${schedule}），首次随访 ${chinaDay(dates[0]!, today)}。`,
        link: { type: 'followup_plan', id: p.id },
      },
      { transaction: t },
    );
    return p;
  });
  return (await planViews([plan]))[0]!;
}

async function planViews(plans: FollowupPlan[]) {
  const [names, tasks] = await Promise.all([
    namesFor(plans),
    FollowupTask.findAll({
      where: { planId: plans.map((p) => p.id) },
      order: [
        ['dueDate', 'ASC'],
        ['id', 'ASC'],
      ],
    }),
  ]);
  return plans.map((p) => ({
    id: p.id,
    appointmentId: p.appointmentId,
    recordId: p.recordId,
    patientId: p.patientId,
    patientName: names.patient.get(p.patientId)?.name ?? '—',
    doctorId: p.doctorId,
    doctorName: names.doctor.get(p.doctorId) ?? '',
    deptName: names.dept.get(p.deptId) ?? '',
    type: p.type,
    questionnaireId: p.questionnaireId,
    schedule: p.schedule,
    content: planContent(p),
    status: p.status,
    createdAt: p.createdAt,
    tasks: tasks.filter((t) => t.planId === p.id).map((t) => ({ ...taskBase(t), result: taskResult(t) })),
  }));
}

async function scopedPlan(actor: AdminActor, id: number) {
  const p = await FollowupPlan.findOne({ where: { [Op.and]: [{ id }, taskScopeWhere(actor)] } });
  if (!p) throw notFound('随访计划不存在');
  return p;
}

export async function getPlan(actor: AdminActor, id: number, from: ReadOrigin) {
  const p = await scopedPlan(actor, id);
  const [[view]] = await Promise.all([
    planViews([p]),
    auditReads(actor, {
      ...from,
      what: 'followup.plan.view',
      subjectType: 'followup_plan',
      subjects: [{ patientId: p.patientId, subjectId: p.id }],
    }),
  ]);
  return view!;
}

/** Plans of one appointment (the appointment drawer, the workbench). */
export async function plansOfAppointment(actor: AdminActor, appointmentId: number, from: ReadOrigin) {
  const a = await scopedAppointment(actor, appointmentId);
  const plans = await FollowupPlan.findAll({ where: { appointmentId: a.id }, order: [['id', 'ASC']] });
  const [views] = await Promise.all([
    planViews(plans),
    auditReads(actor, {
      ...from,
      what: 'followup.plan.list',
      subjectType: 'followup_plan',
      subjects: plans.map((p) => ({ patientId: p.patientId, subjectId: p.id })),
    }),
  ]);
  return views;
}

/** Stops a plan: its follow-ups not yet done are cancelled (done ones and their results stay). */
export async function cancelPlan(actor: AdminActor, id: number) {
  const p = await scopedPlan(actor, id);
  if (p.status === 'cancelled') throw conflict('FOLLOWUP_CLOSED', '该随访计划已取消');
  await infra().sequelize.transaction(async (t) => {
    await p.update({ status: 'cancelled' }, { transaction: t });
    await FollowupTask.update(
      { status: 'cancelled' },
      { where: { planId: p.id, status: ['planned', 'overdue'] }, transaction: t },
    );
  });
  return (await planViews([p]))[0]!;
}

// ---- 随访管理 (console) ----

type TaskQuery = {
  page: number;
  pageSize: number;
  view: 'today' | 'overdue' | 'planned' | 'done' | 'all';
  type?: FollowupType;
  deptId?: number;
  doctorId?: number;
  from?: string;
  to?: string;
  patientName?: string;
};

/** overdue: marked by the daily job, or planned for a day that has passed and the job has not swept yet. */
function viewWhere(view: TaskQuery['view'], today: string): WhereOptions {
  switch (view) {
    case 'today':
      return { status: 'planned', dueDate: today };
    case 'overdue':
      return { [Op.or]: [{ status: 'overdue' }, { status: 'planned', dueDate: { [Op.lt]: today } }] };
    case 'planned':
      return { status: 'planned', dueDate: { [Op.gte]: today } };
    case 'done':
      return { status: 'done' };
    case 'all':
      return {};
  }
}

async function filterWhere(actor: AdminActor, q: Omit<TaskQuery, 'view' | 'page' | 'pageSize'>) {
  const parts: WhereOptions[] = [taskScopeWhere(actor)];
  if (q.deptId) parts.push({ deptId: await subtreeIds(q.deptId) });
  if (q.doctorId) parts.push({ doctorId: q.doctorId });
  if (q.type) parts.push({ type: q.type });
  if (q.from || q.to)
    parts.push({ dueDate: { ...(q.from ? { [Op.gte]: q.from } : {}), ...(q.to ? { [Op.lte]: q.to } : {}) } });
  if (q.patientName) {
    const ids = (
      await Patient.findAll({
        where: { name: { [Op.like]: `%${q.patientName}%` } },
        attributes: ['id'],
        limit: 1000,
        paranoid: false,
      })
    ).map((p) => p.id);
    parts.push({ patientId: ids });
  }
  return parts;
}

async function taskRows(tasks: FollowupTask[]) {
  const [names, plans] = await Promise.all([
    namesFor(tasks),
    FollowupPlan.findAll({ where: { id: [...new Set(tasks.map((t) => t.planId))] } }),
  ]);
  const planMap = new Map(plans.map((p) => [p.id, p]));
  const { fieldCrypto } = infra();
  return tasks.map((t) => {
    const p = names.patient.get(t.patientId);
    const plan = planMap.get(t.planId);
    const appt = names.appt.get(t.appointmentId);
    return {
      ...taskBase(t),
      appointmentId: t.appointmentId,
      appointmentNo: appt?.no ?? '',
      clinicDate: appt?.clinicDate ?? '',
      patientId: t.patientId,
      patientName: p?.name ?? '—',
      patientPhoneMasked: p ? maskPhone(fieldCrypto.decrypt(p.phoneEnc)) : '—',
      doctorId: t.doctorId,
      doctorName: names.doctor.get(t.doctorId) ?? '',
      deptId: t.deptId,
      deptName: names.dept.get(t.deptId) ?? '',
      content: plan ? planContent(plan) : '',
      result: taskResult(t),
    };
  });
}

const auditTasks = (actor: AdminActor, what: string, from: ReadOrigin, tasks: FollowupTask[]) =>
  auditReads(actor, {
    ...from,
    what,
    subjectType: 'followup_task',
    subjects: tasks.map((t) => ({ patientId: t.patientId, subjectId: t.id })),
  });

const TASK_ORDER: [string, string][] = [
  ['dueDate', 'ASC'],
  ['id', 'ASC'],
];

export async function listTasks(actor: AdminActor, q: TaskQuery, from: ReadOrigin, today = shanghaiDate()) {
  const parts = await filterWhere(actor, q);
  const count = (view: TaskQuery['view']) =>
    FollowupTask.count({ where: { [Op.and]: [...parts, viewWhere(view, today)] } });
  const [{ rows, count: total }, todayN, overdueN, doneN] = await Promise.all([
    FollowupTask.findAndCountAll({
      where: { [Op.and]: [...parts, viewWhere(q.view, today)] },
      order:
        q.view === 'done'
          ? [
              ['doneAt', 'DESC'],
              ['id', 'DESC'],
            ]
          : TASK_ORDER,
      offset: (q.page - 1) * q.pageSize,
      limit: q.pageSize,
    }),
    count('today'),
    count('overdue'),
    count('done'),
  ]);
  const [items] = await Promise.all([taskRows(rows), auditTasks(actor, 'followup.task.list', from, rows)]);
  return {
    items,
    total,
    page: q.page,
    pageSize: q.pageSize,
    counts: { today: todayN, overdue: overdueN, done: doneN },
  };
}

async function scopedTask(actor: AdminActor, id: number) {
  const t = await FollowupTask.findOne({ where: { [Op.and]: [{ id }, taskScopeWhere(actor)] } });
  if (!t) throw notFound('随访记录不存在');
  return t;
}

export async function getTask(actor: AdminActor, id: number, from: ReadOrigin) {
  const t = await scopedTask(actor, id);
  const [[row], doneBy] = await Promise.all([
    taskRows([t]),
    t.doneBy ? User.findByPk(t.doneBy, { attributes: ['name'] }) : null,
    auditTasks(actor, 'followup.task.view', from, [t]),
  ]);
  return { ...row!, questions: parseQuestions(t.questions), answers: answersView(t), doneByName: doneBy?.name ?? null };
}

/**
 * The result of a follow-up (a phone call: what the patient said). `done: false` keeps it open (电话未接通, try
 * again); a cancelled follow-up takes no result.
 */
export async function recordResult(actor: AdminActor, id: number, input: { result: string; done: boolean }) {
  const t = await scopedTask(actor, id);
  if (t.status === 'cancelled') throw conflict('FOLLOWUP_CLOSED', '该随访已取消');
  await t.update({
    resultEnc: seal(input.result),
    legacyResult: null,
    ...(input.done && t.status !== 'done' ? { status: 'done' as const, doneAt: new Date(), doneBy: actor.userId } : {}),
  });
  return (await taskRows([t]))[0]!;
}

export const MAX_EXPORT_ROWS = 50_000;

export async function exportTasks(actor: AdminActor, q: Omit<TaskQuery, 'page' | 'pageSize'>, from: ReadOrigin) {
  const today = shanghaiDate();
  const where = { [Op.and]: [...(await filterWhere(actor, q)), viewWhere(q.view, today)] };
  const total = await FollowupTask.count({ where });
  return pagedXlsxExport({
    sheet: '随访数据',
    columns: [
      ['随访日期', 'dueDate', 12],
      ['状态', 'statusLabel', 8],
      ['类型', 'typeLabel', 10],
      ['就诊人', 'patientName', 10],
      ['手机', 'patientPhoneMasked', 14],
      ['科室', 'deptName', 12],
      ['医生', 'doctorName', 10],
      ['就诊日期', 'clinicDate', 12],
      ['预约号', 'appointmentNo', 26],
      ['随访内容', 'content', 40],
      ['问卷', 'questionnaireTitle', 16],
      ['随访结果', 'result', 40],
      ['完成时间', 'doneAt', 20],
    ],
    total,
    max: MAX_EXPORT_ROWS,
    page: (offset, limit) => FollowupTask.findAll({ where, order: TASK_ORDER, offset, limit }),
    views: taskRows,
    audit: (tasks) => auditTasks(actor, 'followup.task.export', from, tasks),
    row: (r) => ({
      ...r,
      statusLabel: FOLLOWUP_STATUS_LABEL[r.status],
      typeLabel: FOLLOWUP_TYPE_LABEL[r.type],
      questionnaireTitle: r.questionnaireTitle ?? '',
      result: r.result ?? '',
      doneAt: r.doneAt ? shanghaiDateTime(r.doneAt) : '',
    }),
  });
}

// ---- the patient (mini-program) ----

/** A questionnaire can be answered from its day on, until it is answered (overdue ones too). */
const answerable = (t: FollowupTask, today: string) =>
  t.type === 'questionnaire' && (t.status === 'planned' || t.status === 'overdue') && t.dueDate <= today;

export async function myPlans(actor: MpActor, patientId: number) {
  await ownPatient(actor, patientId);
  const plans = await FollowupPlan.findAll({ where: { patientId }, order: [['id', 'DESC']] });
  const [names, tasks] = await Promise.all([
    namesFor(plans),
    FollowupTask.findAll({ where: { planId: plans.map((p) => p.id) }, order: TASK_ORDER }),
  ]);
  const today = shanghaiDate();
  return plans.map((p) => ({
    id: p.id,
    type: p.type,
    doctorName: names.doctor.get(p.doctorId) ?? '',
    deptName: names.dept.get(p.deptId) ?? '',
    clinicDate: names.appt.get(p.appointmentId)?.clinicDate ?? '',
    schedule: p.schedule,
    content: planContent(p),
    status: p.status,
    tasks: tasks.filter((t) => t.planId === p.id).map((t) => ({ ...taskBase(t), answerable: answerable(t, today) })),
  }));
}

/** A follow-up of one of the caller's own family members, or 404 (whether it exists is not told). */
async function ownTask(actor: MpActor, id: number) {
  const t = await FollowupTask.findByPk(id);
  if (!t) throw notFound('随访不存在');
  const mine = await Patient.count({ where: { id: t.patientId, userId: actor.userId }, paranoid: false });
  if (!mine) throw notFound('随访不存在');
  return t;
}

async function mpTaskView(t: FollowupTask) {
  const [names, plan] = await Promise.all([namesFor([t]), FollowupPlan.findByPk(t.planId)]);
  return {
    ...taskBase(t),
    answerable: answerable(t, shanghaiDate()),
    content: plan ? planContent(plan) : '',
    doctorName: names.doctor.get(t.doctorId) ?? '',
    deptName: names.dept.get(t.deptId) ?? '',
    questions: parseQuestions(t.questions),
    answers: answersView(t),
  };
}

export async function myTask(actor: MpActor, id: number) {
  return mpTaskView(await ownTask(actor, id));
}

/**
 * The patient's answers to a questionnaire follow-up: every answer checked against the questions it was sent with;
 * the follow-up is done. Answering twice (two taps, two devices) is refused by a conditional update.
 */
export async function answerTask(actor: MpActor, id: number, answers: Record<string, AnswerValue | null>) {
  const t = await ownTask(actor, id);
  const today = shanghaiDate();
  if (t.type !== 'questionnaire') throw unprocessable('NOT_QUESTIONNAIRE', '该随访不是问卷随访');
  if (t.status === 'done') throw conflict('FOLLOWUP_DONE', '该问卷已提交，无需重复填写');
  if (t.status === 'cancelled') throw conflict('FOLLOWUP_CLOSED', '该随访已取消');
  if (t.dueDate > today) throw unprocessable('FOLLOWUP_NOT_DUE', `该问卷 ${chinaDay(t.dueDate, today)} 起可填写`);
  const questions: Question[] = parseQuestions(t.questions);
  const known = new Set(questions.map((q) => q.key));
  const stray = Object.keys(answers).find((k) => !known.has(k));
  if (stray) throw unprocessable('ANSWER_INVALID', '问卷中没有这道题', { key: stray });
  for (const q of questions) {
    const problem = answerProblem(q, answers[q.key]);
    if (problem) throw unprocessable('ANSWER_INVALID', problem, { key: q.key });
  }
  const now = new Date();
  const [changed] = await FollowupTask.update(
    { answersEnc: seal(answers), answeredAt: now, status: 'done', doneAt: now },
    { where: { id: t.id, status: ['planned', 'overdue'] } },
  );
  if (!changed) throw conflict('FOLLOWUP_DONE', '该问卷已提交，无需重复填写');
  await t.reload();
  return mpTaskView(t);
}

// ---- the daily jobs ----

/** Planned follow-ups whose day has passed become overdue (the console's 已逾期, the patient's plan). */
export async function markOverdueFollowups(today = shanghaiDate()) {
  const [overdue] = await FollowupTask.update(
    { status: 'overdue' },
    { where: { status: 'planned', dueDate: { [Op.lt]: today } } },
  );
  return { overdue };
}

const REMIND_TEXT: Record<FollowupType, string> = {
  phone: '医生将于今日电话随访，请保持电话畅通',
  return_visit: '今日请按随访计划到院复诊',
  questionnaire: '请填写随访问卷，帮助医生了解您的恢复情况',
};

/**
 * Follow-ups due today (or earlier and never reminded, should a run have been missed) tell the patient: a notice in
 * 我的消息 and a WeChat subscribe message (template FOLLOWUP_DUE) when they accepted one. Each follow-up is claimed
 * by a conditional update first, so two instances or a re-run never remind twice.
 */
export async function remindDueFollowups(today = shanghaiDate()) {
  const due = await FollowupTask.findAll({
    where: {
      status: ['planned', 'overdue'],
      dueDate: { [Op.lte]: today, [Op.gte]: addDays(today, -7) },
      remindedAt: null,
    },
    order: TASK_ORDER,
    limit: 5000,
  });
  let reminded = 0;
  const names = due.length ? await namesFor(due) : undefined;
  for (const t of due) {
    const [claimed] = await FollowupTask.update({ remindedAt: new Date() }, { where: { id: t.id, remindedAt: null } });
    if (!claimed) continue;
    const patient = await Patient.findByPk(t.patientId, { attributes: ['userId', 'name'], paranoid: false });
    if (!patient) continue;
    const doctor = names!.doctor.get(t.doctorId) ?? '';
    await notify(patient.userId, {
      title: '随访提醒',
      content: `${patient.name}，${doctor ? doctor + '医生的' : ''}${FOLLOWUP_TYPE_LABEL[t.type]}（${chinaDay(t.dueDate, today)}）：${REMIND_TEXT[t.type]}。`,
      link: { type: 'followup_task', id: t.id },
      template: {
        id: templateId('FOLLOWUP_DUE'),
        data: {
          thing1: FOLLOWUP_TYPE_LABEL[t.type],
          name2: patient.name,
          date3: t.dueDate,
          thing4: REMIND_TEXT[t.type],
        },
        page: `packages/followup/pages/task/index?id=${t.id}`,
      },
    });
    reminded++;
  }
  return { due: due.length, reminded };
}
