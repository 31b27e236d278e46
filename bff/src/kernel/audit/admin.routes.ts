import type { RouteTree } from '../../http/route';
import { AccessLogPage, AccessLogQuery } from './schemas';
import { listAccessLogs } from './service';

/** Permission to read the data-access log (系统监控 → 操作日志 button). */
export const ACCESS_LOG_LIST = 'monitor:accesslog:list';

export function accessLogRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/monitor/access-logs',
    summary: '数据访问日志（患者医疗数据的读取）',
    auth: 'admin',
    perm: ACCESS_LOG_LIST,
    query: AccessLogQuery,
    response: AccessLogPage,
    handler: ({ query }) => listAccessLogs(query),
  });
}
