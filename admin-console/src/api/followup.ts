import type {
  Plan as PlanSchema,
  PlanBody,
  Questionnaire as QuestionnaireSchema,
  QuestionnaireBody,
  ResultBody,
  TaskDetail as TaskDetailSchema,
  TaskPage as TaskPageSchema,
  TaskQuery as TaskQuerySchema,
} from '@bff/modules/followup/schemas'
import type { z } from 'zod'
import { get, post, put } from './http'
import type { Page, Wire } from './types'

export type Plan = Wire<z.infer<typeof PlanSchema>>
export type Questionnaire = Wire<z.infer<typeof QuestionnaireSchema>>
export type TaskPage = Wire<z.infer<typeof TaskPageSchema>>
export type TaskRow = TaskPage['items'][number]
export type TaskDetail = Wire<z.infer<typeof TaskDetailSchema>>
export type TaskQuery = Partial<z.output<typeof TaskQuerySchema>>
export type TaskView = NonNullable<TaskQuery['view']>
export type PlanInput = z.input<typeof PlanBody>
export type QuestionnaireInput = z.input<typeof QuestionnaireBody>
export type ResultInput = z.input<typeof ResultBody>

export const followupApi = {
  tasks: (q: TaskQuery) => get<TaskPage>('/followup/tasks', q),
  task: (id: number) => get<TaskDetail>(`/followup/tasks/${id}`),
  recordResult: (id: number, body: ResultInput) => put<TaskRow>(`/followup/tasks/${id}/result`, body),
  createPlan: (body: PlanInput) => post<Plan>('/followup/plans', body),
  plan: (id: number) => get<Plan>(`/followup/plans/${id}`),
  plansOf: (appointmentId: number) => get<Plan[]>(`/followup/appointments/${appointmentId}/plans`),
  cancelPlan: (id: number) => post<Plan>(`/followup/plans/${id}/cancel`),
}

export const questionnaireApi = {
  list: (q: { page: number; pageSize: number; keyword?: string; status?: 'active' | 'disabled' }) =>
    get<Page<Questionnaire>>('/followup/questionnaires', q),
  get: (id: number) => get<Questionnaire>(`/followup/questionnaires/${id}`),
  create: (body: QuestionnaireInput) => post<Questionnaire>('/followup/questionnaires', body),
  update: (id: number, body: QuestionnaireInput) => put<Questionnaire>(`/followup/questionnaires/${id}`, body),
  setStatus: (id: number, status: 'active' | 'disabled') =>
    put<Questionnaire>(`/followup/questionnaires/${id}/status`, { status }),
}
