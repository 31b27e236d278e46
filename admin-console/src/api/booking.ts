import type {
  AdminAppointment as AdminAppointmentSchema,
  AdminAppointmentQuery,
  MarkBody,
} from '@bff/modules/booking/schemas'
// An appointment's follow-ups are follow-up plans now (bff/src/modules/followup); this API is kept for them.
import type {
  LegacyFollowUp as FollowUpSchema,
  LegacyCreate as FollowUpCreate,
  LegacyPage as FollowUpPage,
  LegacyQuery as FollowUpQuerySchema,
  LegacyUpdate as FollowUpUpdate,
} from '@bff/modules/followup/schemas'
import { APPOINTMENT_STATUS_LABEL } from '@bff/shared/clinic'
import type { z } from 'zod'
import { get, post, put } from './http'
import type { Page, Wire } from './types'

export type AdminAppointment = Wire<z.infer<typeof AdminAppointmentSchema>>
export type AppointmentStatus = AdminAppointment['status']
export type FollowUp = Wire<z.infer<typeof FollowUpSchema>>
export type FollowUpRow = Wire<z.infer<typeof FollowUpPage>>['items'][number]
export type FollowUpStatus = FollowUp['status']

// Request types are the BFF's own schemas: a query as the route parses it (every field optional), a body as it accepts it.
export type AppointmentQuery = Partial<z.output<typeof AdminAppointmentQuery>>
export type FollowUpQuery = Partial<z.output<typeof FollowUpQuerySchema>>
export type FollowUpUpdateBody = z.input<typeof FollowUpUpdate>
export type FollowUpCreateBody = z.input<typeof FollowUpCreate>
export type MarkStatus = z.input<typeof MarkBody>['status']

export const APPOINTMENT_STATUSES: {
  value: AppointmentStatus
  label: string
  tag: 'success' | 'info' | 'warning' | 'danger' | 'primary'
}[] = [
  { value: 'pending_payment', label: APPOINTMENT_STATUS_LABEL.pending_payment, tag: 'warning' },
  { value: 'booked', label: APPOINTMENT_STATUS_LABEL.booked, tag: 'primary' },
  { value: 'visited', label: APPOINTMENT_STATUS_LABEL.visited, tag: 'success' },
  { value: 'no_show', label: APPOINTMENT_STATUS_LABEL.no_show, tag: 'danger' },
  { value: 'cancelled', label: APPOINTMENT_STATUS_LABEL.cancelled, tag: 'info' },
  { value: 'expired', label: APPOINTMENT_STATUS_LABEL.expired, tag: 'info' },
  { value: 'stopped', label: APPOINTMENT_STATUS_LABEL.stopped, tag: 'info' },
]
export const FOLLOW_UP_STATUSES: { value: FollowUpStatus; label: string; tag: 'success' | 'info' | 'warning' }[] = [
  { value: 'planned', label: '待随访', tag: 'warning' },
  { value: 'overdue', label: '已逾期', tag: 'warning' },
  { value: 'done', label: '已完成', tag: 'success' },
  { value: 'cancelled', label: APPOINTMENT_STATUS_LABEL.cancelled, tag: 'info' },
]

export type AppointmentRefund = AdminAppointment['refunds'][number]
const REFUND_STATE: Record<AppointmentRefund['status'], string> = {
  processing: '退款中',
  success: '已退款',
  failed: '退款失败',
}
/** '已退款 ¥25.00', or for a second payment of the same appointment '重复支付已退款 ¥25.00' */
export const refundLine = (r: AppointmentRefund): string =>
  `${r.duplicate ? '重复支付' : ''}${REFUND_STATE[r.status]} ¥${(r.amountFen / 100).toFixed(2)}`

export const appointmentApi = {
  list: (q: AppointmentQuery) => get<Page<AdminAppointment>>('/booking/appointments', q),
  get: (id: number) => get<AdminAppointment>(`/booking/appointments/${id}`),
  mark: (id: number, status: MarkStatus) => put<AdminAppointment>(`/booking/appointments/${id}/visit`, { status }),
  followUps: (id: number) => get<FollowUp[]>(`/booking/appointments/${id}/follow-ups`),
  addFollowUp: (id: number, body: FollowUpCreateBody) => post<FollowUp>(`/booking/appointments/${id}/follow-ups`, body),
  /** 签到 by the e-ticket code, scanned or typed; the caller shows refusals inline */
  checkIn: (code: string) => post<AdminAppointment>('/booking/check-in', { code }, { silent: true }),
}

export const followUpApi = {
  list: (q: FollowUpQuery) => get<Page<FollowUpRow>>('/booking/follow-ups', q),
  update: (id: number, body: FollowUpUpdateBody) => put<FollowUp>(`/booking/follow-ups/${id}`, body),
}
