import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

export const OperLog = z.object({
  id: z.number().int(),
  userId: z.number().int().nullable(),
  username: z.string().nullable(),
  module: z.string(),
  action: z.string(),
  method: z.string(),
  path: z.string(),
  target: z.string().nullable(),
  params: z.unknown().describe('request parameters with personal data masked'),
  status: z.enum(['success', 'fail']),
  errorCode: z.string().nullable(),
  ip: z.string().nullable(),
  durationMs: z.number().int(),
  createdAt: z.date(),
});
export type OperLog = z.infer<typeof OperLog>;
export const OperLogQuery = PageQuery.extend({
  username: z.string().max(64).optional(),
  module: z.string().max(32).optional(),
  status: z.enum(['success', 'fail']).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export const OperLogPage = pageOf(OperLog);

export const LoginLog = z.object({
  id: z.number().int(),
  username: z.string(),
  userId: z.number().int().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  status: z.enum(['success', 'fail', 'locked']),
  message: z.string(),
  locked: z.boolean().describe('the account is locked right now'),
  createdAt: z.date(),
});
export type LoginLog = z.infer<typeof LoginLog>;
export const LoginLogQuery = PageQuery.extend({
  username: z.string().max(64).optional(),
  status: z.enum(['success', 'fail', 'locked']).optional(),
  ip: z.string().max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export const LoginLogPage = pageOf(LoginLog);

export const OnlineSession = z.object({
  sessionId: z.string(),
  userId: z.number().int(),
  username: z.string(),
  name: z.string(),
  deptName: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  loginAt: z.date(),
  lastSeenAt: z.date(),
});
export type OnlineSession = z.infer<typeof OnlineSession>;
export const OnlineQuery = PageQuery.extend({ username: z.string().max(64).optional() });
export const OnlinePage = pageOf(OnlineSession);
export const SessionParams = z.object({ sessionId: z.uuid() });

const ScheduleView = z.object({
  cron: z.string().nullable().describe('cron expression (Asia/Shanghai), or null for an interval'),
  everyMs: z.number().int().nullable(),
});
export const Job = z.object({
  name: z.string(),
  title: z.string(),
  schedule: ScheduleView.describe('the schedule in force'),
  defaultSchedule: ScheduleView.describe('as declared in code'),
  customCron: z.string().nullable().describe('set in the console; null: the code schedule'),
  overridden: z.boolean().describe('JOB_EVERY_SEC replaces the schedule on this installation'),
  paused: z.boolean(),
  concurrency: z.enum(['forbid', 'allow']),
  runCount: z.number().int(),
  failCount: z.number().int(),
  lastRunAt: z.date().nullable(),
  lastStatus: z.enum(['success', 'failed']).nullable(),
  lastDurationMs: z.number().int().nullable(),
  nextRuns: z.array(z.date()),
});
export type Job = z.infer<typeof Job>;
export const JobList = z.array(Job);
export const JobParams = z.object({ name: z.string().regex(/^[\w-]{1,64}$/, '任务名称无效') });
export const CronText = z.string().trim().min(1, '请输入 cron 表达式').max(128, 'cron 表达式过长');
export const JobUpdate = z
  .object({
    cron: CronText.nullable().optional().describe('null restores the schedule declared in code'),
    concurrency: z.enum(['forbid', 'allow']).optional(),
  })
  .refine((b) => b.cron !== undefined || b.concurrency !== undefined, '没有要修改的内容');
export const JobQueued = z.object({ name: z.string(), queuedAt: z.date() });
export const CronPreviewQuery = z.object({ cron: CronText });
export const CronPreview = z.object({ cron: z.string(), nextRuns: z.array(z.date()) });
export const JobRunView = z.object({
  id: z.number().int(),
  jobName: z.string(),
  trigger: z.enum(['schedule', 'manual']),
  scheduledAt: z.date().nullable(),
  startedAt: z.date(),
  durationMs: z.number().int().nullable(),
  status: z.enum(['running', 'success', 'failed', 'skipped']),
  result: z.string().nullable(),
  error: z.string().nullable(),
  instance: z.string(),
});
export type JobRunView = z.infer<typeof JobRunView>;
export const JobRunQuery = PageQuery.extend({ status: z.enum(['running', 'success', 'failed', 'skipped']).optional() });
export const JobRunPage = pageOf(JobRunView);

const num = z.number();
export const Instance = z.object({
  id: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  url: z.string(),
  node: z.string(),
  startedAt: z.date(),
  lastSeen: z.date(),
  rssBytes: num,
  load1: num,
  eventLoopP99Ms: num,
  requestsLastHour: z.number().int(),
  errorsLastHour: z.number().int(),
  self: z.boolean().describe('the instance that answered this request'),
  stale: z.boolean().describe('missed three heartbeats'),
});
const RequestCounts = z.object({ requests: z.number().int(), errors: z.number().int() });
export const ServerInfo = z.object({
  instance: z.string(),
  mode: z.enum(['embedded', 'production']),
  os: z.object({
    hostname: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cpuCount: z.number().int(),
    cpuUsagePercent: num,
    load: z.array(num),
    memTotalBytes: num,
    memFreeBytes: num,
    uptimeSec: num,
  }),
  disk: z.object({ path: z.string(), totalBytes: num, freeBytes: num }).nullable(),
  process: z.object({
    node: z.string(),
    pid: z.number().int(),
    uptimeSec: num,
    rssBytes: num,
    heapUsedBytes: num,
    heapTotalBytes: num,
    externalBytes: num,
    eventLoopLagMs: z.object({ mean: num, p50: num, p99: num, max: num }),
  }),
  dbPool: z
    .object({
      dialect: z.string(),
      max: z.number().int(),
      size: z.number().int(),
      available: z.number().int(),
      using: z.number().int(),
      waiting: z.number().int(),
    })
    .nullable()
    .describe('null in embedded mode (SQLite has one connection)'),
  requests: z.object({
    perMinute: z.array(RequestCounts.extend({ at: z.date() })).describe('this instance, oldest first; errors = 5xx'),
    lastHour: RequestCounts,
    allInstancesLastHour: RequestCounts,
  }),
  instances: z.array(Instance),
});
export type ServerInfo = z.infer<typeof ServerInfo>;

export const CacheInfo = z.object({
  mode: z.enum(['embedded', 'redis']),
  description: z.string(),
  redis: z
    .object({
      version: z.string(),
      mode: z.string(),
      uptimeSec: num,
      connectedClients: num,
      usedMemoryBytes: num,
      usedMemoryHuman: z.string(),
      peakMemoryHuman: z.string(),
      maxMemoryBytes: num,
      keyspaceHits: num,
      keyspaceMisses: num,
      hitRate: num.nullable(),
      totalKeys: num,
      opsPerSec: num,
    })
    .nullable(),
  commandStats: z.array(z.object({ command: z.string(), calls: num, usec: num })),
  namespaces: z.object({
    truncated: z.boolean().describe('SCAN stopped at its limit; counts are partial'),
    items: z.array(z.object({ name: z.string(), keys: z.number().int(), protected: z.boolean() })),
  }),
});
export type CacheInfo = z.infer<typeof CacheInfo>;
export const NamespaceParams = z.object({ name: z.string().regex(/^[\w-]{1,64}$/, '命名空间无效') });
export const NamespaceCleared = z.object({ name: z.string(), deleted: z.number().int() });

const day = z.iso.date();
const StatsCounts = z.object({
  newPatients: z.number().int(),
  bookings: z.number().int(),
  cancellations: z.number().int(),
  payments: z.number().int(),
  paidFen: z.number().int(),
  refunds: z.number().int(),
  refundedFen: z.number().int(),
  consultations: z.number().int().describe('consultations opened (图文问诊)'),
  eduReads: z.number().int().describe('education articles and videos opened by patients'),
});
export const StatsQuery = z.object({
  from: day.describe('first day, Asia/Shanghai'),
  to: day.describe('last day, Asia/Shanghai'),
  deptId: z.coerce.number().int().min(1).optional(),
});
export const StatsRange = z.object({
  from: z.string(),
  to: z.string(),
  days: z.array(StatsCounts.extend({ day: z.string() })),
  depts: z.array(StatsCounts.extend({ deptId: z.number().int(), deptName: z.string() })),
  totals: StatsCounts,
  updatedAt: z.date().nullable().describe('when the roll-up job last refreshed these rows'),
});
export type StatsRange = z.infer<typeof StatsRange>;
export const StatsToday = StatsCounts.extend({
  day: z.string(),
  allDepartments: z.boolean().describe('false: the figures cover the caller’s departments only'),
  updatedAt: z.date().nullable(),
});
export type StatsToday = z.infer<typeof StatsToday>;
