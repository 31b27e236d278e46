import { literal, Op } from 'sequelize';
import { infra } from '../../infra';
import { INSTANCE_ID } from '../../infra/jobs';
import { metrics } from '../../infra/metrics';
import { JobRow, JobRun } from './models';
import { INSTANCES_KEY, type Heartbeat } from './server-info';

/** When this process started: a run logged under our own instance name before then was a previous incarnation's. */
const PROCESS_STARTED_MS = Date.now() - Math.round(process.uptime() * 1000);

/**
 * Why a run still marked `running` can never finish, or null while its instance may still be working on it.
 * A run is only ever finished by the process that started it, so a process that crashed (OOM, SIGKILL, power)
 * leaves its runs `running` for ever unless someone else closes them.
 */
function whyDead(
  run: { instance: string; startedAt: Date },
  beats: Map<string, Pick<Heartbeat, 'startedAt' | 'lastSeen'>> | null,
  now: number,
): string | null {
  const started = run.startedAt.getTime();
  if (run.instance === INSTANCE_ID)
    // Same host and pid (a container's pid 1 restarts with the same name): an earlier process, now gone.
    return started < PROCESS_STARTED_MS ? '已重启' : null;
  // Embedded mode: one process owns the database, so a run of any other process is an earlier one's.
  if (!beats) return '所在的进程已退出';
  const staleMs = infra().config.HEARTBEAT_SEC * 3 * 1000;
  const beat = beats.get(run.instance);
  // An instance writes its first heartbeat after its job runner starts: give a new one three beats to appear.
  if (!beat) return now - started > staleMs ? '没有心跳（已停止）' : null;
  if (Date.parse(beat.startedAt) > started) return '已重启';
  if (now - Date.parse(beat.lastSeen) > staleMs) return '已停止上报心跳';
  return null;
}

async function heartbeats() {
  const { redis, config } = infra();
  if (!redis) return null;
  const all = await redis.hgetall(config.REDIS_PREFIX + INSTANCES_KEY);
  const beats = new Map<string, Pick<Heartbeat, 'startedAt' | 'lastSeen'>>();
  for (const [id, raw] of Object.entries(all)) {
    try {
      const b = JSON.parse(raw) as Heartbeat;
      beats.set(id, { startedAt: b.startedAt, lastSeen: b.lastSeen });
    } catch {
      // unreadable: as if it had not reported
    }
  }
  return beats;
}

/**
 * Closes the runs whose process died mid-run: status failed, with why. Called once when a BFF starts and, on
 * Redis, after each heartbeat (any live instance closes a dead one's runs once its heartbeat is three beats old).
 * The update is conditional, so two instances sweeping at once close a run, and count it, once.
 */
export async function sweepInterruptedRuns(): Promise<number> {
  const running = await JobRun.findAll({
    where: { status: 'running' },
    attributes: ['id', 'jobName', 'instance', 'startedAt'],
  });
  if (!running.length) return 0;
  const beats = await heartbeats();
  const now = Date.now();
  let closed = 0;
  for (const run of running) {
    const why = whyDead(run, beats, now);
    if (!why) continue;
    // The run's row and the job's counts change together (as a run that finishes does, jobs.ts).
    const closedOne = await infra().sequelize.transaction(async (transaction) => {
      const [n] = await JobRun.update(
        {
          status: 'failed',
          durationMs: Math.max(0, now - run.startedAt.getTime()),
          error: `运行中断：实例 ${run.instance} ${why}，本次运行未完成`,
        },
        { where: { id: run.id, status: 'running' }, transaction },
      );
      if (!n) return false;
      await JobRow.update(
        {
          runCount: literal('run_count + 1'),
          failCount: literal('fail_count + 1'),
          lastStatus: 'failed',
        },
        // the last run stays the newest one: an older interrupted run does not overwrite a later success
        {
          where: { name: run.jobName, [Op.or]: [{ lastRunAt: null }, { lastRunAt: { [Op.lte]: run.startedAt } }] },
          transaction,
        },
      );
      await JobRow.update(
        { runCount: literal('run_count + 1'), failCount: literal('fail_count + 1') },
        { where: { name: run.jobName, lastRunAt: { [Op.gt]: run.startedAt } }, transaction },
      );
      return true;
    });
    if (!closedOne) continue;
    closed += 1;
    metrics().jobRuns.inc({ job: run.jobName, status: 'failed' });
    infra().log.warn({ job: run.jobName, runId: run.id, instance: run.instance, why }, 'job run interrupted');
  }
  return closed;
}
