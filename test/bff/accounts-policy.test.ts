/**
 * The password policy holds wherever a password is set: an administrator creating or resetting an account, a user
 * changing their own, a staff member applying from the mini-program, and the production administrator's first one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, adminLogin, mpLogin, unique } from '../support/api';
import { admin as adminToken } from '../support/booking';
import { passwordProblem } from '../../bff/src/modules/system/password-policy';
import { DEMO_ACCOUNTS } from '../../db/seeds/demo';

const GOOD = 'Lantern-Quay-5831';
/** Passwords the probe got accepted, and others any list of common passwords has. */
const WEAK = [
  'password1',
  'Passw0rd1',
  'password123',
  'qwertyuiop1',
  '1234567890',
  'Woaini@1314',
  'P@ssw0rd2024',
  'aaaaaaaaaaaa',
];

function assertWeak(r: { status: number; body: any }, reason?: string) {
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'WEAK_PASSWORD');
  assert.match(r.body.error.message, /[\u4e00-\u9fa5]/, 'a Chinese message');
  if (reason) assert.equal(r.body.error.details.reason, reason);
}

describe('password policy', () => {
  it('refuses short, common and username-containing passwords when an administrator creates a user', async () => {
    const admin = await adminToken();
    const create = (username: string, password: string) =>
      call('POST', '/api/admin/system/users', {
        token: admin,
        body: { username, name: '策略测试', password, deptId: 1 },
      });
    for (const password of WEAK) assertWeak(await create(unique('pw'), password));
    assertWeak(await create(unique('pw'), 'password1'), 'too_short');
    const username = unique('lihua');
    assertWeak(await create(username, `${username}-Secure-Park`), 'contains_username');
    assertWeak(await create(username, `Secure-${username.toUpperCase()}-Park`), 'contains_username');
    // Refused means nothing was created.
    assert.equal((await call('GET', `/api/admin/system/users?username=${username}`, { token: admin })).body.total, 0);
    assert.equal((await create(username, GOOD)).status, 201);
  });

  it("applies on a reset, on changing one's own password and on a staff application", async () => {
    const admin = await adminToken();
    const username = unique('pwr');
    const created = await call('POST', '/api/admin/system/users', {
      token: admin,
      body: { username, name: '重置测试', password: GOOD, deptId: 1 },
    });
    assert.equal(created.status, 201);
    assertWeak(
      await call('PUT', `/api/admin/system/users/${created.body.id}/password`, {
        token: admin,
        body: { password: 'password1' },
      }),
      'too_short',
    );
    assertWeak(
      await call('PUT', `/api/admin/system/users/${created.body.id}/password`, {
        token: admin,
        body: { password: `${username}2024!` },
      }),
      'contains_username',
    );
    const own = await adminLogin(username, GOOD); // the refused resets left the password as it was
    assertWeak(
      await call('PUT', '/api/admin/me/password', {
        token: own.accessToken,
        body: { oldPassword: GOOD, newPassword: 'qwertyuiop123' },
      }),
      'too_guessable',
    );
    assertWeak(
      await call('PUT', '/api/admin/me/password', {
        token: own.accessToken,
        body: { oldPassword: GOOD, newPassword: `My-${username}-Key` },
      }),
      'contains_username',
    );
    assert.equal(
      (
        await call('PUT', '/api/admin/me/password', {
          token: own.accessToken,
          body: { oldPassword: GOOD, newPassword: 'Copper-Fjord-7720' },
        })
      ).status,
      204,
    );

    const { accessToken: mp } = await mpLogin();
    const depts = (await call('GET', '/api/mp/departments', { token: mp })).body;
    const posts = (await call('GET', '/api/mp/positions', { token: mp })).body;
    const staff = unique('staff');
    const apply = (password: string) =>
      call('POST', '/api/mp/staff-applications', {
        token: mp,
        body: { name: '申请人', deptId: depts[0].id, postId: posts[0].id, username: staff, password },
      });
    assertWeak(await apply('password1'), 'too_short');
    assertWeak(await apply(`${staff}-Clinic`), 'contains_username');
    assertWeak(await apply('1qaz2wsx3edc'), 'too_guessable');
    assert.equal((await apply(GOOD)).status, 201);
  });

  it('holds for the demo accounts the README documents', () => {
    for (const a of DEMO_ACCOUNTS)
      assert.equal(passwordProblem(a.password, { username: a.username, name: a.name }), null, a.username);
  });

  it('refuses to start production with a weak initial administrator password', function () {
    // Four child processes through tsx on a machine that may be busy with the rest of the suite: a generous limit.
    this.timeout(300_000);
    const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
    const root = path.resolve(import.meta.dirname, '../..');
    const envOf = (dir: string, password: string) => ({
      PATH: process.env.PATH,
      DATA_DIR: dir,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      ADMIN_INITIAL_PASSWORD: password,
    });
    // One migrated database, copied for each seed: the migrations are not what is tested here.
    const migratedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-prod-migrated-'));
    const migrated = spawnSync(tsx, ['db/migrate.ts', 'up'], {
      cwd: root,
      env: envOf(migratedDir, GOOD),
      encoding: 'utf8',
    });
    assert.equal(migrated.status, 0, migrated.stderr);
    const seedProduction = (password: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-prod-seed-'));
      try {
        fs.cpSync(migratedDir, dir, { recursive: true });
        return spawnSync(tsx, ['db/seed.ts'], { cwd: root, env: envOf(dir, password), encoding: 'utf8' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    try {
      const weak = seedProduction('admin-Clinic-2024');
      assert.notEqual(weak.status, 0);
      assert.match(weak.stderr, /ADMIN_INITIAL_PASSWORD is not acceptable \(contains_username\)/);
      const strong = seedProduction(GOOD);
      assert.equal(strong.status, 0, strong.stderr);
      assert.match(strong.stdout, /base seeded: true/);
    } finally {
      fs.rmSync(migratedDir, { recursive: true, force: true });
    }
  });
});
