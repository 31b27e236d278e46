import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams, PageQuery } from '../../http/schemas';
import * as S from './schemas';
import {
  assignableDepts,
  createTask,
  exportTask,
  finishArticle,
  listTasks,
  myTasks,
  openContent,
  remindTask,
  reportPosition,
  taskDetail,
} from './service';

import { LEARNING_PERMS } from './perms';
import { DeptNode } from '../system/schemas';

export { LEARNING_PERMS };

export function learningAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  const P = LEARNING_PERMS;
  t.add({
    method: 'get',
    path: '/learning/tasks',
    summary: '学习任务列表（本人数据范围内创建的）',
    auth: a,
    perm: P.taskList,
    query: S.TaskQuery,
    response: S.TaskPage,
    handler: ({ actor, query }) => listTasks(actor, query),
  });
  t.add({
    method: 'get',
    path: '/learning/depts',
    summary: '可布置学习任务的科室（数据范围内）',
    auth: a,
    perm: P.taskAdd,
    response: z.array(DeptNode),
    handler: ({ actor }) => assignableDepts(actor),
  });
  t.add({
    method: 'post',
    path: '/learning/tasks',
    summary: '布置学习任务',
    auth: a,
    perm: P.taskAdd,
    body: S.TaskInput,
    response: S.TaskDetail,
    audit: 'learning',
    handler: ({ actor, body }) => createTask(actor, body),
  });
  t.add({
    method: 'get',
    path: '/learning/tasks/:id',
    summary: '学习任务完成情况',
    auth: a,
    perm: P.taskList,
    params: IdParams,
    response: S.TaskDetail,
    handler: ({ actor, params }) => taskDetail(actor, params.id),
  });
  t.add({
    method: 'get',
    path: '/learning/tasks/:id/export',
    summary: '导出学习进度（Excel）',
    auth: a,
    perm: P.taskExport,
    audit: 'learning',
    params: IdParams,
    handler: async ({ actor, params, ctx }) => {
      const buf = await exportTask(actor, params.id);
      ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      ctx.attachment(`学习进度-${params.id}.xlsx`);
      return buf;
    },
  });
  t.add({
    method: 'post',
    path: '/learning/tasks/:id/remind',
    summary: '提醒未完成的人',
    auth: a,
    perm: P.taskRemind,
    params: IdParams,
    response: S.RemindResult,
    status: 200,
    audit: 'learning',
    handler: ({ actor, params }) => remindTask(actor, params.id),
  });

  t.add({
    method: 'get',
    path: '/learning/my-tasks',
    summary: '我的学习',
    auth: a,
    perm: P.myList,
    query: PageQuery,
    response: S.MyTaskPage,
    handler: ({ actor, query }) => myTasks(actor, query),
  });
  t.add({
    method: 'get',
    path: '/learning/contents/:contentId',
    summary: '打开学习内容（开始计时）',
    auth: a,
    perm: P.myList,
    params: S.ContentParams,
    response: S.OpenedContent,
    handler: ({ actor, params }) => openContent(actor, params.contentId),
  });
  t.add({
    method: 'post',
    path: '/learning/contents/:contentId/finish',
    summary: '文章已读到末尾（服务端按阅读时长核验）',
    auth: a,
    perm: P.myList,
    params: S.ContentParams,
    response: S.Progress,
    status: 200,
    audit: false,
    handler: ({ actor, params }) => finishArticle(actor, params.contentId),
  });
  t.add({
    method: 'post',
    path: '/learning/contents/:contentId/position',
    summary: '视频播放位置上报（服务端累计观看进度）',
    auth: a,
    perm: P.myList,
    params: S.ContentParams,
    body: S.PositionInput,
    response: S.Progress,
    status: 200,
    audit: false,
    handler: ({ actor, params, body }) => reportPosition(actor, params.contentId, body.position),
  });
}
