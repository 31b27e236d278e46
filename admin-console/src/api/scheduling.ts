import type {
  CopyWeekBody,
  ImportPreview as ImportPreviewSchema,
  TemplateCreate,
  TemplateUpdate,
  TemplateView,
  TemplateWeekBody,
  ScheduleCreate,
  ScheduleQuery as ScheduleQuerySchema,
  ScheduleUpdate,
  ScheduleView,
} from '@bff/modules/scheduling/schemas'
import type { z } from 'zod'
import { del, get, post, put } from './http'
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

export type ScheduleTemplate = z.output<typeof TemplateView>
export type TemplateCreateBody = z.input<typeof TemplateCreate>
export type TemplateUpdateBody = z.input<typeof TemplateUpdate>
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
  /** 替诊: a doctor of the same department takes the session with its bookings */
  substitute: (id: number, doctorId: number, reason: string) =>
    post<{ schedule: Schedule; kept: number }>(`/scheduling/schedules/${id}/substitute`, { doctorId, reason }),
  /** 加号 on a full session */
  addSlots: (id: number, count: number) => post<Schedule>(`/scheduling/schedules/${id}/add-slots`, { count }),
  templates: (q: { deptId?: number; doctorId?: number }) => get<ScheduleTemplate[]>('/scheduling/templates', q),
  createTemplate: (body: TemplateCreateBody) => post<ScheduleTemplate>('/scheduling/templates', body),
  updateTemplate: (id: number, body: TemplateUpdateBody) => put<ScheduleTemplate>(`/scheduling/templates/${id}`, body),
  deleteTemplate: (id: number) => del<void>(`/scheduling/templates/${id}`),
  /** a week from the weekly templates, as an import preview (committed with `commit`) */
  previewTemplateWeek: (body: z.input<typeof TemplateWeekBody>) =>
    post<ImportPreview>('/scheduling/templates/preview-week', body),
  /** a week copied to another, as an import preview (committed with `commit`) */
  previewCopyWeek: (body: z.input<typeof CopyWeekBody>) => post<ImportPreview>('/scheduling/copy-week', body),
}
