/**
 * A production boot never loads simulator code. The lint rule forbids static imports of bff/src/simulators; this
 * proves it at run time: the compiled BFF (npm run build) is started in production mode on MariaDB + Redis, talking
 * to WeChat and WeChat Pay through their real protocols (here the test's own spec-faithful servers), with a
 * module-loading hook that records every ES module the process loads. The simulators' chunks exist in bff/dist and
 * an embedded boot does load them — so the check can fail — but the production process never does.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { buildBff } from '../../scripts/build-bff.mjs';
import { generateApiV3Key, generateMerchantIdentity } from '../../bff/src/infra/wechatpay';
import { FakeWechat } from '../../bff/src/simulators/wechat-server';
import { FakeWechatPay } from '../../bff/src/simulators/wechatpay-gateway';
import { spawn } from 'node:child_process';
import { createDatabase, http, startChildBff, type ChildBff } from '../support/child';
import { loadConfig } from '../../bff/src/config';
import { loadSimulators, startServer } from '../../bff/src/server';

const root = path.resolve(import.meta.dirname, '../..');
const dist = path.join(root, 'bff/dist');
const register = path.join(root, 'test/support/load-trace/register.mjs');
const SIMULATOR_CHUNK = /^(wechat-server|wechatpay-gateway)-[\w-]+\.mjs$/;

function loaded(trace: string) {
  return fs
    .readFileSync(trace, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file://'))
    .map((u) => new URL(u).pathname);
}
const ours = (files: string[]) => files.filter((f) => f.startsWith(dist + path.sep)).map((f) => path.relative(dist, f));

describe('production boot (compiled, MariaDB + Redis, real protocols)', function () {
  this.timeout(180_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-prodboot-'));
  const APPID = 'wx_prodboot_app';
  const SECRET = crypto.randomBytes(16).toString('hex');
  const wechat = new FakeWechat({ apps: { [APPID]: SECRET } });
  const merchant = generateMerchantIdentity();
  const apiV3Key = generateApiV3Key();
  const pay = new FakeWechatPay({
    mchid: '1900000777',
    appid: APPID,
    merchantSerial: merchant.serial,
    merchantPublicKeyPem: merchant.publicKeyPem,
    apiV3Key,
    retryScheduleMs: [],
  });
  let db: Awaited<ReturnType<typeof createDatabase>> | undefined;
  const running: ChildBff[] = [];
  const prefix = `yiyun_prodboot_${crypto.randomBytes(3).toString('hex')}:`;
  /** What every production start here is given: MariaDB, Redis, secrets, a real WeChat app. */
  const productionEnv = (trace: string): NodeJS.ProcessEnv => ({
    NODE_ENV: 'production',
    DATABASE_URL: `mysql://root@127.0.0.1:3306/${db!.name}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_PREFIX: prefix,
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    DATA_KEY: crypto.randomBytes(32).toString('base64'),
    WECHAT_APPID: APPID,
    WECHAT_SECRET: SECRET,
    YIYUN_LOAD_TRACE: trace,
  });
  /** The compiled simulator chunks a boot loaded (none, in production). */
  const simulatorChunks = (trace: string) => {
    const files = ours(loaded(trace));
    assert.ok(files.includes('server.mjs'), `the trace records our own code: ${files}`);
    return files.filter((f) => SIMULATOR_CHUNK.test(f));
  };

  before(async () => {
    await buildBff();
    db = await createDatabase('yiyun_prodboot');
  });
  after(async () => {
    for (const b of running) await b.stop();
    await wechat.close();
    await pay.close();
    await db?.drop();
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the simulators are separate chunks of the build, and an embedded (demo) boot loads them', async () => {
    const chunks = fs.readdirSync(dist).filter((f) => SIMULATOR_CHUNK.test(f));
    assert.equal(chunks.length, 2, `expected the two simulator chunks in bff/dist, found ${fs.readdirSync(dist)}`);
    const trace = path.join(tmp, 'embedded.trace');
    const bff = await startChildBff(
      { NODE_ENV: 'test', DATA_DIR: path.join(tmp, 'data'), YIYUN_LOAD_TRACE: trace },
      { compiled: true, nodeArgs: ['--import', register] },
    );
    running.push(bff);
    assert.equal((await http(bff.url, 'GET', '/readyz')).status, 200);
    const files = ours(loaded(trace));
    assert.ok(files.includes('server.mjs'), `the trace records our own code: ${files}`);
    assert.deepEqual(files.filter((f) => SIMULATOR_CHUNK.test(f)).sort(), chunks.sort());
  });

  it('a production boot serves patients and staff without loading a line of simulator code', async () => {
    const trace = path.join(tmp, 'production.trace');
    const bff = await startChildBff(
      {
        ...productionEnv(trace),
        MIGRATE_ON_START: 'true',
        ADMIN_INITIAL_PASSWORD: 'Initial-Prod-Boot-2468',
        WECHAT_API_BASE: await wechat.listen(0),
        WECHATPAY_MCHID: '1900000777',
        WECHATPAY_MERCHANT_SERIAL: merchant.serial,
        WECHATPAY_PRIVATE_KEY: merchant.privateKeyPem,
        WECHATPAY_APIV3_KEY: apiV3Key,
        WECHATPAY_PLATFORM_KEYS: JSON.stringify(pay.platformPublicKeys),
        WECHATPAY_API_BASE: await pay.listen(0),
      },
      { compiled: true, nodeArgs: ['--import', register] },
    );
    running.push(bff);
    assert.doesNotMatch(bff.output(), /SIMULATED/);
    assert.deepEqual((await http(bff.url, 'GET', '/readyz')).body.checks, { database: true, cache: true });

    const mp = await http(bff.url, 'POST', '/api/mp/auth/login', { body: { code: wechat.issueLoginCode() } });
    assert.equal(mp.status, 200, JSON.stringify(mp.body));
    const admin = await http(bff.url, 'POST', '/api/admin/auth/login', {
      body: { username: 'admin', password: 'Initial-Prod-Boot-2468' },
    });
    assert.equal(admin.status, 200, JSON.stringify(admin.body));
    // The simulated endpoints the demo mounts are not there.
    assert.equal((await http(bff.url, 'POST', '/sim-wechat/__sim/login', { body: { openid: 'x' } })).status, 404);

    assert.deepEqual(simulatorChunks(trace), [], 'production loaded simulator code');
    assert.deepEqual(
      loaded(trace).filter((f) => f.includes(`${path.sep}simulators${path.sep}`)),
      [],
      'production loaded a simulator source file',
    );
  });

  it('refuses, with a clear startup error, a production configuration that would load a simulator', async () => {
    // WECHATPAY_SIMULATED=false without a merchant passes the configuration check (it is not "simulated"), but the
    // BFF would fall back to its simulated gateway: the loader refuses, before the database is touched.
    const trace = path.join(tmp, 'refused.trace');
    const child = spawn(process.execPath, ['--import', register, path.join(dist, 'server.mjs')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: '0',
        HOST: '127.0.0.1',
        ...productionEnv(trace),
        WECHATPAY_SIMULATED: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.notEqual(code, 0, out);
    assert.match(out, /Refusing to start in production: this configuration would load simulator code/);
    assert.match(out, /the simulated WeChat Pay gateway \(set WECHATPAY_MCHID and the merchant keys\)/);
    assert.doesNotMatch(out, /"url":"http/, 'it listened');
    assert.deepEqual(simulatorChunks(trace), [], 'a refused production boot loaded simulator code');

    // Forcing the simulated WeChat is refused by the configuration already, with its own clear message.
    assert.throws(
      () =>
        loadConfig({
          ...productionEnv(path.join(tmp, 'unused.trace')),
          WECHAT_SIMULATED: 'true',
          WECHATPAY_MCHID: '1900000777',
        }),
      /Refusing to start in production:[\s\S]*WeChat is simulated/,
    );

    // And a configuration made some other way (a caller of startServer) meets the loader itself.
    const demo = loadConfig({ NODE_ENV: 'test', DATA_DIR: path.join(tmp, 'refused-data') });
    await assert.rejects(
      loadSimulators({ ...demo, NODE_ENV: 'production' }),
      /Refusing to start in production: this configuration would load simulator code:\n {2}the simulated WeChat \(/,
    );
    await assert.rejects(
      startServer({ ...demo, NODE_ENV: 'production' }),
      /Refusing to start in production: this configuration would load simulator code/,
    );
    assert.equal(fs.existsSync(demo.sqlitePath), false, 'the refused boot opened its database');
  });
});
