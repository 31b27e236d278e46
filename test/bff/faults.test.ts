/**
 * Running through faults: a BFF in a child process on its own database (shared MariaDB, reached through a TCP
 * proxy the test can cut) and its own redis-server (which the test kills, restarts empty, or strips of the job
 * queue's keys). Nothing here touches the shared Redis or the shared test stack.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { FakeWechat } from '../../bff/src/simulators/wechat-server';
import { uniqueIdCard } from '../support/idcard';
import { consentAll, createDatabase, http, PrivateRedis, startChildBff, until, type ChildBff } from '../support/child';

const APPID = 'wx_faults_test';
const SECRET = 'faults-secret-' + crypto.randomBytes(6).toString('hex');

/**
 * A TCP proxy in front of MariaDB. `cut()` drops every connection and refuses new ones (a database that is down);
 * `stall()` drops them and then accepts new ones but never answers (a database that hangs, or a network that eats
 * packets); `heal()` lets connections through again.
 */
class DbProxy {
  private server?: net.Server;
  private sockets = new Set<net.Socket>();
  private stalled = false;
  port = 0;
  async listen(port = 0) {
    this.server = net.createServer((client) => {
      if (this.stalled) {
        this.sockets.add(client);
        client.on('close', () => this.sockets.delete(client));
        client.on('error', () => undefined);
        return;
      }
      const upstream = net.connect(3306, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async cut() {
    const s = this.server;
    this.server = undefined;
    for (const sock of this.sockets) sock.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
  stall() {
    this.stalled = true;
    for (const sock of this.sockets) sock.destroy();
  }
  async heal() {
    this.stalled = false;
    for (const sock of this.sockets) sock.destroy();
    if (!this.server) await this.listen(this.port);
  }
}

describe('running through faults (MariaDB + a private Redis)', function () {
  this.timeout(180_000);
  const fake = new FakeWechat({ apps: { [APPID]: SECRET } });
  const proxy = new DbProxy();
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let redis: PrivateRedis;
  let bff: ChildBff;
  let env: NodeJS.ProcessEnv;
  const prefix = `yiyun_faults_${crypto.randomBytes(3).toString('hex')}:`;

  before(async () => {
    db = await createDatabase('yiyun_faults');
    redis = await PrivateRedis.start();
    await proxy.listen();
    env = {
      NODE_ENV: 'test',
      DATABASE_URL: `mysql://root@127.0.0.1:${proxy.port}/${db.name}`,
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      JWT_SECRET: crypto.randomBytes(32).toString('hex'),
      DATA_KEY: crypto.randomBytes(32).toString('base64'),
      WECHAT_APPID: APPID,
      WECHAT_SECRET: SECRET,
      WECHAT_API_BASE: await fake.listen(0),
      WECHAT_SIMULATED: 'true',
      SEED_DEMO: 'true',
      MIGRATE_ON_START: 'true',
      DATABASE_CONNECT_TIMEOUT_MS: '1500',
      // Hold expiry every second, so a test sees it run soon; the periodic schedule check is kept out of the way
      // here so that the first tests see the reconnect handling alone (the last test turns it on).
      JOB_EVERY_SEC: 'booking-hold-expiry=1',
      JOB_SCHEDULE_CHECK_SEC: '3600',
    };
    bff = await startChildBff(env);
  });
  after(async () => {
    await bff?.stop();
    await redis?.kill();
    await proxy.cut();
    await fake.close();
    await db?.drop();
  });

  const api = <T = any>(method: string, p: string, opts: { token?: string; body?: unknown } = {}) =>
    http<T>(bff.url, method, p, opts);
  const ready = () =>
    until('/readyz to answer 200', 30_000, async () =>
      (await api('GET', '/readyz')).status === 200 ? true : undefined,
    );

  async function mpLogin() {
    const r = await api('POST', '/api/mp/auth/login', { body: { code: fake.issueLoginCode() } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await consentAll(bff.url, r.body.accessToken);
    return r.body as { accessToken: string; refreshToken: string; user: { id: number } };
  }

  /** A logged-in patient with one family member. */
  async function patient() {
    const login = await mpLogin();
    const idCard = uniqueIdCard('1985-01-10');
    const p = await api('POST', '/api/mp/patients', {
      token: login.accessToken,
      body: { name: '故障患者', idCard, phone: '13700002222', relation: 'self' },
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    return { token: login.accessToken, patientId: p.body.id as number };
  }

  /** A session patients can book (seeded demo week), found in the database as test setup. */
  async function bookableSchedule(): Promise<number> {
    const [rows] = await db.conn.query(
      'SELECT id FROM schedule WHERE status = ? AND clinic_date >= DATE_ADD(UTC_DATE(), INTERVAL 2 DAY) AND booked_count + 2 < slot_count ORDER BY id LIMIT 1',
      ['open'],
    );
    const id = (rows as { id: number }[])[0]?.id;
    assert.ok(id, 'the demo seed made bookable sessions');
    return id;
  }

  async function hold() {
    const p = await patient();
    const r = await api('POST', '/api/mp/appointments', {
      token: p.token,
      body: { scheduleId: await bookableSchedule(), patientId: p.patientId },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.appointment.status, 'pending_payment');
    return r.body.appointment.id as number;
  }

  /** Test setup: the hold's payment deadline moves into the past, as if its 15 minutes had gone by. */
  async function makeOverdue(id: number) {
    await db.conn.query(
      'UPDATE appointment SET hold_expires_at = DATE_SUB(UTC_TIMESTAMP(), INTERVAL 1 MINUTE) WHERE id = ?',
      [id],
    );
  }
  async function status(id: number): Promise<string> {
    const [rows] = await db.conn.query('SELECT status FROM appointment WHERE id = ?', [id]);
    return (rows as { status: string }[])[0].status;
  }
  /** There is no event for "the background job ran": poll the row with a deadline. */
  const expired = (id: number) =>
    until(`appointment ${id} to expire`, 30_000, async () => ((await status(id)) === 'expired' ? true : undefined));

  it('expires overdue holds again after Redis restarts empty (job schedules re-registered on reconnect)', async () => {
    // Baseline: the job runs at all, so a failure below is the restart's doing.
    const before = await hold();
    await makeOverdue(before);
    await expired(before);

    const after = await hold();
    await redis.restartEmpty();
    await ready();
    await makeOverdue(after);
    await expired(after);
    assert.equal(await status(after), 'expired');
  });

  it("remembers a patient's logout across a Redis restart (the revocation is in the database)", async () => {
    const login = await mpLogin();
    assert.equal((await api('GET', '/api/mp/me', { token: login.accessToken })).status, 200);
    assert.equal(
      (
        await api('POST', '/api/mp/auth/logout', {
          token: login.accessToken,
          body: { refreshToken: login.refreshToken },
        })
      ).status,
      204,
    );
    const right = await api('GET', '/api/mp/me', { token: login.accessToken });
    assert.equal(right.status, 401);
    assert.equal(right.body.error.code, 'SESSION_REVOKED');

    await redis.restartEmpty();
    await ready();
    const afterRestart = await api('GET', '/api/mp/me', { token: login.accessToken });
    assert.equal(afterRestart.status, 401);
    assert.equal(afterRestart.body.error.code, 'SESSION_REVOKED');
    // A login that was not logged out still works after the restart.
    const other = await mpLogin();
    await redis.restartEmpty();
    await ready();
    assert.equal((await api('GET', '/api/mp/me', { token: other.accessToken })).status, 200);
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE at once while Redis is down, and works again when it is back', async () => {
    const p = await patient();
    const scheduleId = await bookableSchedule();
    await redis.kill();
    try {
      const booking = await api('POST', '/api/mp/appointments', {
        token: p.token,
        body: { scheduleId, patientId: p.patientId },
      });
      assert.equal(booking.status, 503, JSON.stringify(booking.body));
      assert.equal(booking.body.error.code, 'DEPENDENCY_UNAVAILABLE');
      assert.equal(booking.body.error.message, '服务暂时不可用，请稍后再试');
      assert.ok(booking.ms < 5000, `booking answered in ${booking.ms} ms`);
      // A read that needs only the database: the login state checked within the last AUTH_MEMO_MS comes from the
      // process's memo (200), an older one needs Redis (503) — either way at once, never a hang or a 500.
      const me = await api('GET', '/api/mp/me', { token: p.token });
      if (me.status === 503) assert.equal(me.body.error.code, 'DEPENDENCY_UNAVAILABLE');
      else assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.ok(me.ms < 5000, `an authenticated request answered in ${me.ms} ms`);
      const readyz = await api('GET', '/readyz');
      assert.equal(readyz.status, 503);
      assert.deepEqual(readyz.body.checks, { database: true, cache: false });
      assert.ok(readyz.ms < 2500, `/readyz answered in ${readyz.ms} ms`);
    } finally {
      await redis.start();
    }
    await ready();
    assert.equal((await api('GET', '/api/mp/me', { token: p.token })).status, 200);
    const booking = await api('POST', '/api/mp/appointments', {
      token: p.token,
      body: { scheduleId, patientId: p.patientId },
    });
    assert.equal(booking.status, 201, JSON.stringify(booking.body));
  });

  // Bounds are loose on purpose (a loaded CI machine must not fail them) but far below the hangs they guard
  // against: before the fix a request waited 6–10 s for the database and /readyz 3 s.
  const faults: [string, () => Promise<void> | void][] = [
    ['is unreachable (connections refused)', () => proxy.cut()],
    ['hangs (connections accepted, never answered)', () => proxy.stall()],
  ];
  for (const [what, fault] of faults) {
    it(`answers 503 DEPENDENCY_UNAVAILABLE within the connect timeout while the database ${what}; /readyz says which`, async () => {
      const p = await patient();
      await fault();
      try {
        const me = await api('GET', '/api/mp/me', { token: p.token });
        assert.equal(me.status, 503, JSON.stringify(me.body));
        assert.equal(me.body.error.code, 'DEPENDENCY_UNAVAILABLE');
        assert.ok(me.ms < 5000, `answered in ${me.ms} ms`);
        const readyz = await api('GET', '/readyz');
        assert.equal(readyz.status, 503);
        assert.deepEqual(readyz.body.checks, { database: false, cache: true });
        assert.ok(readyz.ms < 2500, `/readyz answered in ${readyz.ms} ms`);
      } finally {
        await proxy.heal();
      }
      await ready();
      assert.equal((await api('GET', '/api/mp/me', { token: p.token })).status, 200);
    });
  }

  it("re-creates the job schedules when the queue's keys vanish without a reconnect (periodic check)", async () => {
    await bff.stop();
    bff = await startChildBff({ ...env, JOB_SCHEDULE_CHECK_SEC: '1' });
    const id = await hold();
    const r = new Redis(redis.url);
    try {
      let cursor = '0';
      let deleted = 0;
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}bull*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) deleted += await r.del(...keys);
      } while (cursor !== '0');
      assert.ok(deleted > 0, 'the queue had keys to lose');
    } finally {
      r.disconnect();
    }
    await makeOverdue(id);
    await expired(id);
  });
});
