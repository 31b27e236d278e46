import type {
  LiftBody,
  Lifted,
  PatientDetail as PatientDetailSchema,
  PatientPage,
  PatientSearch,
  RevealedPhone,
} from '@bff/modules/booking/patient-schemas'
import type { z } from 'zod'
import { get, post } from './http'
import type { Wire } from './types'

export type PatientRow = Wire<z.infer<typeof PatientPage>>['items'][number]
export type PatientDetail = Wire<z.infer<typeof PatientDetailSchema>>
export type PatientQuery = Partial<z.output<typeof PatientSearch>>

export const RELATION_LABEL: Record<PatientRow['relation'], string> = {
  self: '本人',
  spouse: '配偶',
  parent: '父母',
  child: '子女',
  sibling: '兄弟姐妹',
  other: '其他',
}

/** 门诊管理 › 患者管理; every read is in the data-access log. */
export const patientApi = {
  search: (q: PatientQuery) => get<Wire<z.infer<typeof PatientPage>>>('/booking/patients', q),
  get: (id: number) => get<PatientDetail>(`/booking/patients/${id}`),
  lift: (id: number, body: z.input<typeof LiftBody>) =>
    post<Wire<z.infer<typeof Lifted>>>(`/booking/patients/${id}/lift-suspension`, body),
  /** one whole number, audited: for staff who call patients */
  revealPhone: (id: number) => post<z.infer<typeof RevealedPhone>>(`/booking/patients/${id}/phone`),
}
