import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';
import { APPOINTMENT_STATUSES, PERIODS } from '../../shared/clinic';

export const AppointmentStatus = z.enum(APPOINTMENT_STATUSES);
export const Appointment = z.object({
  id: z.number().int(),
  no: z.string(),
  status: AppointmentStatus,
  statusLabel: z.string(),
  patientId: z.number().int(),
  patientName: z.string(),
  doctorId: z.number().int(),
  doctorName: z.string(),
  doctorTitle: z.string().nullable(),
  deptId: z.number().int(),
  deptName: z.string(),
  scheduleId: z.number().int(),
  clinicDate: z.string(),
  period: z.enum(PERIODS),
  periodLabel: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  seqNo: z.number().int(),
  feeFen: z.number().int(),
  location: z.string().nullable(),
  holdExpiresAt: z.date().nullable().describe('pay before this, or the slot is released'),
  paidAt: z.date().nullable(),
  cancelDeadline: z.date(),
  canCancel: z.boolean(),
  cancelReason: z.string().nullable(),
  refund: z
    .object({ status: z.enum(['processing', 'success', 'failed']), amountFen: z.number().int() })
    .nullable()
    .describe('the refund of the booking itself'),
  refunds: z
    .array(
      z.object({
        outRefundNo: z.string(),
        amountFen: z.number().int(),
        status: z.enum(['processing', 'success', 'failed']),
        duplicate: z.boolean().describe('refund of a second payment for the same appointment (重复支付)'),
        reason: z.string().nullable(),
        createdAt: z.date(),
        succeededAt: z.date().nullable(),
      }),
    )
    .describe('every refund of the appointment, oldest first'),
  fromWaitlist: z.boolean(),
  checkedInAt: z.date().nullable().describe('when the e-ticket was scanned at the clinic (签到)'),
  createdAt: z.date(),
});
export type Appointment = z.infer<typeof Appointment>;
export const AppointmentPage = pageOf(Appointment);

export const PayParams = z.object({
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string(),
  signType: z.literal('RSA'),
  paySign: z.string(),
});
export type PayParams = z.infer<typeof PayParams>;
export const TakeSlotBody = z.strictObject({
  scheduleId: z.number().int().positive(),
  patientId: z.number().int().positive(),
});
/** A booking may name a time band of the session (one of its listing's `bands`): the lowest free number in it. */
export const BookSlotBody = TakeSlotBody.extend({
  bandStart: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间段格式应为 HH:MM')
    .optional()
    .describe('start of one of the session’s bands (GET …/schedules `bands[].start`); none: the lowest free number'),
});
export const TakeSlotResult = z.object({
  appointment: Appointment.describe(
    'the booking; a hold (pending_payment) is paid through POST /api/mp/appointments/{id}/pay, asked right after',
  ),
});
export const PayResult = z.object({ payment: PayParams });
export const MyAppointmentQuery = PageQuery.extend({
  status: z.enum(['upcoming', 'pending', 'done', 'cancelled']).optional(),
});

export const WaitlistEntry = z.object({
  id: z.number().int(),
  scheduleId: z.number().int(),
  patientId: z.number().int(),
  patientName: z.string(),
  doctorName: z.string(),
  deptName: z.string(),
  clinicDate: z.string(),
  period: z.enum(PERIODS),
  periodLabel: z.string(),
  status: z.enum(['waiting', 'offered', 'cancelled', 'closed']),
  position: z.number().int().nullable(),
  appointmentId: z.number().int().nullable(),
  createdAt: z.date(),
});
// Notices moved to the kernel's notifications; re-exported for the front-ends that import them from here.
export { Notice, NoticePage } from '../../kernel/notifications/schemas';

// ----- console -----
export const AdminAppointmentQuery = PageQuery.extend({
  deptId: z.coerce.number().int().positive().optional(),
  doctorId: z.coerce.number().int().positive().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  status: AppointmentStatus.optional(),
  patientName: z.string().trim().max(20).optional(),
  no: z.string().trim().max(32).optional(),
});
export const AdminAppointment = Appointment.extend({
  patientPhoneMasked: z.string(),
  patientGender: z.enum(['M', 'F']).nullable(),
  patientAge: z.number().int().nullable().describe('null if the member record is gone'),
  followUps: z.number().int(),
});
export const AdminAppointmentPage = pageOf(AdminAppointment);
export const CheckInBody = z.strictObject({
  code: z.string().trim().min(1, '请扫描或输入就诊凭证码').max(128, '就诊凭证码过长'),
});
export const Ticket = z.object({
  appointmentId: z.number().int(),
  code: z.string().describe('what the QR code holds; the console accepts it scanned or typed'),
  qrDataUrl: z.string().describe('the QR code as a PNG data: URL'),
  checkedInAt: z.date().nullable(),
});
export const MarkBody = z.strictObject({ status: z.enum(['visited', 'no_show']) });
