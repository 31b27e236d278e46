// 我的学习 for staff whose console account is linked to this WeChat user. Progress is the server's, as in the console.
import type * as S from '@bff/modules/learning/schemas'
import type { z } from 'zod'
import { http } from './client'
import type { Json, Page } from './types'

export type MyTask = Json<z.infer<typeof S.MyTask>>
export type OpenedContent = Json<z.infer<typeof S.OpenedContent>>
export type Progress = Json<z.infer<typeof S.Progress>>

export const myTasks = (opts: { toast?: boolean } = {}) =>
  http.get<Page<MyTask>>('/api/mp/learning/my-tasks?pageSize=50', opts)
export const openContent = (id: number) => http.get<OpenedContent>(`/api/mp/learning/contents/${id}`)
export const finishArticle = (id: number) => http.post<Progress>(`/api/mp/learning/contents/${id}/finish`)
export const reportPosition = (id: number, position: number) =>
  http.post<Progress>(`/api/mp/learning/contents/${id}/position`, { position }, { toast: false })
