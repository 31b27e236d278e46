import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import {
  LoginLogPage,
  LoginLogQuery,
  OnlinePage,
  OnlineQuery,
  OperLog,
  OperLogPage,
  OperLogQuery,
  SessionParams,
} from './schemas';
import { forceLogout, getOperLog, listLoginLogs, listOnline, listOperLogs } from './service';

export function monitorRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/monitor/oper-logs',
    summary: '操作日志',
    auth: 'admin',
    perm: 'monitor:operlog:list',
    query: OperLogQuery,
    response: OperLogPage,
    handler: ({ query }) => listOperLogs(query),
  });
  t.add({
    method: 'get',
    path: '/monitor/oper-logs/:id',
    summary: '操作日志详情',
    auth: 'admin',
    perm: 'monitor:operlog:list',
    params: IdParams,
    response: OperLog,
    handler: ({ params }) => getOperLog(params.id),
  });
  t.add({
    method: 'get',
    path: '/monitor/login-logs',
    summary: '登录日志',
    auth: 'admin',
    perm: 'monitor:logininfor:list',
    query: LoginLogQuery,
    response: LoginLogPage,
    handler: ({ query }) => listLoginLogs(query),
  });
  t.add({
    method: 'get',
    path: '/monitor/online',
    summary: '在线用户',
    auth: 'admin',
    perm: 'monitor:online:list',
    query: OnlineQuery,
    response: OnlinePage,
    handler: ({ actor, query }) => listOnline(actor, query),
  });
  t.add({
    method: 'delete',
    path: '/monitor/online/:sessionId',
    summary: '强制下线',
    auth: 'admin',
    perm: 'monitor:online:forceLogout',
    params: SessionParams,
    audit: 'monitor',
    handler: async ({ actor, params }) => void (await forceLogout(actor, params.sessionId)),
  });
}
