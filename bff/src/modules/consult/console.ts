import { Op, type WhereOptions } from 'sequelize';
import type { AdminActor } from '../../http/actor';
import { conflict, notFound } from '../../http/errors';
import { auditRead, auditReads, type ReadOrigin } from '../../kernel/audit';
import { dataScopeWhere } from '../system/authz';
import { User } from '../system/models';
import { Patient } from '../patient/models';
import { shanghaiInstant, addDays } from '../../shared/time';
import { Consultation, ConsultMessage } from './models';
import {
  addSystemMessage,
  consultationViews,
  historyOf,
  messageView,
  participantConsultation,
  publishUnread,
} from './service';
import { imageOf } from './images';
import { publish } from '../../kernel/realtime';
import { consultChannel } from './service';

/** Consultations staff may see: the actor's data scope over the doctor's department (and their own, as doctor). */
const scopeWhere = (actor: AdminActor) => dataScopeWhere(actor, { dept: 'deptId', user: 'doctorId' });

async function scopedConsultation(actor: AdminActor, id: number) {
  const c = await Consultation.findOne({ where: { [Op.and]: [{ id }, scopeWhere(actor)] } });
  if (!c) throw notFound('问诊不存在');
  return c;
}

/** Messages as staff see them: the hidden ones too (marked), with who sent them to whom. */
async function adminMessageViews(rows: ConsultMessage[], consultations: Consultation[]) {
  const cMap = new Map(consultations.map((c) => [c.id, c]));
  const [patients, doctors] = await Promise.all([
    Patient.findAll({
      where: { id: [...new Set(consultations.map((c) => c.patientId))] },
      attributes: ['id', 'name'],
      paranoid: false,
    }),
    User.findAll({ where: { id: [...new Set(consultations.map((c) => c.doctorId))] }, attributes: ['id', 'name'] }),
  ]);
  const pMap = new Map(patients.map((p) => [p.id, p.name]));
  const dMap = new Map(doctors.map((d) => [d.id, d.name]));
  return rows.map((m) => {
    const c = cMap.get(m.consultationId)!;
    const patientName = pMap.get(c.patientId) ?? '';
    const doctorName = dMap.get(c.doctorId) ?? '';
    return {
      ...messageView(m),
      text: m.text,
      hasImage: !!m.imageKey,
      senderName: m.sender === 'patient' ? patientName : m.sender === 'doctor' ? doctorName : '系统',
      recipientName: m.sender === 'patient' ? doctorName : m.sender === 'doctor' ? patientName : '双方',
      patientName,
      doctorName,
      hiddenAt: m.hiddenAt ?? null,
      hiddenReason: m.hiddenReason ?? null,
    };
  });
}

async function idsByName(model: 'patient' | 'doctor', name: string) {
  if (model === 'patient')
    return (
      await Patient.findAll({
        where: { name: { [Op.like]: `%${name}%` } },
        attributes: ['id'],
        limit: 1000,
        paranoid: false,
      })
    ).map((p) => p.id);
  return (await User.findAll({ where: { name: { [Op.like]: `%${name}%` } }, attributes: ['id'], limit: 1000 })).map(
    (u) => u.id,
  );
}

/** Consultations in scope (the data-management list). Reads of patients' consultations are audited. */
export async function listConsultations(
  actor: AdminActor,
  q: { page: number; pageSize: number; status?: Consultation['status']; patientName?: string; doctorId?: number },
  from: ReadOrigin,
) {
  const parts: WhereOptions[] = [scopeWhere(actor)];
  if (q.status) parts.push({ status: q.status });
  if (q.doctorId) parts.push({ doctorId: q.doctorId });
  if (q.patientName) parts.push({ patientId: await idsByName('patient', q.patientName) });
  const { rows, count } = await Consultation.findAndCountAll({
    where: { [Op.and]: parts },
    order: [
      ['lastMessageAt', 'DESC'],
      ['id', 'DESC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  await auditReads(actor, {
    ...from,
    what: 'consult.consultation.list',
    subjectType: 'consultation',
    subjects: rows.map((c) => ({ patientId: c.patientId, subjectId: c.id })),
  });
  return { items: await consultationViews(rows, 'doctor'), total: count, page: q.page, pageSize: q.pageSize };
}

/** Search messages in scope by sender, recipient, content and time. Every message shown is an audited read. */
export async function searchMessages(
  actor: AdminActor,
  q: {
    page: number;
    pageSize: number;
    consultationId?: number;
    sender?: string;
    recipient?: string;
    content?: string;
    from?: string;
    to?: string;
  },
  origin: ReadOrigin,
) {
  const cParts: WhereOptions[] = [scopeWhere(actor)];
  if (q.consultationId) cParts.push({ id: q.consultationId });
  const mParts: WhereOptions[] = [];
  // A name is a sender when it is the patient (their messages) or the doctor (theirs); a recipient the other way round.
  for (const [name, role] of [
    [q.sender, 'sender'],
    [q.recipient, 'recipient'],
  ] as const) {
    if (!name) continue;
    const [patients, doctors] = await Promise.all([idsByName('patient', name), idsByName('doctor', name)]);
    const asPatient = role === 'sender' ? 'patient' : 'doctor';
    const asDoctor = role === 'sender' ? 'doctor' : 'patient';
    const cs = await Consultation.findAll({
      where: { [Op.and]: [...cParts, { [Op.or]: [{ patientId: patients }, { doctorId: doctors }] }] },
      attributes: ['id', 'patientId', 'doctorId'],
      limit: 5000,
    });
    const pSet = new Set(patients);
    const dSet = new Set(doctors);
    mParts.push({
      [Op.or]: [
        { consultationId: cs.filter((c) => pSet.has(c.patientId)).map((c) => c.id), sender: asPatient },
        { consultationId: cs.filter((c) => dSet.has(c.doctorId)).map((c) => c.id), sender: asDoctor },
      ],
    });
  }
  if (q.content) mParts.push({ text: { [Op.like]: `%${q.content}%` } });
  if (q.from) mParts.push({ createdAt: { [Op.gte]: shanghaiInstant(q.from) } });
  if (q.to) mParts.push({ createdAt: { [Op.lt]: shanghaiInstant(addDays(q.to, 1)) } });
  const inScope = await Consultation.findAll({ where: { [Op.and]: cParts }, attributes: ['id'], limit: 100_000 });
  mParts.push({ consultationId: inScope.map((c) => c.id) });
  const { rows, count } = await ConsultMessage.findAndCountAll({
    where: { [Op.and]: mParts },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const consultations = await Consultation.findAll({ where: { id: [...new Set(rows.map((m) => m.consultationId))] } });
  await auditReads(actor, {
    ...origin,
    what: 'consult.message.search',
    subjectType: 'consultation',
    subjects: consultations.map((c) => ({ patientId: c.patientId, subjectId: c.id })),
  });
  return { items: await adminMessageViews(rows, consultations), total: count, page: q.page, pageSize: q.pageSize };
}

/** A whole conversation for staff (hidden messages included, marked); an audited read. */
export async function viewConversation(actor: AdminActor, id: number, origin: ReadOrigin) {
  const c = await scopedConsultation(actor, id);
  const { rows } = await historyOf(c, { afterSeq: 0, limit: 100_000 });
  await auditRead(actor, {
    ...origin,
    what: 'consult.conversation.view',
    patientId: c.patientId,
    subjectType: 'consultation',
    subjectId: c.id,
  });
  return { consultation: (await consultationViews([c], 'doctor'))[0], messages: await adminMessageViews(rows, [c]) };
}

/**
 * The physician's own conversation from the workbench: also an audited read (a console read of a patient's
 * consultation), paged by seq like the mini-program's.
 */
export async function workbenchHistory(
  actor: AdminActor,
  id: number,
  q: { afterSeq?: number; beforeSeq?: number; limit: number },
  origin: ReadOrigin,
) {
  const c = await participantConsultation(actor, id);
  const h = await historyOf(c, q);
  await auditRead(actor, {
    ...origin,
    what: 'consult.conversation.read',
    patientId: c.patientId,
    subjectType: 'consultation',
    subjectId: c.id,
  });
  return { items: h.rows.map(messageView), lastSeq: h.lastSeq, hasMore: h.hasMore };
}

/** Hides a message (content withheld from the participants; the row, its text and its place stay). */
export async function hideMessage(actor: AdminActor, consultationId: number, messageId: number, reason: string) {
  const c = await scopedConsultation(actor, consultationId);
  const m = await ConsultMessage.findOne({ where: { id: messageId, consultationId: c.id } });
  if (!m) throw notFound('消息不存在');
  if (m.hiddenAt) throw conflict('ALREADY_HIDDEN', '该消息已被删除');
  await m.update({ hiddenAt: new Date(), hiddenBy: actor.userId, hiddenReason: reason });
  await publish(consultChannel(c.id), { event: 'hidden', consultationId: c.id, seq: m.seq, messageId: m.id }).catch(
    () => undefined,
  );
  await publishUnread(c.doctorId);
  return (await adminMessageViews([m], [c]))[0];
}

export async function staffSystemMessage(actor: AdminActor, consultationId: number, text: string) {
  const c = await scopedConsultation(actor, consultationId);
  const r = await addSystemMessage(c.id, text, actor.userId);
  return (await adminMessageViews([r.message!], [r.consultation]))[0]; // no close: always a new line
}

export async function staffImage(actor: AdminActor, consultationId: number, messageId: number, origin: ReadOrigin) {
  const c = await scopedConsultation(actor, consultationId);
  const image = await imageOf(consultationId, messageId, { includeHidden: true });
  await auditRead(actor, {
    ...origin,
    what: 'consult.image.view',
    patientId: c.patientId,
    subjectType: 'consultation',
    subjectId: c.id,
  });
  return image;
}
