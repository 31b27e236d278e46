import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import { answerTask, myPlans, myTask } from './service';

/** A patient's own family members' follow-up plans; answering a questionnaire follow-up. */
export function followupMpRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/followup/patients/:patientId/plans',
    summary: '就诊人的随访计划',
    auth: 'mp',
    params: S.PatientParams,
    response: z.array(S.MpPlan),
    handler: ({ actor, params }) => myPlans(actor, params.patientId),
  });
  t.add({
    method: 'get',
    path: '/followup/tasks/:id',
    summary: '一次随访（问卷题目与已提交的答案）',
    auth: 'mp',
    params: IdParams,
    response: S.MpTaskDetail,
    handler: ({ actor, params }) => myTask(actor, params.id),
  });
  t.add({
    method: 'post',
    path: '/followup/tasks/:id/answers',
    summary: '提交随访问卷',
    auth: 'mp',
    params: IdParams,
    body: S.AnswerBody,
    response: S.MpTaskDetail,
    status: 200,
    handler: ({ actor, params, body }) => answerTask(actor, params.id, body.answers),
  });
}
