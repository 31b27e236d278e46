/**
 * Issue 10 — patients' login states that have left the caches are looked up in the database together: the logins
 * asked about in one turn of the event loop cost one query, not one each (auth's tokens.ts, `revokedInDatabase`).
 * At 08:00 two thousand patients whose login state is no longer in Redis tap at once; one `COUNT` each queued them
 * all for the pool's connections. The answers must stay exactly those of the one-by-one lookup: a login with a
 * revoked refresh token is revoked, the others live.
 */
import assert from 'node:assert/strict';
import { call, mpLogin, sessionIdOf } from '../support/api';
import mysql from 'mysql2/promise';
import { startStack } from '../support/stack';
import { until } from '../support/child';
import { infra } from '../../bff/src/infra';
import { isLoginRevoked, loginTag } from '../../bff/src/modules/auth/tokens';

describe('cold login states are looked up in one query', function () {
  this.timeout(120_000);
  const LOGINS = 30;
  let logins: { accessToken: string; refreshToken: string; family: string }[];
  let ended: Set<string>;

  before(async () => {
    await startStack();
    logins = [];
    for (let i = 0; i < LOGINS; i++) {
      const l = await mpLogin();
      logins.push({ ...l, family: sessionIdOf(l.accessToken) });
    }
    // Two of them log out (their refresh tokens are revoked in the database)…
    ended = new Set([logins[3].family, logins[17].family]);
    for (const l of logins.filter((x) => ended.has(x.family))) {
      const out = await call('POST', '/api/mp/auth/logout', {
        token: l.accessToken,
        body: { refreshToken: l.refreshToken },
      });
      assert.equal(out.status, 204, JSON.stringify(out.body));
    }
  });

  /** …and every login's state leaves Redis and this process's memo, as it does after a minute unasked. */
  async function forgetAll() {
    for (const l of logins) {
      await infra().kv.del(`login-state:${l.family}`);
      await infra().memo.drop(loginTag(l.family));
    }
  }

  async function countingRefreshTokenQueries<T>(run: () => Promise<T>) {
    let queries = 0;
    const seen = (_: unknown, q: { sql?: string }) => {
      if (/auth_refresh_token/.test(q.sql ?? '')) queries++;
    };
    infra().sequelize.addHook('afterQuery', 'count-refresh-token', seen as never);
    try {
      return { result: await run(), queries };
    } finally {
      infra().sequelize.removeHook('afterQuery', 'count-refresh-token');
    }
  }

  it('answers thirty cold logins asked at once with the database read once, each answer right', async () => {
    await forgetAll();
    const { result, queries } = await countingRefreshTokenQueries(() =>
      Promise.all(logins.map((l) => isLoginRevoked(l.family))),
    );
    assert.deepEqual(
      result,
      logins.map((l) => ended.has(l.family)),
      'exactly the two logged-out logins are revoked',
    );
    assert.ok(queries >= 1, 'the states were read from the database (they had left Redis)');
    assert.ok(queries <= 3, `${LOGINS} cold logins asked at once took ${queries} queries of the refresh tokens`);
  });

  it('over HTTP, the same cold logins at once: the logged-out two refused, the others let in', async () => {
    await forgetAll();
    const answers = await Promise.all(logins.map((l) => call('GET', '/api/mp/me', { token: l.accessToken })));
    answers.forEach((a, i) => {
      if (ended.has(logins[i].family)) {
        assert.equal(a.status, 401, JSON.stringify(a.body));
        assert.equal((a.body as { error: { code: string } }).error.code, 'SESSION_REVOKED');
      } else assert.equal(a.status, 200, JSON.stringify(a.body));
    });
  });

  it('on MariaDB the connection lost in the middle of the batched lookup: 503 for each, nothing believed, right on retry', async function () {
    if (infra().config.embedded) this.skip(); // the killed connection is MariaDB's
    await forgetAll();
    // Another session holds the refresh tokens' table: the batched lookup waits for it, and its connection is killed
    // there, as a failover or a network cut would end it.
    const locker = await mysql.createConnection(infra().config.DATABASE_URL!);
    try {
      await locker.query('LOCK TABLES auth_refresh_token WRITE');
      const asked = Promise.all(logins.map((l) => call('GET', '/api/mp/me', { token: l.accessToken })));
      const waiting = await until('the batched lookup waits for the lock', 10_000, async () => {
        const [rows] = (await locker.query(
          "SELECT ID AS id, INFO AS info FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID() AND INFO LIKE '%auth_refresh_token%'",
        )) as unknown as [{ id: number; info: string }[]];
        return rows.length ? rows : undefined;
      });
      assert.equal(waiting.length, 1, `one query for all ${LOGINS}: ${waiting.map((w) => w.info).join(' | ')}`);
      await locker.query(`KILL CONNECTION ${Number(waiting[0].id)}`);
      const answers = await asked;
      for (const a of answers) {
        assert.equal(a.status, 503, JSON.stringify(a.body));
        assert.equal((a.body as { error: { code: string } }).error.code, 'DEPENDENCY_UNAVAILABLE');
      }
    } finally {
      await locker.query('UNLOCK TABLES').catch(() => undefined);
      await locker.end();
    }
    // Nothing was believed from the failed read: neither Redis nor the memo says anything of these logins…
    for (const l of logins) assert.equal(await infra().kv.get(`login-state:${l.family}`), undefined);
    // …and the next taps are answered right.
    const again = await Promise.all(logins.map((l) => call('GET', '/api/mp/me', { token: l.accessToken })));
    again.forEach((a, i) => assert.equal(a.status, ended.has(logins[i].family) ? 401 : 200, JSON.stringify(a.body)));
  });
});
