import type { AppointmentStatus } from '@/api/booking'

export interface AppointmentFilters {
  deptId: number | undefined
  doctorId: number | undefined
  status: AppointmentStatus | ''
  patientName: string
  no: string
}
export const emptyFilters = (): AppointmentFilters => ({
  deptId: undefined,
  doctorId: undefined,
  status: '',
  patientName: '',
  no: '',
})
