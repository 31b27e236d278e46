import { literal, Op } from 'sequelize';
import { infra } from '../../infra';
import { nextRuns, parseCron, type JobSchedule, type JobStore, type RunOutcome } from '../../infra/jobs';
import { badRequest, notFound } from '../../http/errors';
import { JobRow, JobRun } from './models';

/** How the console names the jobs the modules register; a job missing here shows its code name. */
const JOB_TITLES: Record<string, string> = {
  'booking-hold-expiry': '释放超时未支付的号源',
  'booking-visit-reminder': '就诊前一天提醒患者',
  'booking-seat-recount': '核对号源计数（修正中断的预约多占的号）',
  'payment-reconcile': '支付对账（查询微信支付订单）',
  'payment-daily-bill': '每日对账（下载微信支付交易账单核对）',
  'log-retention': '清理过期的操作与登录日志',
  'stats-rollup': '统计汇总（按日、按科室）',
  'demo-schedule-roll': '演示数据：滚动生成排班',
};

const TEXT_MAX = 2000;
const text = (v: string) => (v.length > TEXT_MAX ? v.slice(0, TEXT_MAX) + '…' : v);

function describeError(err: unknown) {
  if (err instanceof Error) return text(`${err.name}: ${err.message}`);
  return text(String(err));
}

/** The runners' JobStore over sys_job / sys_job_run (handed to infra.jobs by server.ts). */
export const jobStore: JobStore = {
  async sync(jobs) {
    if (!jobs.length) return;
    // INSERT IGNORE: several instances starting at once, or a row the console already changed, are both fine.
    await JobRow.bulkCreate(
      jobs.map((j) => ({ name: j.name, cron: null, concurrency: j.concurrency })),
      { ignoreDuplicates: true },
    );
  },
  async setting(name) {
    const row = await JobRow.findByPk(name);
    return row ? { cron: row.cron, paused: row.paused, concurrency: row.concurrency } : undefined;
  },
  async started(run) {
    const row = await JobRun.create({
      jobName: run.name,
      trigger: run.trigger,
      scheduledAt: run.scheduledAt,
      startedAt: new Date(),
      durationMs: null,
      status: 'running',
      result: null,
      error: null,
      instance: run.instance.slice(0, 128),
    });
    return row.id;
  },
  async finished(runId, name, outcome: RunOutcome) {
    // The run's row and the job's counts change together: 定时任务's run count is always the number of finished runs
    // in its log, whenever it is read (CI once read them a moment apart and found one run more in the log).
    await infra().sequelize.transaction(async (transaction) => {
      await JobRun.update(
        {
          durationMs: outcome.durationMs,
          status: outcome.status,
          result:
            outcome.status === 'success'
              ? outcome.result === undefined
                ? null
                : text(JSON.stringify(outcome.result) ?? String(outcome.result))
              : outcome.status === 'skipped'
                ? outcome.reason
                : null,
          error: outcome.status === 'failed' ? describeError(outcome.error) : null,
        },
        { where: { id: runId }, transaction },
      );
      if (outcome.status === 'skipped') return;
      // Counted in the statement, so runs finishing at once on two instances both count.
      await JobRow.update(
        {
          runCount: literal('run_count + 1'),
          failCount: outcome.status === 'failed' ? literal('fail_count + 1') : literal('fail_count'),
          lastRunAt: new Date(),
          lastStatus: outcome.status,
          lastDurationMs: outcome.durationMs,
        },
        { where: { name }, transaction },
      );
    });
  },
};

function registered(name: string) {
  if (!infra().jobs.has(name)) throw notFound('定时任务不存在');
}

const scheduleView = (s: JobSchedule) =>
  'cron' in s ? { cron: s.cron, everyMs: null } : { cron: null, everyMs: s.everyMs };

/** Every job the running code registers, with its setting, counts and next five run times. */
export async function listJobs() {
  const { jobs } = infra();
  const infos = jobs.jobs();
  const rows = new Map(
    (await JobRow.findAll({ where: { name: infos.map((j) => j.name) } })).map((r) => [r.name, r] as const),
  );
  return infos.map((j) => {
    const row = rows.get(j.name);
    const setting = row ? { cron: row.cron, paused: row.paused, concurrency: row.concurrency } : undefined;
    const schedule = jobs.effectiveSchedule(j.name, setting);
    return {
      name: j.name,
      title: JOB_TITLES[j.name] ?? j.name,
      schedule: scheduleView(schedule),
      defaultSchedule: scheduleView(j.schedule),
      customCron: row?.cron ?? null,
      overridden: j.overridden,
      paused: row?.paused ?? false,
      concurrency: row?.concurrency ?? j.concurrency,
      runCount: row?.runCount ?? 0,
      failCount: row?.failCount ?? 0,
      lastRunAt: row?.lastRunAt ?? null,
      lastStatus: row?.lastStatus ?? null,
      lastDurationMs: row?.lastDurationMs ?? null,
      nextRuns: row?.paused ? [] : nextRuns(schedule),
    };
  });
}

export async function getJob(name: string) {
  registered(name);
  return (await listJobs()).find((j) => j.name === name)!;
}

const CRON_FIELDS: Record<string, string> = {
  second: '秒',
  minute: '分',
  hour: '时',
  day: '日',
  month: '月',
  dayOfWeek: '周',
};

/**
 * Croner's verdict in the console's words (its own messages are English, and for a month it names the 0-based value):
 * what is wrong, not how croner says it.
 */
export function cronProblem(message: string): string {
  if (/five, six, or seven/.test(message)) return '应为 5～7 段，以空格分隔（[秒] 分 时 日 月 周）';
  const field = /Invalid value for (\w+)/.exec(message)?.[1];
  if (field) return `「${CRON_FIELDS[field] ?? field}」的取值超出范围`;
  if (/stepping/.test(message)) return '步长写法不正确（如 */5，步长须大于 0）';
  return '写法不正确';
}

/** Croner's verdict, as a 400 the console can show beside the field. */
export function checkCron(expr: string) {
  try {
    parseCron(expr).stop();
  } catch (err) {
    throw badRequest('INVALID_CRON', `cron 表达式无效：${cronProblem(err instanceof Error ? err.message : '')}`);
  }
}

export function cronPreview(expr: string) {
  checkCron(expr);
  return { cron: expr, nextRuns: nextRuns({ cron: expr }) };
}

export async function updateJob(name: string, body: { cron?: string | null; concurrency?: 'forbid' | 'allow' }) {
  registered(name);
  if (body.cron) checkCron(body.cron);
  await jobStore.sync(
    infra()
      .jobs.jobs()
      .filter((j) => j.name === name),
  );
  await JobRow.update(
    {
      ...(body.cron !== undefined ? { cron: body.cron } : {}),
      ...(body.concurrency ? { concurrency: body.concurrency } : {}),
    },
    { where: { name } },
  );
  await infra().jobs.apply(name);
  return getJob(name);
}

export async function setJobPaused(name: string, paused: boolean) {
  registered(name);
  await jobStore.sync(
    infra()
      .jobs.jobs()
      .filter((j) => j.name === name),
  );
  await JobRow.update({ paused }, { where: { name } });
  await infra().jobs.apply(name);
  return getJob(name);
}

/** Run once now, whether or not the job is paused (the console's 执行一次). */
export async function runJobOnce(name: string) {
  registered(name);
  await infra().jobs.trigger(name);
  return { name, queuedAt: new Date() };
}

export async function listJobRuns(
  name: string,
  q: { page: number; pageSize: number; status?: 'running' | 'success' | 'failed' | 'skipped' },
) {
  registered(name);
  const { rows, count } = await JobRun.findAndCountAll({
    where: { jobName: name, ...(q.status ? { status: q.status } : {}) },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: rows.map((r) => r.get({ plain: true })), total: count, page: q.page, pageSize: q.pageSize };
}

/** Run logs are kept as long as the operation log. */
export async function pruneJobRuns(cutoff: Date) {
  return JobRun.destroy({ where: { startedAt: { [Op.lt]: cutoff } } });
}
