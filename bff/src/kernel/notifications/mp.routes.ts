import type { RouteTree } from '../../http/route';
import { IdParams, PageQuery } from '../../http/schemas';
import * as S from './schemas';
import { myNotices, readNotice, recordSubscriptions, subscriptionQuota, templateId } from './service';

export function notificationMpRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/notices',
    summary: '我的消息',
    auth: 'mp',
    query: PageQuery,
    response: S.NoticePage,
    handler: ({ actor, query }) => myNotices(actor, query),
  });
  t.add({
    method: 'post',
    path: '/notices/:id/read',
    summary: '标记已读',
    auth: 'mp',
    params: IdParams,
    status: 204,
    handler: async ({ actor, params }) => void (await readNotice(actor, params.id)),
  });
  t.add({
    method: 'get',
    path: '/notifications/templates',
    summary: '订阅消息模板 ID（按名称）',
    auth: 'mp',
    query: S.TemplateQuery,
    response: S.TemplateIds,
    handler: ({ query }) => ({
      templates: Object.fromEntries(
        query.names.split(',').flatMap((n) => (templateId(n) ? [[n, templateId(n)!]] : [])),
      ),
    }),
  });
  t.add({
    method: 'post',
    path: '/notifications/subscriptions',
    summary: '记录订阅消息授权结果（wx.requestSubscribeMessage）',
    auth: 'mp',
    body: S.SubscriptionResult,
    response: S.SubscriptionQuota,
    status: 200,
    handler: ({ actor, body }) => recordSubscriptions(actor, body),
  });
  t.add({
    method: 'get',
    path: '/notifications/subscriptions',
    summary: '订阅消息剩余次数',
    auth: 'mp',
    response: S.SubscriptionQuota,
    handler: ({ actor }) => subscriptionQuota(actor),
  });
}
