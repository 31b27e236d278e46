import type * as S from '@bff/modules/learning/schemas'
import type { z } from 'zod'
import { get, post } from './http'
import type { DeptOption, Page, Wire } from './types'

export type LearningTask = Wire<z.infer<typeof S.Task>>
export type LearningTaskDetail = Wire<z.infer<typeof S.TaskDetail>>
export type PersonProgress = LearningTaskDetail['people'][number]
export type TaskBody = z.input<typeof S.TaskInput>
export type MyTask = Wire<z.infer<typeof S.MyTask>>
export type OpenedContent = Wire<z.infer<typeof S.OpenedContent>>
export type Progress = Wire<z.infer<typeof S.Progress>>

export const PERSON_STATUS: Record<
  PersonProgress['status'],
  { label: string; tag: 'success' | 'info' | 'warning' | 'danger' }
> = {
  done: { label: '已完成', tag: 'success' },
  in_progress: { label: '学习中', tag: 'warning' },
  not_started: { label: '未开始', tag: 'info' },
  overdue: { label: '已逾期', tag: 'danger' },
}

export const taskApi = {
  list: (q: { page: number; pageSize: number; keyword?: string }) => get<Page<LearningTask>>('/learning/tasks', q),
  get: (id: number) => get<LearningTaskDetail>(`/learning/tasks/${id}`),
  /** The departments the caller may assign to (their data scope), as a tree for DeptSelect. */
  depts: () => get<DeptOption[]>('/learning/depts'),
  create: (body: TaskBody) => post<LearningTaskDetail>('/learning/tasks', body),
  remind: (id: number) => post<{ reminded: number; unreachable: number }>(`/learning/tasks/${id}/remind`),
}

export const myLearningApi = {
  list: (q: { page: number; pageSize: number }) => get<Page<MyTask>>('/learning/my-tasks', q),
  open: (contentId: number) => get<OpenedContent>(`/learning/contents/${contentId}`),
  finish: (contentId: number) => post<Progress>(`/learning/contents/${contentId}/finish`),
  position: (contentId: number, position: number) =>
    post<Progress>(`/learning/contents/${contentId}/position`, { position }),
}
