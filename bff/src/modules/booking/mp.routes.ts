import type { RouteTree } from '../../http/route';
import { z } from 'zod';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import {
  cancelMyAppointment,
  getMyAppointment,
  joinWaitlist,
  leaveWaitlist,
  listMyAppointments,
  myWaitlist,
  payAppointment,
  takeSlot,
} from './service';
import { myTicket } from './ticket';

export function bookingMpRoutes(t: RouteTree) {
  t.add({
    method: 'post',
    path: '/appointments',
    summary: '预约挂号（取最小空余号）',
    auth: 'mp',
    body: S.BookSlotBody,
    response: S.TakeSlotResult,
    handler: ({ actor, body }) => takeSlot(actor, body),
  });
  t.add({
    method: 'get',
    path: '/appointments',
    summary: '我的预约',
    auth: 'mp',
    query: S.MyAppointmentQuery,
    response: S.AppointmentPage,
    handler: ({ actor, query }) => listMyAppointments(actor, query),
  });
  t.add({
    method: 'get',
    path: '/appointments/:id',
    summary: '预约详情',
    auth: 'mp',
    params: IdParams,
    response: S.Appointment,
    handler: ({ actor, params }) => getMyAppointment(actor, params.id),
  });
  t.add({
    method: 'post',
    path: '/appointments/:id/pay',
    summary: '支付待支付的预约',
    auth: 'mp',
    params: IdParams,
    response: S.PayResult,
    status: 200,
    handler: ({ actor, params }) => payAppointment(actor, params.id),
  });
  t.add({
    method: 'post',
    path: '/appointments/:id/cancel',
    summary: '取消预约（截止前全额退款）',
    auth: 'mp',
    params: IdParams,
    response: S.Appointment,
    status: 200,
    handler: ({ actor, params }) => cancelMyAppointment(actor, params.id),
  });
  t.add({
    method: 'post',
    path: '/waitlist',
    summary: '加入候补',
    auth: 'mp',
    body: S.TakeSlotBody,
    response: S.WaitlistEntry,
    handler: ({ actor, body }) => joinWaitlist(actor, body),
  });
  t.add({
    method: 'get',
    path: '/waitlist',
    summary: '我的候补',
    auth: 'mp',
    response: z.array(S.WaitlistEntry),
    handler: ({ actor }) => myWaitlist(actor),
  });
  t.add({
    method: 'delete',
    path: '/waitlist/:id',
    summary: '取消候补',
    auth: 'mp',
    params: IdParams,
    handler: async ({ actor, params }) => void (await leaveWaitlist(actor, params.id)),
  });
  t.add({
    method: 'get',
    path: '/appointments/:id/ticket',
    summary: '电子就诊凭证（签到二维码）',
    auth: 'mp',
    params: IdParams,
    response: S.Ticket,
    handler: ({ actor, params }) => myTicket(actor, params.id),
  });
}
