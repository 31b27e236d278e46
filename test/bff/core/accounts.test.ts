/**
 * Console accounts: a user on an initial or reset password can do nothing but change it (or leave), and the login
 * answer is the same whether or not the username exists.
 */
import assert from 'node:assert/strict';
import { call, adminLogin, unique } from '../../support/api';
import { admin as adminToken, newDoctor, tomorrow } from '../../support/booking';
import { hashPassword, verifyPassword } from '../../../bff/src/infra/crypto';

const INITIAL = 'Tq8#vLr2-Wmz9';
const CHOSEN = 'Kp4!nYs7-Hdx3';

/** Admin routes a user who must change their password may still call: what the change-password screen needs. */
const ALLOWED_PENDING = ['GET /api/admin/me', 'PUT /api/admin/me/password', 'POST /api/admin/auth/logout'];

async function adminOperations() {
  const doc = (await call('GET', '/api/openapi.json')).body;
  const ops: { method: string; path: string; auth: string }[] = [];
  for (const [path, methods] of Object.entries<Record<string, { 'x-auth': string }>>(doc.paths)) {
    for (const [method, op] of Object.entries(methods))
      if (path.startsWith('/api/admin/')) ops.push({ method: method.toUpperCase(), path, auth: op['x-auth'] });
  }
  return ops;
}

const fill = (path: string) =>
  path
    .replace('{sessionId}', '00000000-0000-4000-8000-000000000000')
    .replace('{type}', 'no_such_type')
    .replace(/\{\w+\}/g, '999999');

/** A console user an administrator just created: it starts with mustChangePassword. */
async function newUser(roleKey: string) {
  const admin = await adminToken();
  const roles = (await call('GET', '/api/admin/system/roles', { token: admin })).body as { id: number; key: string }[];
  const username = unique('acct');
  const r = await call('POST', '/api/admin/system/users', {
    token: admin,
    body: {
      username,
      name: '新同事',
      password: INITIAL,
      deptId: 1,
      roleIds: [roles.find((x) => x.key === roleKey)!.id],
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.id as number, username };
}

const scheduleBody = (doctorId: number) => ({
  doctorId,
  clinicDate: tomorrow(),
  period: 'pm',
  startTime: '13:30',
  endTime: '17:00',
  slotCount: 5,
  feeFen: 1000,
  releaseAt: new Date(Date.now() - 3600_000).toISOString(),
  location: '门诊楼 3 层',
});

describe('accounts: a user on an initial password must change it first', () => {
  it('refuses every console call but profile, password change and logout with PASSWORD_CHANGE_REQUIRED', async () => {
    const ops = await adminOperations();
    assert.ok(ops.length > 30, 'the console API lists its routes');
    const user = await newUser('admin');
    const login = await adminLogin(user.username, INITIAL);
    const token = login.accessToken;

    const me = await call('GET', '/api/admin/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.mustChangePassword, true);
    for (const op of ops.filter((o) => o.auth === 'admin' && !ALLOWED_PENDING.includes(`${o.method} ${o.path}`))) {
      // Nonexistent ids and empty bodies: even where the check were missing, nothing would change.
      const r = await call(op.method, fill(op.path), {
        token,
        body: op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
      });
      assert.equal(r.status, 403, `${op.method} ${op.path} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.deepEqual(
        r.body,
        { error: { code: 'PASSWORD_CHANGE_REQUIRED', message: '请先修改初始密码' } },
        `${op.method} ${op.path}`,
      );
    }

    // The probe's case: an administrator's fresh account creating a schedule through the API.
    const doctor = await newDoctor();
    const early = await call('POST', '/api/admin/scheduling/schedules', { token, body: scheduleBody(doctor.id) });
    assert.equal(early.status, 403);
    assert.equal(early.body.error.code, 'PASSWORD_CHANGE_REQUIRED');
    const schedules = await call('GET', `/api/admin/scheduling/schedules?doctorId=${doctor.id}`, {
      token: await adminToken(),
    });
    assert.equal(schedules.body.total, 0, 'the refused call created nothing');

    const changed = await call('PUT', '/api/admin/me/password', {
      token,
      body: { oldPassword: INITIAL, newPassword: CHOSEN },
    });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    assert.equal((await call('GET', '/api/admin/me', { token })).body.user.mustChangePassword, false);
    // The same session goes on, now with everything its roles allow.
    assert.equal(
      (await call('POST', '/api/admin/scheduling/schedules', { token, body: scheduleBody(doctor.id) })).status,
      201,
    );
    assert.equal((await call('GET', '/api/admin/me/menus', { token })).status, 200);
  });

  it('lets such a user log out, and a password reset by an administrator requires a change again', async () => {
    const user = await newUser('physician');
    const first = await adminLogin(user.username, INITIAL);
    assert.equal((await call('POST', '/api/admin/auth/logout', { token: first.accessToken })).status, 204);
    assert.equal((await call('GET', '/api/admin/me', { token: first.accessToken })).body.error.code, 'SESSION_REVOKED');

    const second = await adminLogin(user.username, INITIAL);
    assert.equal(
      (
        await call('PUT', '/api/admin/me/password', {
          token: second.accessToken,
          body: { oldPassword: INITIAL, newPassword: CHOSEN },
        })
      ).status,
      204,
    );
    assert.equal((await call('GET', '/api/admin/scheduling/schedules', { token: second.accessToken })).status, 200);

    const admin = await adminToken();
    assert.equal(
      (await call('PUT', `/api/admin/system/users/${user.id}/password`, { token: admin, body: { password: INITIAL } }))
        .status,
      204,
    );
    const afterReset = await adminLogin(user.username, INITIAL);
    const refused = await call('GET', '/api/admin/scheduling/schedules', { token: afterReset.accessToken });
    assert.equal(refused.body.error.code, 'PASSWORD_CHANGE_REQUIRED');
  });
});

describe('accounts: login answers do not reveal which usernames exist', () => {
  const attempt = async (username: string) => {
    const started = performance.now();
    const r = await call('POST', '/api/admin/auth/login', { body: { username, password: 'Not-the-password-1' } });
    return { status: r.status, body: r.body, ms: performance.now() - started };
  };
  /** The lock's end differs by the milliseconds between the two calls; everything else must match. */
  const comparable = (r: { status: number; body: { error: { details?: Record<string, unknown> } } }) => {
    const { lockedUntil, retryAfterSeconds, ...rest } = r.body.error.details ?? {};
    return {
      status: r.status,
      body: { ...r.body, error: { ...r.body.error, details: rest } },
      locked: lockedUntil !== undefined,
      retry: retryAfterSeconds,
    };
  };

  it('answers a wrong password and an unknown username identically, up to and after the lock', async () => {
    const known = await newUser('physician');
    const ghost = unique('ghost');
    for (let i = 1; i <= 5; i++) {
      const a = await attempt(known.username);
      const b = await attempt(ghost);
      if (i < 5) {
        assert.equal(a.status, 401);
        assert.deepEqual({ status: b.status, body: b.body }, { status: a.status, body: a.body }, `attempt ${i}`);
      } else {
        assert.equal(a.body.error.code, 'ACCOUNT_LOCKED');
        const [ca, cb] = [comparable(a), comparable(b)];
        assert.deepEqual({ ...cb, retry: 0 }, { ...ca, retry: 0 }, 'attempt 5 locks both');
        assert.ok(ca.locked && Math.abs((ca.retry as number) - (cb.retry as number)) <= 2);
      }
    }
    // Locked: the right password of the real account gets the same answer as anything for the unknown name.
    const right = await call('POST', '/api/admin/auth/login', {
      body: { username: known.username, password: INITIAL },
    });
    const ghostAgain = await attempt(ghost);
    assert.equal(right.body.error.code, 'ACCOUNT_LOCKED');
    assert.deepEqual(
      { ...comparable(ghostAgain), retry: 0 },
      { ...comparable({ status: right.status, body: right.body }), retry: 0 },
    );
  });

  it('spends the slow password hash on unknown usernames too', async () => {
    const known = await newUser('physician');
    const hash = await hashPassword('Some-password-9');
    const started = performance.now();
    await verifyPassword('Other-password-9', hash);
    const hashMs = performance.now() - started;
    // Loose on purpose: both answers must include a password hash; neither may be the fast path of a lookup miss.
    const a = await attempt(known.username);
    const b = await attempt(unique('ghost'));
    assert.ok(a.ms >= hashMs / 2, `known: ${a.ms.toFixed(0)} ms vs hash ${hashMs.toFixed(0)} ms`);
    assert.ok(b.ms >= hashMs / 2, `unknown: ${b.ms.toFixed(0)} ms vs hash ${hashMs.toFixed(0)} ms`);
  });
});
