/**
 * Statistics: roll-ups vs scanning, every figure beside baselines measured in the same run on the same machine.
 *
 * Seeds 1,000,000 appointments over 120 days and the demo departments into a fresh MariaDB database, has the BFF's
 * own stats-rollup job fill stats_daily (run once through the console API, as an administrator would), then drives
 * with autocannon (in this process; the BFF runs in a child process, so the load generator never shares the
 * server's event loop):
 *   - floor    GET /api/admin/me — the BFF's cheapest authenticated read (token, live session, permissions):
 *              what any console request costs on this machine right now
 *   - roll-up  GET /api/admin/monitor/stats/today (the dashboard) and …/stats?from=…&to=… (a 90-day chart)
 *   - scan     the same figures counted from `appointment` with GROUP BY on every request (what the roll-ups
 *              replace), served by a bare HTTP handler — without the BFF's auth and validation, which only
 *              flatters the scan
 * A p99 in milliseconds depends on the machine and on what else runs on it; the ratios are what carry over:
 * roll-up ÷ floor (how much the statistics add to a console request) and scan ÷ roll-up. Target: roll-up
 * p99 ≤ 200 ms; exits 1 when it is missed or a request failed.
 *
 *   npm run bench:stats            (STATS_ROWS=200000 STATS_SECONDS=5 for a quicker run)
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { createDatabase, http as call, startChildBff, until } from '../support/child';
import { DEMO } from '../support/api';

const ROWS = Number(process.env.STATS_ROWS ?? 1_000_000);
const DAYS = 120;
const BATCH = 5000;
const SECONDS = Number(process.env.STATS_SECONDS ?? 10);
const CONNECTIONS = 10;
const TARGET_P99_MS = 200;
const SHANGHAI_MS = 8 * 3600_000;
const shanghaiDay = (d: Date) => new Date(d.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);

const db = await createDatabase('yiyun_bench_stats');
const prefix = `${db.name}:`;
const bff = await startChildBff({
  // development without the response-schema checks: production's code path, with the simulated WeChat the demo needs
  NODE_ENV: 'development',
  CHECK_RESPONSES: 'false',
  DATABASE_URL: db.url,
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_PREFIX: prefix,
  JWT_SECRET: crypto.randomBytes(32).toString('hex'),
  DATA_KEY: crypto.randomBytes(32).toString('base64'),
  WECHAT_SIMULATED: 'true',
  MIGRATE_ON_START: 'true',
  SEED_DEMO: 'true',
}).catch(async (err) => {
  await db.drop();
  throw err;
});
let exitCode = 1;
try {
  exitCode = await run();
} finally {
  await bff.stop();
  await db.drop();
}
process.exit(exitCode);

async function run(): Promise<number> {
  const { conn } = db;
  const [deptRows] = (await conn.query('SELECT id FROM sys_dept')) as unknown as [{ id: number }[]];
  const depts = deptRows.map((d) => d.id);
  const now = Date.now();
  const statuses = ['booked', 'visited', 'cancelled', 'expired'];
  console.log(
    `Yiyun statistics — ${ROWS.toLocaleString()} appointments over ${DAYS} days, ${depts.length} departments`,
  );
  let t0 = Date.now();
  for (let done = 0; done < ROWS; done += BATCH) {
    const values: string[] = [];
    for (let i = done; i < Math.min(ROWS, done + BATCH); i++) {
      const created = new Date(now - Math.floor(Math.random() * DAYS * 86_400_000));
      const ts = created.toISOString().slice(0, 23).replace('T', ' ');
      const status = statuses[i % statuses.length];
      const cancelled = status === 'cancelled' ? `'${ts}'` : 'NULL';
      values.push(
        `('B${i}', ${1 + (i % 5000)}, ${1 + (i % 9000)}, ${1 + (i % 700)}, 1, ${depts[i % depts.length]}, ${1 + (i % 30)},` +
          ` '${ts.slice(0, 10)}', 'am', '08:00', '08:30', 2500, '${status}', ${cancelled}, 0, '${ts}', '${ts}')`,
      );
    }
    await conn.query(
      `INSERT INTO appointment (no, user_id, patient_id, schedule_id, doctor_id, dept_id, seq_no, clinic_date, period,
        window_start, window_end, fee_fen, status, cancelled_at, from_waitlist, created_at, updated_at) VALUES ${values.join(',')}`,
    );
  }
  console.log(`  seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // The job itself, as 定时任务 › 执行一次 runs it: on an empty table it rolls up the whole history.
  const admin = (await call(bff.url, 'POST', '/api/admin/auth/login', { body: DEMO.admin })).body.accessToken as string;
  await conn.query('DELETE FROM stats_daily');
  t0 = Date.now();
  const [[{ last }]] = (await conn.query(`SELECT COALESCE(MAX(id), 0) AS last FROM sys_job_run`)) as unknown as [
    { last: number }[],
  ];
  const queued = await call(bff.url, 'POST', '/api/admin/monitor/jobs/stats-rollup/run', { token: admin });
  if (queued.status !== 202) throw new Error(`could not run stats-rollup: ${JSON.stringify(queued.body)}`);
  const run = await until(
    'the stats-rollup run',
    600_000,
    async () => {
      const [rows] = (await conn.query(
        `SELECT status, result, error FROM sys_job_run WHERE job_name = 'stats-rollup' AND id > ? AND status <> 'running'`,
        [last],
      )) as unknown as [{ status: string; result: string | null; error: string | null }[]];
      return rows[0];
    },
    500,
  );
  if (run.status !== 'success') throw new Error(`stats-rollup ${run.status}: ${run.error}`);
  console.log(`  stats-rollup job (whole history): ${run.result} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const today = shanghaiDay(new Date());
  const from90 = shanghaiDay(new Date(now - 89 * 86_400_000));
  // The scan the roll-ups replace: the same figures counted from the live table on every request.
  const dayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_MS);
  const mysql = await import('mysql2/promise');
  const pool = mysql.createPool({ host: '127.0.0.1', user: 'root', database: db.name, connectionLimit: CONNECTIONS });
  const scanRange = (from: string, to: string) =>
    pool.query(
      `SELECT DATE_FORMAT(DATE_ADD(created_at, INTERVAL 8 HOUR), '%Y-%m-%d') AS day, dept_id, COUNT(*) AS bookings,
              SUM(status = 'cancelled') AS cancelled
         FROM appointment WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2`,
      [dayStart(from), new Date(dayStart(to).getTime() + 86_400_000)],
    );
  const scanServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    (url.pathname === '/today' ? scanRange(today, today) : scanRange(from90, today)).then(
      ([rows]) => res.end(JSON.stringify(rows)),
      (err) => {
        res.statusCode = 500;
        res.end(String(err));
      },
    );
  });
  await new Promise<void>((ok) => scanServer.listen(0, '127.0.0.1', ok));
  const scanBase = `http://127.0.0.1:${(scanServer.address() as AddressInfo).port}`;

  const auth = { authorization: `Bearer ${admin}` };
  type M = { p50: number; p99: number; rps: number; bad: number };
  async function measure(url: string, headers: Record<string, string> = {}): Promise<M> {
    const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers } as autocannon.Options);
    // a case in which nothing completed has no latency to report: it counts as failed, never as 0 ms
    const done = r.latency.totalCount ?? r.requests.total;
    return {
      p50: r.latency.p50,
      p99: done ? r.latency.p99 : Infinity,
      rps: r.requests.average,
      bad: r.non2xx + r.errors + r.timeouts + (done ? 0 : 1),
    };
  }
  // Warm-up (JIT, connection pools, InnoDB buffer pool) so the first case measured is not the one that pays for it.
  await autocannon({ url: `${bff.url}/api/admin/me`, connections: CONNECTIONS, duration: 2, headers: auth });
  await autocannon({
    url: `${bff.url}/api/admin/monitor/stats?from=${from90}&to=${today}`,
    connections: 2,
    duration: 2,
    headers: auth,
  });

  const floor = await measure(`${bff.url}/api/admin/me`, auth);
  const cases = [
    { name: 'dashboard (today)', rollup: `${bff.url}/api/admin/monitor/stats/today`, scan: `${scanBase}/today` },
    {
      name: '90-day chart',
      rollup: `${bff.url}/api/admin/monitor/stats?from=${from90}&to=${today}`,
      scan: `${scanBase}/range`,
    },
  ];
  const ms = (v: number) => (Number.isFinite(v) ? `${v} ms` : '—');
  const fmt = (label: string, m: M, extra = '') =>
    `  ${label.padEnd(34)} ${ms(m.p50).padStart(8)} ${ms(m.p99).padStart(8)} ${m.rps.toFixed(0).padStart(7)}` +
    `${extra}${m.bad ? `  (${m.bad} failed or timed out)` : ''}`;
  console.log(
    `\n  ${CONNECTIONS} connections, ${SECONDS} s each`.padEnd(37) + '     p50      p99   req/s  p99 ÷ floor',
  );
  console.log(fmt('floor: GET /api/admin/me', floor, '        1.0×'));
  let ok = floor.bad === 0;
  for (const c of cases) {
    const rolled = await measure(c.rollup, auth);
    const scanned = await measure(c.scan);
    const ratio = (m: M) =>
      (Number.isFinite(m.p99) ? `${(m.p99 / Math.max(floor.p99, 1)).toFixed(1)}×` : '—').padStart(12);
    console.log(fmt(`${c.name}, roll-up`, rolled, ratio(rolled)));
    console.log(fmt(`${c.name}, scan (baseline)`, scanned, ratio(scanned)));
    const met = rolled.p99 <= TARGET_P99_MS && rolled.bad === 0;
    console.log(
      `  → scan p99 ÷ roll-up p99 = ${Number.isFinite(scanned.p99) ? `${(scanned.p99 / Math.max(rolled.p99, 1)).toFixed(1)}×` : 'the scan did not complete'}; ` +
        `roll-up p99 ${ms(rolled.p99)} vs target ≤ ${TARGET_P99_MS} ms: ${met ? 'met' : 'MISSED'}`,
    );
    if (!met) ok = false;
  }
  scanServer.close();
  await pool.end();
  return ok ? 0 : 1;
}
