import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { DeptNode, PostOption, StaffApplication, StaffApplyBody } from './schemas';
import { publicDeptTree } from './depts';
import { postOptions } from './posts';
import { applyForStaff, myStaffApplication } from './staff';

export function systemMpRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/departments',
    summary: '科室列表（树）',
    auth: 'mp',
    response: z.array(DeptNode),
    handler: () => publicDeptTree(),
  });
  t.add({
    method: 'get',
    path: '/positions',
    summary: '岗位列表',
    auth: 'mp',
    response: z.array(PostOption),
    handler: () => postOptions(),
  });
  t.add({
    method: 'post',
    path: '/staff-applications',
    summary: '申请工作人员账号',
    auth: 'mp',
    body: StaffApplyBody,
    response: StaffApplication,
    handler: ({ actor, body }) => applyForStaff(actor, body),
  });
  t.add({
    method: 'get',
    path: '/staff-applications/mine',
    summary: '我的工作人员申请',
    auth: 'mp',
    response: StaffApplication.nullable(),
    handler: async ({ actor }) => (await myStaffApplication(actor)) ?? null,
  });
}
