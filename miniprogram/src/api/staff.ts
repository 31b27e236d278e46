import { http, type RequestOptions } from './client'
import type { DeptNode, PostOption, StaffApplication, StaffApplicationCreate } from './types'

export const listDepartments = () => http.get<DeptNode[]>('/api/mp/departments')
export const listPositions = () => http.get<PostOption[]>('/api/mp/positions')
export const myStaffApplication = (opts?: RequestOptions) =>
  http.get<StaffApplication | null>('/api/mp/staff-applications/mine', opts)
export const applyForStaffAccount = (body: StaffApplicationCreate, opts?: RequestOptions) =>
  http.post<StaffApplication>('/api/mp/staff-applications', body, opts)

import { cheapPasswordProblem } from '@bff/shared/password-rules'

export { USERNAME_MESSAGE, USERNAME_RE as USERNAME_RULE } from '@bff/shared/rules'
/**
 * The cheap part of the BFF's password policy (bff/src/shared/password-rules.ts), checked before sending.
 * Whether a password is guessable is judged by the BFF alone (WEAK_PASSWORD): its dictionaries are too big for the
 * mini-program package.
 */
export const passwordProblem = (p: string, username: string): string => cheapPasswordProblem(p, username)?.message ?? ''
