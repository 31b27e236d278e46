import assert from 'node:assert/strict';
import { infra } from '../../../bff/src/infra';
import { call, adminLogin, DEMO, loginAs, mpLogin, sessionIdOf, unique } from '../../support/api';
import { startStack } from '../../support/stack';
import { AdminSession } from '../../../bff/src/modules/auth/models';

describe('identity: patients (WeChat login, rotating refresh tokens)', () => {
  it('logs a new WeChat user in, then the same openid again as the same user', async () => {
    const openid = unique('o_id_');
    const first = await mpLogin(openid);
    const again = await mpLogin(openid);
    assert.equal(again.user.id, first.user.id);
    const me = await call('GET', '/api/mp/me', { token: again.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, first.user.id);
    assert.equal(me.body.phoneMasked, null);
    assert.equal(JSON.stringify(first).includes('session_key'), false, 'session_key never leaves the server');
  });

  it('refuses a used, unknown or expired wx.login code with WECHAT_CODE_INVALID', async () => {
    const { fake } = await startStack();
    const code = fake.issueLoginCode(unique('o_used_'));
    assert.equal((await call('POST', '/api/mp/auth/login', { body: { code } })).status, 200);
    const reused = await call('POST', '/api/mp/auth/login', { body: { code } });
    assert.equal(reused.status, 401);
    assert.equal(reused.body.error.code, 'WECHAT_CODE_INVALID');
    const unknown = await call('POST', '/api/mp/auth/login', { body: { code: 'nope' } });
    assert.equal(unknown.body.error.code, 'WECHAT_CODE_INVALID');
    const old = fake.issueLoginCode(unique('o_old_'));
    fake.expireCode(old);
    assert.equal(
      (await call('POST', '/api/mp/auth/login', { body: { code: old } })).body.error.code,
      'WECHAT_CODE_INVALID',
    );
  });

  it('rotates refresh tokens and revokes the family when a spent one is reused', async () => {
    const login = await mpLogin();
    const r1 = await call('POST', '/api/mp/auth/refresh', { body: { refreshToken: login.refreshToken } });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refreshToken, login.refreshToken);
    // The old token again: reuse → the whole family (including the fresh r1 token) is revoked.
    const reuse = await call('POST', '/api/mp/auth/refresh', { body: { refreshToken: login.refreshToken } });
    assert.equal(reuse.status, 401);
    assert.equal(reuse.body.error.code, 'REFRESH_TOKEN_REUSED');
    const r2 = await call('POST', '/api/mp/auth/refresh', { body: { refreshToken: r1.body.refreshToken } });
    assert.equal(r2.status, 401);
  });

  it('gives exactly one winner when the same refresh token is spent twice at once', async () => {
    const login = await mpLogin();
    const results = await Promise.all(
      [1, 2].map(() => call('POST', '/api/mp/auth/refresh', { body: { refreshToken: login.refreshToken } })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 401]);
  });

  it('logging out ends the login at once, access token included', async () => {
    const login = await mpLogin();
    assert.equal((await call('GET', '/api/mp/me', { token: login.accessToken })).status, 200);
    assert.equal(
      (
        await call('POST', '/api/mp/auth/logout', {
          token: login.accessToken,
          body: { refreshToken: login.refreshToken },
        })
      ).status,
      204,
    );
    assert.equal((await call('GET', '/api/mp/me', { token: login.accessToken })).body.error.code, 'SESSION_REVOKED');
    assert.equal(
      (await call('POST', '/api/mp/auth/refresh', { body: { refreshToken: login.refreshToken } })).status,
      401,
    );
    const other = await mpLogin();
    assert.equal(
      (await call('GET', '/api/mp/me', { token: other.accessToken })).status,
      200,
      'other logins are untouched',
    );
  });

  it('rejects requests without a valid token', async () => {
    assert.equal((await call('GET', '/api/mp/me')).status, 401);
    assert.equal((await call('GET', '/api/mp/me', { token: 'garbage' })).body.error.code, 'UNAUTHENTICATED');
    const admin = await loginAs('admin');
    // A console token is not a patient token.
    assert.equal((await call('GET', '/api/mp/me', { token: admin })).status, 401);
  });
});

describe('identity: console accounts', () => {
  it('logs each demo role in and returns its roles and permissions', async () => {
    for (const [role, key] of [
      ['admin', 'admin'],
      ['deptadmin', 'dept_admin'],
      ['chief', 'chief_physician'],
      ['doctor', 'physician'],
    ] as const) {
      const token = await loginAs(role);
      const me = await call('GET', '/api/admin/me', { token });
      assert.equal(me.status, 200);
      assert.deepEqual(me.body.roles, [key]);
    }
    const admin = await call('GET', '/api/admin/me', { token: await loginAs('admin') });
    assert.deepEqual(admin.body.permissions, ['*:*:*']);
  });

  it('locks an account after 5 wrong passwords and lets an admin unlock it', async () => {
    const admin = await loginAs('admin');
    const username = unique('lock');
    const created = await call('POST', '/api/admin/system/users', {
      token: admin,
      body: { username, name: '锁定测试', password: 'Quiet-Meadow-81', deptId: 1 },
    });
    assert.equal(created.status, 201);
    for (let i = 1; i <= 4; i++) {
      const r = await call('POST', '/api/admin/auth/login', { body: { username, password: 'wrong-pass1' } });
      assert.equal(r.status, 401);
      assert.equal(r.body.error.details.remainingAttempts, 5 - i);
    }
    const fifth = await call('POST', '/api/admin/auth/login', { body: { username, password: 'wrong-pass1' } });
    assert.equal(fifth.status, 403);
    assert.equal(fifth.body.error.code, 'ACCOUNT_LOCKED');
    assert.ok(fifth.body.error.details.retryAfterSeconds > 14 * 60);
    // Even the right password is refused while locked.
    const right = await call('POST', '/api/admin/auth/login', { body: { username, password: 'Quiet-Meadow-81' } });
    assert.equal(right.body.error.code, 'ACCOUNT_LOCKED');
    const logs = await call('GET', `/api/admin/monitor/login-logs?username=${username}`, { token: admin });
    assert.equal(logs.body.items[0].locked, true);
    assert.ok(logs.body.items.some((l: { status: string }) => l.status === 'locked'));
    const unlock = await call('POST', `/api/admin/system/users/${created.body.id}/unlock`, { token: admin });
    assert.equal(unlock.status, 200);
    assert.equal(unlock.body.locked, false);
    assert.equal(
      (await call('POST', '/api/admin/auth/login', { body: { username, password: 'Quiet-Meadow-81' } })).status,
      200,
    );
  });

  it('rate-limits repeated login attempts for one username', async () => {
    const username = unique('nobody');
    // The test stack allows many logins a minute per username (the suites log the demo accounts in often), so all but
    // the last allowed attempt are counted straight into the limiter's own counter — what a login attempt counts.
    const limit = infra().config.LOGIN_RATE_PER_USER_PER_MIN;
    for (let i = 0; i < limit - 1; i++) await infra().kv.hit(`login:user:${username.toLowerCase()}`, limit, 60);
    const attempt = () => call('POST', '/api/admin/auth/login', { body: { username, password: 'x' } });
    assert.equal((await attempt()).status, 401, 'the last allowed attempt is answered');
    const refused = await attempt();
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'RATE_LIMITED');
  });

  it('revokes the session on logout and on force logout, effective at the next request', async () => {
    const admin = await loginAs('admin');
    const other = await adminLogin(DEMO.chief.username, DEMO.chief.password);
    assert.equal((await call('GET', '/api/admin/me', { token: other.accessToken })).status, 200);
    const online = await call('GET', '/api/admin/monitor/online?username=chief&pageSize=100', { token: admin });
    // Only this test's own login: the demo chief's other sessions belong to other suites in the same run.
    const sid = sessionIdOf(other.accessToken);
    assert.ok(
      online.body.items.some((s: { sessionId: string }) => s.sessionId === sid),
      JSON.stringify(online.body),
    );
    assert.equal((await call('GET', '/api/admin/me', { token: other.accessToken })).status, 200);
    assert.equal((await call('DELETE', `/api/admin/monitor/online/${sid}`, { token: admin })).status, 204);
    // Told why, with its own code: not "login expired" but forced out by an administrator.
    const after = await call('GET', '/api/admin/me', { token: other.accessToken });
    assert.equal(after.status, 401);
    assert.equal(after.body.error.code, 'SESSION_FORCED_OUT');
    assert.match(after.body.error.message, /您已被管理员强制下线/);
    // Its refresh token is dead too, and says the same.
    const refreshed = await call('POST', '/api/admin/auth/refresh', { body: { refreshToken: other.refreshToken } });
    assert.equal(refreshed.status, 401);
    assert.equal(refreshed.body.error.code, 'SESSION_FORCED_OUT');

    const mineAgain = await adminLogin(DEMO.doctor.username, DEMO.doctor.password);
    assert.equal((await call('POST', '/api/admin/auth/logout', { token: mineAgain.accessToken })).status, 204);
    assert.equal(
      (await call('GET', '/api/admin/me', { token: mineAgain.accessToken })).body.error.code,
      'SESSION_REVOKED',
    );
  });

  it('rotates console refresh tokens and kills the session on reuse', async () => {
    const login = await adminLogin(DEMO.doctor.username, DEMO.doctor.password);
    const r1 = await call('POST', '/api/admin/auth/refresh', { body: { refreshToken: login.refreshToken } });
    assert.equal(r1.status, 200);
    assert.equal((await call('GET', '/api/admin/me', { token: r1.body.accessToken })).status, 200);
    const reuse = await call('POST', '/api/admin/auth/refresh', { body: { refreshToken: login.refreshToken } });
    assert.equal(reuse.body.error.code, 'REFRESH_TOKEN_REUSED');
    assert.equal(
      (await call('GET', '/api/admin/me', { token: r1.body.accessToken })).body.error.code,
      'SESSION_REVOKED',
    );
  });

  it('ends sessions whose last activity is older than the idle timeout', async () => {
    const { running } = await startStack();
    const login = await adminLogin(DEMO.doctor.username, DEMO.doctor.password);
    const sid = JSON.parse(Buffer.from(login.accessToken.split('.')[1], 'base64url').toString()).sid;
    const idle = running.infra.config.ADMIN_IDLE_TIMEOUT_MIN * 60_000;
    await AdminSession.update({ lastSeenAt: new Date(Date.now() - idle - 1000) }, { where: { id: sid } });
    const r = await call('GET', '/api/admin/me', { token: login.accessToken });
    assert.equal(r.body.error.code, 'SESSION_REVOKED');
  });

  it('refuses wrong passwords, unknown users, and pending or disabled accounts with distinct codes', async () => {
    const unknown = await call('POST', '/api/admin/auth/login', {
      body: { username: unique('ghost'), password: 'Whatever1' },
    });
    assert.equal(unknown.body.error.code, 'INVALID_CREDENTIALS');
    const admin = await loginAs('admin');
    const username = unique('dis');
    const u = await call('POST', '/api/admin/system/users', {
      token: admin,
      body: { username, name: '停用测试', password: 'Quiet-Meadow-81', deptId: 1 },
    });
    const session = await adminLogin(username, 'Quiet-Meadow-81');
    assert.equal(
      (await call('PUT', `/api/admin/system/users/${u.body.id}/status`, { token: admin, body: { status: 'disabled' } }))
        .status,
      200,
    );
    assert.equal(
      (await call('GET', '/api/admin/me', { token: session.accessToken })).body.error.code,
      'SESSION_REVOKED',
    );
    assert.equal(
      (await call('POST', '/api/admin/auth/login', { body: { username, password: 'Quiet-Meadow-81' } })).body.error
        .code,
      'ACCOUNT_DISABLED',
    );
  });
});
