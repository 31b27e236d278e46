/**
 * The real product for tests: the BFF on a random port over a fresh database (MariaDB + Redis, or
 * embedded SQLite + in-process infra when YIYUN_TEST_MODE=embedded), the spec-faithful fake WeChat on
 * its own port, and the demo seed. One stack per mocha process, created on first use and torn down
 * (database dropped, Redis keys deleted) by the root hook in hooks.ts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { FakeWechat } from '../../bff/src/simulators/wechat-server';
import { FakeWechatPay } from '../../bff/src/simulators/wechatpay-gateway';
import { generateApiV3Key, generateMerchantIdentity } from '../../bff/src/infra/wechatpay';
import { loadConfig } from '../../bff/src/config';
import { startServer, type Running } from '../../bff/src/server';

export const TEST_APPID = 'wx_test_yiyun';
export const TEST_SECRET = 'test-secret-' + crypto.randomBytes(6).toString('hex');
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const REDIS_URL = 'redis://127.0.0.1:6379';

export interface Stack {
  baseUrl: string;
  mode: 'mysql' | 'embedded';
  fake: FakeWechat;
  /** The spec-faithful WeChat Pay gateway the BFF talks to (drive payments and notifications with it). */
  pay: FakeWechatPay;
  running: Running;
  /** The environment the BFF was started with: a second BFF (a child process) given it shares database and Redis. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

// Kept on globalThis: mocha may load this file both as CommonJS (root hooks) and as ESM (specs),
// and both must see the one stack.
interface Shared {
  current?: Promise<Stack>;
  teardown?: () => Promise<void>;
}
const shared: Shared = ((globalThis as Record<string, unknown>).__yiyunStack ??= {}) as Shared;

export const testMode = (): 'mysql' | 'embedded' => (process.env.YIYUN_TEST_MODE === 'embedded' ? 'embedded' : 'mysql');

export function startStack(): Promise<Stack> {
  return (shared.current ??= boot());
}

async function boot(): Promise<Stack> {
  const mode = testMode();
  const runId = `yiyun_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  // One simulated WeChat serves every suite of the run (hundreds of logins a minute at times): WeChat's 100 a minute
  // per app is a property of production traffic, not of this fixture.
  const fake = new FakeWechat({ apps: { [TEST_APPID]: TEST_SECRET }, loginQuotaPerMin: 100_000 });
  const fakeUrl = await fake.listen(0);
  const merchant = generateMerchantIdentity();
  const apiV3Key = generateApiV3Key();
  const mchid = '1900000001';
  const pay = new FakeWechatPay({
    mchid,
    appid: TEST_APPID,
    merchantSerial: merchant.serial,
    merchantPublicKeyPem: merchant.publicKeyPem,
    apiV3Key,
    retryScheduleMs: [],
  });
  const payUrl = await pay.listen(0);
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.YIYUN_TEST_LOG ?? 'silent',
    WECHAT_APPID: TEST_APPID,
    WECHAT_SECRET: TEST_SECRET,
    WECHAT_API_BASE: fakeUrl,
    WECHAT_SIMULATED: 'true',
    SEED_DEMO: 'true',
    MIGRATE_ON_START: 'true',
    LOGIN_RATE_PER_IP_PER_MIN: '100000',
    LOGIN_RATE_PER_USER_PER_MIN: '300',
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    DATA_KEY: crypto.randomBytes(32).toString('base64'),
    WECHATPAY_MCHID: mchid,
    WECHATPAY_MERCHANT_SERIAL: merchant.serial,
    WECHATPAY_PRIVATE_KEY: merchant.privateKeyPem,
    WECHATPAY_APIV3_KEY: apiV3Key,
    WECHATPAY_PLATFORM_KEYS: JSON.stringify(pay.platformPublicKeys),
    WECHATPAY_API_BASE: payUrl,
    WECHATPAY_SIMULATED: 'true',
  };
  const cleanups: (() => Promise<void>)[] = [() => fake.close(), () => pay.close()];
  if (mode === 'mysql') {
    const admin = await mysql.createConnection(MYSQL);
    await admin.query(`CREATE DATABASE \`${runId}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    Object.assign(env, { DATABASE_URL: `mysql://root@127.0.0.1:3306/${runId}`, REDIS_URL, REDIS_PREFIX: `${runId}:` });
    // Uploads land under DATA_DIR: a private one per run, not the checkout's data/ that `npm start` uses.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-data-'));
    env.DATA_DIR = dataDir;
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    cleanups.push(async () => {
      const c = await mysql.createConnection(MYSQL);
      await c.query(`DROP DATABASE IF EXISTS \`${runId}\``);
      await c.end();
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${runId}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    });
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-embedded-'));
    env.DATA_DIR = dir;
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const running = await startServer(loadConfig(env));
  shared.teardown = async () => {
    await running.stop();
    for (const c of cleanups) await c().catch((err) => console.error('test cleanup failed:', err));
  };
  // stop() is shared: individual suites don't own the stack; the root hook ends it after the run.
  return { baseUrl: running.url, mode, fake, pay, running, env, stop: async () => {} };
}

export async function stopStack() {
  if (!shared.current) return;
  await shared.current.catch(() => undefined);
  await shared.teardown?.();
  shared.current = undefined;
  shared.teardown = undefined;
}
