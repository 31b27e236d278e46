// 系统管理 › 通知公告: the announcements patients see on the mini-program's home page.
import type { z } from 'zod'
import type * as H from '@bff/modules/hospital/schemas'
import { del, get, post, put } from './http'
import type { Page, Wire } from './types'

export type SysNoticeRow = Wire<z.infer<typeof H.AdminNotice>>
export type NoticeBody = z.input<typeof H.NoticeInput>
export type NoticeFilter = {
  title: string
  type: '' | 'notice' | 'announcement'
  status: '' | 'draft' | 'published' | 'closed'
}

export const noticeApi = {
  list: (q: Partial<NoticeFilter> & { page: number; pageSize: number }) =>
    get<Page<SysNoticeRow>>('/system/notices', q),
  create: (body: NoticeBody) => post<SysNoticeRow>('/system/notices', body),
  update: (id: number, body: Partial<NoticeBody>) => put<SysNoticeRow>(`/system/notices/${id}`, body),
  remove: (id: number) => del(`/system/notices/${id}`),
  /** 批量删除: all or nothing */
  removeMany: (ids: number[]) => post<{ deleted: number }>('/system/notices/batch-delete', { ids }),
}
