import type { Context } from 'koa';
import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import { markVisit } from './service';
import {
  addFollowUp,
  exportAppointments,
  followUpsOf,
  getAppointment,
  listAppointments,
  listFollowUps,
  updateFollowUp,
} from './console';

const readOrigin = (ctx: Context) => ({ ip: ctx.ip, requestId: ctx.state.requestId as string | undefined });

export function bookingAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  t.add({
    method: 'get',
    path: '/booking/appointments',
    summary: '预约数据',
    auth: a,
    perm: 'booking:appointment:list',
    query: S.AdminAppointmentQuery,
    response: S.AdminAppointmentPage,
    handler: ({ actor, query, ctx }) => listAppointments(actor, query, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/booking/appointments/export',
    summary: '导出预约数据（Excel）',
    auth: a,
    perm: 'booking:appointment:export',
    query: S.AdminAppointmentQuery,
    handler: async ({ actor, query, ctx }) => {
      ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      ctx.attachment(`预约数据-${new Date().toISOString().slice(0, 10)}.xlsx`);
      return exportAppointments(actor, query, readOrigin(ctx));
    },
  });
  t.add({
    method: 'get',
    path: '/booking/appointments/:id',
    summary: '预约详情',
    auth: a,
    perm: 'booking:appointment:list',
    params: IdParams,
    response: S.AdminAppointment,
    handler: ({ actor, params, ctx }) => getAppointment(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'put',
    path: '/booking/appointments/:id/visit',
    summary: '标记已就诊/爽约',
    auth: a,
    perm: 'booking:appointment:mark',
    params: IdParams,
    body: S.MarkBody,
    response: S.Appointment,
    audit: 'booking',
    handler: ({ actor, params, body }) => markVisit(actor, params.id, body.status),
  });
  t.add({
    method: 'get',
    path: '/booking/appointments/:id/follow-ups',
    summary: '预约的随访记录',
    auth: a,
    perm: 'booking:followup:list',
    params: IdParams,
    response: z.array(S.FollowUp),
    handler: ({ actor, params }) => followUpsOf(actor, params.id),
  });
  t.add({
    method: 'post',
    path: '/booking/appointments/:id/follow-ups',
    summary: '新增随访计划',
    auth: a,
    perm: 'booking:followup:add',
    params: IdParams,
    body: S.FollowUpCreate,
    response: S.FollowUp,
    audit: 'booking',
    handler: ({ actor, params, body }) => addFollowUp(actor, params.id, body),
  });
  t.add({
    method: 'put',
    path: '/booking/follow-ups/:id',
    summary: '更新随访（结果、状态）',
    auth: a,
    perm: 'booking:followup:edit',
    params: IdParams,
    body: S.FollowUpUpdate,
    response: S.FollowUp,
    audit: 'booking',
    handler: ({ actor, params, body }) => updateFollowUp(actor, params.id, body),
  });
  t.add({
    method: 'get',
    path: '/booking/follow-ups',
    summary: '随访列表',
    auth: a,
    perm: 'booking:followup:list',
    query: S.FollowUpQuery,
    response: S.FollowUpPage,
    handler: ({ actor, query, ctx }) => listFollowUps(actor, query, readOrigin(ctx)),
  });
}
