// Booking: departments → doctors → 7-day sessions → appointment → WeChat Pay; 我的预约, 候补, 我的消息.
// Types come type-only from the BFF's zod schemas; over the wire Dates are ISO strings (Json<>).
import type {
  Appointment as AppointmentS,
  PayParams as PayParamsS,
  WaitlistEntry as WaitlistEntryS,
  Notice as NoticeS,
  BookSlotBody,
  TakeSlotBody,
  Ticket as TicketS,
} from '@bff/modules/booking/schemas'
import type {
  BookingDept as BookingDeptS,
  BookingDeptTree as BookingDeptTreeS,
  DoctorCard as DoctorCardS,
  ScheduleView as ScheduleViewS,
} from '@bff/modules/scheduling/schemas'
import type { z } from 'zod'
import { http, type RequestOptions } from './client'
import type { Json, Page } from './types'

export type Appointment = Json<AppointmentS>
export type PayParams = Json<PayParamsS>
export type ScheduleView = Json<ScheduleViewS>
export type DoctorCard = Json<DoctorCardS>
export type BookingDept = Json<z.infer<typeof BookingDeptS>>
export type WaitlistEntry = Json<z.infer<typeof WaitlistEntryS>>
export type Notice = Json<z.infer<typeof NoticeS>>
export type DeptTree = Json<z.infer<typeof BookingDeptTreeS>>
export type Ticket = Json<z.infer<typeof TicketS>>
export type MyStatus = 'upcoming' | 'pending' | 'done' | 'cancelled'

const q = (v: string) => encodeURIComponent(v)

export const listDepartments = (keyword?: string) =>
  http.get<BookingDept[]>(`/api/mp/booking/departments${keyword ? `?keyword=${q(keyword)}` : ''}`)
export const deptTree = () => http.get<DeptTree>('/api/mp/booking/dept-tree')
export const searchDoctors = (keyword: string) =>
  http.get<DoctorCard[]>(`/api/mp/booking/doctor-search?keyword=${q(keyword)}`)
export const sessionsOnDate = (date: string) => http.get<ScheduleView[]>(`/api/mp/booking/by-date?date=${date}`)
/** the e-ticket: a QR code (PNG data: URL) of a signed code the clinic scans to check the patient in */
export const appointmentTicket = (id: number, opts?: RequestOptions) =>
  http.get<Ticket>(`/api/mp/appointments/${id}/ticket`, opts)
export const listDoctors = (deptId: number) => http.get<DoctorCard[]>(`/api/mp/booking/doctors?deptId=${deptId}`)
export const getDoctor = (id: number) => http.get<DoctorCard>(`/api/mp/booking/doctors/${id}`)
export const doctorSchedules = (id: number) => http.get<ScheduleView[]>(`/api/mp/booking/doctors/${id}/schedules`)
export const getSchedule = (id: number) => http.get<ScheduleView>(`/api/mp/booking/schedules/${id}`)

/** Holds the seat (in the time band `bandStart` if given); a hold (pending_payment) is then paid through `payAppointment`, which opens the WeChat Pay order. */
export const takeSlot = (body: z.input<typeof BookSlotBody>, opts?: RequestOptions) =>
  http.post<{ appointment: Appointment }>('/api/mp/appointments', body, opts)
export const myAppointments = (status: MyStatus, opts?: RequestOptions) =>
  http.get<Page<Appointment>>(`/api/mp/appointments?status=${status}&pageSize=50`, opts)
export const getAppointment = (id: number, opts?: RequestOptions) =>
  http.get<Appointment>(`/api/mp/appointments/${id}`, opts)
export const payAppointment = (id: number, opts?: RequestOptions) =>
  http.post<{ payment: PayParams }>(`/api/mp/appointments/${id}/pay`, undefined, opts)
export const cancelAppointment = (id: number, opts?: RequestOptions) =>
  http.post<Appointment>(`/api/mp/appointments/${id}/cancel`, undefined, opts)

export const joinWaitlist = (body: z.input<typeof TakeSlotBody>, opts?: RequestOptions) =>
  http.post<WaitlistEntry>('/api/mp/waitlist', body, opts)
export const myWaitlist = () => http.get<WaitlistEntry[]>('/api/mp/waitlist')
export const leaveWaitlist = (id: number) => http.del(`/api/mp/waitlist/${id}`)

export const myNotices = (opts?: RequestOptions) =>
  http.get<Page<Notice> & { unread: number }>('/api/mp/notices?pageSize=50', opts)
export const readNotice = (id: number) => http.post<void>(`/api/mp/notices/${id}/read`)

// ----- wording shared by the booking screens -----

/** Fee in fen → "25.00". */
export const yuan = (fen: number) => (fen / 100).toFixed(2)

// the date wording lives with the app's other formats (one format everywhere)
export { chinaToday, dayLabel, friendlyDay } from '@/lib/format'

/** Seconds left until an ISO time, never negative. */
export const secondsUntil = (iso: string | null | undefined) =>
  iso ? Math.max(0, Math.floor((new Date(iso).getTime() - Date.now()) / 1000)) : 0
export const mmss = (s: number) => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`

export const STATUS_TABS: { key: MyStatus; label: string }[] = [
  { key: 'upcoming', label: '待就诊' },
  { key: 'pending', label: '待支付' },
  { key: 'done', label: '已完成' },
  { key: 'cancelled', label: '已取消' },
]

export function refundText(refund: Appointment['refund']): string {
  if (!refund) return ''
  if (refund.status === 'success') return `已退款 ¥${yuan(refund.amountFen)}`
  if (refund.status === 'failed') return '退款失败，请联系医院窗口'
  return `退款处理中 ¥${yuan(refund.amountFen)}`
}
