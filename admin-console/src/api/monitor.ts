import { del, get } from './http'
import type { LoginLog, OnlineSession, OperLog, Page } from './types'
import type {
  LoginLogQuery as LoginLogQuerySchema,
  OperLogQuery as OperLogQuerySchema,
} from '@bff/modules/monitor/schemas'
import type { z } from 'zod'
import type { PageQuery } from './system'

export type OperLogQuery = Partial<z.output<typeof OperLogQuerySchema>>
export type LoginLogQuery = Partial<z.output<typeof LoginLogQuerySchema>>

export const operLogApi = {
  list: (q: OperLogQuery) => get<Page<OperLog>>('/monitor/oper-logs', q),
  get: (id: number) => get<OperLog>(`/monitor/oper-logs/${id}`),
}

export const loginLogApi = {
  list: (q: LoginLogQuery) => get<Page<LoginLog>>('/monitor/login-logs', q),
}

export const onlineApi = {
  list: (q: PageQuery & { username?: string } = {}) => get<Page<OnlineSession>>('/monitor/online', q),
  forceLogout: (sessionId: string) => del(`/monitor/online/${encodeURIComponent(sessionId)}`),
}
