// Shapes come from the BFF's zod schemas, imported type-only (nothing from bff/ ends up in the bundle).
// z.infer gives the server-side types; over the wire Dates are ISO strings, hence Json<>.
import type { z } from 'zod'
import type { MpLoginResult as MpLoginResultS, MpUser as MpUserS } from '@bff/modules/auth/schemas'
import type {
  Patient as PatientS,
  PatientCreate as PatientCreateS,
  PatientUpdate as PatientUpdateS,
} from '@bff/modules/patient/schemas'
import type {
  DeptNode as DeptNodeS,
  PostOption as PostOptionS,
  StaffApplication as StaffApplicationS,
  StaffApplyBody,
} from '@bff/modules/system/schemas'

/** What JSON.stringify makes of a server type: Dates become ISO-8601 strings. */
export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T

export type MpUser = Json<MpUserS>
export type MpLoginResult = Json<MpLoginResultS>
export type Patient = Json<PatientS>
export type PatientCreate = PatientCreateS
export type PatientUpdate = PatientUpdateS
export type DeptNode = Json<DeptNodeS>
export type PostOption = Json<PostOptionS>
export type StaffApplication = Json<StaffApplicationS>
export type StaffApplicationCreate = z.input<typeof StaffApplyBody>

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}
