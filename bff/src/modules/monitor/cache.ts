import { infra } from '../../infra';
import { conflict } from '../../http/errors';

/** Namespaces the page refuses to clear: the job queue (BullMQ's own keys) and held locks. */
const PROTECTED = new Set(['bull', 'lock']);
/** SCAN stops counting after this many keys, so a huge shared Redis answers in bounded time. */
const SCAN_LIMIT = 200_000;

/** `INFO` as sections of key → value. */
function parseInfo(text: string) {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** cmdstat_get:calls=12,usec=34,… → { command: 'get', calls: 12, usec: 34 } */
function commandStats(info: Record<string, string>) {
  return Object.entries(info)
    .filter(([k]) => k.startsWith('cmdstat_'))
    .map(([k, v]) => {
      const f = Object.fromEntries(v.split(',').map((p) => p.split('=') as [string, string]));
      return { command: k.slice('cmdstat_'.length), calls: Number(f.calls ?? 0), usec: Number(f.usec ?? 0) };
    })
    .sort((a, b) => b.calls - a.calls);
}

/**
 * Keys of this installation (REDIS_PREFIX) per namespace — the segment after the prefix, up to the next ':' —
 * counted with SCAN (never KEYS, which blocks Redis while it walks every key).
 */
async function namespaces() {
  const { redis, config } = infra();
  const counts = new Map<string, number>();
  let scanned = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis!.scan(cursor, 'MATCH', `${config.REDIS_PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) {
      const rest = k.slice(config.REDIS_PREFIX.length);
      const ns = rest.includes(':') ? rest.slice(0, rest.indexOf(':')) : rest;
      counts.set(ns, (counts.get(ns) ?? 0) + 1);
    }
    scanned += keys.length;
  } while (cursor !== '0' && scanned < SCAN_LIMIT);
  return {
    truncated: cursor !== '0',
    items: [...counts]
      .map(([name, keys]) => ({ name, keys, protected: PROTECTED.has(name) }))
      .sort((a, b) => b.keys - a.keys),
  };
}

export async function cacheInfo() {
  const { redis, config } = infra();
  if (!redis) {
    return {
      mode: 'embedded' as const,
      description:
        '嵌入模式：缓存、锁、限流与发布订阅都在 BFF 进程内存中（重启即清空），定时任务由进程内计时器运行；配置 REDIS_URL 后改用 Redis。',
      redis: null,
      commandStats: [],
      namespaces: { truncated: false, items: [] },
    };
  }
  const info = parseInfo(await redis.info('everything'));
  const hits = Number(info.keyspace_hits ?? 0);
  const misses = Number(info.keyspace_misses ?? 0);
  return {
    mode: 'redis' as const,
    description: `Redis（键前缀 ${config.REDIS_PREFIX}）：缓存、分布式锁、限流、发布订阅与 BullMQ 定时任务。`,
    redis: {
      version: info.redis_version ?? '',
      mode: info.redis_mode ?? '',
      uptimeSec: Number(info.uptime_in_seconds ?? 0),
      connectedClients: Number(info.connected_clients ?? 0),
      usedMemoryBytes: Number(info.used_memory ?? 0),
      usedMemoryHuman: info.used_memory_human ?? '',
      peakMemoryHuman: info.used_memory_peak_human ?? '',
      maxMemoryBytes: Number(info.maxmemory ?? 0),
      keyspaceHits: hits,
      keyspaceMisses: misses,
      hitRate: hits + misses > 0 ? hits / (hits + misses) : null,
      totalKeys: Object.entries(info)
        .filter(([k]) => /^db\d+$/.test(k))
        .reduce((n, [, v]) => n + Number(/keys=(\d+)/.exec(v)?.[1] ?? 0), 0),
      opsPerSec: Number(info.instantaneous_ops_per_sec ?? 0),
    },
    commandStats: commandStats(info).slice(0, 20),
    namespaces: await namespaces(),
  };
}

/** Deletes every key of one namespace of this installation (SCAN + UNLINK in batches). */
export async function clearNamespace(name: string) {
  const { redis, config } = infra();
  if (!redis) throw conflict('CACHE_EMBEDDED', '嵌入模式的缓存在进程内，无法按命名空间清理；重启 BFF 即清空');
  if (PROTECTED.has(name)) throw conflict('NAMESPACE_PROTECTED', `命名空间「${name}」保存任务队列或锁，不能清理`);
  let deleted = 0;
  let cursor = '0';
  const match = `${config.REDIS_PREFIX}${name}:*`;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return { name, deleted };
}
