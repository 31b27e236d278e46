import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import { myPrescriptions, myProfile, myRecord, myRecords } from './service';

/** The patient's own family members' signed records, prescriptions and health profile (nothing unsigned). */
export function recordsMpRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/records/patients/:patientId/visits',
    summary: '就诊记录（已签名）',
    auth: 'mp',
    params: S.PatientParams,
    response: z.array(S.RecordSummary),
    handler: ({ actor, params }) => myRecords(actor, params.patientId),
  });
  t.add({
    method: 'get',
    path: '/records/visits/:id',
    summary: '就诊记录详情',
    auth: 'mp',
    params: IdParams,
    response: S.MpRecord,
    handler: ({ actor, params }) => myRecord(actor, params.id),
  });
  t.add({
    method: 'get',
    path: '/records/patients/:patientId/prescriptions',
    summary: '处方（已签名）',
    auth: 'mp',
    params: S.PatientParams,
    response: z.array(S.MpPrescription),
    handler: ({ actor, params }) => myPrescriptions(actor, params.patientId),
  });
  t.add({
    method: 'get',
    path: '/records/patients/:patientId/profile',
    summary: '健康档案',
    auth: 'mp',
    params: S.PatientParams,
    response: S.Profile,
    handler: ({ actor, params }) => myProfile(actor, params.patientId),
  });
}
