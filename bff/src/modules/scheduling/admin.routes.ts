import getRawBody from 'raw-body';
import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import { createSchedule, listSchedules, scheduleViews, scopedSchedule, stopSchedule, updateSchedule } from './service';
import { commitImport, importTemplate, previewImport } from './import';
import { listDoctors } from './doctors';
import { addSlots, substituteSchedule } from './sessions';
import {
  createTemplate,
  deleteTemplate,
  listTemplates,
  previewCopyWeek,
  previewTemplateWeek,
  updateTemplate,
} from './templates';

const MAX_UPLOAD = 5 * 1024 * 1024;

export function schedulingRoutes(t: RouteTree) {
  const a = 'admin' as const;
  t.add({
    method: 'get',
    path: '/scheduling/schedules',
    summary: '排班列表（日历）',
    auth: a,
    perm: 'scheduling:schedule:list',
    query: S.ScheduleQuery,
    response: S.SchedulePage,
    handler: ({ actor, query }) => listSchedules(actor, query),
  });
  t.add({
    method: 'get',
    path: '/scheduling/schedules/:id',
    summary: '排班详情',
    auth: a,
    perm: 'scheduling:schedule:list',
    params: IdParams,
    response: S.ScheduleView,
    handler: async ({ actor, params }) => (await scheduleViews([await scopedSchedule(actor, params.id)]))[0],
  });
  t.add({
    method: 'get',
    path: '/scheduling/doctors',
    summary: '可排班的医生（数据范围内）',
    auth: a,
    perm: 'scheduling:schedule:list',
    query: z.object({ deptId: z.coerce.number().int().positive().optional() }),
    response: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        username: z.string(),
        deptId: z.number().int(),
        deptName: z.string(),
        title: z.string().nullable(),
      }),
    ),
    handler: ({ actor, query }) => listDoctors(actor, query.deptId),
  });
  t.add({
    method: 'post',
    path: '/scheduling/schedules',
    summary: '新增排班',
    auth: a,
    perm: 'scheduling:schedule:add',
    body: S.ScheduleCreate,
    response: S.ScheduleView,
    audit: 'schedule',
    handler: ({ actor, body }) => createSchedule(actor, body),
  });
  t.add({
    method: 'put',
    path: '/scheduling/schedules/:id',
    summary: '修改排班',
    auth: a,
    perm: 'scheduling:schedule:edit',
    params: IdParams,
    body: S.ScheduleUpdate,
    response: S.ScheduleView,
    audit: 'schedule',
    handler: ({ actor, params, body }) => updateSchedule(actor, params.id, body),
  });
  t.add({
    method: 'post',
    path: '/scheduling/schedules/:id/stop',
    summary: '停诊（取消预约、退款、通知患者）',
    auth: a,
    perm: 'scheduling:schedule:stop',
    params: IdParams,
    body: S.StopBody,
    status: 200,
    response: z.object({ cancelled: z.number().int(), refunded: z.number().int() }),
    audit: 'schedule',
    handler: ({ actor, params, body }) => stopSchedule(actor, params.id, body.reason),
  });
  t.add({
    method: 'get',
    path: '/scheduling/import-template',
    summary: '下载排班导入模板',
    auth: a,
    perm: 'scheduling:schedule:import',
    query: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx') }),
    handler: async ({ query, ctx }) => {
      ctx.type =
        query.format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      ctx.attachment(`排班导入模板.${query.format}`);
      return importTemplate(query.format);
    },
  });
  t.add({
    method: 'post',
    path: '/scheduling/imports',
    summary: '上传排班文件并预览校验结果（请求体为文件本身）',
    auth: a,
    perm: 'scheduling:schedule:import',
    query: S.ImportQuery,
    response: S.ImportPreview,
    audit: false,
    handler: async ({ actor, query, ctx }) =>
      previewImport(actor, query.filename, await getRawBody(ctx.req, { limit: MAX_UPLOAD })),
  });
  t.add({
    method: 'post',
    path: '/scheduling/imports/:previewId/commit',
    summary: '确认导入（全部有效行一个事务）',
    auth: a,
    perm: 'scheduling:schedule:import',
    params: S.PreviewParams,
    response: S.ImportResult,
    status: 200,
    audit: 'schedule',
    handler: ({ actor, params }) => commitImport(actor, params.previewId),
  });
  t.add({
    method: 'post',
    path: '/scheduling/schedules/:id/substitute',
    summary: '替诊（同科室医生接诊，保留患者预约并通知患者）',
    auth: a,
    perm: 'scheduling:schedule:stop',
    params: IdParams,
    body: S.SubstituteBody,
    status: 200,
    response: S.SubstituteResult,
    audit: 'schedule',
    handler: ({ actor, params, body }) => substituteSchedule(actor, params.id, body),
  });
  t.add({
    method: 'post',
    path: '/scheduling/schedules/:id/add-slots',
    summary: '加号（约满的时段追加号源）',
    auth: a,
    perm: 'scheduling:schedule:addslot',
    params: IdParams,
    body: S.AddSlotsBody,
    status: 200,
    response: S.ScheduleView,
    audit: 'schedule',
    handler: ({ actor, params, body }) => addSlots(actor, params.id, body.count),
  });
  t.add({
    method: 'get',
    path: '/scheduling/templates',
    summary: '每周排班模板',
    auth: a,
    perm: 'scheduling:schedule:list',
    query: S.TemplateQuery,
    response: z.array(S.TemplateView),
    handler: ({ actor, query }) => listTemplates(actor, query),
  });
  t.add({
    method: 'post',
    path: '/scheduling/templates',
    summary: '新增模板行（医生 × 星期 × 时段）',
    auth: a,
    perm: 'scheduling:schedule:add',
    body: S.TemplateCreate,
    response: S.TemplateView,
    audit: 'schedule',
    handler: ({ actor, body }) => createTemplate(actor, body),
  });
  t.add({
    method: 'put',
    path: '/scheduling/templates/:id',
    summary: '修改模板行',
    auth: a,
    perm: 'scheduling:schedule:add',
    params: IdParams,
    body: S.TemplateUpdate,
    response: S.TemplateView,
    audit: 'schedule',
    handler: ({ actor, params, body }) => updateTemplate(actor, params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/scheduling/templates/:id',
    summary: '删除模板行',
    auth: a,
    perm: 'scheduling:schedule:add',
    params: IdParams,
    audit: 'schedule',
    handler: async ({ actor, params }) => void (await deleteTemplate(actor, params.id)),
  });
  t.add({
    method: 'post',
    path: '/scheduling/templates/preview-week',
    summary: '按每周模板生成一周排班并预览（确认走导入提交）',
    auth: a,
    perm: 'scheduling:schedule:import',
    body: S.TemplateWeekBody,
    response: S.ImportPreview,
    audit: false,
    handler: ({ actor, body }) => previewTemplateWeek(actor, body),
  });
  t.add({
    method: 'post',
    path: '/scheduling/copy-week',
    summary: '复制一周排班到另一周并预览（确认走导入提交）',
    auth: a,
    perm: 'scheduling:schedule:import',
    body: S.CopyWeekBody,
    response: S.ImportPreview,
    audit: false,
    handler: ({ actor, body }) => previewCopyWeek(actor, body),
  });
}
