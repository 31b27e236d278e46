import { del, get, post, put } from './http'
import type {
  CacheInfo,
  StatsRange,
  StatsToday,
  Job,
  JobRun,
  LoginLog,
  OnlineSession,
  OperLog,
  Page,
  ServerInfo,
} from './types'
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

export const jobApi = {
  list: () => get<Job[]>('/monitor/jobs'),
  /** silent: the dialog shows a refused expression beside the field */
  preview: (cron: string) =>
    get<{ cron: string; nextRuns: string[] }>('/monitor/jobs/cron-preview', { cron }, { silent: true }),
  update: (name: string, body: { cron?: string | null; concurrency?: Job['concurrency'] }) =>
    put<Job>(`/monitor/jobs/${encodeURIComponent(name)}`, body),
  pause: (name: string) => post<Job>(`/monitor/jobs/${encodeURIComponent(name)}/pause`),
  resume: (name: string) => post<Job>(`/monitor/jobs/${encodeURIComponent(name)}/resume`),
  run: (name: string) => post<{ name: string; queuedAt: string }>(`/monitor/jobs/${encodeURIComponent(name)}/run`),
  runs: (name: string, q: PageQuery & { status?: JobRun['status'] }) =>
    get<Page<JobRun>>(`/monitor/jobs/${encodeURIComponent(name)}/runs`, q),
}

export const serverApi = {
  get: () => get<ServerInfo>('/monitor/server'),
}

export const cacheApi = {
  get: () => get<CacheInfo>('/monitor/cache'),
  clear: (name: string) =>
    del<{ name: string; deleted: number }>(`/monitor/cache/namespaces/${encodeURIComponent(name)}`),
}

export const statsApi = {
  range: (q: { from: string; to: string; deptId?: number }) => get<StatsRange>('/monitor/stats', q),
  today: () => get<StatsToday>('/monitor/stats/today'),
}
