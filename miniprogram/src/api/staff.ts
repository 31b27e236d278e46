import { http, type RequestOptions } from './client'
import type { DeptNode, PostOption, StaffApplication, StaffApplicationCreate } from './types'

export const listDepartments = () => http.get<DeptNode[]>('/api/mp/departments')
export const listPositions = () => http.get<PostOption[]>('/api/mp/positions')
export const myStaffApplication = (opts?: RequestOptions) => http.get<StaffApplication | null>('/api/mp/staff-applications/mine', opts)
export const applyForStaffAccount = (body: StaffApplicationCreate, opts?: RequestOptions) =>
  http.post<StaffApplication>('/api/mp/staff-applications', body, opts)

export const USERNAME_RULE = /^[A-Za-z0-9_]{4,32}$/
export function passwordProblem(p: string): string {
  if (p.length < 8) return '密码至少 8 位'
  if (p.length > 64) return '密码最多 64 位'
  if (!/[A-Za-z]/.test(p) || !/\d/.test(p)) return '密码需同时包含字母和数字'
  return ''
}
