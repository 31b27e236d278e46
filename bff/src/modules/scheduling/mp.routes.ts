import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import { bookingDeptTree, searchDoctors, sessionsOnDate } from './browse';
import { bookingDepartments, doctorCard, doctorSchedules, doctorsOfDept, publicSchedule } from './service';

export function schedulingMpRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/booking/departments',
    summary: '可预约科室（可搜索）',
    auth: 'mp',
    query: S.DeptSearch,
    response: z.array(S.BookingDept),
    handler: ({ query }) => bookingDepartments(query.keyword),
  });
  t.add({
    method: 'get',
    path: '/booking/doctors',
    summary: '科室医生与最近可约日期',
    auth: 'mp',
    query: S.DoctorQuery,
    response: z.array(S.DoctorCard),
    handler: ({ query }) => doctorsOfDept(query.deptId),
  });
  t.add({
    method: 'get',
    path: '/booking/doctors/:id',
    summary: '医生主页',
    auth: 'mp',
    params: IdParams,
    response: S.DoctorCard,
    handler: ({ params }) => doctorCard(params.id),
  });
  t.add({
    method: 'get',
    path: '/booking/doctors/:id/schedules',
    summary: '医生 7 天排班与余号',
    auth: 'mp',
    params: IdParams,
    response: z.array(S.ScheduleView),
    handler: ({ params }) => doctorSchedules(params.id),
  });
  t.add({
    method: 'get',
    path: '/booking/schedules/:id',
    summary: '排班详情',
    auth: 'mp',
    params: IdParams,
    response: S.ScheduleView,
    handler: ({ params }) => publicSchedule(params.id),
  });
  t.add({
    method: 'get',
    path: '/booking/dept-tree',
    summary: '科室树（大科 › 小科，只含有医生的科室）',
    auth: 'mp',
    response: S.BookingDeptTree,
    handler: () => bookingDeptTree(),
  });
  t.add({
    method: 'get',
    path: '/booking/doctor-search',
    summary: '按医生姓名或擅长搜索',
    auth: 'mp',
    query: S.DoctorSearch,
    response: z.array(S.DoctorCard),
    handler: ({ query }) => searchDoctors(query.keyword),
  });
  t.add({
    method: 'get',
    path: '/booking/by-date',
    summary: '按日期：当天出诊的医生与余号',
    auth: 'mp',
    query: S.DateQuery,
    response: z.array(S.ScheduleView),
    handler: ({ query }) => sessionsOnDate(query.date, query.deptId),
  });
}
