import type * as S from '@bff/modules/education/schemas'
import type { z } from 'zod'
import { del, get, http, post, put } from './http'
import type { Page, Wire } from './types'

export type EduContent = Wire<z.infer<typeof S.AdminContent>>
export type EduContentDetail = Wire<z.infer<typeof S.AdminContentDetail>>
export type EduRevision = Wire<z.infer<typeof S.Revision>>
export type ContentStatus = EduContent['status']
export type ContentKind = EduContent['kind']
export type ContentQuery = Partial<z.output<typeof S.AdminContentQuery>>
export type ContentBody = z.input<typeof S.ContentInput>
export type EduComment = Wire<z.infer<typeof S.AdminComment>>
export type CommentQuery = Partial<z.output<typeof S.AdminCommentQuery>>
export type SensitiveWord = Wire<z.infer<typeof S.Word>>
export type WordBody = z.input<typeof S.WordInput>
export type WordQuery = Partial<z.output<typeof S.WordQuery>>
export type DeptOption = z.infer<typeof S.DeptOption>
export type PublishedOption = z.infer<typeof S.PublishedOption>
export type Prescription = Wire<z.infer<typeof S.Prescription>>
export type UploadedFile = { id: string; kind: 'image' | 'video'; mime: string; size: number; url: string }

export const CONTENT_STATUSES: { value: ContentStatus; label: string; tag: 'info' | 'success' | 'warning' }[] = [
  { value: 'draft', label: '草稿', tag: 'info' },
  { value: 'published', label: '已发布', tag: 'success' },
  { value: 'offline', label: '已下线', tag: 'warning' },
]
export const KIND_LABEL: Record<ContentKind, string> = { article: '文章', video: '视频' }
export const WORD_ACTIONS: { value: SensitiveWord['action']; label: string; tag: 'danger' | 'warning' }[] = [
  { value: 'block', label: '拦截', tag: 'danger' },
  { value: 'review', label: '待审核', tag: 'warning' },
]

// Query values may be booleans in the BFF's parsed form; on the wire they are 'true' / 'false'.
const wire = (q: object) =>
  Object.fromEntries(Object.entries(q).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]))

export const contentApi = {
  list: (q: ContentQuery) => get<Page<EduContent>>('/education/contents', wire(q)),
  get: (id: number) => get<EduContentDetail>(`/education/contents/${id}`),
  revisions: (id: number) => get<EduRevision[]>(`/education/contents/${id}/revisions`),
  depts: () => get<DeptOption[]>('/education/depts'),
  published: (keyword?: string) => get<PublishedOption[]>('/education/published-options', { keyword }),
  create: (body: ContentBody) => post<EduContentDetail>('/education/contents', body),
  update: (id: number, body: Omit<ContentBody, 'kind'>) => put<EduContentDetail>(`/education/contents/${id}`, body),
  publish: (id: number) => post<EduContentDetail>(`/education/contents/${id}/publish`),
  offline: (id: number) => post<EduContentDetail>(`/education/contents/${id}/offline`),
  review: (id: number) => post<EduContentDetail>(`/education/contents/${id}/review`),
  /** drafts and offline items, all or nothing */
  removeMany: (ids: number[]) => post<{ deleted: number }>('/education/contents/batch-delete', { ids }),
}

export const prescriptionApi = {
  list: (appointmentId: number) => get<Prescription[]>('/education/prescriptions', { appointmentId }),
  send: (appointmentId: number, contentIds: number[]) =>
    post<Prescription[]>('/education/prescriptions', { appointmentId, contentIds }),
}

export const commentApi = {
  list: (q: CommentQuery) => get<Page<EduComment>>('/education/comments', wire(q)),
  remove: (id: number) => del(`/education/comments/${id}`),
  removeMany: (ids: number[]) => post<{ deleted: number }>('/education/comments/batch-delete', { ids }),
  approve: (id: number) => post<void>(`/education/comments/${id}/approve`),
  reply: (id: number, reply: string) => put<void>(`/education/comments/${id}/reply`, { reply }),
}

export const wordApi = {
  list: (q: WordQuery) => get<Page<SensitiveWord>>('/education/sensitive-words', q),
  add: (body: WordBody) => post<SensitiveWord>('/education/sensitive-words', body),
  update: (id: number, body: WordBody) => put<SensitiveWord>(`/education/sensitive-words/${id}`, body),
  remove: (id: number) => del(`/education/sensitive-words/${id}`),
  /** 批量删除: all or nothing */
  removeMany: (ids: number[]) => post<{ deleted: number }>('/education/sensitive-words/batch-delete', { ids }),
}

/** The file itself is the request body; the BFF sniffs its type and enforces the size limit. */
export async function uploadFile(file: File, kind: 'image' | 'video'): Promise<UploadedFile> {
  const { data } = await http.post<UploadedFile>('/files', file, {
    params: { kind, filename: file.name },
    headers: { 'Content-Type': 'application/octet-stream' },
    timeout: 600_000,
  })
  return data
}
