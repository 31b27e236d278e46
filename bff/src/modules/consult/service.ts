import crypto from 'node:crypto';
import { Op, QueryTypes, col, literal, type Transaction } from 'sequelize';
import { infra, tx } from '../../infra';
import { hasPerm, type AdminActor, type MpActor } from '../../http/actor';
import { conflict, forbidden, notFound } from '../../http/errors';
import { notify, templateId } from '../../kernel/notifications';
import { personalChannel, publish, type RealtimeActor } from '../../kernel/realtime';
import { Dept, Post, User } from '../system/models';
import { Patient } from '../patient/models';
import { doctorIds } from '../scheduling/service';
import { Appointment } from '../booking/models';
import type { PayOrder } from '../payment/models';
import * as payment from '../payment/service';
import { shanghaiDate } from '../../shared/time';
import { Consultation, ConsultDoctor, ConsultMessage, LIVE, type CloseReason, type Side } from './models';
import { CONSULT_STATUS_LABEL, type Message } from './schemas';
import { CONSULT_PERMS } from './perms';
import { notifyConsultEnded, notifyConsultRefundFailed, notifyConsultRefunded } from './notices';

const cfg = () => infra().config;
export const CONSULTATION = 'consultation';
/** The realtime channel of one conversation: both participants' sockets subscribe to it. */
export const consultChannel = (id: number) => `consult:${id}`;
const consultationNo = () =>
  `CS${shanghaiDate().replaceAll('-', '')}${crypto.randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12)}`;
const pairOf = (patientId: number, doctorId: number) => `${patientId}:${doctorId}`;
const uniqueViolation = (err: unknown) => (err as Error).name === 'SequelizeUniqueConstraintError';

/** Which side of a conversation an actor is on: a patient account, or a console user (the doctor). */
export const sideOf = (actor: Pick<RealtimeActor, 'kind'>): Side => (actor.kind === 'mp' ? 'patient' : 'doctor');

/**
 * The consultation if `actor` takes part in it: the patient account that opened it, or the doctor it is addressed to
 * (holding the workbench permission). Anyone else gets the same 404 as for a consultation that does not exist.
 */
export async function participantConsultation(actor: RealtimeActor, id: number, t?: Transaction) {
  const c = await Consultation.findByPk(id, { transaction: t });
  if (!c || !isParticipant(actor, c)) throw notFound('问诊不存在');
  return c;
}
export function isParticipant(actor: RealtimeActor, c: Pick<Consultation, 'userId' | 'doctorId'>) {
  if (actor.kind === 'mp') return c.userId === actor.userId;
  return c.doctorId === actor.userId && hasPerm(actor, CONSULT_PERMS.workbench);
}
function assertMaySend(actor: RealtimeActor) {
  if (actor.kind === 'admin' && !hasPerm(actor, CONSULT_PERMS.reply))
    throw forbidden('FORBIDDEN', '没有权限执行此操作', { required: CONSULT_PERMS.reply });
}

// ---------------------------------------------------------------------------------------------------------------
// Views

export function messageView(m: ConsultMessage): Message {
  const hidden = !!m.hiddenAt;
  return {
    id: m.id,
    consultationId: m.consultationId,
    seq: m.seq,
    sender: m.sender,
    clientMsgId: m.clientMsgId,
    kind: m.kind,
    text: hidden ? null : m.text,
    hasImage: !hidden && !!m.imageKey,
    hidden,
    createdAt: m.createdAt,
  };
}

const preview = (m: ConsultMessage | undefined) =>
  !m ? null : m.hiddenAt ? '[该消息已被删除]' : m.kind === 'image' ? '[图片]' : (m.text ?? '').slice(0, 40);

/** Unread counts of `side` per consultation: messages not from that side after its read mark. */
async function unreadOf(side: Side, rows: Consultation[]) {
  const out = new Map<number, number>();
  if (!rows.length) return out;
  const col = side === 'patient' ? 'patient_read_seq' : 'doctor_read_seq';
  const counts = await infra().sequelize.query<{ id: number; n: number }>(
    `SELECT c.id AS id, COUNT(m.id) AS n FROM consultation c
       JOIN consult_message m ON m.consultation_id = c.id AND m.seq > c.${col} AND m.sender <> :side
     WHERE c.id IN (:ids) GROUP BY c.id`,
    { type: QueryTypes.SELECT, replacements: { side, ids: rows.map((r) => r.id) } },
  );
  for (const r of counts) out.set(Number(r.id), Number(r.n));
  return out;
}

/** Consultations as a participant (or staff, `as: 'doctor'`) sees them. */
export async function consultationViews(rows: Consultation[], as: Side) {
  const [patients, doctors, depts, unread, lasts] = await Promise.all([
    Patient.findAll({
      where: { id: [...new Set(rows.map((r) => r.patientId))] },
      attributes: ['id', 'name'],
      paranoid: false,
    }),
    User.findAll({ where: { id: [...new Set(rows.map((r) => r.doctorId))] }, attributes: ['id', 'name'] }),
    Dept.findAll({ where: { id: [...new Set(rows.map((r) => r.deptId))] }, attributes: ['id', 'name'] }),
    unreadOf(as, rows),
    rows.length
      ? ConsultMessage.findAll({
          where: { [Op.or]: rows.filter((r) => r.lastSeq > 0).map((r) => ({ consultationId: r.id, seq: r.lastSeq })) },
        })
      : [],
  ]);
  const pMap = new Map(patients.map((p) => [p.id, p.name]));
  const dMap = new Map(doctors.map((d) => [d.id, d.name]));
  const deptMap = new Map(depts.map((d) => [d.id, d.name]));
  const lastMap = new Map(lasts.map((m) => [m.consultationId, m]));
  return rows.map((c) => ({
    id: c.id,
    no: c.no,
    status: c.status,
    statusLabel: CONSULT_STATUS_LABEL[c.status],
    kind: c.kind,
    patientId: c.patientId,
    patientName: pMap.get(c.patientId) ?? '',
    doctorId: c.doctorId,
    doctorName: dMap.get(c.doctorId) ?? '',
    deptId: c.deptId,
    deptName: deptMap.get(c.deptId) ?? '',
    appointmentId: c.appointmentId,
    feeFen: c.feeFen,
    answerDeadline: c.status === 'open' && !c.firstReplyAt ? (c.answerDeadline ?? null) : null,
    lastSeq: c.lastSeq,
    lastMessageAt: c.lastMessageAt ?? null,
    lastMessage: preview(lastMap.get(c.id)),
    unread: unread.get(c.id) ?? 0,
    peerReadSeq: as === 'patient' ? c.doctorReadSeq : c.patientReadSeq,
    closedAt: c.closedAt ?? null,
    closeReason: c.closeReason ?? null,
    createdAt: c.createdAt,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Doctors and opening a consultation

async function doctorOffer(doctorId: number) {
  if (!(await doctorIds()).has(doctorId)) throw notFound('医生不存在');
  const doctor = await User.findOne({ where: { id: doctorId, status: 'active' } });
  if (!doctor) throw notFound('医生不存在');
  const [settings, dept, post] = await Promise.all([
    ConsultDoctor.findByPk(doctorId),
    doctor.deptId ? Dept.findByPk(doctor.deptId, { attributes: ['id', 'name'] }) : null,
    doctor.postId ? Post.findByPk(doctor.postId, { attributes: ['id', 'name'] }) : null,
  ]);
  return {
    doctor,
    view: {
      doctorId,
      doctorName: doctor.name,
      deptName: dept?.name ?? '',
      title: post?.name ?? null,
      feeFen: settings?.feeFen ?? 0,
      accepting: settings?.accepting ?? true,
    },
  };
}
export const consultDoctor = async (doctorId: number) => (await doctorOffer(doctorId)).view;

/** The free follow-up window: a visit with this doctor within CONSULT_FOLLOWUP_DAYS. */
function followUpFree(a: Appointment | null) {
  return (
    !!a &&
    a.status === 'visited' &&
    !!a.visitedAt &&
    a.visitedAt.getTime() + cfg().CONSULT_FOLLOWUP_DAYS * 86400_000 > Date.now()
  );
}

/**
 * Opens (or returns the live) consultation of a family member with a doctor: from the doctor's page, or from an
 * appointment (its doctor and family member; free of charge within the follow-up window after the visit).
 */
export async function openConsultation(
  actor: MpActor,
  input: { doctorId: number; patientId: number } | { appointmentId: number },
) {
  let appointment: Appointment | null = null;
  let doctorId: number;
  let patientId: number;
  if ('appointmentId' in input) {
    appointment = await Appointment.findOne({ where: { id: input.appointmentId, userId: actor.userId } });
    if (!appointment) throw notFound('预约不存在');
    if (!['booked', 'visited'].includes(appointment.status))
      throw conflict('NOT_CONSULTABLE', '该预约不能发起问诊（未支付、已取消或已失效）');
    doctorId = appointment.doctorId;
    patientId = appointment.patientId;
  } else {
    doctorId = input.doctorId;
    patientId = input.patientId;
  }
  const patient = await Patient.findOne({ where: { id: patientId, userId: actor.userId } });
  if (!patient) throw notFound('就诊人不存在');
  const { doctor, view: offer } = await doctorOffer(doctorId);
  const pair = pairOf(patientId, doctorId);
  const live = await Consultation.findOne({ where: { activePair: pair } });
  if (live) return { consultation: (await consultationViews([live], 'patient'))[0], payment: await livePayment(live) };
  const followUp = followUpFree(appointment);
  if (!followUp && !offer.accepting) throw conflict('CONSULT_NOT_ACCEPTING', '该医生暂不接受在线问诊');
  const kind = followUp ? 'followup' : offer.feeFen > 0 ? 'paid' : 'free';
  const now = new Date();
  let c: Consultation;
  try {
    c = await Consultation.create({
      no: consultationNo(),
      userId: actor.userId,
      patientId,
      doctorId,
      deptId: doctor.deptId ?? appointment?.deptId ?? 0,
      appointmentId: appointment?.id ?? null,
      kind,
      status: kind === 'paid' ? 'pending_payment' : 'open',
      activePair: pair,
      feeFen: kind === 'paid' ? offer.feeFen : 0,
      lastMessageAt: now,
    });
  } catch (err) {
    if (!uniqueViolation(err)) throw err;
    // A concurrent open of the same pair won: that one is the live consultation.
    c = (await Consultation.findOne({ where: { activePair: pair } }))!;
  }
  if (c.status === 'open') void publishUnread(c.doctorId);
  return { consultation: (await consultationViews([c], 'patient'))[0], payment: await livePayment(c) };
}

// ---------------------------------------------------------------------------------------------------------------
// Payment (subject type 'consultation')

const withConsultLock = <T>(id: number, fn: () => Promise<T>) =>
  infra().kv.withLock(`consultation:${id}`, fn, { ttlMs: 30_000, waitMs: 15_000 });
const subjectOf = (c: Consultation): payment.PaySubject => ({ type: CONSULTATION, id: c.id });
const PAY_WINDOW_MS = 30 * 60_000;

async function livePayment(c: Consultation) {
  if (c.status !== 'pending_payment') return null;
  return withConsultLock(c.id, () => ensurePayment(c)).catch((err) => {
    infra().log.error({ err }, 'creating the WeChat Pay order for a consultation failed');
    return null;
  });
}

function ensurePayment(c: Consultation) {
  return payment.ensurePayment({
    subject: subjectOf(c),
    no: c.no,
    userId: c.userId,
    amountFen: c.feeFen,
    description: '医云图文问诊',
    timeExpire: new Date(c.createdAt.getTime() + PAY_WINDOW_MS),
    assertPayable: async () => {
      await c.reload();
      if (c.status !== 'pending_payment') throw conflict('NOT_PAYABLE', '该问诊无需支付或已失效');
      if (c.createdAt.getTime() + PAY_WINDOW_MS <= Date.now()) throw conflict('NOT_PAYABLE', '支付时间已过');
    },
    applyFound: async (order, paidAt) => {
      await applyPayment(c, order, paidAt);
      await c.reload();
    },
  });
}

export async function payConsultation(actor: MpActor, id: number) {
  const c = await participantConsultation(actor, id);
  if (c.status !== 'pending_payment') throw conflict('NOT_PAYABLE', '该问诊无需支付或已失效');
  return { payment: await withConsultLock(id, () => ensurePayment(c)) };
}

/** A paid order opens its consultation; a second order, or one for a consultation that lapsed, is refunded. */
async function applyPayment(c: Consultation, order: PayOrder, paidAt: Date) {
  if (c.paidOrderId === order.id) return;
  if (c.status === 'pending_payment') {
    await c.update({
      status: 'open',
      paidAt,
      paidOrderId: order.id,
      answerDeadline: new Date(Date.now() + cfg().CONSULT_ANSWER_MINUTES * 60_000),
      lastMessageAt: new Date(),
    });
    void publishUnread(c.doctorId);
    return;
  }
  await payment.refundOrder(order, c.paidOrderId ? '重复支付，全额退款' : '问诊已失效，全额退款');
}

export async function onConsultationPaid(order: PayOrder, paidAt: Date) {
  await withConsultLock(order.subjectId, async () => {
    const c = await Consultation.findByPk(order.subjectId);
    if (c) await applyPayment(c, order, paidAt);
  });
}

async function unappliedPaidOrders(limit: number) {
  const rows = await infra().sequelize.query<{ id: number }>(
    `SELECT o.id FROM pay_order o JOIN consultation c ON c.id = o.subject_id
     WHERE o.subject_type = :type AND o.status = 'paid' AND (c.paid_order_id IS NULL OR c.paid_order_id <> o.id)
     ORDER BY o.id LIMIT :limit`,
    { type: QueryTypes.SELECT, replacements: { type: CONSULTATION, limit } },
  );
  return rows.map((r) => r.id);
}

export function registerConsultPayments() {
  payment.registerPaySubject(CONSULTATION, {
    onOrderPaid: onConsultationPaid,
    onOrderRefunded: notifyConsultRefunded,
    onRefundFailed: notifyConsultRefundFailed,
    unappliedPaidOrders,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

interface NewMessage {
  sender: Side | 'system';
  senderId: number | null;
  clientMsgId: string;
  kind: ConsultMessage['kind'];
  text?: string | null;
  imageKey?: string | null;
  imageType?: string | null;
}

/**
 * The one place a message is written: under the consultation's row lock, the next seq, the message, and the
 * consultation's last seq in one transaction. A client id already stored for this sender is that message again
 * (`duplicate`), so a resend after a lost ack never makes two; the unique index is the database's last word.
 */
async function append(
  id: number,
  m: NewMessage,
  opts: { whenClosed?: 'refuse' | 'allow'; close?: CloseReason } = {},
): Promise<{ message: ConsultMessage; consultation: Consultation; duplicate: boolean; closed?: boolean }> {
  try {
    return await tx(
      async (t) => {
        const c = await Consultation.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
        if (!c) throw notFound('问诊不存在');
        const existing = await ConsultMessage.findOne({
          where: { consultationId: id, sender: m.sender, clientMsgId: m.clientMsgId },
          transaction: t,
        });
        if (existing) return { message: existing, consultation: c, duplicate: true };
        // what ends a consultation is said once: a close that finds it ended (a doctor's close and the idle job at the
        // same moment) adds no second line and leaves the first one's reason
        if (opts.close && c.status !== 'open') throw ENDED_ALREADY;
        if (opts.whenClosed !== 'allow' && c.status !== 'open')
          throw conflict(
            'CONSULT_CLOSED',
            c.status === 'pending_payment' ? '请先完成支付再发送消息' : '本次问诊已结束，不能再发送消息',
          );
        const seq = c.lastSeq + 1;
        const now = new Date();
        // this very message ends the consultation (read under the row lock): what tells the patient once, not twice
        const closed = !!opts.close;
        const message = await ConsultMessage.create(
          {
            consultationId: id,
            seq,
            sender: m.sender,
            senderId: m.senderId,
            clientMsgId: m.clientMsgId,
            kind: m.kind,
            text: m.text ?? null,
            imageKey: m.imageKey ?? null,
            imageType: m.imageType ?? null,
            createdAt: now,
          },
          { transaction: t },
        );
        await c.update(
          {
            lastSeq: seq,
            lastMessageAt: now,
            // One's own message is read and delivered on one's own side.
            ...(m.sender === 'patient' ? { patientReadSeq: seq, patientDeliveredSeq: seq } : {}),
            ...(m.sender === 'doctor' ? { doctorReadSeq: seq, doctorDeliveredSeq: seq } : {}),
            ...(m.sender === 'doctor' && !c.firstReplyAt ? { firstReplyAt: now } : {}),
            ...(opts.close
              ? { status: 'closed' as const, closedAt: now, closeReason: opts.close, activePair: null }
              : {}),
          },
          { transaction: t },
        );
        return { message, consultation: c, duplicate: false, closed };
      },
      { readCommitted: true },
    );
  } catch (err) {
    if (!uniqueViolation(err)) throw err;
    const message = await ConsultMessage.findOne({
      where: { consultationId: id, sender: m.sender, clientMsgId: m.clientMsgId },
    });
    if (!message) throw err;
    return { message, consultation: (await Consultation.findByPk(id))!, duplicate: true };
  }
}

/**
 * After the commit: the message to both participants' sockets on every instance, and the doctor's unread badge.
 * A publish that fails loses nothing — the message is stored and the clients catch up by seq.
 */
async function announce(c: Consultation, message: ConsultMessage) {
  await publish(consultChannel(c.id), { event: 'message', message: messageView(message) }).catch((err) =>
    infra().log.warn({ err, consultation: c.id }, 'consult message not pushed; clients catch up by seq'),
  );
  if (message.sender !== 'doctor') await publishUnread(c.doctorId);
}

async function announceStatus(c: Consultation) {
  await publish(consultChannel(c.id), {
    event: 'status',
    consultationId: c.id,
    status: c.status,
    closeReason: c.closeReason ?? null,
  }).catch(() => undefined);
  await publishUnread(c.doctorId);
}

/** A participant's text message (socket or HTTP), stored before it is acknowledged. */
export async function sendText(actor: RealtimeActor, id: number, input: { clientMsgId: string; text: string }) {
  assertMaySend(actor);
  await participantConsultation(actor, id);
  const r = await append(id, {
    sender: sideOf(actor),
    senderId: actor.userId,
    clientMsgId: input.clientMsgId,
    kind: 'text',
    text: input.text,
  });
  if (!r.duplicate) await announce(r.consultation, r.message);
  return { message: messageView(r.message), duplicate: r.duplicate };
}

/** A participant's image message; the file is already stored under `imageKey` (see images.ts). */
export async function sendImage(
  actor: RealtimeActor,
  id: number,
  input: { clientMsgId: string; imageKey: string; imageType: string },
) {
  const r = await append(id, {
    sender: sideOf(actor),
    senderId: actor.userId,
    clientMsgId: input.clientMsgId,
    kind: 'image',
    imageKey: input.imageKey,
    imageType: input.imageType,
  });
  if (!r.duplicate) await announce(r.consultation, r.message);
  return { message: r.message, duplicate: r.duplicate };
}

const ENDED_ALREADY = new Error('the consultation had ended already');

/**
 * A system line in the conversation (staff from the console, or the platform itself). With `close` it ends the
 * consultation — or, if it had ended already, adds nothing: `closed` in the result says this call was the one.
 */
export async function addSystemMessage(
  id: number,
  text: string,
  byUserId: number | null,
  close?: CloseReason,
): Promise<{ message?: ConsultMessage; consultation: Consultation; closed: boolean }> {
  try {
    const r = await append(
      id,
      { sender: 'system', senderId: byUserId, clientMsgId: `sys-${crypto.randomUUID()}`, kind: 'system', text },
      { whenClosed: 'allow', close },
    );
    await announce(r.consultation, r.message);
    if (close) await announceStatus(r.consultation);
    return { ...r, closed: !!r.closed };
  } catch (err) {
    if (err !== ENDED_ALREADY) throw err;
    return { consultation: (await Consultation.findByPk(id))!, closed: false };
  }
}

/**
 * Messages of a conversation by seq: after `afterSeq` (catching up after a reconnect, oldest first), before
 * `beforeSeq` (scrolling up), or the latest page.
 */
export async function historyOf(c: Consultation, q: { afterSeq?: number; beforeSeq?: number; limit: number }) {
  let rows: ConsultMessage[];
  let hasMore: boolean;
  if (q.afterSeq !== undefined) {
    rows = await ConsultMessage.findAll({
      where: { consultationId: c.id, seq: { [Op.gt]: q.afterSeq } },
      order: [['seq', 'ASC']],
      limit: q.limit,
    });
    hasMore = rows.length > 0 && rows[rows.length - 1].seq < c.lastSeq;
  } else {
    rows = (
      await ConsultMessage.findAll({
        where: { consultationId: c.id, ...(q.beforeSeq !== undefined ? { seq: { [Op.lt]: q.beforeSeq } } : {}) },
        order: [['seq', 'DESC']],
        limit: q.limit,
      })
    ).reverse();
    hasMore = rows.length > 0 && rows[0].seq > 1;
  }
  return { rows, lastSeq: c.lastSeq, hasMore };
}

export async function history(
  actor: RealtimeActor,
  id: number,
  q: { afterSeq?: number; beforeSeq?: number; limit: number },
) {
  const c = await participantConsultation(actor, id);
  const h = await historyOf(c, q);
  return { items: h.rows.map(messageView), lastSeq: h.lastSeq, hasMore: h.hasMore };
}

/**
 * A delivery or read receipt: the side's mark only moves forward (conditional update, so receipts arriving out of
 * order or from two devices never move it back); the other participant hears of it, the doctor's badge follows.
 */
export async function receipt(actor: RealtimeActor, id: number, kind: 'delivered' | 'read', seq: number) {
  const c = await participantConsultation(actor, id);
  const side = sideOf(actor);
  const upTo = Math.min(seq, c.lastSeq);
  const delivered = side === 'patient' ? 'patientDeliveredSeq' : 'doctorDeliveredSeq';
  const read = side === 'patient' ? 'patientReadSeq' : 'doctorReadSeq';
  const [movedDelivered] = await Consultation.update(
    { [delivered]: upTo },
    { where: { id, [delivered]: { [Op.lt]: upTo } } },
  );
  let movedRead = 0;
  if (kind === 'read')
    [movedRead] = await Consultation.update({ [read]: upTo }, { where: { id, [read]: { [Op.lt]: upTo } } });
  if (movedDelivered || movedRead)
    await publish(consultChannel(id), { event: 'receipt', consultationId: id, side, kind, seq: upTo }).catch(
      () => undefined,
    );
  if (movedRead && side === 'doctor') await publishUnread(c.doctorId);
  return { consultationId: id, kind, seq: upTo };
}

// ---------------------------------------------------------------------------------------------------------------
// Patient lists

export async function myConsultations(
  actor: MpActor,
  q: { page: number; pageSize: number; status?: 'live' | 'closed' },
) {
  const where = {
    userId: actor.userId,
    ...(q.status === 'live' ? { status: LIVE } : q.status === 'closed' ? { status: ['closed', 'cancelled'] } : {}),
  };
  const { rows, count } = await Consultation.findAndCountAll({
    where,
    order: [
      ['lastMessageAt', 'DESC'],
      ['id', 'DESC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: await consultationViews(rows, 'patient'), total: count, page: q.page, pageSize: q.pageSize };
}

export async function myConsultation(actor: RealtimeActor, id: number) {
  return (await consultationViews([await participantConsultation(actor, id)], sideOf(actor)))[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Doctor (console workbench)

/** The doctor's unread total over open consultations: the console header badge. */
export async function unreadTotal(doctorId: number) {
  const [row] = await infra().sequelize.query<{ n: number; c: number }>(
    `SELECT COUNT(m.id) AS n, COUNT(DISTINCT c.id) AS c FROM consultation c
       JOIN consult_message m ON m.consultation_id = c.id AND m.seq > c.doctor_read_seq AND m.sender <> 'doctor'
     WHERE c.doctor_id = :doctorId AND c.status = 'open'`,
    { type: QueryTypes.SELECT, replacements: { doctorId } },
  );
  return { unread: Number(row?.n ?? 0), consultations: Number(row?.c ?? 0) };
}

/** Pushes the doctor's badge to their console sockets (personal channel), on every instance. */
export async function publishUnread(doctorId: number) {
  try {
    const total = await unreadTotal(doctorId);
    await publish(personalChannel({ kind: 'admin', userId: doctorId }), { type: 'consult.unread', ...total });
  } catch (err) {
    infra().log.warn({ err }, 'consult unread badge not pushed');
  }
}

/** The doctor's consultations, unread first, then the most recent. */
export async function workbench(actor: AdminActor, q: { page: number; pageSize: number; status: 'live' | 'closed' }) {
  const where = { doctorId: actor.userId, status: q.status === 'live' ? ['open'] : ['closed'] };
  const unreadFirst = literal(
    `(SELECT COUNT(*) FROM consult_message m WHERE m.consultation_id = \`Consultation\`.\`id\` AND m.seq > \`Consultation\`.\`doctor_read_seq\` AND m.sender <> 'doctor')`,
  );
  const { rows, count } = await Consultation.findAndCountAll({
    where,
    order: [
      [unreadFirst, 'DESC'],
      ['lastMessageAt', 'DESC'],
      ['id', 'DESC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: await consultationViews(rows, 'doctor'), total: count, page: q.page, pageSize: q.pageSize };
}

export async function closeByDoctor(actor: AdminActor, id: number) {
  const c = await participantConsultation(actor, id);
  if (c.status !== 'open') throw conflict('CONSULT_CLOSED', '本次问诊已结束');
  const r = await addSystemMessage(id, '医生已结束本次问诊', actor.userId, 'doctor');
  if (r.closed) await notifyConsultEnded(r.consultation);
  return myConsultation(actor, id);
}

export async function doctorSettings(actor: AdminActor) {
  const s = await ConsultDoctor.findByPk(actor.userId);
  return { feeFen: s?.feeFen ?? 0, accepting: s?.accepting ?? true };
}
export async function setDoctorSettings(actor: AdminActor, body: { feeFen: number; accepting: boolean }) {
  if (!(await doctorIds()).has(actor.userId)) throw forbidden('FORBIDDEN', '只有医生可以设置图文问诊');
  await ConsultDoctor.upsert({ doctorId: actor.userId, ...body });
  return doctorSettings(actor);
}

export const QUICK_REPLIES = [
  '您好，我是接诊医生，请详细描述一下您的症状和持续时间。',
  '请上传相关的检查报告或患处照片。',
  '建议您近期到医院门诊进一步检查。',
  '按医嘱用药，注意休息，如有不适请及时就医。',
  '如症状加重，请立即到急诊就诊。',
];

// ---------------------------------------------------------------------------------------------------------------
// Jobs

/**
 * Closes what should no longer be open: unpaid consultations past their pay window (cancelled), paid questions the
 * doctor did not answer in time (closed and refunded in full), and conversations idle for CONSULT_IDLE_CLOSE_HOURS.
 */
export async function closeLapsedConsultations(now = new Date()) {
  const unpaid = await Consultation.findAll({
    where: { status: 'pending_payment', createdAt: { [Op.lt]: new Date(now.getTime() - PAY_WINDOW_MS) } },
    limit: 200,
  });
  for (const c of unpaid)
    await withConsultLock(c.id, async () => {
      await payment.closeForSubject(subjectOf(c), (order, paidAt) => applyPayment(c, order, paidAt));
      await c.reload();
      if (c.status !== 'pending_payment') return;
      await c.update({ status: 'cancelled', closedAt: now, closeReason: 'unpaid', activePair: null });
    });

  const unanswered = await Consultation.findAll({
    where: { status: 'open', kind: 'paid', firstReplyAt: null, answerDeadline: { [Op.lt]: now } },
    limit: 200,
  });
  for (const c of unanswered) {
    const r = await addSystemMessage(
      c.id,
      '医生未在规定时间内回复，本次问诊已结束，费用将全额退回',
      null,
      'unanswered',
    );
    if (r.consultation.closeReason === 'unanswered') await payment.refundForSubject(subjectOf(c), '医生未及时回复');
  }

  const idle = await Consultation.findAll({
    where: {
      status: 'open',
      lastMessageAt: { [Op.lt]: new Date(now.getTime() - cfg().CONSULT_IDLE_CLOSE_HOURS * 3600_000) },
      [Op.not]: { kind: 'paid', firstReplyAt: null },
    },
    limit: 200,
  });
  for (const c of idle) {
    const r = await addSystemMessage(c.id, '问诊长时间无新消息，已自动结束', null, 'idle');
    if (r.closed) await notifyConsultEnded(r.consultation);
  }
  return { cancelled: unpaid.length, unanswered: unanswered.length, idle: idle.length };
}

/**
 * A doctor's reply that has not reached the patient's app within CONSULT_NOTIFY_AFTER_SEC (no delivery receipt:
 * the app is closed or in the background) goes out as a notice and WeChat subscribe message (template
 * CONSULT_REPLY). At most one per consultation until the patient has read up to the reply it was about
 * (patient_notified_seq <= patient_read_seq): a doctor answering in five messages, or again before the patient
 * looked, spends one of the patient's acceptances, not five. The message content stays out of it: only that the
 * doctor replied.
 */
export async function notifyUndeliveredReplies(now = new Date()) {
  const before = new Date(now.getTime() - cfg().CONSULT_NOTIFY_AFTER_SEC * 1000);
  const rows = await infra().sequelize.query<{ id: number; seq: number }>(
    `SELECT c.id AS id, MAX(m.seq) AS seq FROM consultation c
       JOIN consult_message m ON m.consultation_id = c.id AND m.sender = 'doctor'
        AND m.seq > c.patient_delivered_seq AND m.seq > c.patient_notified_seq AND m.created_at <= :before
     WHERE c.status IN ('open', 'closed') AND c.last_message_at >= :since
       AND c.patient_notified_seq <= c.patient_read_seq
     GROUP BY c.id LIMIT 500`,
    {
      type: QueryTypes.SELECT,
      replacements: { before, since: new Date(now.getTime() - 7 * 86400_000) },
    },
  );
  let sent = 0;
  for (const r of rows) {
    const seq = Number(r.seq);
    // Claimed with a conditional update: two job runs never notify the same reply twice, nor one the patient has
    // not read yet.
    const [claimed] = await Consultation.update(
      { patientNotifiedSeq: seq },
      { where: { id: r.id, patientNotifiedSeq: { [Op.lt]: seq, [Op.lte]: col('patient_read_seq') } } },
    );
    if (!claimed) continue;
    const c = (await Consultation.findByPk(r.id))!;
    const doctor = await User.findByPk(c.doctorId, { attributes: ['id', 'name'] });
    await notify(c.userId, {
      title: '医生回复了您的问诊',
      content: `${doctor?.name ?? '医生'}医生回复了您的问诊，请进入小程序查看。`,
      link: { type: CONSULTATION, id: c.id },
      template: {
        id: templateId('CONSULT_REPLY'),
        data: { thing1: `${doctor?.name ?? ''}医生已回复`, thing2: '请进入小程序查看回复' },
        page: `packages/consult/pages/chat/index?id=${c.id}`,
      },
    });
    sent++;
  }
  return { sent };
}
