import type { RouteTree } from '../../http/route';
import { PageQuery } from '../../http/schemas';
import * as S from './schemas';
import { finishArticle, myTasks, openContent, reportPosition } from './service';
import { staffActorOf } from './staff';

/**
 * 我的学习 for staff in the mini-program: the console's four operations, for the staff account linked to the WeChat
 * user (staffActorOf checks it is active and holds learning:my:list). Same services, same server-kept progress.
 */
export function learningMpRoutes(t: RouteTree) {
  const mp = 'mp' as const;
  t.add({
    method: 'get',
    path: '/learning/my-tasks',
    summary: '我的学习（已开通账号的医院工作人员）',
    auth: mp,
    query: PageQuery,
    response: S.MyTaskPage,
    handler: async ({ actor, query }) => myTasks(await staffActorOf(actor), query),
  });
  t.add({
    method: 'get',
    path: '/learning/contents/:contentId',
    summary: '打开学习内容（开始计时）',
    auth: mp,
    params: S.ContentParams,
    response: S.OpenedContent,
    handler: async ({ actor, params }) => openContent(await staffActorOf(actor), params.contentId),
  });
  t.add({
    method: 'post',
    path: '/learning/contents/:contentId/finish',
    summary: '文章已读到末尾（服务端按阅读时长核验）',
    auth: mp,
    params: S.ContentParams,
    response: S.Progress,
    status: 200,
    handler: async ({ actor, params }) => finishArticle(await staffActorOf(actor), params.contentId),
  });
  t.add({
    method: 'post',
    path: '/learning/contents/:contentId/position',
    summary: '视频播放位置上报（服务端累计观看进度）',
    auth: mp,
    params: S.ContentParams,
    body: S.PositionInput,
    response: S.Progress,
    status: 200,
    handler: async ({ actor, params, body }) =>
      reportPosition(await staffActorOf(actor), params.contentId, body.position),
  });
}
