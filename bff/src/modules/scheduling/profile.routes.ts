import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './profile-schemas';
import { getDoctorProfile, listDoctorProfiles, listLevels, updateDoctorProfile, updateLevel } from './profiles';

/** 门诊管理 › 医生管理: doctor profiles and the 号别 fees that price their sessions. */
export function doctorProfileRoutes(t: RouteTree) {
  const a = 'admin' as const;
  t.add({
    method: 'get',
    path: '/scheduling/doctor-profiles',
    summary: '医生资料列表（数据范围内）',
    auth: a,
    perm: 'scheduling:doctor:list',
    query: S.DoctorProfileQuery,
    response: S.DoctorProfilePage,
    handler: ({ actor, query }) => listDoctorProfiles(actor, query),
  });
  t.add({
    method: 'get',
    path: '/scheduling/doctor-profiles/:id',
    summary: '医生资料',
    auth: a,
    perm: 'scheduling:doctor:list',
    params: IdParams,
    response: S.DoctorProfileView,
    handler: ({ actor, params }) => getDoctorProfile(actor, params.id),
  });
  t.add({
    method: 'put',
    path: '/scheduling/doctor-profiles/:id',
    summary: '修改医生资料（照片、职称、号别、擅长、简介）',
    auth: a,
    perm: 'scheduling:doctor:edit',
    params: IdParams,
    body: S.DoctorProfileUpdate,
    response: S.DoctorProfileView,
    audit: 'scheduling',
    handler: ({ actor, params, body }) => updateDoctorProfile(actor, params.id, body),
  });
  t.add({
    method: 'get',
    path: '/scheduling/levels',
    summary: '号别及挂号费',
    auth: a,
    perm: 'scheduling:doctor:list',
    response: z.array(S.ClinicLevelView),
    handler: () => listLevels(),
  });
  t.add({
    method: 'put',
    path: '/scheduling/levels/:code',
    summary: '修改号别挂号费（未被预约的未来排班随之调整）',
    auth: a,
    perm: 'scheduling:level:edit',
    params: S.LevelParams,
    body: S.LevelUpdate,
    response: S.LevelUpdated,
    audit: 'scheduling',
    handler: ({ params, body }) => updateLevel(params.code, body),
  });
}
