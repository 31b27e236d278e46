import type { Context } from 'koa';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import { markVisit } from './service';
import { exportAppointments, getAppointment, listAppointments } from './console';
import { checkIn } from './ticket';

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
    // Patients' names, ages and phones leave the system: the operation log records who took which rows.
    audit: 'booking',
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
    method: 'post',
    path: '/booking/check-in',
    summary: '扫码签到（扫描或输入电子就诊凭证）',
    auth: a,
    perm: 'booking:appointment:checkin',
    body: S.CheckInBody,
    response: S.AdminAppointment,
    status: 200,
    audit: 'booking',
    handler: ({ actor, body, ctx }) => checkIn(actor, body.code, readOrigin(ctx)),
  });
}
