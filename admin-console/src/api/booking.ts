import type { AdminAppointment as AdminAppointmentSchema, FollowUp as FollowUpSchema, FollowUpPage } from '@bff/modules/booking/schemas'
import type { z } from 'zod'
import { get, post, put } from './http'
import type { Page, Wire } from './types'

export type AdminAppointment = Wire<z.infer<typeof AdminAppointmentSchema>>
export type AppointmentStatus = AdminAppointment['status']
export type FollowUp = Wire<z.infer<typeof FollowUpSchema>>
export type FollowUpRow = Wire<z.infer<typeof FollowUpPage>>['items'][number]
export type FollowUpStatus = FollowUp['status']

export interface AppointmentQuery {
  deptId?: number
  doctorId?: number
  from?: string
  to?: string
  status?: AppointmentStatus
  patientName?: string
  no?: string
  page?: number
  pageSize?: number
}
export interface FollowUpQuery {
  status?: FollowUpStatus
  from?: string
  to?: string
  page?: number
  pageSize?: number
}
export interface FollowUpUpdateBody {
  planDate?: string
  content?: string
  result?: string | null
  status?: FollowUpStatus
}

export const APPOINTMENT_STATUSES: { value: AppointmentStatus; label: string; tag: 'success' | 'info' | 'warning' | 'danger' | 'primary' }[] = [
  { value: 'pending_payment', label: '待支付', tag: 'warning' },
  { value: 'booked', label: '已预约', tag: 'primary' },
  { value: 'visited', label: '已就诊', tag: 'success' },
  { value: 'no_show', label: '爽约', tag: 'danger' },
  { value: 'cancelled', label: '已取消', tag: 'info' },
  { value: 'expired', label: '已过期', tag: 'info' },
  { value: 'stopped', label: '已停诊', tag: 'info' },
]
export const FOLLOW_UP_STATUSES: { value: FollowUpStatus; label: string; tag: 'success' | 'info' | 'warning' }[] = [
  { value: 'planned', label: '待随访', tag: 'warning' },
  { value: 'done', label: '已完成', tag: 'success' },
  { value: 'cancelled', label: '已取消', tag: 'info' },
]

export type AppointmentRefund = AdminAppointment['refunds'][number]
const REFUND_STATE: Record<AppointmentRefund['status'], string> = { processing: '退款中', success: '已退款', failed: '退款失败' }
/** '已退款 ¥25.00', or for a second payment of the same appointment '重复支付已退款 ¥25.00' */
export const refundLine = (r: AppointmentRefund): string =>
  `${r.duplicate ? '重复支付' : ''}${REFUND_STATE[r.status]} ¥${(r.amountFen / 100).toFixed(2)}`

export const appointmentApi = {
  list: (q: AppointmentQuery) => get<Page<AdminAppointment>>('/booking/appointments', q),
  get: (id: number) => get<AdminAppointment>(`/booking/appointments/${id}`),
  mark: (id: number, status: 'visited' | 'no_show') => put<AdminAppointment>(`/booking/appointments/${id}/visit`, { status }),
  followUps: (id: number) => get<FollowUp[]>(`/booking/appointments/${id}/follow-ups`),
  addFollowUp: (id: number, body: { planDate: string; content: string }) => post<FollowUp>(`/booking/appointments/${id}/follow-ups`, body),
}

export const followUpApi = {
  list: (q: FollowUpQuery) => get<Page<FollowUpRow>>('/booking/follow-ups', q),
  update: (id: number, body: FollowUpUpdateBody) => put<FollowUp>(`/booking/follow-ups/${id}`, body),
}
