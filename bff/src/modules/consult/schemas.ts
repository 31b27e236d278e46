import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';

export const CONSULT_TEXT_MAX = 2000;
/** A client message id: what the client generated before sending, so a resend is recognised (a UUID, say). */
export const ClientMsgId = z
  .string()
  .trim()
  .regex(/^[\w-]{8,64}$/, '客户端消息编号应为 8–64 位字母、数字、下划线或短横线');
export const MessageText = z
  .string()
  .trim()
  .min(1, '消息不能为空')
  .max(CONSULT_TEXT_MAX, `消息不能超过 ${CONSULT_TEXT_MAX} 字`);
export const Seq = z.coerce.number().int().min(0).max(2_000_000_000);

export const ConsultationStatus = z.enum(['pending_payment', 'open', 'closed', 'cancelled']);
export const CONSULT_STATUS_LABEL = {
  pending_payment: '待支付',
  open: '进行中',
  closed: '已结束',
  cancelled: '已取消',
} as const;

export const Message = z.object({
  id: z.number().int(),
  consultationId: z.number().int(),
  seq: z.number().int(),
  sender: z.enum(['patient', 'doctor', 'system']),
  clientMsgId: z.string(),
  kind: z.enum(['text', 'image', 'system']),
  text: z.string().nullable().describe('null for an image, and for a message staff hid'),
  hasImage: z.boolean().describe('fetch it from …/messages/:id/image (participants only)'),
  hidden: z.boolean().describe('hidden by staff: content withheld, the place in the conversation kept'),
  createdAt: z.date(),
});
export type Message = z.infer<typeof Message>;

export const Consultation = z.object({
  id: z.number().int(),
  no: z.string(),
  status: ConsultationStatus,
  statusLabel: z.string(),
  kind: z.enum(['paid', 'free', 'followup']),
  patientId: z.number().int(),
  patientName: z.string(),
  doctorId: z.number().int(),
  doctorName: z.string(),
  deptId: z.number().int(),
  deptName: z.string(),
  appointmentId: z.number().int().nullable(),
  feeFen: z.number().int(),
  answerDeadline: z.date().nullable(),
  lastSeq: z.number().int(),
  lastMessageAt: z.date().nullable(),
  lastMessage: z.string().nullable().describe('a short preview of the latest message'),
  unread: z.number().int().describe('messages from the other side the caller has not read'),
  peerReadSeq: z.number().int().describe('the other side has read up to this seq'),
  closedAt: z.date().nullable(),
  closeReason: z.enum(['doctor', 'idle', 'unanswered', 'unpaid']).nullable(),
  createdAt: z.date(),
});
export type Consultation = z.infer<typeof Consultation>;
export const ConsultationPage = pageOf(Consultation);

export const PayParams = z.object({
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.literal('RSA'),
  paySign: z.string(),
});
export const OpenResult = z.object({ consultation: Consultation, payment: PayParams.nullable() });

export const OpenBody = z.union([
  z.object({ doctorId: z.number().int().positive(), patientId: z.number().int().positive() }).strict(),
  z.object({ appointmentId: z.number().int().positive() }).strict(),
]);
export const MyConsultationQuery = PageQuery.extend({ status: z.enum(['live', 'closed']).optional() });

export const HistoryQuery = z.object({
  /** Messages with seq > afterSeq, oldest first (catching up) … */
  afterSeq: Seq.optional(),
  /** … or with seq < beforeSeq, the page just before it (scrolling up). Neither: the latest page. */
  beforeSeq: Seq.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const History = z.object({
  items: z.array(Message),
  lastSeq: z.number().int(),
  hasMore: z.boolean().describe('more messages before the first one (scrolling up) or after the last (catching up)'),
});

export const SendBody = z.object({ clientMsgId: ClientMsgId, text: MessageText }).strict();
export const ImageQuery = z.object({ clientMsgId: ClientMsgId });
export const SendResult = z.object({ message: Message, duplicate: z.boolean() });
export const ReceiptBody = z.object({ seq: Seq, kind: z.enum(['delivered', 'read']).default('read') }).strict();

export const DoctorOffer = z.object({
  doctorId: z.number().int(),
  doctorName: z.string(),
  deptName: z.string(),
  title: z.string().nullable(),
  feeFen: z.number().int(),
  accepting: z.boolean(),
});
export const DoctorSettingsBody = z
  .object({
    feeFen: z
      .number()
      .int()
      .min(0)
      .max(100_000 * 100),
    accepting: z.boolean(),
  })
  .strict();

/** WebSocket frames the consult domain handles (the kernel's own: subscribe, unsubscribe, ping). */
export const SendFrame = z.object({
  type: z.literal('consult.send'),
  consultationId: z.number().int().positive(),
  clientMsgId: ClientMsgId,
  text: MessageText,
});
export const SyncFrame = z.object({
  type: z.literal('consult.sync'),
  consultationId: z.number().int().positive(),
  afterSeq: z.number().int().min(0),
  limit: z.number().int().min(1).max(200).default(200),
});
export const ReceiptFrame = z.object({
  type: z.enum(['consult.delivered', 'consult.read']),
  consultationId: z.number().int().positive(),
  seq: z.number().int().min(0),
});

// Console
export const WorkbenchQuery = PageQuery.extend({ status: z.enum(['live', 'closed']).default('live') });
export const QuickReplies = z.array(z.string());
export const AdminMessageQuery = PageQuery.extend({
  consultationId: z.coerce.number().int().positive().optional(),
  sender: z.string().trim().max(32).optional().describe('name of the sending patient or doctor'),
  recipient: z.string().trim().max(32).optional().describe('name of the receiving patient or doctor'),
  content: z.string().trim().max(100).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export const AdminMessage = Message.extend({
  text: z.string().nullable(),
  senderName: z.string(),
  recipientName: z.string(),
  patientName: z.string(),
  doctorName: z.string(),
  hiddenAt: z.date().nullable(),
  hiddenReason: z.string().nullable(),
});
export const AdminMessagePage = pageOf(AdminMessage);
export const AdminConsultationQuery = PageQuery.extend({
  status: ConsultationStatus.optional(),
  patientName: z.string().trim().max(32).optional(),
  doctorId: z.coerce.number().int().positive().optional(),
});
export const AdminConversation = z.object({ consultation: Consultation, messages: z.array(AdminMessage) });
export const HideBody = z.object({ reason: z.string().trim().min(2, '请填写删除原因').max(200) }).strict();
export const SystemMessageBody = z.object({ text: MessageText }).strict();
export const UnreadTotal = z.object({ unread: z.number().int(), consultations: z.number().int() });
export const MessageParams = z.object({
  id: z.coerce.number().int().positive(),
  messageId: z.coerce.number().int().positive(),
});
export const PayResult = z.object({ payment: PayParams });
export const Receipt = z.object({
  consultationId: z.number().int(),
  kind: z.enum(['delivered', 'read']),
  seq: z.number().int(),
});
