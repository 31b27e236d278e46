import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { MemoryKv, RedisKv, LockBusyError, type Kv } from '../../bff/src/infra/kv';
import { MemoryPubSub, RedisPubSub, type PubSub } from '../../bff/src/infra/pubsub';
import { LocalMemo, DROP_CONFIRM_MS } from '../../bff/src/infra/memo';
import { createLogger } from '../../bff/src/infra/logger';
import { MemoryAdmission, RedisAdmission, type Admission, type Ticket } from '../../bff/src/infra/admission';
import { FieldCrypto, hashPassword, verifyPassword } from '../../bff/src/infra/crypto';
import { loadConfig } from '../../bff/src/config';
import { OperLog } from '../../bff/src/modules/monitor/models';
import { startStack } from '../support/stack';
import { call, loginAs } from '../support/api';
import { until } from '../support/child';
import { Utils, literal } from 'sequelize';
import { infra } from '../../bff/src/infra';
import { insertSql } from '../../bff/src/infra/sql';
import { PatientNotice } from '../../bff/src/kernel/notifications/models';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const impl of ['memory', 'redis'] as const) {
  describe(`infra (${impl}): cache, lock, rate limit, pub/sub`, () => {
    let redis: Redis | undefined;
    let kv: Kv;
    let kv2: Kv;
    let ps: PubSub;
    let ps2: PubSub;
    const prefix = `yiyun_infra_${crypto.randomBytes(4).toString('hex')}:`;
    before(() => {
      if (impl === 'redis') {
        redis = new Redis('redis://127.0.0.1:6379');
        kv = new RedisKv(redis, prefix);
        kv2 = new RedisKv(redis.duplicate(), prefix); // a second "instance" sharing the Redis
        ps = new RedisPubSub(redis, prefix);
        ps2 = new RedisPubSub(redis.duplicate(), prefix);
      } else {
        kv = kv2 = new MemoryKv();
        ps = ps2 = new MemoryPubSub();
      }
    });
    after(async () => {
      await ps.close();
      await ps2.close();
      if (redis) {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
    });

    it('caches values with a TTL', async () => {
      await kv.set('a', { x: 1 }, 1);
      assert.deepEqual(await kv2.get('a'), { x: 1 });
      await kv.del('a');
      assert.equal(await kv2.get('a'), undefined);
    });

    it('lets one holder at a time through a lock, across instances', async () => {
      let inside = 0;
      let maxInside = 0;
      const work = (k: Kv) =>
        k.withLock('L', async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(20);
          inside--;
        });
      await Promise.all([work(kv), work(kv2), work(kv), work(kv2)]);
      assert.equal(maxInside, 1);
      await assert.rejects(
        kv.withLock('M', () => kv2.withLock('M', async () => 1, { waitMs: 50 })),
        LockBusyError,
      );
    });

    it('keeps a renewed lock past its TTL while the holder runs; a holder that stops renewing lets it lapse', async function () {
      if (impl !== 'redis') this.skip(); // the in-process lock has no TTL: it ends with its holder
      const key = `R${crypto.randomBytes(3).toString('hex')}`;
      const lockKey = `${prefix}lock:${key}`;
      const ttlMs = 300;
      await kv.withLock(
        key,
        async () => {
          // Renewals are what we wait for: each puts the key's TTL back up. Four of them span more than the TTL.
          let last = await redis!.pttl(lockKey);
          let renewals = 0;
          await until(
            'four renewals of the lock',
            10_000,
            async () => {
              const now = await redis!.pttl(lockKey);
              assert.ok(now > 0, 'the lock lapsed while its holder was running');
              if (now > last) renewals++;
              last = now;
              return renewals >= 4 ? true : undefined;
            },
            20,
          );
          await assert.rejects(
            kv2.withLock(key, async () => 1, { waitMs: 0 }),
            LockBusyError,
          );
        },
        { ttlMs, waitMs: 0, renew: true },
      );
      assert.equal(await redis!.exists(lockKey), 0, 'released when the holder finished');

      // A holder that died: its lock (here set as it would have left it) is not renewed and lapses within the TTL.
      await redis!.set(lockKey, 'a-dead-holder', 'PX', ttlMs);
      await assert.rejects(
        kv2.withLock(key, async () => 1, { waitMs: 0 }),
        LockBusyError,
      );
      assert.equal(await kv2.withLock(key, async () => 'taken', { waitMs: 5_000 }), 'taken');
    });

    it('counts hits in a fixed window', async () => {
      const key = `h${Date.now()}`;
      const results = [];
      for (let i = 0; i < 4; i++) results.push((await (i % 2 ? kv : kv2).hit(key, 3, 60)).allowed);
      assert.deepEqual(results, [true, true, true, false]);
    });

    it('rebuilds a missing admission pool once for a burst of requests, not once per request', async () => {
      const admission: Admission = redis ? new RedisAdmission(redis, prefix) : new MemoryAdmission();
      let loads = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const load = async (): Promise<Ticket[]> => {
        loads++;
        await gate; // the database read is still under way while the burst arrives
        return [1, 2, 3].map((n) => ({ n, score: n }));
      };
      const burst = Array.from({ length: 20 }, (_, i) => admission.admit('burst', `h${i}`, 0, load));
      release();
      const answers = (await Promise.all(burst)).map((a) => a.answer);
      assert.equal(loads, 1, 'one database read for the whole burst');
      assert.equal(answers.filter((a) => a === 'admitted').length, 3);
      assert.equal(answers.filter((a) => a === 'full').length, 17);
    });

    it('admits only tickets between a minimum and a maximum score (a time band), passing while others are left', async () => {
      const admission: Admission = redis ? new RedisAdmission(redis, prefix) : new MemoryAdmission();
      const load = async (): Promise<Ticket[]> => [1, 2, 3, 4, 5, 6].map((n) => ({ n, score: n * 10 }));
      const key = `band${Date.now()}`;
      const admitted = async (holder: string, min: number, max?: number) => {
        const a = await admission.admit(key, holder, min, load, max);
        return a.answer === 'admitted' ? a.ticket.n : a.answer;
      };
      assert.equal(await admitted('a', 30, 40), 3, 'the lowest in the band');
      assert.equal(await admitted('b', 30, 40), 4);
      assert.equal(await admitted('c', 30, 40), 'passed', 'the band is empty, the pool is not');
      assert.equal(await admitted('c', 0, 25), 1, 'a band below the first minimum');
      assert.equal(await admitted('d', 35), 5, 'no maximum: as before');
      assert.equal(await admission.free(key, load), 2, 'numbers 2 and 6 are left');
    });

    it('delivers published messages to subscribers of other instances', async () => {
      let received!: (m: unknown) => void;
      const got = new Promise((r) => (received = r));
      // subscribe() resolves once the subscription is confirmed, so a message published now arrives.
      const off = await ps2.subscribe('chan', (m) => received(m));
      await ps.publish('chan', { hello: '医云' });
      assert.deepEqual(await got, { hello: '医云' });
      await off();
    });
  });
}

/**
 * A published drop reaches another process a moment after the publisher has answered; a logout is answered only once
 * every process has dropped the login (dropConfirmed). Process B's deliveries are held here, so "a moment later" is
 * as long as the test wants, and the order of events is the test's, not the scheduler's.
 */
describe('infra (redis): a confirmed memo drop waits for every process', () => {
  const prefix = `yiyun_memo_${crypto.randomBytes(4).toString('hex')}:`;
  const log = createLogger('silent');
  let redis: Redis;
  let a: LocalMemo;
  let b: LocalMemo;
  const held: (() => void)[] = [];
  let holding = false;
  let arrived: () => void = () => undefined;

  before(async () => {
    redis = new Redis('redis://127.0.0.1:6379');
    const psA = new RedisPubSub(redis, prefix);
    const real = new RedisPubSub(redis.duplicate(), prefix);
    // B's subscriptions go through a gate: while holding, a message is kept until released.
    const psB: PubSub = {
      publish: (c, m) => real.publish(c, m),
      subscribe: (c, h) =>
        real.subscribe(c, (m) => {
          if (!holding) return h(m);
          held.push(() => h(m));
          arrived();
        }),
      close: () => real.close(),
    };
    a = new LocalMemo(psA, log, true);
    b = new LocalMemo(psB, log, true);
    // Both have subscribed to the drops and to their own acks.
    await until(
      'both memos subscribed',
      10_000,
      async () => {
        const [, drops] = (await redis.call('PUBSUB', 'NUMSUB', `${prefix}memo:drop`)) as [string, number];
        const acks = ((await redis.call('PUBSUB', 'CHANNELS', `${prefix}memo:ack:*`)) as string[]).length;
        return drops === 2 && acks === 2 ? true : undefined;
      },
      20,
    );
  });
  after(async () => {
    await a.close();
    await b.close();
    redis.disconnect();
  });

  it("resolves only after the other process has dropped the tag; a plain drop doesn't wait", async () => {
    let loads = 0;
    const read = () => b.get('k', ['login:1'], 60_000, async () => ++loads);
    assert.equal(await read(), 1);
    assert.equal(await read(), 1, 'memoised');

    holding = true;
    const came = new Promise<void>((r) => (arrived = r));
    let settled = false;
    const confirmed = a.dropConfirmed('login:1').then(() => (settled = true));
    await came; // the drop has reached B and is held there
    assert.equal(await read(), 1, 'B still serves what it memoised');
    assert.equal(settled, false, 'the drop is not confirmed while B has not dropped');
    holding = false;
    held.splice(0).forEach((deliver) => deliver());
    await confirmed;
    assert.equal(await read(), 2, 'B reads again after the confirmed drop');

    // A plain drop resolves while B still holds the message: what a logout did before.
    holding = true;
    const came2 = new Promise<void>((r) => (arrived = r));
    await a.drop('login:1');
    await came2;
    assert.equal(await read(), 2, 'still memoised in B after a plain drop resolved');
    holding = false;
    held.splice(0).forEach((deliver) => deliver());
    assert.equal(await read(), 3);
  });

  it(`gives up after ${DROP_CONFIRM_MS} ms when a process never answers, and the drop still happened here`, async () => {
    let loads = 0;
    const readA = () => a.get('k2', ['login:2'], 60_000, async () => ++loads);
    assert.equal(await readA(), 1);
    holding = true;
    await a.dropConfirmed('login:2');
    assert.equal(await readA(), 2);
    holding = false;
    held.splice(0).forEach((deliver) => deliver());
  });
});

describe('infra: the memo keeps what it learnt only if nothing was dropped meanwhile', () => {
  const log = createLogger('silent');
  let memo: LocalMemo;
  beforeEach(() => {
    memo = new LocalMemo(new MemoryPubSub(), log, false);
  });
  afterEach(() => memo.close());

  it('keeps an answer put with a stamp, and not one whose tag was dropped after the stamp', async () => {
    const loads = () => memo.get('k', ['t'], 60_000, async () => 'loaded');
    const since = memo.stamp(['t']);
    memo.put('k', ['t'], 60_000, 'put', since);
    assert.equal(await loads(), 'put', 'an answer learnt with nothing dropped since is kept');

    const stale = memo.stamp(['t']);
    await memo.drop('t'); // e.g. a number came back while the pool was answering "full"
    memo.put('k', ['t'], 60_000, 'stale', stale);
    assert.equal(await loads(), 'loaded', 'the answer from before the drop is not kept');
  });

  it('shares one load among the requests asking at once, but not across a drop', async () => {
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async () => {
      const n = ++loads;
      await gate;
      return n;
    };
    const first = [memo.get('k', ['t'], 0, load), memo.get('k', ['t'], 0, load), memo.get('k', ['t'], 0, load)];
    await memo.drop('t');
    const after = memo.get('k', ['t'], 0, load); // asked after the drop: its own load
    release();
    assert.deepEqual(await Promise.all(first), [1, 1, 1]);
    assert.equal(await after, 2);
    assert.equal(loads, 2);
  });
});

describe('infra: insertSql', () => {
  it('writes a row of plain values as Sequelize would, through a template built once per column list', async () => {
    await startStack();
    const { sequelize } = infra();
    const generated = (values: Record<string, unknown>) => {
      const qg = sequelize.getQueryInterface().queryGenerator as unknown as {
        insertQuery(t: unknown, v: unknown, a: unknown, o: unknown): { query: string };
      };
      const m = PatientNotice as unknown as { fieldRawAttributesMap: unknown };
      const row = (
        Utils as unknown as { mapValueFieldNames(v: unknown, k: string[], m: unknown): unknown }
      ).mapValueFieldNames(values, Object.keys(values), PatientNotice);
      return qg
        .insertQuery(PatientNotice.getTableName(), row, m.fieldRawAttributesMap, { bindParam: false })
        .query.trim()
        .replace(/;$/, '');
    };
    const rows = [
      {
        userId: 1,
        title: 'it\'s \\ a "title"',
        content: '就诊人：张三；\n第 1 号',
        linkType: null,
        linkId: '7',
        readAt: null,
      },
      { userId: 2, title: 'second', content: '', linkType: 'appointment', linkId: null, readAt: null },
    ];
    for (const row of rows) assert.equal(insertSql(PatientNotice, row), generated(row));
    // a value given as SQL goes in as it is; a date still takes Sequelize's own path
    assert.match(insertSql(PatientNotice, { ...rows[0], linkId: literal('@id') }), /,@id,NULL\)$/);
    const at = new Date('2026-12-03T01:02:03.456Z');
    assert.equal(insertSql(PatientNotice, { ...rows[1], createdAt: at }), generated({ ...rows[1], createdAt: at }));
  });
});

describe('infra: crypto and configuration', () => {
  it('encrypts fields with authentication and a stable blind index', () => {
    const fc = new FieldCrypto(crypto.randomBytes(32).toString('base64'));
    const c1 = fc.encrypt('13812345678');
    assert.notEqual(c1, fc.encrypt('13812345678'), 'random IV');
    assert.equal(fc.decrypt(c1), '13812345678');
    const parts = c1.split(':');
    parts[3] = Buffer.from('tampered!').toString('base64');
    assert.throws(() => fc.decrypt(parts.join(':')));
    assert.equal(fc.blindIndex('11010519491231002x'), fc.blindIndex('11010519491231002X'));
    const other = new FieldCrypto(crypto.randomBytes(32).toString('base64'));
    assert.notEqual(fc.blindIndex('x'), other.blindIndex('x'));
  });

  it('hashes passwords slowly and verifies them', async () => {
    const h = await hashPassword('Passw0rd!');
    assert.match(h, /^scrypt\$/);
    assert.equal(await verifyPassword('Passw0rd!', h), true);
    assert.equal(await verifyPassword('passw0rd!', h), false);
  });

  it('refuses to start production on demo secrets, SQLite or the simulated WeChat', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      /Refusing to start in production[\s\S]*JWT_SECRET[\s\S]*DATA_KEY[\s\S]*simulated[\s\S]*DATABASE_URL/,
    );
    assert.throws(() => loadConfig({ PORT: 'abc' }), /PORT/);
    const ok = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'mysql://u:p@db:3306/yiyun',
      REDIS_URL: 'redis://r:6379',
      JWT_SECRET: 'x'.repeat(40),
      DATA_KEY: crypto.randomBytes(32).toString('base64'),
      WECHAT_APPID: 'wx1',
      WECHAT_SECRET: 's',
      WECHATPAY_MCHID: '1900000001',
    });
    assert.equal(ok.embedded, false);
    assert.equal(ok.wechat.simulated, false);
    assert.equal(ok.seedDemo, false);
  });

  it('runs the retention job, which alone deletes old operation logs', async () => {
    const { running } = await startStack();
    await loginAs('admin'); // makes sure something recent exists in the logs
    const old = await OperLog.create({
      userId: null,
      username: 'retention-test',
      module: 'test',
      action: 'old',
      method: 'POST',
      path: '/x',
      target: null,
      params: null,
      status: 'success',
      errorCode: null,
      ip: null,
      durationMs: 1,
      createdAt: new Date(Date.now() - 400 * 86400_000),
    });
    const recent = await OperLog.count();
    const result = (await running.infra.jobs.runNow('log-retention')) as { oper: number };
    assert.ok(result.oper >= 1);
    assert.equal(await OperLog.findByPk(old.id), null);
    assert.equal(await OperLog.count(), recent - result.oper);
    // Recent entries survive: the admin login made above is still in the login log.
    const recentLogins = (
      await call('GET', '/api/admin/monitor/login-logs?username=admin&status=success', {
        token: await loginAs('admin'),
      })
    ).body;
    assert.ok(
      recentLogins.items.some((l: { createdAt: string }) => Date.now() - new Date(l.createdAt).getTime() < 60_000),
    );
  });
});
