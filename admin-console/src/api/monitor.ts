import { del, get } from './http'
import type { LoginLog, OnlineSession, OperLog, Page } from './types'
import type { PageQuery } from './system'

export interface OperLogQuery extends PageQuery {
  username?: string
  module?: string
  status?: OperLog['status']
  from?: string
  to?: string
}
export interface LoginLogQuery extends PageQuery {
  username?: string
  status?: LoginLog['status']
  ip?: string
  from?: string
  to?: string
}

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
