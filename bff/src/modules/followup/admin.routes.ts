import type { Context } from 'koa';
import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import {
  cancelPlan,
  createPlan,
  exportTasks,
  getPlan,
  getTask,
  listTasks,
  plansOfAppointment,
  recordResult,
} from './service';
import {
  createQuestionnaire,
  getQuestionnaire,
  listQuestionnaires,
  setQuestionnaireStatus,
  updateQuestionnaire,
} from './questionnaires';
import { addFollowUp, followUpsOf, listFollowUps, updateFollowUp } from './legacy';
import { FOLLOWUP_PERMS as P } from './perms';

const readOrigin = (ctx: Context) => ({ ip: ctx.ip, requestId: ctx.state.requestId as string | undefined });

export function followupAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  // ---- questionnaires ----
  t.add({
    method: 'get',
    path: '/followup/questionnaires',
    summary: '随访问卷列表',
    auth: a,
    perm: P.questionnaireList,
    query: S.QuestionnaireQuery,
    response: S.QuestionnairePage,
    handler: ({ query }) => listQuestionnaires(query),
  });
  t.add({
    method: 'get',
    path: '/followup/questionnaires/:id',
    summary: '随访问卷详情',
    auth: a,
    perm: P.questionnaireList,
    params: IdParams,
    response: S.Questionnaire,
    handler: ({ params }) => getQuestionnaire(params.id),
  });
  t.add({
    method: 'post',
    path: '/followup/questionnaires',
    summary: '新建随访问卷',
    auth: a,
    perm: P.questionnaireEdit,
    body: S.QuestionnaireBody,
    response: S.Questionnaire,
    audit: 'followup',
    handler: ({ actor, body }) => createQuestionnaire(actor, body),
  });
  t.add({
    method: 'put',
    path: '/followup/questionnaires/:id',
    summary: '修改随访问卷（已发出的随访保留原题目）',
    auth: a,
    perm: P.questionnaireEdit,
    params: IdParams,
    body: S.QuestionnaireBody,
    response: S.Questionnaire,
    audit: 'followup',
    handler: ({ actor, params, body }) => updateQuestionnaire(actor, params.id, body),
  });
  t.add({
    method: 'put',
    path: '/followup/questionnaires/:id/status',
    summary: '启用/停用随访问卷',
    auth: a,
    perm: P.questionnaireEdit,
    params: IdParams,
    body: S.QuestionnaireStatusBody,
    response: S.Questionnaire,
    audit: 'followup',
    handler: ({ actor, params, body }) => setQuestionnaireStatus(actor, params.id, body.status),
  });

  // ---- plans ----
  t.add({
    method: 'post',
    path: '/followup/plans',
    summary: '制定随访计划（来自一次就诊：日期或规则、类型、内容）',
    auth: a,
    perm: P.add,
    body: S.PlanBody,
    response: S.Plan,
    // The plan's content is clinical text: the plan itself records who made it; the operation log would copy it in clear.
    audit: false,
    handler: ({ actor, body }) => createPlan(actor, body),
  });
  t.add({
    method: 'get',
    path: '/followup/plans/:id',
    summary: '随访计划详情',
    auth: a,
    perm: P.list,
    params: IdParams,
    response: S.Plan,
    handler: ({ actor, params, ctx }) => getPlan(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/followup/appointments/:id/plans',
    summary: '一次就诊的随访计划',
    auth: a,
    perm: P.list,
    params: IdParams,
    response: z.array(S.Plan),
    handler: ({ actor, params, ctx }) => plansOfAppointment(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/followup/plans/:id/cancel',
    summary: '取消随访计划（未完成的随访一并取消）',
    auth: a,
    perm: P.edit,
    params: IdParams,
    response: S.Plan,
    status: 200,
    audit: 'followup',
    handler: ({ actor, params }) => cancelPlan(actor, params.id),
  });

  // ---- 随访管理 ----
  t.add({
    method: 'get',
    path: '/followup/tasks',
    summary: '随访列表（今日待随访、已逾期、已完成；按医生、科室）',
    auth: a,
    perm: P.list,
    query: S.TaskQuery,
    response: S.TaskPage,
    handler: ({ actor, query, ctx }) => listTasks(actor, query, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/followup/tasks/export',
    summary: '导出随访（Excel）',
    auth: a,
    perm: P.export,
    // Patients' names and masked phones leave the system in the file: the operation log records who took it (the
    // plans' contents are not in the query, so the log holds none of them).
    audit: 'followup',
    query: S.TaskQuery.omit({ page: true, pageSize: true }),
    handler: async ({ actor, query, ctx }) => {
      ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      ctx.attachment(`随访数据-${new Date().toISOString().slice(0, 10)}.xlsx`);
      return exportTasks(actor, query, readOrigin(ctx));
    },
  });
  t.add({
    method: 'get',
    path: '/followup/tasks/:id',
    summary: '随访详情（含问卷答案）',
    auth: a,
    perm: P.list,
    params: IdParams,
    response: S.TaskDetail,
    handler: ({ actor, params, ctx }) => getTask(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'put',
    path: '/followup/tasks/:id/result',
    summary: '记录随访结果（电话随访等）',
    auth: a,
    perm: P.edit,
    params: IdParams,
    body: S.ResultBody,
    response: S.TaskRow,
    audit: false,
    handler: ({ actor, params, body }) => recordResult(actor, params.id, body),
  });

  // ---- an appointment's follow-ups as booking had them (same paths and permissions) ----
  t.add({
    method: 'get',
    path: '/booking/appointments/:id/follow-ups',
    summary: '预约的随访记录',
    auth: a,
    perm: P.list,
    params: IdParams,
    response: z.array(S.LegacyFollowUp),
    handler: ({ actor, params, ctx }) => followUpsOf(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/booking/appointments/:id/follow-ups',
    summary: '新增随访（单次电话随访）',
    auth: a,
    perm: P.add,
    params: IdParams,
    body: S.LegacyCreate,
    response: S.LegacyFollowUp,
    audit: false,
    handler: ({ actor, params, body }) => addFollowUp(actor, params.id, body),
  });
  t.add({
    method: 'put',
    path: '/booking/follow-ups/:id',
    summary: '更新随访（结果、状态）',
    auth: a,
    perm: P.edit,
    params: IdParams,
    body: S.LegacyUpdate,
    response: S.LegacyFollowUp,
    audit: false,
    handler: ({ actor, params, body }) => updateFollowUp(actor, params.id, body),
  });
  t.add({
    method: 'get',
    path: '/booking/follow-ups',
    summary: '随访列表（按预约）',
    auth: a,
    perm: P.list,
    query: S.LegacyQuery,
    response: S.LegacyPage,
    handler: ({ actor, query, ctx }) => listFollowUps(actor, query, readOrigin(ctx)),
  });
}
