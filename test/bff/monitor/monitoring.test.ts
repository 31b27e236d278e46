/**
 * Monitoring across two BFF processes on one MariaDB and a private Redis (so nobody else's commands show in
 * its command statistics): Prometheus /metrics, the server page with every instance's heartbeat, the cache page
 * (SCAN, never KEYS) and force logout taking effect on the other instance.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { createDatabase, http, PrivateRedis, startChildBff, until, type ChildBff } from '../../support/child';
import { DEMO } from '../../support/api';

const METRICS_TOKEN = crypto.randomBytes(24).toString('hex');

describe('monitor: metrics, server and cache pages with two BFF processes', function () {
  this.timeout(180_000);
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let redis: PrivateRedis;
  let a: ChildBff;
  let b: ChildBff;
  let probe: Redis;
  let admin: string;
  const prefix = `yiyun_mon_${crypto.randomBytes(3).toString('hex')}:`;

  before(async () => {
    db = await createDatabase('yiyun_mon');
    redis = await PrivateRedis.start();
    probe = new Redis(redis.url);
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      JWT_SECRET: crypto.randomBytes(32).toString('hex'),
      DATA_KEY: crypto.randomBytes(32).toString('base64'),
      WECHAT_SIMULATED: 'true',
      MIGRATE_ON_START: 'true',
      SEED_DEMO: 'true',
      METRICS_TOKEN,
      HEARTBEAT_SEC: '1',
      LOGIN_RATE_PER_IP_PER_MIN: '1000',
    };
    a = await startChildBff(env);
    b = await startChildBff(env);
    admin = await login(a, 'admin');
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    probe?.disconnect();
    await redis?.kill();
    await db?.drop();
  });

  async function login(bff: ChildBff, who: keyof typeof DEMO) {
    const r = await http(bff.url, 'POST', '/api/admin/auth/login', { body: DEMO[who] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.accessToken as string;
  }

  it('/metrics refuses anonymous and wrong tokens, and exposes default and Yiyun metrics to the right one', async () => {
    const none = await http(a.url, 'GET', '/metrics');
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'UNAUTHENTICATED');
    assert.equal((await http(a.url, 'GET', '/metrics', { token: 'x'.repeat(48) })).status, 401);
    assert.equal(
      (await http(a.url, 'GET', '/metrics', { token: admin })).status,
      401,
      'a console login is no metrics token',
    );

    // a refused booking (not logged in) is a booking outcome; a job run is counted
    assert.equal((await http(a.url, 'POST', '/api/mp/appointments', { body: {} })).status, 401);
    assert.equal(
      (await http(a.url, 'POST', '/api/admin/monitor/jobs/log-retention/run', { token: admin })).status,
      202,
    );
    const text = await until('the job run in /metrics', 30_000, async () => {
      const r = await http<string>(a.url, 'GET', '/metrics', { token: METRICS_TOKEN });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
      // either instance may have run it: ask both
      const other = await http<string>(b.url, 'GET', '/metrics', { token: METRICS_TOKEN });
      const both = r.body + other.body;
      return /yiyun_job_runs_total\{job="log-retention",status="success"\} 1/.test(both) ? r.body : undefined;
    });
    assert.match(text, /^yiyun_process_cpu_user_seconds_total /m);
    assert.match(text, /^yiyun_nodejs_eventloop_lag_seconds /m);
    assert.match(
      text,
      /yiyun_http_request_duration_seconds_count\{method="POST",route="\/api\/admin\/auth\/login",status="200"\} \d+/,
    );
    assert.match(text, /yiyun_booking_outcomes_total\{action="book",outcome="UNAUTHENTICATED"\} 1/);
    assert.match(text, /^yiyun_ws_connections 0$/m);
  });

  it('the server page lists both instances with their heartbeats, host, process, pool and request figures', async () => {
    const r = await until('two live instances', 30_000, async () => {
      const res = await http(a.url, 'GET', '/api/admin/monitor/server', { token: admin });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.instances.filter((i: { stale: boolean }) => !i.stale).length === 2 ? res.body : undefined;
    });
    assert.equal(r.mode, 'production');
    assert.ok(r.os.cpuCount >= 1 && r.os.memTotalBytes > 0 && r.os.load.length === 3);
    assert.ok(r.process.rssBytes > 0 && r.process.heapUsedBytes > 0);
    assert.ok(r.process.eventLoopLagMs.p99 >= 0);
    assert.equal(r.dbPool.dialect, 'mysql');
    assert.equal(r.requests.perMinute.length, 60);
    assert.ok(r.requests.lastHour.requests > 0);
    assert.ok(r.disk.totalBytes > 0);
    assert.equal(r.instances.filter((i: { self: boolean }) => i.self).length, 1);
    const doctor = await login(a, 'doctor');
    assert.equal((await http(a.url, 'GET', '/api/admin/monitor/server', { token: doctor })).status, 403);
  });

  it('force logout through one instance ends the session on the other at once', async () => {
    const chiefOnB = await login(b, 'chief');
    assert.equal((await http(b.url, 'GET', '/api/admin/me', { token: chiefOnB })).status, 200);
    const online = await http(a.url, 'GET', '/api/admin/monitor/online?username=chief', { token: admin });
    const session = online.body.items.find((s: { username: string }) => s.username === 'chief');
    assert.ok(session, JSON.stringify(online.body));
    assert.equal(
      (await http(a.url, 'DELETE', `/api/admin/monitor/online/${session.sessionId}`, { token: admin })).status,
      204,
    );
    const refused = await http(b.url, 'GET', '/api/admin/me', { token: chiefOnB });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'SESSION_FORCED_OUT');
  });

  it('the cache page reports Redis INFO and key counts per namespace with SCAN, never KEYS, and clears one namespace', async () => {
    await probe.set(`${prefix}demo:a`, '1');
    await probe.set(`${prefix}demo:b`, '2');
    await probe.set(`${prefix}demo:c`, '3');
    const keysCalls = async () => Number(/cmdstat_keys:calls=(\d+)/.exec(await probe.info('commandstats'))?.[1] ?? 0);
    const scanCalls = async () => Number(/cmdstat_scan:calls=(\d+)/.exec(await probe.info('commandstats'))?.[1] ?? 0);
    const keysBefore = await keysCalls();
    const scansBefore = await scanCalls();
    const r = await http(a.url, 'GET', '/api/admin/monitor/cache', { token: admin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.mode, 'redis');
    assert.match(r.body.redis.version, /^\d+\.\d+/);
    assert.ok(r.body.redis.connectedClients >= 2);
    assert.ok(r.body.commandStats.length > 0);
    const ns = Object.fromEntries(r.body.namespaces.items.map((n: { name: string; keys: number }) => [n.name, n.keys]));
    assert.equal(ns.demo, 3);
    assert.ok(ns.bull > 0, JSON.stringify(ns));
    assert.equal(await keysCalls(), keysBefore, 'KEYS was called');
    assert.ok((await scanCalls()) > scansBefore);

    const bull = await http(a.url, 'DELETE', '/api/admin/monitor/cache/namespaces/bull', { token: admin });
    assert.equal(bull.status, 409);
    assert.equal(bull.body.error.code, 'NAMESPACE_PROTECTED');
    const bad = await http(a.url, 'DELETE', '/api/admin/monitor/cache/namespaces/a*b', { token: admin });
    assert.equal(bad.status, 400);
    const cleared = await http(a.url, 'DELETE', '/api/admin/monitor/cache/namespaces/demo', { token: admin });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(cleared.body.deleted, 3);
    assert.equal(await probe.exists(`${prefix}demo:a`, `${prefix}demo:b`, `${prefix}demo:c`), 0);
    assert.equal(await keysCalls(), keysBefore, 'KEYS was called');
  });

  it('marks an instance that stopped reporting as stale (killed without a goodbye)', async () => {
    const victim = b.child.pid;
    b.child.kill('SIGKILL');
    await b.stop();
    const stale = await until('the killed instance marked stale', 30_000, async () => {
      const res = await http(a.url, 'GET', '/api/admin/monitor/server', { token: admin });
      return res.body.instances.find((i: { pid: number; stale: boolean }) => i.pid === victim && i.stale);
    });
    assert.equal(stale.self, false);
  });
});
