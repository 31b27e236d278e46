import { Op, col, fn, type WhereOptions } from 'sequelize';
import { infra } from '../../infra';
import { maskIdCard, maskPhone } from '../../infra/crypto';
import type { AdminActor } from '../../http/actor';
import { AppError, conflict, notFound } from '../../http/errors';
import { auditRead, auditReads, type ReadOrigin } from '../../kernel/audit';
import { Patient } from '../patient/models';
import { User } from '../system/models';
import { ageOn } from '../../shared/idcard';
import { addDays, shanghaiDate } from '../../shared/time';
import { Appointment } from './models';
import { SuspensionLift } from './lift-model';
import { appointmentScopeWhere, appointmentViews, suspendedUntil } from './service';
import { notify } from './notices';

/**
 * 患者管理: family members (就诊人) as the hospital sees them. An administrator (data scope 全部) finds anyone; everyone
 * else only patients with an appointment in their scope (their departments, or their own sessions). ID and phone
 * numbers are masked; every read is written to the kernel's data-access log before it is returned.
 */
type Query = { page: number; pageSize: number; name?: string; phone?: string; idCard?: string };

/** Ids of the patients the actor may see, or undefined for "everyone" (scope 全部). */
async function scopedPatientIds(actor: AdminActor): Promise<number[] | undefined> {
  if (actor.scope.all) return undefined;
  const rows = await Appointment.findAll({
    where: appointmentScopeWhere(actor),
    attributes: [[fn('DISTINCT', col('patient_id')), 'patientId']],
    raw: true,
  });
  return rows.map((r) => r.patientId);
}

/** A patient the actor may see (a deleted family member included: their visits stay on record), else 404. */
export async function scopedPatient(actor: AdminActor, patientId: number) {
  const p = await Patient.findByPk(patientId, { paranoid: false });
  if (!p) throw notFound('患者不存在');
  if (!actor.scope.all) {
    const seen = await Appointment.count({ where: { [Op.and]: [{ patientId }, appointmentScopeWhere(actor)] } });
    if (!seen) throw notFound('患者不存在');
  }
  return p;
}

async function patientViews(actor: AdminActor, rows: Patient[]) {
  if (!rows.length) return [];
  const { fieldCrypto } = infra();
  const ids = rows.map((p) => p.id);
  const scoped = { [Op.and]: [{ patientId: ids }, appointmentScopeWhere(actor)] };
  const [appts, noShows, family] = await Promise.all([
    Appointment.findAll({
      where: scoped,
      attributes: ['patientId', [fn('COUNT', col('id')), 'n']],
      group: ['patientId'],
      raw: true,
    }) as unknown as Promise<{ patientId: number; n: number }[]>,
    Appointment.findAll({
      where: { [Op.and]: [scoped, { status: 'no_show' }] },
      attributes: ['patientId', [fn('COUNT', col('id')), 'n']],
      group: ['patientId'],
      raw: true,
    }) as unknown as Promise<{ patientId: number; n: number }[]>,
    Patient.findAll({
      where: { userId: [...new Set(rows.map((p) => p.userId))] },
      attributes: ['userId', [fn('COUNT', col('id')), 'n']],
      group: ['userId'],
      raw: true,
    }) as unknown as Promise<{ userId: number; n: number }[]>,
  ]);
  const count = (list: { n: number }[], key: (x: never) => number) =>
    new Map(list.map((x) => [key(x as never), Number(x.n)]));
  const apptN = count(appts, (x: { patientId: number }) => x.patientId);
  const noShowN = count(noShows, (x: { patientId: number }) => x.patientId);
  const familyN = count(family, (x: { userId: number }) => x.userId);
  const suspended = new Map<number, Date | null>();
  for (const userId of new Set(rows.map((p) => p.userId))) suspended.set(userId, await suspendedUntil(userId));
  return rows.map((p) => ({
    id: p.id,
    accountId: p.userId,
    name: p.name,
    gender: p.gender,
    age: ageOn(p.birthDate),
    relation: p.relation,
    idCardMasked: maskIdCard(fieldCrypto.decrypt(p.idCardEnc)),
    phoneMasked: maskPhone(fieldCrypto.decrypt(p.phoneEnc)),
    deleted: p.deletedAt != null,
    familySize: familyN.get(p.userId) ?? 0,
    appointments: apptN.get(p.id) ?? 0,
    noShows: noShowN.get(p.id) ?? 0,
    suspendedUntil: suspended.get(p.userId) ?? null,
  }));
}

export async function searchPatients(actor: AdminActor, q: Query, from: ReadOrigin) {
  const { fieldCrypto } = infra();
  const parts: WhereOptions[] = [];
  const scope = await scopedPatientIds(actor);
  if (scope) parts.push({ id: scope });
  if (q.name) parts.push({ name: { [Op.like]: `%${q.name}%` } });
  if (q.phone) parts.push({ phoneHash: fieldCrypto.blindIndex(q.phone) });
  if (q.idCard) parts.push({ idCardHash: fieldCrypto.blindIndex(q.idCard.toUpperCase()) });
  const { rows, count } = await Patient.findAndCountAll({
    where: { [Op.and]: parts },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
    paranoid: false,
  });
  const [items] = await Promise.all([
    patientViews(actor, rows),
    auditReads(actor, {
      ...from,
      what: 'booking.patient.list',
      subjectType: 'patient',
      subjects: rows.map((p) => ({ patientId: p.id, subjectId: p.id })),
    }),
  ]);
  return { items, total: count, page: q.page, pageSize: q.pageSize };
}

/**
 * One patient: their details, their account's other family members (those the actor may see), their appointments in
 * the actor's scope, and the account's no-show record behind a suspension (a no-show outside the actor's scope shows
 * only its day: which department it was is not theirs to see).
 */
export async function patientDetail(actor: AdminActor, patientId: number, from: ReadOrigin) {
  const p = await scopedPatient(actor, patientId);
  const scope = await scopedPatientIds(actor);
  const familyRows = await Patient.findAll({
    where: { userId: p.userId, id: { [Op.ne]: p.id }, ...(scope ? { [Op.and]: [{ id: scope }] } : {}) },
    order: [['id', 'ASC']],
  });
  const appts = await Appointment.findAll({
    where: { [Op.and]: [{ patientId: p.id }, appointmentScopeWhere(actor)] },
    order: [
      ['clinicDate', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: 200,
  });
  const { NO_SHOW_WINDOW_DAYS, NO_SHOW_SUSPEND_DAYS } = infra().config;
  const noShowRows = await Appointment.findAll({
    where: {
      userId: p.userId,
      status: 'no_show',
      clinicDate: { [Op.gte]: addDays(shanghaiDate(), -(NO_SHOW_WINDOW_DAYS + NO_SHOW_SUSPEND_DAYS)) },
    },
    order: [['clinicDate', 'DESC']],
  });
  const visible = new Set(
    (
      await Appointment.findAll({
        where: { [Op.and]: [{ id: noShowRows.map((a) => a.id) }, appointmentScopeWhere(actor)] },
        attributes: ['id'],
        raw: true,
      })
    ).map((a) => a.id),
  );
  const [views, family, apptViews, noShowViews, lifts] = await Promise.all([
    patientViews(actor, [p]),
    patientViews(actor, familyRows),
    appointmentViews(appts),
    appointmentViews(noShowRows.filter((a) => visible.has(a.id))),
    SuspensionLift.findAll({ where: { userId: p.userId }, order: [['id', 'DESC']], limit: 20 }),
  ]);
  const byId = new Map(noShowViews.map((v) => [v.id, v]));
  const lifters = new Map(
    (await User.findAll({ where: { id: lifts.map((l) => l.liftedBy) }, attributes: ['id', 'name'] })).map((u) => [
      u.id,
      u.name,
    ]),
  );
  const lastLift = lifts[0] ? shanghaiDate(lifts[0].createdAt) : null;
  await Promise.all([
    auditRead(actor, {
      ...from,
      what: 'booking.patient.view',
      patientId: p.id,
      subjectType: 'patient',
      subjectId: p.id,
    }),
    auditReads(actor, {
      ...from,
      what: 'booking.patient.view',
      subjectType: 'appointment',
      subjects: [...appts, ...noShowRows.filter((a) => visible.has(a.id))].map((a) => ({
        patientId: a.patientId,
        subjectId: a.id,
      })),
    }),
  ]);
  return {
    patient: views[0],
    family,
    appointments: apptViews,
    noShows: noShowRows.map((a) => {
      const v = byId.get(a.id);
      return {
        clinicDate: a.clinicDate,
        patientName: v?.patientName ?? null,
        deptName: v?.deptName ?? null,
        doctorName: v?.doctorName ?? null,
        counted: !lastLift || a.clinicDate > lastLift,
      };
    }),
    lifts: lifts.map((l) => ({ at: l.createdAt, by: lifters.get(l.liftedBy) ?? '—', reason: l.reason })),
  };
}

/**
 * Lifts the account's no-show suspension: the no-shows so far stop counting (they stay on record), the patient is
 * told, and the operation log records who did it and why.
 */
export async function liftSuspension(actor: AdminActor, patientId: number, reason: string) {
  const p = await scopedPatient(actor, patientId);
  const until = await suspendedUntil(p.userId);
  if (!until) throw conflict('NOT_SUSPENDED', '该患者当前没有被暂停预约');
  const lift = await SuspensionLift.create({ userId: p.userId, liftedBy: actor.userId, reason });
  await notify(p.userId, '预约资格已恢复', '医院已解除您因爽约而暂停的预约资格，请按时就诊，如不能就诊请提前取消。');
  return { suspendedUntil: await suspendedUntil(p.userId), liftedAt: lift.createdAt, was: until };
}

const REVEALS_PER_MINUTE = 20;

/**
 * The full phone number of one patient, for a staff member who calls patients (随访): one number per request,
 * rate-limited, each reveal in the data-access log before the number is returned.
 */
export async function revealPhone(actor: AdminActor, patientId: number, from: ReadOrigin) {
  const limit = await infra().kv.hit(`phone-reveal:${actor.userId}`, REVEALS_PER_MINUTE, 60);
  if (!limit.allowed)
    throw new AppError(429, 'RATE_LIMITED', '查看手机号过于频繁，请稍后再试', {
      retryAfterSeconds: limit.retryAfterSec,
    });
  const p = await scopedPatient(actor, patientId);
  await auditRead(actor, {
    ...from,
    what: 'booking.patient.phone',
    patientId: p.id,
    subjectType: 'patient',
    subjectId: p.id,
  });
  return { patientId: p.id, phone: infra().fieldCrypto.decrypt(p.phoneEnc) };
}
