/**
 * Booking's follow-ups (an appointment, a date, a text, a result) as they were before follow-up plans: the same API
 * (`/booking/appointments/:id/follow-ups`, `/booking/follow-ups`) over the new model, so the appointment drawer
 * and older clients keep working. One of these is a phone plan with a single follow-up; its id is the follow-up's.
 */
import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import { infra } from '../../infra';
import type { AdminActor } from '../../http/actor';
import { conflict, notFound, unprocessable } from '../../http/errors';
import { auditReads, type ReadOrigin } from '../../kernel/audit';
import { Appointment } from '../booking/models';
import { appointmentScopeWhere, appointmentViews } from '../booking/service';
import { VisitRecord } from '../records/models';
import type { FollowupStatus } from '../../shared/followup';
import { FollowupPlan, FollowupTask } from './models';
import { FOLLOWABLE, scopedAppointment, seal, unseal } from './service';

async function legacyViews(tasks: FollowupTask[]) {
  const plans = new Map(
    (await FollowupPlan.findAll({ where: { id: [...new Set(tasks.map((t) => t.planId))] } })).map((p) => [p.id, p]),
  );
  return tasks.map((t) => {
    const p = plans.get(t.planId);
    return {
      id: t.id,
      appointmentId: t.appointmentId,
      planDate: t.dueDate,
      content: (p && (unseal<string>(p.contentEnc) ?? p.legacyContent)) ?? '',
      result: unseal<string>(t.resultEnc ?? null) ?? t.legacyResult ?? null,
      status: t.status,
      type: t.type,
      createdBy: p?.createdBy ?? 0,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
    };
  });
}

const ORDER: [string, string][] = [
  ['dueDate', 'ASC'],
  ['id', 'ASC'],
];

/** Staff reads of follow-ups are reads of patient data: one audit row per patient shown (kernel audit). */
const audited = (actor: AdminActor, what: string, from: ReadOrigin, tasks: FollowupTask[]) =>
  auditReads(actor, {
    ...from,
    what,
    subjectType: 'followup_task',
    subjects: tasks.map((t) => ({ patientId: t.patientId, subjectId: t.id })),
  });

export async function followUpsOf(actor: AdminActor, appointmentId: number, from: ReadOrigin) {
  await scopedAppointment(actor, appointmentId);
  const tasks = await FollowupTask.findAll({ where: { appointmentId }, order: ORDER });
  const [views] = await Promise.all([legacyViews(tasks), audited(actor, 'followup.task.list', from, tasks)]);
  return views;
}

export async function addFollowUp(
  actor: AdminActor,
  appointmentId: number,
  input: { planDate: string; content: string },
) {
  const a = await scopedAppointment(actor, appointmentId);
  if (!FOLLOWABLE.includes(a.status)) throw unprocessable('NOT_FOLLOWABLE', '只有已预约或已就诊的预约可以添加随访');
  const record = await VisitRecord.findOne({ where: { appointmentId }, attributes: ['id'] });
  const task = await infra().sequelize.transaction(async (t) => {
    const plan = await FollowupPlan.create(
      {
        appointmentId,
        recordId: record?.id ?? null,
        patientId: a.patientId,
        doctorId: a.doctorId,
        deptId: a.deptId,
        type: 'phone',
        questionnaireId: null,
        schedule: `指定日期 ${input.planDate}`,
        contentEnc: seal(input.content),
        status: 'active',
        createdBy: actor.userId,
      },
      { transaction: t },
    );
    return FollowupTask.create(
      {
        planId: plan.id,
        appointmentId,
        patientId: a.patientId,
        doctorId: a.doctorId,
        deptId: a.deptId,
        type: 'phone',
        dueDate: input.planDate,
        status: 'planned',
        questions: null,
        questionnaireTitle: null,
      },
      { transaction: t },
    );
  });
  return (await legacyViews([task]))[0]!;
}

export async function updateFollowUp(
  actor: AdminActor,
  id: number,
  input: { planDate?: string; content?: string; result?: string | null; status?: 'planned' | 'done' | 'cancelled' },
) {
  const t = await FollowupTask.findByPk(id);
  if (!t) throw notFound('随访记录不存在');
  await scopedAppointment(actor, t.appointmentId);
  const currentResult = unseal<string>(t.resultEnc ?? null) ?? t.legacyResult;
  const result = input.result === undefined ? currentResult : input.result;
  if (input.status === 'done' && !result) throw unprocessable('RESULT_REQUIRED', '完成随访请填写随访结果');
  if (t.status === 'done' && input.status === 'planned' && t.answeredAt)
    throw conflict('FOLLOWUP_DONE', '患者已提交问卷，不能改回待随访');
  await infra().sequelize.transaction(async (tx) => {
    if (input.content !== undefined)
      await FollowupPlan.update(
        { contentEnc: seal(input.content), legacyContent: null },
        { where: { id: t.planId }, transaction: tx },
      );
    const status: FollowupStatus | undefined = input.status;
    await t.update(
      {
        ...(input.planDate ? { dueDate: input.planDate, remindedAt: null } : {}),
        ...(input.result !== undefined
          ? { resultEnc: input.result ? seal(input.result) : null, legacyResult: null }
          : {}),
        ...(status ? { status } : {}),
        ...(status === 'done' && t.status !== 'done' ? { doneAt: new Date(), doneBy: actor.userId } : {}),
        ...(status && status !== 'done' ? { doneAt: null, doneBy: null } : {}),
      },
      { transaction: tx },
    );
  });
  return (await legacyViews([t]))[0]!;
}

export async function listFollowUps(
  actor: AdminActor,
  q: { page: number; pageSize: number; status?: FollowupStatus; from?: string; to?: string },
  from: ReadOrigin,
) {
  const appts = await Appointment.findAll({ where: appointmentScopeWhere(actor), attributes: ['id'] });
  const where: WhereOptions = {
    appointmentId: appts.map((a) => a.id),
    ...(q.status ? { status: q.status } : {}),
    ...(q.from || q.to
      ? { dueDate: { ...(q.from ? { [Op.gte]: q.from } : {}), ...(q.to ? { [Op.lte]: q.to } : {}) } }
      : {}),
  };
  const { rows, count } = await FollowupTask.findAndCountAll({
    where,
    order: ORDER,
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const [items, views] = await Promise.all([
    legacyViews(rows),
    appointmentViews(await Appointment.findAll({ where: { id: rows.map((r) => r.appointmentId) } })),
    audited(actor, 'followup.task.list', from, rows),
  ]);
  const byId = new Map(views.map((v) => [v.id, v]));
  return {
    items: items.map((f) => {
      const v = byId.get(f.appointmentId);
      return {
        ...f,
        appointmentNo: v?.no ?? '',
        deptName: v?.deptName ?? '',
        patientName: v?.patientName ?? '',
        doctorName: v?.doctorName ?? '',
        clinicDate: v?.clinicDate ?? '',
      };
    }),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** How many follow-ups each appointment has (booking's appointment list asks through registerFollowUpCounter). */
export async function followUpCounts(appointmentIds: number[]) {
  const counts = new Map<number, number>();
  if (!appointmentIds.length) return counts;
  const rows = await FollowupTask.findAll({ where: { appointmentId: appointmentIds }, attributes: ['appointmentId'] });
  for (const r of rows) counts.set(r.appointmentId, (counts.get(r.appointmentId) ?? 0) + 1);
  return counts;
}

/**
 * Migration 0012 copied the old follow-ups' text in clear (the migrator has no key): encrypt it and clear the copies.
 * Run at every start (seed.base); does nothing once every row is sealed. Takes the connection so a test can run it
 * on a database it migrated itself.
 */
export async function sealLegacyFollowUps(sequelize = infra().sequelize) {
  const { fieldCrypto } = infra();
  const enc = (s: string) => fieldCrypto.encrypt(JSON.stringify(s));
  const plans = await sequelize.query<{ id: number; legacy_content: string }>(
    'SELECT id, legacy_content FROM followup_plan WHERE legacy_content IS NOT NULL',
    { type: QueryTypes.SELECT },
  );
  for (const p of plans)
    await sequelize.query('UPDATE followup_plan SET content_enc = :c, legacy_content = NULL WHERE id = :id', {
      replacements: { c: enc(p.legacy_content), id: p.id },
    });
  const tasks = await sequelize.query<{ id: number; legacy_result: string }>(
    'SELECT id, legacy_result FROM followup_task WHERE legacy_result IS NOT NULL',
    { type: QueryTypes.SELECT },
  );
  for (const t of tasks)
    await sequelize.query('UPDATE followup_task SET result_enc = :r, legacy_result = NULL WHERE id = :id', {
      replacements: { r: enc(t.legacy_result), id: t.id },
    });
  return { plans: plans.length, tasks: tasks.length };
}
