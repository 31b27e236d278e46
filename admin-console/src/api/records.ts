import type { AccessLogPage as AccessLogPageSchema } from '@bff/kernel/audit/schemas'
import type {
  AmendBody,
  CallNextResult as CallNextSchema,
  DraftSaved as DraftSavedSchema,
  Drug as DrugSchema,
  Icd10 as Icd10Schema,
  PrescriptionView as PrescriptionSchema,
  Profile as ProfileSchema,
  ProfileBody,
  Queue as QueueSchema,
  RecordContent,
  RecordSummary as RecordSummarySchema,
  RecordVersion as RecordVersionSchema,
  RxItemInput,
  VisitRecord as VisitRecordSchema,
} from '@bff/modules/records/schemas'
import type {
  MpReport as MpReportSchema,
  Report as ReportSchema,
  ReportBody,
  ReportCorrectionBody,
  ReportHistory as ReportHistorySchema,
  Template as TemplateSchema,
  TemplateBody,
  TemplateUpdate,
} from '@bff/modules/records/documents.schemas'
import { downloadFile } from '@/utils/download'
import type { z } from 'zod'
import { del, get, http, post, put } from './http'
import type { Page, Wire } from './types'

export type Queue = Wire<z.infer<typeof QueueSchema>>
export type QueueEntry = Queue['items'][number]
export type Icd10 = z.infer<typeof Icd10Schema>
export type Drug = z.infer<typeof DrugSchema>
export type VisitRecord = Wire<z.infer<typeof VisitRecordSchema>>
export type Prescription = z.infer<typeof PrescriptionSchema>
export type DraftSaved = Wire<z.infer<typeof DraftSavedSchema>>
export type RecordSummary = Wire<z.infer<typeof RecordSummarySchema>>
export type RecordVersion = Wire<z.infer<typeof RecordVersionSchema>>
export type Profile = Wire<z.infer<typeof ProfileSchema>>
export type AccessLog = Wire<z.infer<typeof AccessLogPageSchema>>['items'][number]
export type ContentBody = z.input<typeof RecordContent>
export type RxInput = z.input<typeof RxItemInput>
export type ProfileInput = z.input<typeof ProfileBody>
export type AmendInput = z.input<typeof AmendBody>

export const recordsApi = {
  today: () => get<Queue>('/records/clinic/today'),
  callNext: () => post<z.infer<typeof CallNextSchema>>('/records/clinic/call-next'),
  noShow: (appointmentId: number) => put<void>(`/records/clinic/appointments/${appointmentId}/no-show`),
  open: (appointmentId: number) => post<VisitRecord>('/records/visits', { appointmentId }),
  get: (id: number) => get<VisitRecord>(`/records/visits/${id}`),
  saveDraft: (id: number, body: ContentBody) => put<DraftSaved>(`/records/visits/${id}`, body, { silent: true }),
  savePrescription: (id: number, items: RxInput[]) =>
    put<Prescription>(`/records/visits/${id}/prescription`, { items }),
  sign: (id: number, acknowledgeAllergy = false) =>
    post<VisitRecord>(`/records/visits/${id}/sign`, { acknowledgeAllergy }, { silent: true }),
  amend: (id: number, body: AmendInput) =>
    post<VisitRecord>(`/records/visits/${id}/amendments`, body, { silent: true }),
  versions: (id: number) => get<RecordVersion[]>(`/records/visits/${id}/versions`),
  ofPatient: (patientId: number, page = 1, pageSize = 20) =>
    get<Page<RecordSummary>>('/records/visits', { patientId, page, pageSize }),
  profile: (patientId: number) => get<Profile>(`/records/patients/${patientId}/profile`),
  saveProfile: (patientId: number, body: ProfileInput) => put<Profile>(`/records/patients/${patientId}/profile`, body),
  accessLogs: (patientId: number, page = 1, pageSize = 20) =>
    get<Page<AccessLog>>(`/records/patients/${patientId}/access-logs`, { page, pageSize }),
  icd10: (keyword: string) => get<Icd10[]>('/records/icd10', { keyword, limit: 20 }),
  drugs: (keyword: string) => get<Drug[]>('/records/drugs', { keyword, limit: 20 }),
}

// ---- print, reports, templates (documents.routes.ts) ----

export type Report = Wire<z.infer<typeof ReportSchema>>
export type MpReport = Wire<z.infer<typeof MpReportSchema>>
export type ReportInput = z.input<typeof ReportBody>
export type ReportCorrection = z.input<typeof ReportCorrectionBody>
export type ReportHistory = Wire<z.infer<typeof ReportHistorySchema>>
export type Template = Wire<z.infer<typeof TemplateSchema>>
export type TemplateInput = z.input<typeof TemplateBody>
export type TemplateChange = z.input<typeof TemplateUpdate>
export type TemplateQuery = { page: number; pageSize: number; deptId?: number; keyword?: string }

export const recordDocsApi = {
  /** The PDF goes to the browser as a file (the console's CSP keeps blob: pages out); the reader prints from there. */
  printRecord: (id: number) => downloadFile(`/records/visits/${id}/print/record`, undefined, `门诊病历-${id}.pdf`),
  printPrescription: (id: number) =>
    downloadFile(`/records/visits/${id}/print/prescription`, undefined, `处方笺-${id}.pdf`),
  reports: (recordId: number) => get<Report[]>(`/records/visits/${recordId}/reports`),
  addReport: (recordId: number, body: ReportInput) => post<Report>(`/records/visits/${recordId}/reports`, body),
  /** The file itself is the request body; the BFF sniffs its type (PDF, JPEG, PNG, WebP) and refuses past 10 MB. */
  async uploadReport(recordId: number, file: File, q: { kind: 'lab' | 'exam'; title: string }): Promise<Report> {
    const { data } = await http.post<Report>(`/records/visits/${recordId}/reports/file`, file, {
      params: { ...q, filename: file.name },
      headers: { 'Content-Type': 'application/octet-stream' },
      timeout: 120_000,
    })
    return data
  },
  reportFile: (r: Report) => downloadFile(`/records/reports/${r.id}/file`, undefined, r.file?.name ?? `报告-${r.id}`),
  /** 更正: the next version; the one it replaces is kept with who, when and why. */
  correctReport: (id: number, body: ReportCorrection) => put<Report>(`/records/reports/${id}`, body),
  async replaceReportFile(id: number, file: File, reason: string): Promise<Report> {
    const { data } = await http.put<Report>(`/records/reports/${id}/file`, file, {
      params: { reason, filename: file.name },
      headers: { 'Content-Type': 'application/octet-stream' },
      timeout: 120_000,
    })
    return data
  },
  /** 删除 hides the report (reason kept); nothing is erased. */
  deleteReport: (id: number, reason: string) => post<void>(`/records/reports/${id}/delete`, { reason }),
  reportHistory: (id: number) => get<ReportHistory>(`/records/reports/${id}/history`),
  reportVersionFile: (id: number, version: number, name: string) =>
    downloadFile(`/records/reports/${id}/versions/${version}/file`, undefined, name),
  templates: (q: TemplateQuery) => get<Page<Template>>('/records/templates', q),
  createTemplate: (body: TemplateInput) => post<Template>('/records/templates', body),
  updateTemplate: (id: number, body: TemplateChange) => put<Template>(`/records/templates/${id}`, body),
  removeTemplate: (id: number) => del(`/records/templates/${id}`),
  applyTemplate: (recordId: number, templateId: number) =>
    post<DraftSaved>(`/records/visits/${recordId}/template`, { templateId }),
}
