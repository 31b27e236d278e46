/**
 * Issue 10 — the per-process memo of login states (infra/memo.ts, auth's tokens.ts / authenticate.ts) across two BFF
 * processes: this test's in-process BFF and a child BFF on the same MariaDB and Redis. The child believes what it
 * read about a login for a whole minute (AUTH_MEMO_MS=60000), so only the pub/sub drop can make it notice a logout in
 * time: a patient's logout, a console logout and a force logout made through one process are refused by the very
 * next request to the other.
 */
import assert from 'node:assert/strict';
import { call, DEMO, adminLogin, mpLogin, sessionIdOf } from '../support/api';
import { startStack, testMode } from '../support/stack';
import { http, startChildBff, until, type ChildBff } from '../support/child';

describe('login memo across two BFF processes (MariaDB + Redis)', function () {
  if (testMode() !== 'mysql') return;
  this.timeout(180_000);
  let other: ChildBff;

  before(async () => {
    const stack = await startStack();
    other = await startChildBff({
      ...stack.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'false',
      SEED_DEMO: 'false',
      AUTH_MEMO_MS: '60000',
    });
  });
  after(async () => {
    const code = await other?.stop();
    assert.equal(code, 0, other?.output().slice(-2000));
  });

  it("a patient's logout through one process is refused by the next request to the other", async () => {
    const login = await mpLogin();
    const me = () => http(other.url, 'GET', '/api/mp/me', { token: login.accessToken });
    assert.equal((await me()).status, 200);
    assert.equal((await me()).status, 200, 'answered from the memo');
    const out = await call('POST', '/api/mp/auth/logout', {
      token: login.accessToken,
      body: { refreshToken: login.refreshToken },
    });
    assert.equal(out.status, 204, JSON.stringify(out.body));
    const after = await me();
    assert.equal(after.status, 401);
    assert.equal(after.body.error.code, 'SESSION_REVOKED');
    // …and the other process wrote its access line for it (app.ts: one line per request, without the redaction pass)
    await until('an access line for the refused request', 10_000, async () => {
      const lines = other
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const hit = lines.some(
        (l) => l.msg === 'request' && l.path === '/api/mp/me' && l.status === 401 && l.method === 'GET',
      );
      return hit || undefined;
    });
    // A login that goes on is untouched by the other's logout.
    const still = await mpLogin();
    assert.equal((await http(other.url, 'GET', '/api/mp/me', { token: still.accessToken })).status, 200);
  });

  it('a console logout and a force logout through one process end the login on the other at once', async () => {
    const chief = await adminLogin(DEMO.chief.username, DEMO.chief.password);
    const me = (token: string) => http(other.url, 'GET', '/api/admin/me', { token });
    assert.equal((await me(chief.accessToken)).status, 200);
    assert.equal((await me(chief.accessToken)).status, 200, 'answered from the memo');
    assert.equal((await call('POST', '/api/admin/auth/logout', { token: chief.accessToken })).status, 204);
    const ended = await me(chief.accessToken);
    assert.equal(ended.status, 401);
    assert.equal(ended.body.error.code, 'SESSION_REVOKED');

    const again = await adminLogin(DEMO.chief.username, DEMO.chief.password);
    assert.equal((await me(again.accessToken)).status, 200);
    const admin = (await adminLogin(DEMO.admin.username, DEMO.admin.password)).accessToken;
    const online = await call('GET', `/api/admin/monitor/online?username=${DEMO.chief.username}&pageSize=100`, {
      token: admin,
    });
    assert.equal(online.status, 200, JSON.stringify(online.body));
    // only this test's own login: other suites hold the demo chief's other sessions
    const sid = sessionIdOf(again.accessToken);
    const sessions = online.body.items as { sessionId: string }[];
    assert.ok(sessions.some((s) => s.sessionId === sid));
    assert.equal((await call('DELETE', `/api/admin/monitor/online/${sid}`, { token: admin })).status, 204);
    const forced = await me(again.accessToken);
    assert.equal(forced.status, 401);
    assert.equal(forced.body.error.code, 'SESSION_FORCED_OUT');
    assert.equal((await http(other.url, 'GET', '/api/admin/me', { token: admin })).status, 200);
  });
});
