import type { z } from 'zod'
import type {
  MpPrescription as MpPrescriptionS,
  MpRecord as MpRecordS,
  Profile as ProfileS,
  RecordSummary as RecordSummaryS,
} from '@bff/modules/records/schemas'
import type { MpReport as MpReportS } from '@bff/modules/records/documents.schemas'
import { apiBase, openAuthorizedFile } from '@/platform'
import { freshAccessToken, http } from './client'
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

export type MpReport = Json<z.infer<typeof MpReportS>>
/** Reports of the member's signed visits only. */
export const myReports = (patientId: number) => http.get<MpReport[]>(`/api/mp/records/patients/${patientId}/reports`)
/** A report's file, fetched with the token (it is served only to the patient's own account). */
export const openReportFile = async (r: MpReport) =>
  openAuthorizedFile(
    `${apiBase}/api/mp/records/reports/${r.id}/file`,
    await freshAccessToken(),
    r.file?.mime ?? '',
    r.file?.name ?? `报告-${r.id}`,
  )

export type VisitPdfKind = 'record' | 'prescription'
const PDF_NAME: Record<VisitPdfKind, string> = { record: '门诊病历', prescription: '处方笺' }
/**
 * The 门诊病历 or 处方笺 of a signed visit as the hospital prints it (the BFF's PDF builder), fetched with the token:
 * opened by wx.openDocument in the mini-program, downloaded by the browser in h5.
 */
export const openVisitPdf = async (recordId: number, kind: VisitPdfKind) =>
  openAuthorizedFile(
    `${apiBase}/api/mp/records/visits/${recordId}/pdf/${kind}`,
    await freshAccessToken(),
    'application/pdf',
    `${PDF_NAME[kind]}-${recordId}.pdf`,
  )
