import type { z } from 'zod'
import type { MpPlan as MpPlanS, MpTaskDetail as MpTaskDetailS } from '@bff/modules/followup/schemas'
import type { AnswerValue } from '@bff/shared/followup'
import { http } from './client'
import type { Json } from './types'

export type MpPlan = Json<z.infer<typeof MpPlanS>>
export type MpTask = MpPlan['tasks'][number]
export type MpTaskDetail = Json<z.infer<typeof MpTaskDetailS>>

/** A family member's follow-up plans (only the caller's own family members: anyone else's is 404). */
export const myFollowupPlans = (patientId: number) => http.get<MpPlan[]>(`/api/mp/followup/patients/${patientId}/plans`)
export const myFollowupTask = (id: number) => http.get<MpTaskDetail>(`/api/mp/followup/tasks/${id}`)
export const answerFollowup = (id: number, answers: Record<string, AnswerValue | null>) =>
  http.post<MpTaskDetail>(`/api/mp/followup/tasks/${id}/answers`, { answers })
