import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import {
  StatsQuery,
  StatsRange,
  StatsToday,
  CacheInfo,
  NamespaceCleared,
  NamespaceParams,
  ServerInfo,
  CronPreview,
  CronPreviewQuery,
  Job,
  JobList,
  JobParams,
  JobQueued,
  JobRunPage,
  JobRunQuery,
  JobUpdate,
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
import { cronPreview, listJobRuns, listJobs, runJobOnce, setJobPaused, updateJob } from './jobs';
import { MONITOR_PERMS as P } from './perms';
import { serverInfo } from './server-info';
import { cacheInfo, clearNamespace } from './cache';
import { exportStats, statsRange, statsToday } from './stats';

export function monitorRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/monitor/oper-logs',
    summary: '操作日志',
    auth: 'admin',
    perm: P.operlogList,
    query: OperLogQuery,
    response: OperLogPage,
    handler: ({ query }) => listOperLogs(query),
  });
  t.add({
    method: 'get',
    path: '/monitor/oper-logs/:id',
    summary: '操作日志详情',
    auth: 'admin',
    perm: P.operlogList,
    params: IdParams,
    response: OperLog,
    handler: ({ params }) => getOperLog(params.id),
  });
  t.add({
    method: 'get',
    path: '/monitor/login-logs',
    summary: '登录日志',
    auth: 'admin',
    perm: P.logininforList,
    query: LoginLogQuery,
    response: LoginLogPage,
    handler: ({ query }) => listLoginLogs(query),
  });
  t.add({
    method: 'get',
    path: '/monitor/online',
    summary: '在线用户',
    auth: 'admin',
    perm: P.onlineList,
    query: OnlineQuery,
    response: OnlinePage,
    handler: ({ actor, query }) => listOnline(actor, query),
  });
  t.add({
    method: 'delete',
    path: '/monitor/online/:sessionId',
    summary: '强制下线',
    auth: 'admin',
    perm: P.onlineForceLogout,
    params: SessionParams,
    audit: 'monitor',
    handler: async ({ actor, params }) => void (await forceLogout(actor, params.sessionId)),
  });

  jobRoutes(t);
  t.add({
    method: 'get',
    path: '/monitor/server',
    summary: '服务监控：主机、进程、数据库连接池、请求量与各实例心跳',
    auth: 'admin',
    perm: P.serverList,
    response: ServerInfo,
    handler: () => serverInfo(),
  });
  t.add({
    method: 'get',
    path: '/monitor/cache',
    summary: '缓存监控：Redis INFO、命令统计、各命名空间键数（SCAN）',
    auth: 'admin',
    perm: P.cacheList,
    response: CacheInfo,
    handler: () => cacheInfo(),
  });
  t.add({
    method: 'delete',
    path: '/monitor/cache/namespaces/:name',
    summary: '清理一个缓存命名空间',
    auth: 'admin',
    perm: P.cacheClear,
    params: NamespaceParams,
    response: NamespaceCleared,
    audit: 'monitor',
    handler: ({ params }) => clearNamespace(params.name),
  });
}

function jobRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/monitor/jobs',
    summary: '定时任务列表',
    auth: 'admin',
    perm: P.jobList,
    response: JobList,
    handler: () => listJobs(),
  });
  t.add({
    method: 'get',
    path: '/monitor/jobs/cron-preview',
    summary: '校验 cron 表达式并给出接下来五次运行时间',
    auth: 'admin',
    perm: P.jobList,
    query: CronPreviewQuery,
    response: CronPreview,
    handler: ({ query }) => cronPreview(query.cron),
  });
  t.add({
    method: 'put',
    path: '/monitor/jobs/:name',
    summary: '修改定时任务（cron、并发策略）',
    auth: 'admin',
    perm: P.jobEdit,
    params: JobParams,
    body: JobUpdate,
    response: Job,
    audit: 'monitor',
    handler: ({ params, body }) => updateJob(params.name, body),
  });
  t.add({
    method: 'post',
    path: '/monitor/jobs/:name/pause',
    summary: '暂停定时任务',
    auth: 'admin',
    perm: P.jobChangeStatus,
    params: JobParams,
    response: Job,
    status: 200,
    audit: 'monitor',
    handler: ({ params }) => setJobPaused(params.name, true),
  });
  t.add({
    method: 'post',
    path: '/monitor/jobs/:name/resume',
    summary: '恢复定时任务',
    auth: 'admin',
    perm: P.jobChangeStatus,
    params: JobParams,
    response: Job,
    status: 200,
    audit: 'monitor',
    handler: ({ params }) => setJobPaused(params.name, false),
  });
  t.add({
    method: 'post',
    path: '/monitor/jobs/:name/run',
    summary: '立即执行一次',
    auth: 'admin',
    perm: P.jobRun,
    params: JobParams,
    status: 202,
    response: JobQueued,
    audit: 'monitor',
    handler: ({ params }) => runJobOnce(params.name),
  });
  t.add({
    method: 'get',
    path: '/monitor/jobs/:name/runs',
    summary: '定时任务运行日志',
    auth: 'admin',
    perm: P.jobList,
    params: JobParams,
    query: JobRunQuery,
    response: JobRunPage,
    handler: ({ params, query }) => listJobRuns(params.name, query),
  });
  t.add({
    method: 'get',
    path: '/monitor/stats',
    summary: '统计分析：按日、按科室（来自统计汇总，不扫描业务表）',
    auth: 'admin',
    perm: P.statsList,
    query: StatsQuery,
    response: StatsRange,
    handler: ({ actor, query }) => statsRange(actor, query),
  });
  t.add({
    method: 'get',
    path: '/monitor/stats/export',
    summary: '导出统计分析（Excel：按日、按科室）',
    auth: 'admin',
    perm: P.statsExport,
    query: StatsQuery,
    audit: 'monitor',
    handler: async ({ actor, query, ctx }) => {
      const r = await exportStats(actor, query);
      ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      ctx.attachment(`统计分析-${r.from}-${r.to}.xlsx`);
      return r.buffer;
    },
  });
  t.add({
    method: 'get',
    path: '/monitor/stats/today',
    summary: '首页：今日数据（按当前用户的数据范围）',
    auth: 'admin',
    response: StatsToday,
    handler: ({ actor }) => statsToday(actor),
  });
}
