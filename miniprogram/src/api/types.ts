// Response and request shapes come from the BFF's zod schemas (type-only: nothing from bff/ is bundled).
export type { MpUser, MpLoginResult } from '@bff/modules/auth/schemas'

// Until bff/src/modules/{patient,system}/schemas.ts exist, these mirror docs/API.md.
import type { Relation } from '@/lib/format'

export interface Patient {
  id: number
  name: string
  idCardMasked: string
  phoneMasked: string | null
  relation: Relation
  gender: 'M' | 'F'
  birthDate: string
  age: number
  needsGuardian: boolean
  isDefault: boolean
  createdAt: string
}

export interface PatientCreate {
  name: string
  idCard: string
  phone: string
  relation: Relation
  isDefault?: boolean
}

export interface PatientUpdate {
  name?: string
  phone?: string
  relation?: Relation
}

export interface DeptNode {
  id: number
  name: string
  children: DeptNode[]
}

export interface PostOption {
  id: number
  name: string
}

export interface StaffApplication {
  id: number
  name: string
  deptId: number
  deptName: string | null
  postId: number | null
  postName: string | null
  username: string
  status: 'pending' | 'approved' | 'rejected'
  reason: string | null
  createdAt: string
  reviewedAt: string | null
}

export interface StaffApplicationCreate {
  name: string
  deptId: number
  postId: number
  username: string
  password: string
  phone?: string
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}
