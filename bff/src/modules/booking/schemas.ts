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
export const TakeSlotResult = z.object({
  appointment: Appointment,
  payment: PayParams.nullable().describe('null for free sessions, or when WeChat Pay was unreachable (pay later)'),
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
export const MarkBody = z.strictObject({ status: z.enum(['visited', 'no_show']) });

export const FollowUp = z.object({
  id: z.number().int(),
  appointmentId: z.number().int(),
  planDate: z.string(),
  content: z.string(),
  result: z.string().nullable(),
  status: z.enum(['planned', 'done', 'cancelled']),
  createdBy: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const FollowUpCreate = z.strictObject({ planDate: z.iso.date(), content: z.string().trim().min(2).max(500) });
export const FollowUpUpdate = z
  .strictObject({
    planDate: z.iso.date().optional(),
    content: z.string().trim().min(2).max(500).optional(),
    result: z.string().trim().max(500).nullable().optional(),
    status: z.enum(['planned', 'done', 'cancelled']).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export const FollowUpQuery = PageQuery.extend({
  status: z.enum(['planned', 'done', 'cancelled']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export const FollowUpPage = pageOf(
  FollowUp.extend({
    appointmentNo: z.string(),
    deptName: z.string(),
    patientName: z.string(),
    patientId: z.number().int().nullable(),
    patientPhoneMasked: z.string().describe('masked; staff who call patients reveal it one at a time'),
    doctorName: z.string(),
    clinicDate: z.string(),
  }),
);
