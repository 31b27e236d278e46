/**
 * Statistics: roll-ups vs scanning. Seeds 1,000,000 appointments spread over 120 days and the demo departments
 * into a fresh MariaDB (the test stack), runs the stats-rollup computation over them, then drives with autocannon
 *   - the dashboard (today's figures)                GET /api/admin/monitor/stats/today
 *   - a 90-day chart                                 GET /api/admin/monitor/stats?from=…&to=…
 * through the real BFF (auth, validation, scope), and beside each the scan-based query it replaces (the same
 * figures counted from `appointment` with GROUP BY, served by a bare HTTP handler in this process so the scan is
 * measured without the BFF's own overhead — which only flatters the scan). Target: roll-up p99 ≤ 200 ms.
 * Prints figures; exits 1 only when a roll-up p99 is over the target.
 *
 *   npm run bench:stats            (STATS_ROWS=200000 for a quicker run)
 */
process.env.YIYUN_TEST_MODE ??= 'mysql';

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { QueryTypes } from 'sequelize';

const ROWS = Number(process.env.STATS_ROWS ?? 1_000_000);
const DAYS = 120;
const BATCH = 5000;
const SECONDS = Number(process.env.STATS_SECONDS ?? 10);
const CONNECTIONS = 10;
const TARGET_P99_MS = 200;

const { startStack, stopStack } = await import('../support/stack');
const { loginAs } = await import('../support/api');
const { infra } = await import('../../bff/src/infra');
const { rollUp, shanghaiDay } = await import('../../bff/src/modules/monitor/stats');
const { Dept } = await import('../../bff/src/modules/system/models');

const stack = await startStack();
const { sequelize } = infra();
const depts = (await Dept.findAll({ attributes: ['id'] })).map((d) => d.id);
const now = Date.now();
const statuses = ['booked', 'visited', 'cancelled', 'expired'];

console.log(`Yiyun statistics — ${ROWS.toLocaleString()} appointments over ${DAYS} days, ${depts.length} departments`);
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
  await sequelize.query(
    `INSERT INTO appointment (no, user_id, patient_id, schedule_id, doctor_id, dept_id, seq_no, clinic_date, period,
      window_start, window_end, fee_fen, status, cancelled_at, from_waitlist, created_at, updated_at) VALUES ${values.join(',')}`,
  );
}
console.log(`  seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const today = shanghaiDay(new Date());
const from90 = shanghaiDay(new Date(now - 89 * 86_400_000));
t0 = Date.now();
const r = await rollUp(shanghaiDay(new Date(now - DAYS * 86_400_000)), today);
console.log(`  roll-up of ${DAYS + 1} days: ${r.rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// The scan the roll-ups replace: the same figures counted from the live table on every request.
const dayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 8 * 3600_000);
const scanRange = (from: string, to: string) =>
  sequelize.query(
    `SELECT DATE_FORMAT(DATE_ADD(created_at, INTERVAL 8 HOUR), '%Y-%m-%d') AS day, dept_id, COUNT(*) AS bookings,
            SUM(status = 'cancelled') AS cancelled
       FROM appointment WHERE created_at >= :from AND created_at < :to GROUP BY 1, 2`,
    {
      type: QueryTypes.SELECT,
      replacements: { from: dayStart(from), to: new Date(dayStart(to).getTime() + 86_400_000) },
    },
  );
const scanServer = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.pathname === '/today' ? scanRange(today, today) : scanRange(from90, today);
  q.then(
    (rows) => res.end(JSON.stringify(rows)),
    (err) => {
      res.statusCode = 500;
      res.end(String(err));
    },
  );
});
await new Promise<void>((ok) => scanServer.listen(0, '127.0.0.1', ok));
const scanBase = `http://127.0.0.1:${(scanServer.address() as AddressInfo).port}`;

const token = await loginAs('admin');
async function measure(url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers } as autocannon.Options);
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, bad: result.non2xx };
}
const auth = { authorization: `Bearer ${token}` };
const cases = [
  {
    name: 'dashboard (today)',
    rollup: `${stack.baseUrl}/api/admin/monitor/stats/today`,
    scan: `${scanBase}/today`,
  },
  {
    name: '90-day chart',
    rollup: `${stack.baseUrl}/api/admin/monitor/stats?from=${from90}&to=${today}`,
    scan: `${scanBase}/range`,
  },
];
let over = false;
console.log(`\n  ${CONNECTIONS} connections, ${SECONDS} s each            p50      p99     req/s`);
for (const c of cases) {
  const rolled = await measure(c.rollup, auth);
  const scanned = await measure(c.scan);
  const line = (label: string, m: typeof rolled) =>
    `  ${label.padEnd(34)} ${String(m.p50).padStart(5)} ms ${String(m.p99).padStart(5)} ms ${m.rps.toFixed(0).padStart(7)}${m.bad ? `  (${m.bad} non-2xx)` : ''}`;
  console.log(line(`${c.name}, roll-up`, rolled));
  console.log(line(`${c.name}, scan (baseline)`, scanned));
  console.log(
    `  → roll-up p99 is ${(scanned.p99 / Math.max(rolled.p99, 1)).toFixed(1)}× faster than the scan; target ≤ ${TARGET_P99_MS} ms: ${rolled.p99 <= TARGET_P99_MS ? 'met' : 'MISSED'}`,
  );
  if (rolled.p99 > TARGET_P99_MS || rolled.bad) over = true;
}
scanServer.close();
await stopStack();
process.exit(over ? 1 : 0);
