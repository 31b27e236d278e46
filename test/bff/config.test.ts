/**
 * Configuration: no run signs tokens or encrypts data with a secret published in the source. Real databases and real
 * WeChat need secrets from the environment; embedded mode makes its own, once, and keeps them in DATA_DIR.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { Transaction } from 'sequelize';
import { loadConfig } from '../../bff/src/config';
import { createSequelize } from '../../bff/src/infra/db';
import { createLogger } from '../../bff/src/infra/logger';
import { http, startChildBff } from '../support/child';

// The secrets this repository once shipped as demo defaults: public, so nothing may accept them.
const PUBLISHED_JWT_SECRET = 'yiyun-demo-jwt-secret-change-me-in-production';
const PUBLISHED_DATA_KEY = Buffer.alloc(32, 'yiyun-demo-data-key').toString('base64');

const ownSecrets = () => ({
  JWT_SECRET: crypto.randomBytes(32).toString('hex'),
  DATA_KEY: crypto.randomBytes(32).toString('base64'),
});

describe('configuration: secrets', () => {
  const dirs: string[] = [];
  const tmpDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-config-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('refuses a real database, real WeChat or real WeChat Pay without JWT_SECRET and DATA_KEY, whatever NODE_ENV says', () => {
    const dir = tmpDir();
    for (const NODE_ENV of [undefined, 'development', 'test']) {
      const env = { NODE_ENV, DATA_DIR: dir, DATABASE_URL: 'mysql://u:p@db:3306/yiyun', REDIS_URL: 'redis://r:6379' };
      assert.throws(
        () => loadConfig(env),
        /Refusing to start: JWT_SECRET and DATA_KEY must be set in the environment because DATABASE_URL is set/,
      );
      assert.throws(
        () => loadConfig({ ...env, DATA_KEY: ownSecrets().DATA_KEY }),
        (err: Error) => /JWT_SECRET must be set/.test(err.message) && !/DATA_KEY must/.test(err.message),
      );
    }
    assert.throws(
      () => loadConfig({ DATA_DIR: dir, WECHAT_APPID: 'wx1234', WECHAT_SECRET: 's' }),
      /JWT_SECRET and DATA_KEY must be set[\s\S]*WeChat is real/,
    );
    assert.throws(
      () => loadConfig({ DATA_DIR: dir, WECHATPAY_MCHID: '1900000001' }),
      /JWT_SECRET and DATA_KEY must be set[\s\S]*WECHATPAY_MCHID/,
    );
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing was generated for a run that must bring its own secrets');
    // With both given, such a run starts on exactly those.
    const s = ownSecrets();
    const cfg = loadConfig({ DATA_DIR: dir, DATABASE_URL: 'mysql://u:p@db:3306/yiyun', ...s });
    assert.equal(cfg.JWT_SECRET, s.JWT_SECRET);
    assert.equal(cfg.DATA_KEY, s.DATA_KEY);
  });

  it('refuses the once-published demo secrets even when they are given explicitly', () => {
    const dir = tmpDir();
    assert.throws(
      () => loadConfig({ DATA_DIR: dir, JWT_SECRET: PUBLISHED_JWT_SECRET, DATA_KEY: ownSecrets().DATA_KEY }),
      /JWT_SECRET is the demo value published/,
    );
    assert.throws(
      () =>
        loadConfig({
          DATA_DIR: dir,
          JWT_SECRET: ownSecrets().JWT_SECRET,
          DATA_KEY: PUBLISHED_DATA_KEY,
          DATABASE_URL: 'mysql://u:p@db/y',
        }),
      /DATA_KEY is the demo value published/,
    );
  });

  it("makes embedded mode's own secrets once, readable by the owner only, and uses them on every later start", () => {
    const dir = tmpDir();
    const first = loadConfig({ DATA_DIR: dir });
    const file = path.join(dir, 'secrets.json');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(first.secretsFile, { path: file, generated: true, tightened: false });
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(first.JWT_SECRET, stored.JWT_SECRET);
    assert.equal(first.DATA_KEY, stored.DATA_KEY);
    assert.ok(first.JWT_SECRET.length >= 32);
    assert.equal(Buffer.from(first.DATA_KEY, 'base64').length, 32);
    assert.notEqual(first.JWT_SECRET, PUBLISHED_JWT_SECRET);
    assert.notEqual(first.DATA_KEY, PUBLISHED_DATA_KEY);
    assert.deepEqual(fs.readdirSync(dir), ['secrets.json'], 'no temporary file left behind');

    const again = loadConfig({ DATA_DIR: dir });
    assert.equal(again.JWT_SECRET, first.JWT_SECRET);
    assert.equal(again.DATA_KEY, first.DATA_KEY);
    assert.equal(again.secretsFile?.generated, false);

    const elsewhere = loadConfig({ DATA_DIR: tmpDir() });
    assert.notEqual(elsewhere.JWT_SECRET, first.JWT_SECRET, 'every installation has its own');

    fs.chmodSync(file, 0o644);
    assert.equal(loadConfig({ DATA_DIR: dir }).secretsFile?.tightened, true);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('refuses an embedded database made before installations had their own keys', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'yiyun.sqlite'), '');
    assert.throws(
      () => loadConfig({ DATA_DIR: dir }),
      /yiyun\.sqlite was created by an earlier version with the published demo keys/,
    );
    assert.equal(fs.existsSync(path.join(dir, 'secrets.json')), false);
    // Given its data key explicitly, the operator decides.
    assert.doesNotThrow(() => loadConfig({ DATA_DIR: dir, DATA_KEY: ownSecrets().DATA_KEY }));
  });

  it('an embedded server signs with its own secret, keeps it across a restart, and refuses tokens made with the published one', async function () {
    this.timeout(120_000);
    const dir = tmpDir();
    const env = { DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '', JWT_SECRET: '', DATA_KEY: '' };
    let bff = await startChildBff(env);
    try {
      assert.match(
        bff.output(),
        /generated JWT_SECRET and DATA_KEY for this installation: back this file up together with the database/,
      );
      const file = path.join(dir, 'secrets.json');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as { JWT_SECRET: string };

      const { code } = (await http(bff.url, 'POST', '/sim-wechat/__sim/login', { body: { openid: 'o_config_test_1' } }))
        .body;
      const login = await http(bff.url, 'POST', '/api/mp/auth/login', { body: { code } });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const userId = login.body.user.id as number;
      const forge = (secret: string) =>
        jwt.sign({}, secret, {
          algorithm: 'HS256',
          subject: String(userId),
          audience: 'mp',
          issuer: 'yiyun',
          expiresIn: 600,
        });

      const forged = await http(bff.url, 'GET', '/api/mp/patients', { token: forge(PUBLISHED_JWT_SECRET) });
      assert.equal(forged.status, 401);
      assert.equal(forged.body.error.code, 'UNAUTHENTICATED');
      // The same token signed with the installation's own secret is accepted: the refusal above is the secret's doing.
      assert.equal((await http(bff.url, 'GET', '/api/mp/patients', { token: forge(secrets.JWT_SECRET) })).status, 200);

      assert.equal(await bff.stop(), 0);
      bff = await startChildBff(env);
      assert.doesNotMatch(bff.output(), /generated JWT_SECRET/);
      assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).JWT_SECRET, secrets.JWT_SECRET);
      const me = await http(bff.url, 'GET', '/api/mp/me', { token: login.body.accessToken });
      assert.equal(me.status, 200, 'a token from before the restart still works');
      assert.equal(me.body.id, userId);
      assert.equal(
        (await http(bff.url, 'POST', '/api/mp/auth/refresh', { body: { refreshToken: login.body.refreshToken } }))
          .status,
        200,
      );
    } finally {
      await bff.stop();
    }
  });
});

describe('configuration: embedded SQLite', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** The journal and sync modes a statement sees, outside a transaction and inside one (its own connection). */
  async function modes(synchronous?: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-sqlite-'));
    dirs.push(dir);
    const config = loadConfig({
      DATA_DIR: dir,
      NODE_ENV: 'test',
      ...(synchronous ? { SQLITE_SYNCHRONOUS: synchronous } : {}),
    });
    const sequelize = createSequelize(config, createLogger('silent'));
    const read = async (t?: Transaction) => {
      const [[journal]] = (await sequelize.query('PRAGMA journal_mode', { transaction: t })) as [
        { journal_mode: string }[],
        unknown,
      ];
      const [[sync]] = (await sequelize.query('PRAGMA synchronous', { transaction: t })) as [
        { synchronous: number }[],
        unknown,
      ];
      return `${journal.journal_mode} ${sync.synchronous}`;
    };
    try {
      return [await read(), await sequelize.transaction((t) => read(t))];
    } finally {
      await sequelize.close();
    }
  }

  it('a query that succeeds formats no stack trace (patches/sequelize: source-mapped stacks were 13 % of a rush)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-sqlite-'));
    dirs.push(dir);
    const sequelize = createSequelize(loadConfig({ DATA_DIR: dir, NODE_ENV: 'test' }), createLogger('silent'));
    const formatted: string[] = [];
    const original = Error.prepareStackTrace;
    Error.prepareStackTrace = (err, frames) => {
      formatted.push(String((err as Error).message));
      return original ? original(err, frames) : `${err}\n${frames.map((f) => `    at ${f}`).join('\n')}`;
    };
    try {
      await sequelize.query('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      await sequelize.query('INSERT INTO t (id) VALUES (1)');
      assert.deepEqual(formatted, [], 'no stack formatted for queries that succeed');
      const failed = await sequelize.query('INSERT INTO t (id) VALUES (1)').catch((e: Error) => e);
      assert.ok(failed instanceof Error);
      assert.equal(failed.name, 'SequelizeUniqueConstraintError');
      assert.ok(formatted.length > 0, "a failing query's error still carries where it was sent from");
    } finally {
      Error.prepareStackTrace = original;
      await sequelize.close();
    }
  });

  it("keeps a finished transaction's connection for the next one, never for two open at once", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-sqlite-'));
    dirs.push(dir);
    const sequelize = createSequelize(loadConfig({ DATA_DIR: dir, NODE_ENV: 'test' }), createLogger('silent'));
    const connectionOf = (t: Transaction) => (t as unknown as { connection: object }).connection;
    try {
      const first = await sequelize.transaction(async (t) => connectionOf(t));
      assert.equal(await sequelize.transaction(async (t) => connectionOf(t)), first, 'reused, not opened again');
      // two at once: the second can't have the one the first holds
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let outer!: object;
      const running = sequelize.transaction({ type: Transaction.TYPES.DEFERRED }, async (t) => {
        outer = connectionOf(t);
        await held;
      });
      while (!outer) await new Promise((r) => setImmediate(r));
      const inner = await sequelize.transaction({ type: Transaction.TYPES.DEFERRED }, async (t) => connectionOf(t));
      assert.notEqual(inner, outer);
      release();
      await running;
    } finally {
      await sequelize.close();
    }
  });

  it('writes ahead to a log, synced at every commit by default (FULL = 2), NORMAL (1) when configured, on every connection', async () => {
    assert.deepEqual(await modes(), ['wal 2', 'wal 2']);
    assert.deepEqual(await modes('NORMAL'), ['wal 1', 'wal 1']);
    assert.throws(() => loadConfig({ DATA_DIR: os.tmpdir(), NODE_ENV: 'test', SQLITE_SYNCHRONOUS: 'OFF' }));
  });
});
