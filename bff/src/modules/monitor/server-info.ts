import fs from 'node:fs';
import os from 'node:os';
import { infra } from '../../infra';
import { INSTANCE_ID } from '../../infra/jobs';
import { metrics } from '../../infra/metrics';

export const INSTANCES_KEY = 'monitor:instances';
/** An instance not heard of for a day is dropped from the list (it was stopped without a goodbye long ago). */
const FORGET_AFTER_MS = 86_400_000;
const startedAt = new Date();

export interface Heartbeat {
  id: string;
  hostname: string;
  pid: number;
  url: string;
  node: string;
  startedAt: string;
  lastSeen: string;
  rssBytes: number;
  load1: number;
  eventLoopP99Ms: number;
  requestsLastHour: number;
  errorsLastHour: number;
}

let selfUrl = '';
/** Nanoseconds (perf_hooks) to milliseconds; an empty histogram says NaN. */
const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0);

function beat(): Heartbeat {
  const m = metrics();
  const totals = m.requests.totals();
  return {
    id: INSTANCE_ID,
    hostname: os.hostname(),
    pid: process.pid,
    url: selfUrl,
    node: process.version,
    startedAt: startedAt.toISOString(),
    lastSeen: new Date().toISOString(),
    rssBytes: process.memoryUsage().rss,
    load1: os.loadavg()[0],
    eventLoopP99Ms: ms(m.eventLoop.percentile(99)),
    requestsLastHour: totals.requests,
    errorsLastHour: totals.errors,
  };
}

/**
 * Every BFF instance writes its heartbeat into one Redis hash every HEARTBEAT_SEC; the server page lists the hash
 * and marks an instance stale after three missed beats. Not a job: a job runs on one instance, this on each.
 * A clean stop removes the entry, so only an instance that died (or lost Redis) shows as stale.
 */
export function startHeartbeat(url: string, afterBeat?: () => Promise<unknown>) {
  selfUrl = url;
  const { redis, config, log } = infra();
  const key = config.REDIS_PREFIX + INSTANCES_KEY;
  let warned = false;
  const tick = async () => {
    if (!redis) return;
    try {
      await redis.hset(key, INSTANCE_ID, JSON.stringify(beat()));
      warned = false;
    } catch (err) {
      if (!warned) log.warn({ err }, 'could not write the instance heartbeat');
      warned = true;
      return;
    }
    await afterBeat?.().catch((err) => log.warn({ err }, 'after-heartbeat check failed'));
  };
  void tick();
  const timer = setInterval(() => void tick(), config.HEARTBEAT_SEC * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await redis?.hdel(key, INSTANCE_ID).catch(() => undefined);
    },
  };
}

/** Every instance that reported within the last day; stale after three missed heartbeats. */
export async function listInstances() {
  const { redis, config } = infra();
  const staleAfterMs = config.HEARTBEAT_SEC * 3 * 1000;
  let beats: Heartbeat[];
  if (!redis) beats = [beat()];
  else {
    const key = config.REDIS_PREFIX + INSTANCES_KEY;
    const all = await redis.hgetall(key);
    beats = [];
    const gone: string[] = [];
    for (const [id, raw] of Object.entries(all)) {
      try {
        const b = JSON.parse(raw) as Heartbeat;
        if (Date.now() - Date.parse(b.lastSeen) > FORGET_AFTER_MS) gone.push(id);
        else beats.push(b);
      } catch {
        gone.push(id);
      }
    }
    if (gone.length) await redis.hdel(key, ...gone);
    if (!beats.some((b) => b.id === INSTANCE_ID)) beats.push(beat());
  }
  return beats
    .map((b) => {
      const self = b.id === INSTANCE_ID;
      const fresh = self ? beat() : b;
      return {
        ...fresh,
        startedAt: new Date(fresh.startedAt),
        lastSeen: new Date(fresh.lastSeen),
        self,
        stale: !self && Date.now() - Date.parse(b.lastSeen) > staleAfterMs,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

let lastCpu = os.cpus().map((c) => c.times);
/** Busy share of all cores since the previous call (the first call: since boot). */
function cpuUsage() {
  const now = os.cpus().map((c) => c.times);
  let idle = 0;
  let total = 0;
  now.forEach((t, i) => {
    const p = lastCpu[i] ?? { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 };
    const d = (k: keyof typeof t) => t[k] - p[k];
    idle += d('idle');
    total += d('user') + d('nice') + d('sys') + d('idle') + d('irq');
  });
  lastCpu = now;
  return total > 0 ? Math.round((1 - idle / total) * 1000) / 10 : 0;
}

function disk(dir: string) {
  try {
    const s = fs.statfsSync(fs.existsSync(dir) ? dir : process.cwd());
    return { path: dir, totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  } catch {
    return null;
  }
}

interface PoolLike {
  size?: number;
  available?: number;
  using?: number;
  waiting?: number;
  maxSize?: number;
}

/** Sequelize's pool (sequelize-pool): its counters, or null in SQLite mode (one connection, no pool). */
function dbPool() {
  const { sequelize, config } = infra();
  const cm = sequelize.connectionManager as unknown as { pool?: PoolLike & { write?: PoolLike; read?: PoolLike } };
  const pool = cm.pool?.write ?? cm.pool;
  if (config.embedded || !pool || pool.size === undefined) return null;
  return {
    dialect: sequelize.getDialect(),
    max: config.DATABASE_POOL_MAX,
    size: pool.size ?? 0,
    available: pool.available ?? 0,
    using: pool.using ?? 0,
    waiting: pool.waiting ?? 0,
  };
}

/** What 系统监控 › 服务监控 shows for this instance, plus the list of instances. */
export async function serverInfo() {
  const { config } = infra();
  const m = metrics();
  const mem = process.memoryUsage();
  const lastHour = m.requests.lastHour();
  const instances = await listInstances();
  const live = instances.filter((i) => !i.stale);
  return {
    instance: INSTANCE_ID,
    mode: config.embedded ? ('embedded' as const) : ('production' as const),
    os: {
      hostname: os.hostname(),
      platform: `${os.type()} ${os.release()}`,
      arch: os.arch(),
      cpuModel: os.cpus()[0]?.model ?? '',
      cpuCount: os.cpus().length,
      cpuUsagePercent: cpuUsage(),
      load: os.loadavg(),
      memTotalBytes: os.totalmem(),
      memFreeBytes: os.freemem(),
      uptimeSec: Math.round(os.uptime()),
    },
    disk: disk(config.DATA_DIR),
    process: {
      node: process.version,
      pid: process.pid,
      uptimeSec: Math.round(process.uptime()),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      eventLoopLagMs: {
        mean: ms(m.eventLoop.mean),
        p50: ms(m.eventLoop.percentile(50)),
        p99: ms(m.eventLoop.percentile(99)),
        max: ms(m.eventLoop.max),
      },
    },
    dbPool: dbPool(),
    requests: {
      perMinute: lastHour,
      lastHour: m.requests.totals(),
      allInstancesLastHour: live.reduce(
        (t, i) => ({ requests: t.requests + i.requestsLastHour, errors: t.errors + i.errorsLastHour }),
        { requests: 0, errors: 0 },
      ),
    },
    instances,
  };
}
