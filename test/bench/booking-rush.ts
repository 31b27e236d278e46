/**
 * Registration-rush benchmark (npm run bench:booking [-- --embedded]).
 *
 * Drives the BFF with autocannon — a load generator that is not itself the bottleneck (Node's fetch tops out near
 * 1,600 req/s here) — and compares every figure with a Koa hello-world measured the same way, on the same ports,
 * in the same run (before and after the BFF; the baseline is their mean): on a shared 2-core machine absolute
 * figures drift with whatever else runs, the ratio much less.
 *
 * Production layout (default): two BFF processes on MariaDB + Redis. 2,000 distinct patients, each with their own
 * token and body, each sending exactly one booking for one session of 100 slots, half through each process; then
 * the reads everyone makes at the same moment (the doctor's 7-day schedule listing, departments, doctors of a
 * department, 我的预约) and the console's appointment list, each for a fixed duration. Between the two, the same
 * patients rush a second session of the same size: the first rush meets processes that have never booked (V8 has
 * not compiled the path) and logins whose state is not in Redis; the second is every later session of the morning.
 * `--embedded`: one BFF process on SQLite with in-process infrastructure (600 patients, 50 slots), against a
 * one-process hello-world.
 *
 * `--compiled`: the BFF compiled as production runs it (`npm run build`, node on bff/dist/server.mjs), not through
 * tsx — what a production figure should be (NODE_ENV stays 'test': production mode refuses the demo seed and the
 * simulated WeChat login the set-up uses).
 * Settings (environment): BENCH_PATIENTS, BENCH_SLOTS, BENCH_CONNECTIONS (per BFF process, default 100),
 * BENCH_SECONDS (each read, default 10), BENCH_READS=0 (the rush alone, for quick experiments), BENCH_WARMUP (seconds of unmeasured listing reads before the rush,
 * default 2), BENCH_PORT (first port, default 3301), BENCH_LOG_LEVEL (the BFF's, default info as in production),
 * BENCH_TIMELINE=1 (a rush's answers per 100 ms), BENCH_TAPS=1 (a steady phase of refusals on the full session),
 * BENCH_PROFILE=<dir> (CPU profiles of the BFF processes, and phases.json saying when each phase ran:
 * `npm run bench:profile -- <dir>` summarises them).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { Op } from 'sequelize';
import { loadConfig, SIM_WECHAT_APPID } from '../../bff/src/config';
import { closeInfra, initInfra } from '../../bff/src/infra';
import { migrate } from '../../db/migrator';
import { initModuleModels } from '../../bff/src/modules';
import { generateApiV3Key, generateMerchantIdentity } from '../../bff/src/infra/wechatpay';
import { signAccess } from '../../bff/src/modules/auth/tokens';
import { MpUser } from '../../bff/src/modules/auth/models';
import { Patient } from '../../bff/src/modules/patient/models';
import { Schedule } from '../../bff/src/modules/scheduling/models';
import { Appointment } from '../../bff/src/modules/booking/models';
import { Role, User, UserRole } from '../../bff/src/modules/system/models';
import { addDays, shanghaiDate } from '../../bff/src/shared/time';
import { DEMO_ACCOUNTS, seedDemo } from '../../db/seeds/demo';

const root = path.resolve(import.meta.dirname, '../..');
const EMBEDDED = process.argv.includes('--embedded');
/** `--compiled`: the BFF as production runs it (`npm run build`, plain node on bff/dist/server.mjs, no tsx). */
const COMPILED = process.argv.includes('--compiled');

function setting(name: string, fallback: number, min = 1) {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number ≥ ${min}`);
  return v;
}
/** BENCH_READS=0: the rush alone (no reads after it), for quick experiments. */
const READS = process.env.BENCH_READS !== '0';
const PATIENTS = setting('BENCH_PATIENTS', EMBEDDED ? 600 : 2000);
const SLOTS = setting('BENCH_SLOTS', EMBEDDED ? 50 : 100);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 100);
const SECONDS = setting('BENCH_SECONDS', 10);
const WARMUP = setting('BENCH_WARMUP', 2, 0);
const FIRST_PORT = setting('BENCH_PORT', 3301);
const PORTS = EMBEDDED ? [FIRST_PORT] : [FIRST_PORT, FIRST_PORT + 1];
const PROFILE_DIR = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : undefined;
// A rush answer can take seconds; a request autocannon gave up on would be a patient who never heard back.
const REQUEST_TIMEOUT_S = 120;

// Issue 10's targets, as shares of the hello-world measured in the same run.
const TARGETS = EMBEDDED
  ? { rush: { share: 10, p99: 300 }, listing: { share: 30, p99: 300 } }
  : { rush: { share: 20, p99: 250 }, listing: { share: 40, p99: 100 } };
const RSS_LIMIT_MB = 300;

const runId = `yiyun_bench_${crypto.randomBytes(4).toString('hex')}`;
const dataDir = EMBEDDED ? fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-bench-')) : undefined;
const REDIS_URL = 'redis://127.0.0.1:6379';
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !['DATABASE_URL', 'DATABASE_READ_URLS', 'REDIS_URL', 'REDIS_PREFIX', 'DATA_DIR', 'PORT'].includes(k),
  ),
);
const env: NodeJS.ProcessEnv = {
  ...inherited,
  NODE_ENV: 'test',
  CHECK_RESPONSES: 'false',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  HOST: '127.0.0.1',
  JWT_SECRET: crypto.randomBytes(32).toString('hex'),
  DATA_KEY: crypto.randomBytes(32).toString('base64'),
  SEED_DEMO: 'true',
  MIGRATE_ON_START: 'true',
  ACCESS_TOKEN_TTL_SEC: '3600',
  ...(EMBEDDED
    ? { DATA_DIR: dataDir }
    : { DATABASE_URL: `mysql://root@127.0.0.1:3306/${runId}`, REDIS_URL, REDIS_PREFIX: `${runId}:` }),
};

// ---------------------------------------------------------------------------------------------------------------
// Processes

interface Proc {
  child: ChildProcess;
  port: number;
  role: 'bff' | 'hello' | 'wechatpay';
  exited: Promise<void>;
  done: boolean;
}

function track(child: ChildProcess, port: number, role: Proc['role']): Proc {
  const p: Proc = { child, port, role, done: false, exited: Promise.resolve() };
  p.exited = new Promise((resolve) =>
    child.once('exit', () => {
      p.done = true;
      resolve();
    }),
  );
  return p;
}

function startBff(port: number) {
  const prof = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  // BENCH_NODE_FLAGS: extra Node flags for the BFF processes, to try one (e.g. a V8 heap setting) against the default
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  // Started the way `npm start` starts it; request logs go to /dev/null, errors to our stderr.
  return track(
    spawn(
      process.execPath,
      [
        ...prof,
        ...extra,
        // Compiled: as `NODE_ENV=production npm start` runs it (scripts/start.mjs).
        ...(COMPILED
          ? ['--enable-source-maps', path.join(root, 'bff/dist/server.mjs')]
          : ['--import', 'tsx', path.join(root, 'bff/src/server.ts')]),
      ],
      {
        cwd: root,
        env: { ...env, PORT: String(port) },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    ),
    port,
    'bff',
  );
}

const HELLO = `import Koa from 'koa'; const app = new Koa(); app.use((ctx) => { ctx.body = { hello: 'world' }; });
const server = app.listen(Number(process.env.PORT), '127.0.0.1'); server.keepAliveTimeout = 65000; server.headersTimeout = 66000;`;
function startHello(port: number) {
  return track(
    spawn(process.execPath, ['--input-type=module', '-e', HELLO], {
      cwd: root,
      env: { ...inherited, PORT: String(port) },
      stdio: 'inherit',
    }),
    port,
    'hello',
  );
}

/**
 * WeChat Pay for the winners' prepay orders, in its own process (a real gateway's work is not the BFF's), set in
 * `env` the way a real merchant is configured.
 */
async function startWechatPay() {
  const merchant = generateMerchantIdentity();
  const pay = {
    mchid: '1900000109',
    appid: SIM_WECHAT_APPID,
    serial: merchant.serial,
    publicKeyPem: merchant.publicKeyPem,
    apiV3Key: generateApiV3Key(),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'wechatpay-process.ts')], {
    cwd: root,
    env: { ...inherited, BENCH_PAY: JSON.stringify(pay) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const proc = track(child, 0, 'wechatpay');
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`the WeChat Pay gateway exited (${code}) before it was ready`)));
  });
  const gateway = JSON.parse(first) as { url: string; platformPublicKeys: Record<string, string> };
  Object.assign(env, {
    WECHATPAY_MCHID: pay.mchid,
    WECHATPAY_MERCHANT_SERIAL: pay.serial,
    WECHATPAY_PRIVATE_KEY: merchant.privateKeyPem,
    WECHATPAY_APIV3_KEY: pay.apiV3Key,
    WECHATPAY_PLATFORM_KEYS: JSON.stringify(gateway.platformPublicKeys),
    WECHATPAY_API_BASE: gateway.url,
    WECHATPAY_SIMULATED: 'true',
  });
  return proc;
}

async function stopProc(p: Proc) {
  if (p.done) return;
  p.child.kill('SIGTERM');
  // The BFF finishes in-flight requests and closes its infra; a CPU profile is written as it exits.
  const killer = setTimeout(() => p.child.kill('SIGKILL'), 30_000);
  await p.exited;
  clearTimeout(killer);
}

async function assertPortFree(port: number) {
  await new Promise<void>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', () => reject(new Error(`port ${port} is in use: set BENCH_PORT to a free pair of ports`)));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
}

async function waitReady(p: Proc) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (p.done) throw new Error(`${p.role} on port ${p.port} exited before it was ready`);
    try {
      if ((await fetch(`http://127.0.0.1:${p.port}/readyz`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${p.role} on port ${p.port} never became ready`);
}

/**
 * CPU time of a process's main thread (its event loop) so far, in ns (/proc/<pid>/schedstat): divided by the answers
 * of a phase it is the server's own cost per answer, which other work on the machine disturbs far less than req/s.
 */
function loopCpuNs(pid: number) {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}
/** CPU of a whole process (every thread), in ns, from /proc/<pid>/stat's utime + stime (clock ticks of 10 ms). */
function processCpuNs(pid: number) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 1e7;
  } catch {
    return NaN;
  }
}
/** The data stores' processes on this machine (production layout), whose CPU per answer each phase prints too. */
let stores: { name: string; pid: number }[] | undefined;
const storePids = () =>
  (stores ??= EMBEDDED
    ? []
    : ['mariadbd', 'redis-server'].flatMap((name) => {
        const r = spawnSync('pgrep', ['-x', name], { encoding: 'utf8' });
        const pid = Number(r.stdout.split('\n')[0]);
        return pid ? [{ name: name === 'mariadbd' ? 'MariaDB' : 'Redis', pid }] : [];
      }));
/** The processes answering on PORTS in the phase being driven (hello-world or the BFFs). */
let servingPids: number[] = [];

function rssMb(pid: number) {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// ---------------------------------------------------------------------------------------------------------------
// Load

interface Shot {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  tag?: number;
}

interface Plan {
  /** Fixed number of requests per port (each port's shots are numbered 0..amount-1), or a fixed duration. */
  amounts?: number[];
  seconds?: number;
  /** The n-th request sent to the k-th port. */
  shot(k: number, n: number): Shot;
  onAnswer?(tag: number | undefined, answer: string, body: string): void;
}

interface Measured {
  name: string;
  responses: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  answers: Map<string, number>;
  /** Requests that got no answer: timed out, or their connection failed. */
  unanswered: number;
  avgBytes: number;
  /** Event-loop CPU of the serving processes per answer, µs (loopCpuNs). */
  cpuUs: number;
  /** The data stores' CPU (all threads) per answer, µs: what a phase costs MariaDB and Redis on the same cores. */
  storeCpuUs: { name: string; us: number }[];
  /** A fixed amount's answers per TIMELINE_MS after the start, 2xx and others apart (BENCH_TIMELINE=1). */
  timeline?: { ok: number; other: number; worstMs: number }[];
}

/** BENCH_TIMELINE=1: a rush's answers per 100 ms from its start, so where its time goes can be seen. */
const TIMELINE = process.env.BENCH_TIMELINE === '1';
const TIMELINE_MS = 100;

const phases: { name: string; startUs: number; endUs: number }[] = [];
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function answerOf(status: number, body: string) {
  // A pay request answered without pay parameters would be a booking the patient can't pay now.
  if (status === 200 && body.includes('"payment":null')) return '200 without a payment order';
  if (status < 400) return String(status);
  try {
    return `${status} ${JSON.parse(body).error?.code ?? ''}`.trim();
  } catch {
    return String(status);
  }
}

function percentile(sorted: Float64Array, p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One autocannon instance per port, all started together, each with CONNECTIONS connections. */
async function drive(name: string, plan: Plan): Promise<Measured> {
  const latencies: number[] = [];
  const answers = new Map<string, number>();
  let bytes = 0;
  const pids = servingPids;
  const timeline: Measured['timeline'] = TIMELINE && plan.amounts ? [] : undefined;
  const stores = storePids();
  const storeBefore = stores.map((st) => processCpuNs(st.pid));
  const cpuBefore = pids.map(loopCpuNs);
  // the window opens as the load generator starts, after everything of our own
  const started = performance.now();
  let last = started;
  const startUs = monotonicUs();
  const instances = PORTS.map((port, k) => {
    let n = 0;
    const amount = plan.amounts?.[k];
    if (amount === 0) return Promise.resolve({ errors: 0 });
    const instance = autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: amount ? Math.min(CONNECTIONS, amount) : CONNECTIONS,
      ...(amount ? { amount } : { duration: plan.seconds }),
      timeout: REQUEST_TIMEOUT_S,
      requests: [
        {
          // Called once per request sent (pipelining 1), so the counter hands out every shot exactly once.
          setupRequest: (req, context) => {
            const shot = plan.shot(k, n++);
            context.tag = shot.tag;
            return { ...req, method: shot.method, path: shot.path, headers: shot.headers, body: shot.body };
          },
          onResponse: (status, body, context) => {
            const answer = answerOf(status, body);
            answers.set(answer, (answers.get(answer) ?? 0) + 1);
            plan.onAnswer?.(context.tag as number | undefined, answer, body);
          },
        },
      ],
    });
    instance.on('response', (_client, status, resBytes, latencyMs) => {
      latencies.push(latencyMs);
      if (timeline) {
        const slot = (timeline[Math.floor((performance.now() - started) / TIMELINE_MS)] ??= {
          ok: 0,
          other: 0,
          worstMs: 0,
        });
        if (status < 300) slot.ok++;
        else slot.other++;
        slot.worstMs = Math.max(slot.worstMs, latencyMs);
      }
      bytes += resBytes;
      last = performance.now();
    });
    return instance;
  });
  const results = await Promise.all(instances);
  const ended = performance.now();
  const cpuNs = pids.reduce((sum, pid, i) => sum + loopCpuNs(pid) - cpuBefore[i], 0);
  const storeCpuUs = stores.map((st, i) => ({
    name: st.name,
    us: latencies.length ? (processCpuNs(st.pid) - storeBefore[i]) / 1000 / latencies.length : NaN,
  }));
  phases.push({ name, startUs, endUs: monotonicUs() });
  // A fixed amount is measured up to its last answer (autocannon's own duration is rounded up to its next
  // one-second sample); a fixed duration over the whole window, quiet end included.
  const seconds = ((plan.amounts ? last : ended) - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const sent = plan.amounts ? plan.amounts.reduce((a, b) => a + b, 0) : undefined;
  const unanswered = sent !== undefined ? sent - latencies.length : results.reduce((a, r) => a + r.errors, 0);
  return {
    name,
    responses: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    answers,
    unanswered,
    avgBytes: latencies.length ? bytes / latencies.length : 0,
    cpuUs: latencies.length ? cpuNs / 1000 / latencies.length : NaN,
    storeCpuUs,
    timeline,
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isNaN(n) ? '—' : n >= 100 ? int(n) : n.toFixed(1));
// Chinese characters take two columns in a terminal.
const width = (s: string) => [...s].reduce((w, c) => w + (c.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;

function line(m: Measured) {
  const answers = [...m.answers]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} × ${int(v)}`)
    .join(', ');
  console.log(
    `  ${pad(m.name, 38)} ${padStart(int(m.responses), 8)} answers in ${m.seconds.toFixed(2)} s  ${padStart(int(m.rps), 7)} req/s  ` +
      `p50 ${ms(m.p50)} ms  p95 ${ms(m.p95)} ms  p99 ${ms(m.p99)} ms  ~${(m.avgBytes / 1024).toFixed(1)} KB/answer  ` +
      `event loop ${ms(m.cpuUs)} µs CPU/answer` +
      m.storeCpuUs.map((st) => `, ${st.name} ${ms(st.us)} µs`).join(''),
  );
  console.log(
    `    answers: ${answers || 'none in the window'}${m.unanswered ? `   no answer (timeout / connection error): ${int(m.unanswered)}` : ''}`,
  );
  if (m.timeline) {
    console.log(`    timeline (per ${TIMELINE_MS} ms from the start: 2xx + others, worst latency ms):`);
    const cells = Array.from(m.timeline, (c, i) =>
      c ? `${i * TIMELINE_MS}: ${c.ok}+${c.other} (${ms(c.worstMs)})` : `${i * TIMELINE_MS}: —`,
    );
    for (let i = 0; i < cells.length; i += 6) console.log(`      ${cells.slice(i, i + 6).join('   ')}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  for (const port of PORTS) await assertPortFree(port);
  if (COMPILED) {
    // The same build `npm start` makes for production (skipped when bff/dist is up to date).
    const built = spawnSync(process.execPath, [path.join(root, 'scripts/build-bff.mjs')], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  if (PROFILE_DIR) fs.mkdirSync(PROFILE_DIR, { recursive: true });
  let admin: mysql.Connection | undefined;
  if (!EMBEDDED) {
    admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query(`CREATE DATABASE \`${runId}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  }
  const procs: Proc[] = [];
  let wechatpay: Proc | undefined;
  try {
    wechatpay = await startWechatPay();
    // Set-up, not measured: schema, demo data, the session and the patients with tokens signed by the BFF's own
    // code, made before any server runs.
    const infra = await initInfra(loadConfig({ ...env, PORT: '0', LOG_LEVEL: 'warn' }), {
      initModels: initModuleModels,
    });
    await migrate(infra.sequelize);
    await seedDemo();
    const physician = await Role.findOne({ where: { key: 'physician' } });
    const doctorId = (await UserRole.findOne({ where: { roleId: physician!.id } }))!.userId;
    const doctor = (await User.findByPk(doctorId))!;
    // Evening sessions inside the listing's 7 days (the demo has mornings and afternoons only), released a moment
    // ago: the listing everyone refreshes shows the session being rushed.
    const eveningSession = (daysAhead: number) =>
      Schedule.create({
        doctorId,
        deptId: doctor.deptId!,
        clinicDate: addDays(shanghaiDate(), daysAhead),
        period: 'eve',
        startTime: '18:00',
        endTime: '21:00',
        slotCount: SLOTS,
        feeFen: 2000,
        releaseAt: new Date(Date.now() - 1000),
        location: '压测诊室',
        createdBy: null,
      });
    const schedule = await eveningSession(3);
    // A second session released at the same minute (a hospital releases many), rushed after the first by the same
    // patients: the BFF processes and the patients' logins are then warm, as they are for every session but the
    // first after a restart.
    const secondSchedule = await eveningSession(4);
    const users = await MpUser.bulkCreate(
      Array.from({ length: PATIENTS }, (_, i) => ({
        openid: `o_bench_${i}_${runId}`,
        unionid: null,
        sessionKeyEnc: null,
        nickname: null,
        avatarUrl: null,
        phoneEnc: null,
        phoneHash: null,
      })),
    );
    const fc = infra.fieldCrypto;
    const patients = await Patient.bulkCreate(
      users.map((u, i) => ({
        userId: u.id,
        name: '压测',
        idCardEnc: fc.encrypt(`x${i}`),
        idCardHash: fc.blindIndex(`x${i}`),
        phoneEnc: fc.encrypt('13800000000'),
        phoneHash: fc.blindIndex('13800000000'),
        relation: 'self' as const,
        gender: 'M' as const,
        birthDate: '1990-01-01',
        isDefault: true,
      })),
    );
    // Each token carries its own login id, so every request pays the revocation lookup a real patient's does.
    const auth = users.map((u) => `Bearer ${signAccess('mp', u.id, crypto.randomUUID())}`);
    const get = (p: string, i: number): Shot => ({
      method: 'GET',
      path: p,
      headers: { authorization: auth[i % PATIENTS] },
    });
    // Consecutive patients on alternate ports: every port sees distinct tokens.
    const rotating = (p: string) => (k: number, n: number) => get(p, n * PORTS.length + k);

    const where = EMBEDDED
      ? 'embedded: 1 BFF process, SQLite, in-process cache and jobs'
      : `${PORTS.length} BFF processes, MariaDB + Redis`;
    const form = COMPILED ? 'compiled (bff/dist, node --enable-source-maps)' : 'TypeScript through tsx';
    console.log(
      `\nYiyun registration rush — ${int(PATIENTS)} patients, ${SLOTS} slots, ${CONNECTIONS} connections per process, ${where}; BFF ${form}`,
    );
    console.log(
      `${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} before the run; BFF log level ${env.LOG_LEVEL}\n`,
    );

    // The baseline, on the same ports with the same connections and the same per-request tokens; measured before
    // and after the BFF, so that other work starting or stopping on the machine shows as a gap between the two.
    const helloWorld = async (when: string) => {
      for (const port of PORTS) procs.push(startHello(port));
      for (const p of procs) await waitReady(p);
      servingPids = procs.filter((p) => p.role === 'hello').map((p) => p.child.pid!);
      const m = await drive(`Koa hello-world (${PORTS.length} proc${PORTS.length > 1 ? 's' : ''}), ${when}`, {
        seconds: SECONDS,
        shot: rotating('/'),
      });
      line(m);
      for (const p of procs.splice(0)) await stopProc(p);
      return m;
    };
    const helloBefore = await helloWorld('before');

    for (const port of PORTS) {
      const p = startBff(port);
      procs.push(p);
      await waitReady(p); // one after the other: two processes starting at once would both run the start-up jobs
    }
    servingPids = procs.filter((p) => p.role === 'bff').map((p) => p.child.pid!);
    const demoAdmin = DEMO_ACCOUNTS.find((a) => a.username === 'admin')!;
    const login = await fetch(`http://127.0.0.1:${PORTS[0]}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: demoAdmin.username, password: demoAdmin.password }),
    });
    if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);
    const adminAuth = `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`;

    const listingPath = `/api/mp/booking/doctors/${doctorId}/schedules`;
    if (WARMUP > 0) await drive('warm-up (listing, not counted)', { seconds: WARMUP, shot: rotating(listingPath) });

    // A rush: every patient sends exactly one booking for the session, patient i through port i mod ports; then what
    // the database holds, the truth the answers are checked against.
    const byPort = PORTS.map((_, k) => patients.map((_, i) => i).filter((i) => i % PORTS.length === k));
    const rushOn = async (session: Schedule, name: string) => {
      const sentBy = new Uint16Array(PATIENTS);
      const answerBy: (string | undefined)[] = new Array(PATIENTS);
      const appointmentBy: (number | undefined)[] = new Array(PATIENTS);
      const measured = await drive(name, {
        amounts: byPort.map((list) => list.length),
        shot: (k, n) => {
          const i = byPort[k][n];
          sentBy[i]++;
          return {
            method: 'POST',
            path: '/api/mp/appointments',
            tag: i,
            headers: { authorization: auth[i], 'content-type': 'application/json' },
            body: JSON.stringify({ scheduleId: session.id, patientId: patients[i].id }),
          };
        },
        onAnswer: (i, answer, body) => {
          answerBy[i!] = answer;
          if (answer === '201')
            appointmentBy[i!] = (JSON.parse(body) as { appointment: { id: number } }).appointment.id;
        },
      });
      const rss = procs.map((p) => rssMb(p.child.pid!));
      line(measured);
      const holders = await Appointment.findAll({
        where: { scheduleId: session.id, activeSeq: { [Op.ne]: null } },
        attributes: ['patientId', 'activeSeq'],
      });
      const seqs = holders.map((a) => a.activeSeq!);
      const booked201 = new Set(patients.filter((_, i) => answerBy[i]?.startsWith('201')).map((p) => p.id));
      const outcome = {
        booked: holders.length,
        oversold: Math.max(0, holders.length - SLOTS),
        duplicates: seqs.length - new Set(seqs).size,
        allGiven: new Set(seqs).size === Math.min(SLOTS, PATIENTS) && seqs.every((q) => q >= 1 && q <= SLOTS),
        answersMatch: booked201.size === holders.length && holders.every((h) => booked201.has(h.patientId)),
      };
      const exactlyOnce = sentBy.every((c) => c === 1);
      const bookedCount = (await Schedule.findByPk(session.id))!.bookedCount;
      console.log(
        `    bookings made: ${outcome.booked}   oversold: ${outcome.oversold}   duplicate numbers: ${outcome.duplicates}   numbers 1..${SLOTS} all given: ${outcome.allGiven ? 'yes' : 'NO'}`,
      );
      console.log(
        `    every 201 is a booking in the database and every booking was answered 201: ${outcome.answersMatch ? 'yes' : 'NO'}; ` +
          `session's booked count ${bookedCount}; each patient sent exactly one request: ${exactlyOnce ? 'yes' : 'NO'}`,
      );
      console.log(
        `    BFF memory (RSS) after the rush: ${rss.map((r, k) => `:${PORTS[k]} ${r.toFixed(0)} MB`).join(', ')}`,
      );
      const correct = outcome.oversold === 0 && outcome.duplicates === 0 && outcome.allGiven && outcome.answersMatch;
      return { measured, outcome, correct, rss, answerBy, appointmentBy };
    };
    const first = await rushOn(schedule, 'booking rush (POST /api/mp/appointments)');
    const { appointmentBy, answerBy, rss: rssAfterRush } = first;

    // The winners then ask for their pay parameters (the WeChat Pay order), as the app does right after the booking:
    // a request of its own since issue 10, measured here on its own (its own port, each winner once).
    const payers = PORTS.map((_, k) =>
      patients.map((_, i) => i).filter((i) => appointmentBy[i] && i % PORTS.length === k),
    );
    const pay = await drive('winners ask to pay (POST /api/mp/appointments/:id/pay)', {
      amounts: payers.map((list) => list.length),
      shot: (k, n) => {
        const i = payers[k][n];
        return {
          method: 'POST',
          path: `/api/mp/appointments/${appointmentBy[i]}/pay`,
          headers: { authorization: auth[i] },
        };
      },
    });
    line(pay);
    const allPayable = (pay.answers.get('200') ?? 0) === payers.flat().length;
    console.log(`    every winner got pay parameters: ${allPayable ? 'yes' : 'NO'}`);

    const second = await rushOn(secondSchedule, 'second session rush, warm (POST /api/mp/appointments)');

    // BENCH_TAPS=1: the refused tap again on the full session for BENCH_SECONDS — nothing but refusals, to see what
    // one costs when no winner is being made (a rush's winners wait in the event loop behind them).
    if (process.env.BENCH_TAPS === '1') {
      const taps = await drive('taps on the full session (refusals only)', {
        seconds: SECONDS,
        shot: (k, n) => {
          const i = byPort[k][n % byPort[k].length];
          return {
            method: 'POST',
            path: '/api/mp/appointments',
            headers: { authorization: auth[i], 'content-type': 'application/json' },
            body: JSON.stringify({ scheduleId: secondSchedule.id, patientId: patients[i].id }),
          };
        },
      });
      line(taps);
    }

    // The reads everyone makes at the same moment, each for a fixed duration.
    const bookers = patients.map((_, i) => i).filter((i) => answerBy[i]?.startsWith('201'));
    const reads: Measured[] = [];
    const read = async (name: string, shot: Plan['shot']) => {
      if (!READS) return undefined;
      const m = await drive(name, { seconds: SECONDS, shot });
      line(m);
      reads.push(m);
      return m;
    };
    const listing = await read('schedule listing (doctor, 7 days)', rotating(listingPath));
    await read('departments', rotating('/api/mp/booking/departments'));
    await read('doctors of a department', rotating(`/api/mp/booking/doctors?deptId=${doctor.deptId}`));
    // 我的预约 as the patients who just booked open it to pay.
    const mine = bookers.length ? bookers : patients.map((_, i) => i);
    await read('我的预约 (GET /api/mp/appointments)', (k, n) =>
      get('/api/mp/appointments', mine[(n * PORTS.length + k) % mine.length]),
    );
    await read('console appointment list (admin)', () => ({
      method: 'GET',
      path: '/api/admin/booking/appointments',
      headers: { authorization: adminAuth },
    }));
    const rssAtEnd = procs.map((p) => rssMb(p.child.pid!));
    for (const p of procs.splice(0)) await stopProc(p);
    const helloAfter = await helloWorld('after');

    // The summary: every figure as a share of the hello-world (the mean of before and after), with issue 10's targets.
    const baseline = (helloBefore.rps + helloAfter.rps) / 2;
    const share = (m: Measured) => (m.rps / baseline) * 100;
    const verdict = (m: Measured, t: { share: number; p99: number }, extra = true) =>
      share(m) >= t.share && m.p99 <= t.p99 && extra ? 'met' : 'NOT met';
    const rushRow = (r: typeof first) => [
      r.measured.name.replace(' (POST /api/mp/appointments)', ''),
      int(r.measured.rps),
      `${share(r.measured).toFixed(1)} %`,
      ms(r.measured.p50),
      ms(r.measured.p95),
      ms(r.measured.p99),
      ms(r.measured.cpuUs),
      `≥ ${TARGETS.rush.share} %, p99 ≤ ${TARGETS.rush.p99} ms, correct`,
      verdict(r.measured, TARGETS.rush, r.correct),
    ];
    const rows: string[][] = [
      ...[helloBefore, helloAfter].map((m) => [
        m.name,
        int(m.rps),
        `${share(m).toFixed(0)} %`,
        ms(m.p50),
        ms(m.p95),
        ms(m.p99),
        ms(m.cpuUs),
        'baseline: the mean of the two',
        '',
      ]),
      rushRow(first),
      [
        'winners ask to pay',
        int(pay.rps),
        `${share(pay).toFixed(1)} %`,
        ms(pay.p50),
        ms(pay.p95),
        ms(pay.p99),
        ms(pay.cpuUs),
        'every winner gets pay parameters',
        allPayable ? 'met' : 'NOT met',
      ],
      rushRow(second),
      ...reads.map((m) => [
        m.name,
        int(m.rps),
        `${share(m).toFixed(1)} %`,
        ms(m.p50),
        ms(m.p95),
        ms(m.p99),
        ms(m.cpuUs),
        m === listing ? `≥ ${TARGETS.listing.share} %, p99 ≤ ${TARGETS.listing.p99} ms` : '—',
        m === listing ? verdict(m, TARGETS.listing) : '',
      ]),
    ];
    // CPU µs/answer: the serving processes' event-loop CPU per answer (less disturbed by other work than req/s)
    const head = [
      'what',
      'req/s',
      'of hello-world',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'CPU µs/answer',
      'target (issue 10)',
      '',
    ];
    const widths = head.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c]))));
    const fmt = (r: string[]) =>
      r
        .map((cell, c) => (c >= 1 && c <= 6 ? padStart(cell, widths[c]) : pad(cell, widths[c])))
        .join('  ')
        .trimEnd();
    console.log(
      `\nSummary (${new Date().toISOString().slice(0, 10)}, ${where}, ${CONNECTIONS} connections per process, reads ${SECONDS} s each)\n`,
    );
    console.log(`  ${fmt(head)}`);
    console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
    for (const r of rows) console.log(`  ${fmt(r)}`);
    const maxRss = Math.max(...rssAfterRush);
    console.log(
      [first, second]
        .map(
          ({ outcome: o }, k) =>
            `${k ? '\n  second session' : '\n  rush'} outcome: ${o.booked} booked, oversold ${o.oversold}, duplicate numbers ${o.duplicates}, numbers 1..${SLOTS} all given: ${o.allGiven ? 'yes' : 'NO'}`,
        )
        .join(''),
    );
    console.log(
      `  memory after the rush: ${rssAfterRush.map((r) => `${r.toFixed(0)} MB`).join(' / ')} (target < ${RSS_LIMIT_MB} MB per process: ${maxRss < RSS_LIMIT_MB ? 'met' : 'NOT met'}); ` +
        `after the reads: ${rssAtEnd.map((r) => `${r.toFixed(0)} MB`).join(' / ')}`,
    );
    console.log(
      `  load average after the run: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );

    await closeInfra();
    if (PROFILE_DIR) {
      const file = path.join(PROFILE_DIR, 'phases.json');
      fs.writeFileSync(
        file,
        JSON.stringify({ mode: EMBEDDED ? 'embedded' : 'production', ports: PORTS, phases }, null, 2),
      );
      console.log(
        `\n  CPU profiles of the BFF processes and ${path.basename(file)} are in ${PROFILE_DIR}: npm run bench:profile -- ${PROFILE_DIR}`,
      );
    }
  } finally {
    for (const p of procs) await stopProc(p);
    if (wechatpay) await stopProc(wechatpay);
    await closeInfra().catch(() => undefined);
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS \`${runId}\``);
      await admin.end();
      // Only this run's keys, found with SCAN (KEYS would block a Redis other work shares).
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${runId}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
