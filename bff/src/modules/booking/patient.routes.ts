import type { Context } from 'koa';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './patient-schemas';
import { liftSuspension, patientDetail, revealPhone, searchPatients } from './patients';

const readOrigin = (ctx: Context) => ({ ip: ctx.ip, requestId: ctx.state.requestId as string | undefined });

/** 门诊管理 › 患者管理, and the phone reveal used wherever the console masks a patient's number. */
export function patientAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  t.add({
    method: 'get',
    path: '/booking/patients',
    summary: '患者查询（就诊人，证件号与手机号脱敏）',
    auth: a,
    perm: 'booking:patient:list',
    query: S.PatientSearch,
    response: S.PatientPage,
    handler: ({ actor, query, ctx }) => searchPatients(actor, query, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/booking/patients/:id',
    summary: '患者详情（家庭成员、预约、爽约记录）',
    auth: a,
    perm: 'booking:patient:list',
    params: IdParams,
    response: S.PatientDetail,
    handler: ({ actor, params, ctx }) => patientDetail(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/booking/patients/:id/lift-suspension',
    summary: '解除爽约暂停预约',
    auth: a,
    perm: 'booking:patient:lift',
    params: IdParams,
    body: S.LiftBody,
    response: S.Lifted,
    status: 200,
    audit: 'booking',
    handler: ({ actor, params, body }) => liftSuspension(actor, params.id, body.reason),
  });
  t.add({
    method: 'post',
    path: '/booking/patients/:id/phone',
    summary: '查看患者完整手机号（逐个查看，留痕）',
    auth: a,
    perm: 'booking:patient:phone',
    params: IdParams,
    response: S.RevealedPhone,
    status: 200,
    audit: 'booking',
    handler: ({ actor, params, ctx }) => revealPhone(actor, params.id, readOrigin(ctx)),
  });
}
