import type { z } from 'zod';
import { AppError } from '../../http/errors';
import { registerChannel, registerMessageType, type RealtimeActor } from '../../kernel/realtime';
import { auditRead } from '../../kernel/audit';
import { Consultation } from './models';
import { ReceiptFrame, SendFrame, SyncFrame } from './schemas';
import { historyOf, isParticipant, messageView, participantConsultation, receipt, sendText } from './service';

/**
 * The consult domain on the kernel's one socket per app. Frames (each may carry an `id`, echoed in the answer):
 *
 *   → subscribe { channel: 'consult:<id>' }           kernel; participants only; then `message` frames with data
 *                                                       { event: 'message' | 'receipt' | 'status', … }
 *   → consult.sync { consultationId, afterSeq }        ← consult.history { consultationId, messages, lastSeq, hasMore }
 *   → consult.send { consultationId, clientMsgId, text } ← consult.ack { consultationId, clientMsgId, message, duplicate }
 *   → consult.delivered / consult.read { consultationId, seq } ← consult.receipt { consultationId, kind, seq }
 *   a bad frame                                          ← error { code, message, id }
 *
 * A client applies messages in seq order: after (re)subscribing it syncs from the last seq it holds, so whatever
 * was sent while it was away arrives once, in order, and a live message it already has (same seq) is dropped.
 */
function parse<S extends z.ZodType>(schema: S, frame: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(frame);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new AppError(400, 'BAD_FRAME', `消息格式有误：${i ? `${i.path.join('.') || '(frame)'} ${i.message}` : ''}`);
  }
  return r.data;
}

const CHANNEL = /^consult:(\d{1,10})$/;

export function registerConsultRealtime() {
  registerChannel('consult:', async (actor: RealtimeActor, channel: string) => {
    const m = CHANNEL.exec(channel);
    if (!m) return false;
    const c = await Consultation.findByPk(Number(m[1]), { attributes: ['id', 'userId', 'doctorId'] });
    return !!c && isParticipant(actor, c);
  });
  registerMessageType('consult.send', async (actor, frame, reply) => {
    const f = parse(SendFrame, frame);
    const r = await sendText(actor, f.consultationId, { clientMsgId: f.clientMsgId, text: f.text });
    reply({
      type: 'consult.ack',
      consultationId: f.consultationId,
      clientMsgId: f.clientMsgId,
      message: r.message,
      duplicate: r.duplicate,
    });
  });
  registerMessageType('consult.sync', async (actor, frame, reply) => {
    const f = parse(SyncFrame, frame);
    const c = await participantConsultation(actor, f.consultationId);
    const h = await historyOf(c, { afterSeq: f.afterSeq, limit: f.limit });
    // A console user reading a conversation over the socket is a read of medical data like any other.
    if (actor.kind === 'admin' && h.rows.length)
      await auditRead(actor, {
        what: 'consult.conversation.sync',
        ip: '',
        patientId: c.patientId,
        subjectType: 'consultation',
        subjectId: c.id,
      });
    reply({
      type: 'consult.history',
      consultationId: c.id,
      messages: h.rows.map(messageView),
      lastSeq: h.lastSeq,
      hasMore: h.hasMore,
      status: c.status,
    });
  });
  const onReceipt = async (actor: RealtimeActor, frame: Record<string, unknown>, reply: (f: object) => void) => {
    const f = parse(ReceiptFrame, frame);
    const r = await receipt(actor, f.consultationId, f.type === 'consult.read' ? 'read' : 'delivered', f.seq);
    reply({ type: 'consult.receipt', ...r });
  };
  registerMessageType('consult.delivered', onReceipt);
  registerMessageType('consult.read', onReceipt);
}
