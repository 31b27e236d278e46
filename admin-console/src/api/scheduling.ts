import type {
  ImportPreview as ImportPreviewSchema,
  ScheduleCreate,
  ScheduleQuery as ScheduleQuerySchema,
  ScheduleUpdate,
  ScheduleView,
} from '@bff/modules/scheduling/schemas'
import type { z } from 'zod'
import { get, post, put } from './http'
import type { Page, Wire } from './types'

export type Schedule = Wire<ScheduleView>
export type Period = Schedule['period']
export type ImportPreview = ImportPreviewSchema
export type ImportRow = ImportPreview['rows'][number]
export interface ScheduleDoctor {
  id: number
  name: string
  username: string
  deptId: number
  deptName: string
  title: string | null
}

export type ScheduleQuery = Partial<z.output<typeof ScheduleQuerySchema>>
export type ScheduleCreateBody = z.input<typeof ScheduleCreate>
export type ScheduleUpdateBody = z.input<typeof ScheduleUpdate>

const MAX_PAGE = 500

export const scheduleApi = {
  list: (q: ScheduleQuery) => get<Page<Schedule>>('/scheduling/schedules', q),
  /** every session in a range (a month of a big department is more than one page) */
  async all(q: Omit<ScheduleQuery, 'page' | 'pageSize'>): Promise<Schedule[]> {
    const first = await scheduleApi.list({ ...q, page: 1, pageSize: MAX_PAGE })
    const items = [...first.items]
    for (let page = 2; items.length < first.total && page <= 40; page++) {
      items.push(...(await scheduleApi.list({ ...q, page, pageSize: MAX_PAGE })).items)
    }
    return items
  },
  /** quiet: for filters on other pages, where a user without scheduling rights simply gets no doctor picker */
  doctors: (deptId?: number, quiet = false) =>
    get<ScheduleDoctor[]>('/scheduling/doctors', deptId ? { deptId } : {}, { silent: quiet }),
  create: (body: ScheduleCreateBody) => post<Schedule>('/scheduling/schedules', body),
  update: (id: number, body: ScheduleUpdateBody) => put<Schedule>(`/scheduling/schedules/${id}`, body),
  stop: (id: number, reason: string) =>
    post<{ cancelled: number; refunded: number }>(`/scheduling/schedules/${id}/stop`, { reason }),
  /** the file itself is the body; progress 0..1 while it goes up */
  upload: (file: File, onProgress: (ratio: number) => void) =>
    post<ImportPreview>('/scheduling/imports', file, {
      params: { filename: file.name },
      headers: { 'Content-Type': 'application/octet-stream' },
      timeout: 180_000,
      onUploadProgress: (e) => onProgress(e.total ? e.loaded / e.total : (e.progress ?? 0)),
    }),
  commit: (previewId: string) =>
    post<{ created: number; unchanged: number }>(`/scheduling/imports/${previewId}/commit`, undefined, {
      timeout: 120_000,
    }),
}
