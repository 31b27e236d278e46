/**
 * Processes a fault test owns: a private redis-server it may kill and restart, and a BFF in a child process
 * pointed at it. The BFF's infrastructure is process-wide (infra()), so a second BFF cannot share the mocha
 * process with the shared test stack; a child process is also what a real restart looks like.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import mysql from 'mysql2/promise';

const root = path.resolve(import.meta.dirname, '../..');
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once `child` prints a line matching `re` (returns the match); rejects if it exits first. */
function waitForLine(
  child: ChildProcess,
  stream: NodeJS.ReadableStream,
  re: RegExp,
  what: string,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) {
        cleanup();
        resolve(m);
      } else if (buf.length > 1_000_000) buf = buf.slice(-100_000);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${what} exited (${code}) before it was ready:\n${buf.slice(-4000)}`));
    };
    const cleanup = () => {
      stream.off('data', onData);
      child.off('exit', onExit);
    };
    stream.on('data', onData);
    child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** A redis-server of the test's own, on a fixed port so it can be killed and started again empty. */
export class PrivateRedis {
  private child?: ChildProcess;
  private constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.start();
    return r;
  }
  async start() {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const ready = waitForLine(child, child.stdout!, /Ready to accept connections/, 'redis-server');
    child.stderr!.resume();
    await ready;
    child.stdout!.resume();
  }
  /** The crash: SIGKILL, nothing saved. */
  async kill() {
    const c = this.child;
    this.child = undefined;
    if (!c) return;
    c.kill('SIGKILL');
    await exited(c);
  }
  async restartEmpty() {
    await this.kill();
    await this.start();
  }
}

/** A database of the test's own on the shared MariaDB, dropped by `drop()`. */
export async function createDatabase(prefix: string) {
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(MYSQL);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const conn = await mysql.createConnection({ ...MYSQL, database: name });
  return {
    name,
    url: `mysql://root@127.0.0.1:3306/${name}`,
    conn,
    async drop() {
      await conn.end().catch(() => undefined);
      const c = await mysql.createConnection(MYSQL);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export interface ChildBff {
  url: string;
  child: ChildProcess;
  /** Everything the child logged (JSON lines), for assertions and for failure messages. */
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs bff/src/server.ts (through tsx) — or, with `compiled`, the plain JavaScript of `npm run build`
 * (bff/dist/server.mjs, with plain node) — in a child process with exactly `env` (plus PATH) and waits until it listens.
 */
export async function startChildBff(
  env: NodeJS.ProcessEnv,
  opts: { compiled?: boolean; nodeArgs?: string[] } = {},
): Promise<ChildBff> {
  const args = [
    ...(opts.nodeArgs ?? []),
    ...(opts.compiled
      ? [path.join(root, 'bff/dist/server.mjs')]
      : ['--import', 'tsx', path.join(root, 'bff/src/server.ts')]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const m = await waitForLine(child, child.stdout!, /"url":"(http:\/\/127\.0\.0\.1:\d+)","mode"/, 'BFF').catch(
    (err) => {
      throw new Error(`${err.message}\n${out.slice(-4000)}`);
    },
  );
  return {
    url: m[1],
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const done = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await done;
      clearTimeout(force);
      return code;
    },
  };
}

/** JSON over HTTP to a child BFF. */
export async function http<T = any>(
  base: string,
  method: string,
  p: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const started = Date.now();
  const res = await fetch(base + p, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: body as T, headers: res.headers, ms: Date.now() - started };
}

/** Polls `check` until it returns a value other than undefined, or fails with `what` after `ms`. */
export async function until<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined>,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The patient agrees to the privacy documents a child BFF serves (needed before adding a family member). */
export async function consentAll(base: string, token: string) {
  const answers = [];
  for (const kind of ['privacy_policy', 'user_agreement', 'health_data', 'id_number']) {
    const d = await http<{ version: string }>(base, 'GET', `/api/mp/privacy/documents/${kind}`);
    answers.push({ kind, version: d.body.version, granted: true });
  }
  const r = await http(base, 'POST', '/api/mp/privacy/consents', { token, body: { answers } });
  if (r.status !== 200) throw new Error(`consent failed: ${r.status} ${JSON.stringify(r.body)}`);
}
