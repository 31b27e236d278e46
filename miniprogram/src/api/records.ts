import type { z } from 'zod'
import type {
  MpPrescription as MpPrescriptionS,
  MpRecord as MpRecordS,
  Profile as ProfileS,
  RecordSummary as RecordSummaryS,
} from '@bff/modules/records/schemas'
import { http } from './client'
import type { Json } from './types'

export type RecordSummary = Json<z.infer<typeof RecordSummaryS>>
export type MpRecord = Json<z.infer<typeof MpRecordS>>
export type MpPrescription = Json<z.infer<typeof MpPrescriptionS>>
export type HealthProfile = Json<z.infer<typeof ProfileS>>

/** Only signed records reach the patient: the BFF never sends a draft. */
export const myVisits = (patientId: number) => http.get<RecordSummary[]>(`/api/mp/records/patients/${patientId}/visits`)
export const myVisit = (id: number) => http.get<MpRecord>(`/api/mp/records/visits/${id}`)
export const myPrescriptions = (patientId: number) =>
  http.get<MpPrescription[]>(`/api/mp/records/patients/${patientId}/prescriptions`)
export const myProfile = (patientId: number) => http.get<HealthProfile>(`/api/mp/records/patients/${patientId}/profile`)
