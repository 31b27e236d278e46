import type { Context } from 'koa';
import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import { AccessLogPage } from '../../kernel/audit/schemas';
import { listAccessLogs } from '../../kernel/audit/service';
import { assertSeesPatient } from './access';
import { searchDrugs, searchIcd10 } from './dicts';
import * as S from './schemas';
import {
  amendRecord,
  callNext,
  getProfile,
  getRecord,
  markNoShow,
  openRecord,
  patientRecords,
  recordVersions,
  saveDraft,
  savePrescription,
  saveProfile,
  signRecord,
  todayQueue,
} from './service';
import { RECORDS_PERMS as P } from './perms';

const readOrigin = (ctx: Context) => ({ ip: ctx.ip, requestId: ctx.state.requestId as string | undefined });
const PatientIdParams = z.object({ id: z.coerce.number().int().positive() });
const AccessQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export function recordsAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  t.add({
    method: 'get',
    path: '/records/icd10',
    summary: 'ICD-10 诊断字典（编码、名称、拼音首字母）',
    auth: a,
    perm: P.visitEdit,
    query: S.DictQuery,
    response: z.array(S.Icd10),
    handler: ({ query }) => searchIcd10(query),
  });
  t.add({
    method: 'get',
    path: '/records/drugs',
    summary: '药品字典（名称、拼音首字母）',
    auth: a,
    perm: P.visitEdit,
    query: S.DictQuery,
    response: z.array(S.Drug),
    handler: ({ query }) => searchDrugs(query),
  });
  t.add({
    method: 'get',
    path: '/records/clinic/today',
    summary: '今日接诊队列',
    auth: a,
    perm: P.clinicList,
    response: S.Queue,
    handler: ({ actor, ctx }) => todayQueue(actor, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/records/clinic/call-next',
    summary: '叫号（下一位待诊患者）',
    auth: a,
    perm: P.clinicCall,
    response: S.CallNextResult,
    status: 200,
    audit: 'records',
    handler: ({ actor }) => callNext(actor),
  });
  t.add({
    method: 'put',
    path: '/records/clinic/appointments/:id/no-show',
    summary: '过号（标记爽约）',
    auth: a,
    perm: P.clinicCall,
    params: IdParams,
    audit: 'records',
    handler: async ({ actor, params }) => void (await markNoShow(actor, params.id)),
  });
  t.add({
    method: 'post',
    path: '/records/visits',
    summary: '从预约打开门诊病历（草稿）',
    auth: a,
    perm: P.visitEdit,
    body: S.OpenBody,
    response: S.VisitRecord,
    status: 200,
    audit: 'records',
    handler: ({ actor, body, ctx }) => openRecord(actor, body.appointmentId, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/records/visits',
    summary: '患者的门诊病历',
    auth: a,
    perm: P.visitList,
    query: S.PatientRecordsQuery,
    response: z.object({
      items: z.array(S.RecordSummary),
      total: z.number().int(),
      page: z.number().int(),
      pageSize: z.number().int(),
    }),
    handler: ({ actor, query, ctx }) => patientRecords(actor, query, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/records/visits/:id',
    summary: '门诊病历详情（含处方）',
    auth: a,
    perm: P.visitList,
    params: IdParams,
    response: S.VisitRecord,
    handler: ({ actor, params, ctx }) => getRecord(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'put',
    path: '/records/visits/:id',
    summary: '保存病历草稿（自动保存）',
    auth: a,
    perm: P.visitEdit,
    params: IdParams,
    body: S.RecordContent,
    response: S.DraftSaved,
    // Autosave runs every few seconds: the record's own versions say who wrote what; the operation log would
    // otherwise copy the clinical text into a table that is not encrypted.
    audit: false,
    handler: ({ actor, params, body }) => saveDraft(actor, params.id, body),
  });
  t.add({
    method: 'put',
    path: '/records/visits/:id/prescription',
    summary: '保存处方（草稿）',
    auth: a,
    perm: P.visitEdit,
    params: IdParams,
    body: S.RxBody,
    response: S.PrescriptionView,
    audit: false,
    handler: ({ actor, params, body, ctx }) => savePrescription(actor, params.id, body.items, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/records/visits/:id/sign',
    summary: '签名（锁定病历与处方）',
    auth: a,
    perm: P.visitSign,
    params: IdParams,
    body: S.SignBody,
    response: S.VisitRecord,
    status: 200,
    audit: 'records',
    handler: ({ actor, params, body, ctx }) => signRecord(actor, params.id, body, readOrigin(ctx)),
  });
  t.add({
    method: 'post',
    path: '/records/visits/:id/amendments',
    summary: '修订已签名病历（保留历次版本）',
    auth: a,
    perm: P.visitAmend,
    params: IdParams,
    body: S.AmendBody,
    response: S.VisitRecord,
    status: 200,
    audit: false,
    handler: ({ actor, params, body, ctx }) => amendRecord(actor, params.id, body, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/records/visits/:id/versions',
    summary: '病历的历次签名版本',
    auth: a,
    perm: P.visitList,
    params: IdParams,
    response: z.array(S.RecordVersion),
    handler: ({ actor, params, ctx }) => recordVersions(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/records/patients/:id/profile',
    summary: '健康档案',
    auth: a,
    perm: P.visitList,
    params: PatientIdParams,
    response: S.Profile,
    handler: ({ actor, params, ctx }) => getProfile(actor, params.id, readOrigin(ctx)),
  });
  t.add({
    method: 'put',
    path: '/records/patients/:id/profile',
    summary: '更新健康档案',
    auth: a,
    perm: P.profileEdit,
    params: PatientIdParams,
    body: S.ProfileBody,
    response: S.Profile,
    audit: false,
    handler: ({ actor, params, body }) => saveProfile(actor, params.id, body),
  });
  t.add({
    method: 'get',
    path: '/records/patients/:id/access-logs',
    summary: '患者数据的访问记录',
    auth: a,
    perm: P.accessList,
    params: PatientIdParams,
    query: AccessQuery,
    response: AccessLogPage,
    handler: async ({ actor, params, query }) => {
      await assertSeesPatient(actor, params.id);
      return listAccessLogs({ ...query, patientId: params.id });
    },
  });
}
