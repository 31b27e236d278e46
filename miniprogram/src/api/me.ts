import { http, type RequestOptions } from './client'
import type { MpUser } from './types'

export const getMe = (opts?: RequestOptions) => http.get<MpUser>('/api/mp/me', opts)
export const updateMe = (patch: { nickname?: string; avatarUrl?: string }) => http.patch<MpUser>('/api/mp/me', patch)
/** `code` comes from the phone-number button (or the simulated sheet in the browser). */
export const bindPhone = (code: string) => http.post<MpUser>('/api/mp/me/phone', { code })
