import type { Period, Schedule } from '@/api/scheduling'

export type CalendarMode = 'week' | 'month' | 'list'

/** what the create/edit dialog edits: money in yuan and the release time as China wall clock */
export interface ScheduleFormModel {
  doctorId: number | undefined
  clinicDate: string
  period: Period
  startTime: string
  endTime: string
  slotCount: number
  feeYuan: number
  releaseAt: string
  location: string
}

export const DEFAULT_TIMES: Record<Period, [string, string]> = {
  am: ['08:00', '12:00'],
  pm: ['13:30', '17:30'],
  eve: ['18:00', '21:00'],
}

export const emptyScheduleForm = (): ScheduleFormModel => ({
  doctorId: undefined,
  clinicDate: '',
  period: 'am',
  startTime: DEFAULT_TIMES.am[0],
  endTime: DEFAULT_TIMES.am[1],
  slotCount: 20,
  feeYuan: 20,
  releaseAt: '',
  location: '',
})

/** a session as the calendar groups it */
export type CalendarCell = Schedule[]

export interface DoctorRow {
  id: number
  name: string
  username: string | null
  title: string | null
  deptName: string
}

export { PERIOD_ORDER } from '@bff/shared/clinic'
