import { http, type RequestOptions } from './client'
import type { DeptNode, PostOption, StaffApplication, StaffApplicationCreate } from './types'

export const listDepartments = () => http.get<DeptNode[]>('/api/mp/departments')
export const listPositions = () => http.get<PostOption[]>('/api/mp/positions')
export const myStaffApplication = (opts?: RequestOptions) => http.get<StaffApplication | null>('/api/mp/staff-applications/mine', opts)
export const applyForStaffAccount = (body: StaffApplicationCreate, opts?: RequestOptions) =>
  http.post<StaffApplication>('/api/mp/staff-applications', body, opts)

export const USERNAME_RULE = /^[A-Za-z0-9_]{4,32}$/
/**
 * The cheap part of the BFF's password policy (bff/src/modules/auth/password-policy.ts), checked before sending.
 * Whether a password is guessable is judged by the BFF alone (WEAK_PASSWORD): its dictionaries are too big for the
 * mini-program package.
 */
export function passwordProblem(p: string, username: string): string {
  if (p.length < 10) return '密码至少 10 位'
  if (p.length > 64) return '密码最多 64 位'
  const name = username.trim().toLowerCase()
  if (name.length >= 3 && p.toLowerCase().includes(name)) return '密码不能包含用户名'
  return ''
}
