import type { z } from 'zod'
import type { HospitalInfo as HospitalInfoS, PublicNotice as PublicNoticeS } from '@bff/modules/hospital/schemas'
import { http, type RequestOptions } from './client'
import type { Json } from './types'

export type HospitalInfo = Json<z.infer<typeof HospitalInfoS>>
export type Announcement = Json<z.infer<typeof PublicNoticeS>>

export const getHospital = (opts?: RequestOptions) => http.get<HospitalInfo>('/api/mp/hospital', opts)
export const getAnnouncement = (id: number, opts?: RequestOptions) =>
  http.get<Announcement>(`/api/mp/hospital/notices/${id}`, opts)
