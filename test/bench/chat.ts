/**
 * Consultation chat benchmark (npm run bench:chat; needs MariaDB + Redis).
 *
 * Two BFF processes on MariaDB + Redis; BENCH_CONVERSATIONS conversations (default 100), each with
 * BENCH_SOCKETS_PER_CONVERSATION sockets (default 10: 1,000 in all), half on each process, so every message crosses
 * the Redis pub/sub to reach the other half. One socket per conversation sends at a steady BENCH_RATE messages per
 * second per conversation (default 0.2) for BENCH_SECONDS (default 15). The clients run in worker threads
 * (BENCH_WORKERS, default 2) and speak the apps' protocol: subscribe, catch up by seq, send with a client message id,
 * resend the same id after a reconnect.
 *
 * Baseline, same run, same clients: a bare `ws` server (no auth, no database, no pub/sub; each conversation on one
 * process) — the load generator's own ceiling. Then the BFF twice: steady, and with the second BFF process restarted
 * (SIGTERM, start again) a third of the way in; its clients reconnect and catch up.
 *
 * Figures: delivered/sent (every stored message reached every socket of its conversation exactly once, in seq order:
 * must be 1.0), stored/sent (each message sent — resends included — stored once: 1.0), p50/p99 end-to-end latency of
 * live deliveries (send → frame on a receiving socket), memory per connection (RSS growth of the BFF processes when
 * the sockets connect, divided by the sockets).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../bff/src/config';
import { closeInfra, infra, initInfra } from '../../bff/src/infra';
import { initModuleModels } from '../../bff/src/modules';
import { signAccess } from '../../bff/src/modules/auth/tokens';
import { MpUser } from '../../bff/src/modules/auth/models';
import { Patient } from '../../bff/src/modules/patient/models';
import { User } from '../../bff/src/modules/system/models';

const root = path.resolve(import.meta.dirname, '../..');
function setting(name: string, fallback: number, min = 1) {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number ≥ ${min}`);
  return v;
}
const CONVERSATIONS = setting('BENCH_CONVERSATIONS', 100);
const PER_CONVERSATION = setting('BENCH_SOCKETS_PER_CONVERSATION', 10, 2);
const RATE = setting('BENCH_RATE', 0.2, 0.01);
const SECONDS = setting('BENCH_SECONDS', 15);
const WORKERS = setting('BENCH_WORKERS', 2);
const FIRST_PORT = setting('BENCH_PORT', 3401);
const PORTS = [FIRST_PORT, FIRST_PORT + 1];
const BASE_PORTS = [FIRST_PORT + 2, FIRST_PORT + 3];

const runId = `yiyun_chatbench_${crypto.randomBytes(4).toString('hex')}`;
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
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  HOST: '127.0.0.1',
  JWT_SECRET: crypto.randomBytes(32).toString('hex'),
  DATA_KEY: crypto.randomBytes(32).toString('base64'),
  ACCESS_TOKEN_TTL_SEC: '3600',
  DATABASE_URL: `mysql://root@127.0.0.1:3306/${runId}`,
  REDIS_URL,
  REDIS_PREFIX: `${runId}:`,
};

interface Proc {
  child: ChildProcess;
  exited: Promise<void>;
  done: boolean;
}
function track(child: ChildProcess): Proc {
  const p: Proc = { child, done: false, exited: Promise.resolve() };
  p.exited = new Promise((resolve) =>
    child.once('exit', () => {
      p.done = true;
      resolve();
    }),
  );
  return p;
}
const startBff = (port: number, first: boolean) =>
  track(
    spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bff/src/server.ts')], {
      cwd: root,
      env: { ...env, PORT: String(port), MIGRATE_ON_START: String(first), SEED_DEMO: String(first) },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
async function startBaseline(port: number) {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'chat-baseline.mjs')], {
    cwd: root,
    env: { ...inherited, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const p = track(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', () => reject(new Error('the baseline server exited')));
  });
  return p;
}
async function stopProc(p: Proc) {
  if (p.done) return;
  p.child.kill('SIGTERM');
  const killer = setTimeout(() => p.child.kill('SIGKILL'), 30_000);
  await p.exited;
  clearTimeout(killer);
}
async function waitReady(port: number, p: Proc) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (p.done) throw new Error(`the BFF on port ${port} exited before it was ready`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the BFF on port ${port} never became ready`);
}
function rssMb(pid: number) {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface SocketPlan {
  consultationId: number;
  token: string;
  port: number;
  sender: boolean;
}
interface Drained {
  received: number;
  expected: number;
  unacked: number;
  reconnects: number;
  latencies: number[];
}

/** The client workers: each holds an equal share of the sockets. */
class Clients {
  private workers: Worker[];
  constructor(plans: SocketPlan[]) {
    this.workers = Array.from(
      { length: WORKERS },
      (_, w) =>
        new Worker(new URL('./chat-clients.mjs', import.meta.url), {
          workerData: { sockets: plans.filter((_, i) => i % WORKERS === w) },
        }),
    );
  }
  private all<T>(msg: object, answer: string): Promise<T[]> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<T>((resolve) => {
            const on = (m: { type: string }) => {
              if (m.type !== answer) return;
              w.off('message', on);
              resolve(m as T);
            };
            w.on('message', on);
            w.postMessage(msg);
          }),
      ),
    );
  }
  connect = () => this.all({ type: 'connect' }, 'connected');
  reset = () => this.all({ type: 'reset' }, 'reset');
  /** The highest seq any socket holds per conversation (the baseline keeps no store to ask). */
  seqs = async () => {
    const out: Record<number, number> = {};
    for (const part of await this.all<{ lastSeq: Record<number, number> }>({ type: 'report' }, 'report'))
      for (const [k, v] of Object.entries(part.lastSeq)) out[Number(k)] = Math.max(out[Number(k)] ?? 0, v);
    return out;
  };
  send = async (seconds: number) =>
    (await this.all<{ sent: number }>({ type: 'send', seconds, intervalMs: 1000 / RATE }, 'sent')).reduce(
      (a, r) => a + r.sent,
      0,
    );
  drain = async (lastSeq: Record<number, number>): Promise<Drained> => {
    const parts = await this.all<Drained>({ type: 'drain', lastSeq }, 'drained');
    return {
      received: parts.reduce((a, p) => a + p.received, 0),
      expected: parts.reduce((a, p) => a + p.expected, 0),
      unacked: parts.reduce((a, p) => a + p.unacked, 0),
      reconnects: parts.reduce((a, p) => a + p.reconnects, 0),
      latencies: parts.flatMap((p) => p.latencies),
    };
  };
  async close() {
    await this.all({ type: 'close' }, 'closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

interface Row {
  name: string;
  sent: number;
  stored: number;
  delivered: string;
  p50: number;
  p99: number;
  reconnects: number;
}

async function phase(
  name: string,
  clients: Clients,
  lastSeqOf: () => Promise<Record<number, number>>,
  during?: () => Promise<void>,
): Promise<Row & { storedOk: boolean }> {
  const before = await lastSeqOf();
  await clients.reset();
  const [sent] = await Promise.all([clients.send(SECONDS), during?.()]);
  const after = await lastSeqOf();
  const d = await clients.drain(after);
  const stored = Object.keys(after).reduce((a, k) => a + (after[Number(k)] - (before[Number(k)] ?? 0)), 0);
  const sorted = d.latencies.sort((a, b) => a - b);
  return {
    name,
    sent,
    stored,
    storedOk: stored === sent,
    delivered: d.expected ? (d.received / d.expected).toFixed(4) : 'n/a',
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
    reconnects: d.reconnects,
  };
}

async function main() {
  const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await admin.query(`CREATE DATABASE \`${runId}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const procs: Proc[] = [];
  const bffs: Proc[] = [];
  try {
    bffs[0] = startBff(PORTS[0], true);
    procs.push(bffs[0]);
    await waitReady(PORTS[0], bffs[0]);
    bffs[1] = startBff(PORTS[1], false);
    procs.push(bffs[1]);
    await waitReady(PORTS[1], bffs[1]);

    // Set-up, not measured: one patient per conversation (tokens signed by the BFF's own code), each opening a
    // consultation with the demo physician through the API.
    await initInfra(loadConfig({ ...env, PORT: '0', LOG_LEVEL: 'warn' }), { initModels: initModuleModels });
    const doctorId = (await User.findOne({ where: { username: 'doctor' } }))!.id;
    const users = await MpUser.bulkCreate(
      Array.from({ length: CONVERSATIONS }, (_, i) => ({
        openid: `o_chatbench_${runId}_${i}`,
        unionid: null,
        sessionKeyEnc: null,
        nickname: '压测患者',
        avatarUrl: null,
        phoneEnc: null,
        phoneHash: null,
      })),
    );
    const patients = await Patient.bulkCreate(
      users.map((u, i) => ({
        userId: u.id,
        name: '压测患者',
        idCardEnc: 'x',
        idCardHash: `bench-${runId}-${i}`,
        phoneEnc: 'x',
        phoneHash: `bench-${i}`,
        relation: 'self' as const,
        gender: 'M' as const,
        birthDate: '1990-01-01',
        isDefault: true,
      })),
    );
    const conversations: { id: number; token: string }[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const token = signAccess('mp', users[i].id);
      const r = await fetch(`http://127.0.0.1:${PORTS[0]}/api/mp/consult/consultations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ doctorId, patientId: patients[i].id }),
      });
      if (r.status !== 200) throw new Error(`opening a consultation failed: ${r.status} ${await r.text()}`);
      conversations.push({ id: ((await r.json()) as { consultation: { id: number } }).consultation.id, token });
    }
    const plansFor = (ports: number[], split: boolean): SocketPlan[] =>
      conversations.flatMap((c, i) =>
        Array.from({ length: PER_CONVERSATION }, (_, j) => ({
          consultationId: c.id,
          token: c.token,
          // The BFF: half of each conversation on each process. The baseline: a conversation on one process.
          port: split ? ports[j % 2] : ports[i % 2],
          sender: j === 0,
        })),
      );
    const sockets = CONVERSATIONS * PER_CONVERSATION;
    console.log(
      `\nbench:chat — ${sockets} sockets, ${CONVERSATIONS} conversations × ${PER_CONVERSATION} sockets, ` +
        `${RATE} msg/s per conversation (${CONVERSATIONS * RATE} msg/s, ${CONVERSATIONS * RATE * PER_CONVERSATION} deliveries/s), ` +
        `${SECONDS} s per phase, ${WORKERS} client worker threads; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`,
    );

    // Baseline: the clients against a bare ws server.
    const baseline = await Promise.all(BASE_PORTS.map((p) => startBaseline(p)));
    const baseClients = new Clients(plansFor(BASE_PORTS, false));
    await baseClients.connect();
    const base = await phase('bare ws server (baseline)', baseClients, () => baseClients.seqs());
    await baseClients.close();
    for (const b of baseline) await stopProc(b);

    // The BFF.
    const lastSeqOf = async () => {
      const rows = await infra().sequelize.query<{
        id: number;
        last_seq: number;
      }>('SELECT id, last_seq FROM consultation WHERE id IN (:ids)', {
        type: QueryTypes.SELECT,
        replacements: { ids: conversations.map((c) => c.id) },
      });
      return Object.fromEntries(rows.map((r) => [r.id, Number(r.last_seq)]));
    };
    const rssBefore = bffs.map((b) => rssMb(b.child.pid!));
    const clients = new Clients(plansFor(PORTS, true));
    await clients.connect();
    const rssAfter = bffs.map((b) => rssMb(b.child.pid!));
    const perConnKb = ((rssAfter[0] - rssBefore[0] + (rssAfter[1] - rssBefore[1])) * 1024) / sockets;
    const steady = await phase('BFF × 2, steady', clients, lastSeqOf);
    let restartMs = 0;
    const restarted = await phase('BFF × 2, second restarted mid-run', clients, lastSeqOf, async () => {
      await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 3));
      const t0 = performance.now();
      await stopProc(bffs[1]);
      bffs[1] = startBff(PORTS[1], false);
      procs.push(bffs[1]);
      await waitReady(PORTS[1], bffs[1]);
      restartMs = performance.now() - t0;
    });
    const rssEnd = bffs.map((b) => rssMb(b.child.pid!));
    await clients.close();

    const dupes = await infra().sequelize.query<{
      n: number;
      d: number;
    }>('SELECT COUNT(*) AS n, COUNT(DISTINCT consultation_id, client_msg_id) AS d FROM consult_message', {
      type: QueryTypes.SELECT,
    });

    const rows = [base, steady, restarted];
    const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '—');
    console.log('\n  | phase | sent | stored | delivered/sent | p50 | p99 | reconnects |');
    console.log('  |---|---|---|---|---|---|---|');
    for (const r of rows)
      console.log(
        `  | ${r.name} | ${r.sent} | ${r.stored}${r.storedOk ? '' : ' (≠ sent!)'} | ${r.delivered} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.reconnects} |`,
      );
    console.log(
      `\n  memory per connection: ${perConnKb.toFixed(1)} KB (RSS ${rssBefore.map((r) => r.toFixed(0)).join(' / ')} MB → ` +
        `${rssAfter.map((r) => r.toFixed(0)).join(' / ')} MB with ${sockets / 2} sockets each; at the end ${rssEnd.map((r) => r.toFixed(0)).join(' / ')} MB)`,
    );
    console.log(`  restart of the second BFF (SIGTERM → ready again): ${(restartMs / 1000).toFixed(1)} s`);
    console.log(
      `  stored messages: ${dupes[0].n}, distinct client ids: ${dupes[0].d} (${Number(dupes[0].n) === Number(dupes[0].d) ? 'no duplicates' : 'DUPLICATES'})`,
    );
    console.log(
      `  target p99 ≤ 50 ms (steady): ${steady.p99 <= 50 ? 'met' : 'not met'}; delivered/sent 1.0 in both BFF phases: ` +
        `${steady.delivered === '1.0000' && restarted.delivered === '1.0000' ? 'met' : 'NOT met'}; ` +
        `load average after the run: ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
  } finally {
    for (const p of procs) await stopProc(p);
    await closeInfra().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS \`${runId}\``);
    await admin.end();
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${runId}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
