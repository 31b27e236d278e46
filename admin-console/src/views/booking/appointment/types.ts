import type { AppointmentStatus } from '@/api/booking'

export interface AppointmentFilters {
  deptId: number | undefined
  doctorId: number | undefined
  status: AppointmentStatus | ''
  patientName: string
  no: string
  /** 就诊日期 from–to (Beijing dates) */
  range: [string, string] | null
}
export const emptyFilters = (): AppointmentFilters => ({
  deptId: undefined,
  doctorId: undefined,
  status: '',
  patientName: '',
  no: '',
  range: null,
})
