import type { RouteTree } from '../../http/route';
import { BatchDeleted, BatchIds, IdParams } from '../../http/schemas';
import { HOSPITAL_PERMS as P } from './perms';
import * as S from './schemas';
import {
  createNotice,
  deleteNotice,
  deleteNotices,
  getNotice,
  hospitalInfo,
  listNotices,
  publicNotice,
  updateNotice,
} from './service';

export function hospitalMpRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/hospital',
    summary: '医院信息与公告（首页）',
    auth: 'public',
    response: S.HospitalInfo,
    handler: () => hospitalInfo(),
  });
  t.add({
    method: 'get',
    path: '/hospital/notices/:id',
    summary: '公告详情',
    auth: 'public',
    params: IdParams,
    response: S.PublicNotice,
    handler: ({ params }) => publicNotice(params.id),
  });
}

export function hospitalAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  t.add({
    method: 'get',
    path: '/system/notices',
    summary: '通知公告列表',
    auth: a,
    perm: P.noticeList,
    query: S.NoticeQuery,
    response: S.AdminNoticePage,
    handler: ({ query }) => listNotices(query),
  });
  t.add({
    method: 'get',
    path: '/system/notices/:id',
    summary: '通知公告详情',
    auth: a,
    perm: P.noticeList,
    params: IdParams,
    response: S.AdminNotice,
    handler: ({ params }) => getNotice(params.id),
  });
  t.add({
    method: 'post',
    path: '/system/notices',
    summary: '新增通知公告',
    auth: a,
    perm: P.noticeAdd,
    body: S.NoticeInput,
    response: S.AdminNotice,
    audit: 'hospital',
    handler: ({ actor, body }) => createNotice(actor, body),
  });
  t.add({
    method: 'put',
    path: '/system/notices/:id',
    summary: '修改通知公告（发布、下线）',
    auth: a,
    perm: P.noticeEdit,
    params: IdParams,
    body: S.NoticePatch,
    response: S.AdminNotice,
    audit: 'hospital',
    handler: ({ params, body }) => updateNotice(params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/system/notices/:id',
    summary: '删除通知公告',
    auth: a,
    perm: P.noticeRemove,
    params: IdParams,
    status: 204,
    audit: 'hospital',
    handler: async ({ params }) => void (await deleteNotice(params.id)),
  });
  t.add({
    method: 'post',
    path: '/system/notices/batch-delete',
    summary: '批量删除通知公告',
    auth: a,
    perm: P.noticeRemove,
    body: BatchIds,
    response: BatchDeleted,
    status: 200,
    audit: 'hospital',
    handler: ({ body }) => deleteNotices(body.ids),
  });
}
