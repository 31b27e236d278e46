import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
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
}
