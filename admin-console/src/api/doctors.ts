import type {
  ClinicLevelView,
  DoctorProfileQuery,
  DoctorProfileUpdate,
  DoctorProfileView,
  LevelUpdate,
  LevelUpdated,
} from '@bff/modules/scheduling/profile-schemas'
import type { z } from 'zod'
import { get, put } from './http'
import type { Page, Wire } from './types'

export type DoctorProfile = Wire<z.infer<typeof DoctorProfileView>>
export type ClinicLevel = z.infer<typeof ClinicLevelView>
export type LevelCode = ClinicLevel['code']
export type DoctorProfileFilter = Partial<z.output<typeof DoctorProfileQuery>>
export type DoctorProfileBody = z.input<typeof DoctorProfileUpdate>
export type LevelBody = z.input<typeof LevelUpdate>

/** 门诊管理 › 医生管理: profiles patients see and the 号别 that price sessions. */
export const doctorApi = {
  list: (q: DoctorProfileFilter) => get<Page<DoctorProfile>>('/scheduling/doctor-profiles', q),
  get: (id: number) => get<DoctorProfile>(`/scheduling/doctor-profiles/${id}`),
  update: (id: number, body: DoctorProfileBody) => put<DoctorProfile>(`/scheduling/doctor-profiles/${id}`, body),
  levels: () => get<ClinicLevel[]>('/scheduling/levels'),
  updateLevel: (code: LevelCode, body: LevelBody) =>
    put<z.infer<typeof LevelUpdated>>(`/scheduling/levels/${code}`, body),
}
