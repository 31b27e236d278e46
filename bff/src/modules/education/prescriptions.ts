import { Op } from 'sequelize';
import { tx } from '../../infra';
import type { AdminActor, MpActor } from '../../http/actor';
import { notFound, unprocessable } from '../../http/errors';
import { notify } from '../../kernel/notifications';
import { auditReads, type ReadOrigin } from '../../kernel/audit';
import { Appointment } from '../booking/models';
import { appointmentScopeWhere } from '../booking/service';
import { User } from '../system/models';
import { EduContent, EduPrescription } from './models';
import { mpCards } from './content';

async function scopedAppointment(actor: AdminActor, id: number) {
  const a = await Appointment.findOne({ where: { [Op.and]: [{ id }, appointmentScopeWhere(actor)] } });
  if (!a) throw notFound('预约不存在');
  return a;
}

async function views(rows: EduPrescription[]) {
  const [contents, doctors] = await Promise.all([
    EduContent.findAll({ where: { id: rows.map((r) => r.contentId) }, attributes: ['id', 'title', 'kind'] }),
    User.findAll({ where: { id: rows.map((r) => r.doctorId) }, attributes: ['id', 'name'] }),
  ]);
  const c = new Map(contents.map((x) => [x.id, x]));
  const d = new Map(doctors.map((x) => [x.id, x.name]));
  return rows.map((p) => ({
    id: p.id,
    appointmentId: p.appointmentId,
    contentId: p.contentId,
    contentTitle: c.get(p.contentId)?.title ?? '',
    kind: c.get(p.contentId)?.kind ?? ('article' as const),
    doctorName: d.get(p.doctorId) ?? '',
    readAt: p.readAt,
    createdAt: p.createdAt,
  }));
}

/**
 * 宣教处方: after a visit the physician sends published articles or videos to the appointment's patient, who is told
 * through the kernel's notifications. Sending the same item again for the same appointment is a no-op.
 */
export async function prescribe(
  actor: AdminActor,
  input: { appointmentId: number; contentIds: number[] },
  from: ReadOrigin,
) {
  const a = await scopedAppointment(actor, input.appointmentId);
  if (!['booked', 'visited'].includes(a.status))
    throw unprocessable('NOT_PRESCRIBABLE', '只能为已预约或已就诊的患者开具宣教处方');
  const ids = [...new Set(input.contentIds)];
  const contents = await EduContent.findAll({ where: { id: ids, status: 'published' } });
  if (contents.length !== ids.length) throw unprocessable('CONTENT_STATE', '所选内容不存在或未发布');
  await tx(async (t) => {
    const existing = new Set(
      (await EduPrescription.findAll({ where: { appointmentId: a.id, contentId: ids }, transaction: t })).map(
        (p) => p.contentId,
      ),
    );
    const fresh = contents.filter((c) => !existing.has(c.id));
    if (!fresh.length) return;
    await EduPrescription.bulkCreate(
      fresh.map((c) => ({
        appointmentId: a.id,
        userId: a.userId,
        patientId: a.patientId,
        contentId: c.id,
        doctorId: actor.userId,
      })),
      { transaction: t },
    );
    await notify(
      a.userId,
      {
        title: '医生为您推荐了健康宣教',
        content: `${actor.name}医生为您推荐了 ${fresh.length} 篇健康宣教：${fresh.map((c) => `《${c.title}》`).join('')}，请在「我的宣教」中查看。`,
        link: { type: 'edu_prescription', id: a.id },
      },
      { transaction: t },
    );
  });
  return prescriptionsOf(actor, a.id, from);
}

/** What a patient was sent and read is theirs: each console read is recorded (kernel audit). */
export async function prescriptionsOf(actor: AdminActor, appointmentId: number, from: ReadOrigin) {
  await scopedAppointment(actor, appointmentId);
  const rows = await EduPrescription.findAll({ where: { appointmentId }, order: [['id', 'ASC']] });
  await auditReads(actor, {
    ...from,
    what: 'education.prescription.list',
    subjectType: 'edu_prescription',
    subjects: rows.map((p) => ({ patientId: p.patientId, subjectId: p.id })),
  });
  return views(rows);
}

/** 我的宣教: what physicians sent this patient, newest first, with whether it was read. */
export async function myPrescriptions(actor: MpActor, q: { page: number; pageSize: number }) {
  const { rows, count } = await EduPrescription.findAndCountAll({
    where: { userId: actor.userId },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const contents = await EduContent.findAll({
    where: { id: rows.map((r) => r.contentId) },
    attributes: { exclude: ['body'] },
  });
  const cards = new Map((await mpCards(contents)).map((c) => [c.id, c]));
  const doctors = new Map(
    (await User.findAll({ where: { id: rows.map((r) => r.doctorId) }, attributes: ['id', 'name'] })).map((u) => [
      u.id,
      u.name,
    ]),
  );
  return {
    items: rows
      .filter((p) => cards.has(p.contentId))
      .map((p) => ({
        id: p.id,
        content: cards.get(p.contentId)!,
        doctorName: doctors.get(p.doctorId) ?? '',
        readAt: p.readAt,
        createdAt: p.createdAt,
      })),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}
