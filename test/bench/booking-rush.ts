/**
 * Registration-rush benchmark (npm run bench:booking): 2,000 distinct patients take slots of one schedule with
 * 100 slots as fast as they can, against MariaDB + Redis, through two BFF processes. Prints requests/s, latency
 * percentiles, bookings made, oversold and duplicate numbers (both must be 0), a Koa hello-world baseline on
 * this machine with our ratio to it, and a read benchmark of the schedule listing patients refresh at 07:59.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { loadConfig } from '../../bff/src/config';
import { closeInfra, initInfra } from '../../bff/src/infra';
import { signAccess } from '../../bff/src/modules/auth/tokens';
import { MpUser } from '../../bff/src/modules/auth/models';
import { Patient } from '../../bff/src/modules/patient/models';
import { Schedule } from '../../bff/src/modules/scheduling/models';
import { Appointment } from '../../bff/src/modules/booking/models';
import { Role, User, UserRole } from '../../bff/src/modules/system/models';
import { addDays, shanghaiDate } from '../../bff/src/modules/scheduling/time';
import { FieldCrypto } from '../../bff/src/infra/crypto';

const root = path.resolve(import.meta.dirname, '../..');
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 2000);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const READS = Number(process.env.BENCH_READS ?? 5000);
const PORTS = [3301, 3302];

const runId = `yiyun_bench_${crypto.randomBytes(4).toString('hex')}`;
const env: NodeJS.ProcessEnv = {
  ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1',
  DATABASE_URL: `mysql://root@127.0.0.1:3306/${runId}`, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: `${runId}:`,
  JWT_SECRET: crypto.randomBytes(32).toString('hex'), DATA_KEY: crypto.randomBytes(32).toString('base64'),
  SEED_DEMO: 'true', MIGRATE_ON_START: 'true', BOOKING_RATE_PER_USER_PER_MIN: '1000', DATABASE_POOL_MAX: '20',
};

async function waitReady(port: number) {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`port ${port} never became ready`);
}

function startBff(port: number) {
  return spawn(process.execPath, [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROFILE] : []), '--import', 'tsx', path.join(root, 'bff/src/server.ts')], { cwd: root, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
}

const HELLO = `import Koa from 'koa'; const app = new Koa(); app.use((ctx) => { ctx.body = { hello: 'world' }; }); app.listen(Number(process.env.PORT), '127.0.0.1');`;
function startHello(port: number) {
  return spawn(process.execPath, ['--input-type=module', '-e', HELLO], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: 'inherit' });
}

interface Result { status: number; code?: string; ms: number }

/** A closed-loop load: CONCURRENCY requests in flight, spread round-robin over the ports. */
async function load(n: number, make: (i: number) => { url: string; init: RequestInit }): Promise<{ results: Result[]; seconds: number }> {
  const results: Result[] = new Array(n);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < n; i = next++) {
      const { url, init } = make(i);
      const t0 = performance.now();
      const res = await fetch(url, init);
      const text = await res.text();
      let code: string | undefined;
      if (res.status >= 400) code = JSON.parse(text).error?.code;
      results[i] = { status: res.status, code, ms: performance.now() - t0 };
    }
  }));
  return { results, seconds: (performance.now() - started) / 1000 };
}

function pct(results: Result[], p: number) {
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
}

function summary(name: string, r: { results: Result[]; seconds: number }) {
  const rps = r.results.length / r.seconds;
  console.log(`${name.padEnd(34)} ${r.results.length} req in ${r.seconds.toFixed(2)} s  ${rps.toFixed(0).padStart(6)} req/s  p50 ${pct(r.results, 50)} ms  p95 ${pct(r.results, 95)} ms  p99 ${pct(r.results, 99)} ms`);
  return rps;
}

async function main() {
  const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await admin.query(`CREATE DATABASE \`${runId}\` CHARACTER SET utf8mb4`);
  const procs: ChildProcess[] = [];
  try {
    procs.push(startBff(PORTS[0]));
    await waitReady(PORTS[0]);
    procs.push(startBff(PORTS[1]));
    await waitReady(PORTS[1]);

    // Set-up (not measured): the session and 2,000 patients with tokens signed by the BFF's own code.
    await initInfra(loadConfig({ ...env, PORT: '0' }));
    const fc = new FieldCrypto(env.DATA_KEY!);
    const physician = await Role.findOne({ where: { key: 'physician' } });
    const doctorId = (await UserRole.findOne({ where: { roleId: physician!.id } }))!.userId;
    const doctor = (await User.findByPk(doctorId))!;
    const schedule = await Schedule.create({
      doctorId, deptId: doctor.deptId!, clinicDate: addDays(shanghaiDate(), 30), period: 'eve', startTime: '18:00', endTime: '21:00',
      slotCount: SLOTS, feeFen: 2000, releaseAt: new Date(Date.now() - 1000), location: '压测诊室', createdBy: null,
    });
    const users = await MpUser.bulkCreate(Array.from({ length: PATIENTS }, (_, i) => ({ openid: `o_bench_${i}_${runId}`, unionid: null, sessionKeyEnc: null, nickname: null, avatarUrl: null, phoneEnc: null, phoneHash: null })));
    const patients = await Patient.bulkCreate(users.map((u, i) => ({
      userId: u.id, name: '压测', idCardEnc: fc.encrypt(`x${i}`), idCardHash: fc.blindIndex(`x${i}`), phoneEnc: fc.encrypt('13800000000'),
      phoneHash: fc.blindIndex('13800000000'), relation: 'self' as const, gender: 'M' as const, birthDate: '1990-01-01', isDefault: true,
    })));
    const tokens = users.map((u) => signAccess('mp', u.id));

    console.log(`\nYiyun registration rush — ${PATIENTS} patients, ${SLOTS} slots, ${CONCURRENCY} in flight, 2 BFF processes, MariaDB + Redis, ${process.env.HOSTNAME ?? 'this machine'}\n`);
    const rush = await load(PATIENTS, (i) => ({
      url: `http://127.0.0.1:${PORTS[i % 2]}/api/mp/appointments`,
      init: { method: 'POST', headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' }, body: JSON.stringify({ scheduleId: schedule.id, patientId: patients[i].id }) },
    }));
    const ours = summary('booking rush (POST /appointments)', rush);
    const held = await Appointment.findAll({ where: { scheduleId: schedule.id }, attributes: ['seqNo', 'activeSeq'] });
    const seqs = held.map((a) => a.seqNo);
    const byCode = new Map<string, number>();
    for (const r of rush.results) byCode.set(r.status === 201 ? '201 booked' : `${r.status} ${r.code}`, (byCode.get(r.status === 201 ? '201 booked' : `${r.status} ${r.code}`) ?? 0) + 1);
    console.log(`  answers: ${[...byCode].map(([k, v]) => `${k} × ${v}`).join(', ')}`);
    console.log(`  bookings made: ${held.length}   oversold: ${Math.max(0, held.length - SLOTS)}   duplicate numbers: ${seqs.length - new Set(seqs).size}   numbers 1..${SLOTS} all given: ${new Set(seqs).size === SLOTS && Math.max(...seqs) === SLOTS}`);

    const reads = await load(READS, (i) => ({ url: `http://127.0.0.1:${PORTS[i % 2]}/api/mp/booking/doctors/${doctorId}/schedules`, init: { headers: { authorization: `Bearer ${tokens[i % tokens.length]}` } } }));
    summary('schedule listing (GET, 07:59 refresh)', reads);
    const readErrors = reads.results.filter((r) => r.status !== 200).length;
    if (readErrors) console.log(`  read errors: ${readErrors}`);

    for (const p of procs.splice(0)) p.kill('SIGTERM');
    procs.push(startHello(PORTS[0]), startHello(PORTS[1]));
    await new Promise((r) => setTimeout(r, 1500));
    const hello = await load(PATIENTS, (i) => ({ url: `http://127.0.0.1:${PORTS[i % 2]}/`, init: {} }));
    const base = summary('Koa hello-world baseline (2 procs)', hello);
    console.log(`\n  booking throughput = ${((ours / base) * 100).toFixed(1)}% of the hello-world baseline on this machine`);
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await closeInfra().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS \`${runId}\``);
    await admin.end();
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${runId}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
