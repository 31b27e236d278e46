/**
 * 批量删除 (issue 15, RuoYi's table conventions): users, roles and posts are deleted many at once, all or nothing —
 * every id is checked (permission, data scope, role strength, in use) before any is deleted, and one refusal is a
 * 4xx with nothing deleted.
 */
import assert from 'node:assert/strict';
import { adminLogin, call, loginAs, replaceInitialPassword, unique } from '../../support/api';
import { admin, deptId, newDoctor } from '../../support/booking';

type MenuNode = { id: number; perms: string | null; children?: MenuNode[] };
/** a console account with no role: any holder of 用户删除 whose scope covers its department may delete it */
async function plainUser(dept: string) {
  const r = await call('POST', '/api/admin/system/users', {
    token: await admin(),
    body: { username: unique('bdu'), name: unique('批删'), password: 'Sunlit-Harbor-42', deptId: await deptId(dept) },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as { id: number };
}
const exists = async (id: number) =>
  (await call('GET', `/api/admin/system/users/${id}`, { token: await admin() })).status === 200;

describe('console: batch delete of users, roles and posts (all or nothing)', function () {
  this.timeout(120_000);

  it('deletes the selected users at once and writes it to the operation log', async () => {
    const a = await newDoctor('呼吸内科', unique('批删'));
    const b = await newDoctor('呼吸内科', unique('批删'));
    const r = await call('POST', '/api/admin/system/users/batch-delete', {
      token: await admin(),
      body: { ids: [a.id, b.id, a.id] },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { deleted: 2 });
    assert.equal(await exists(a.id), false);
    assert.equal(await exists(b.id), false);
    const log = await call('GET', '/api/admin/monitor/oper-logs?username=admin&module=user&pageSize=20', {
      token: await admin(),
    });
    assert.ok(
      (log.body.items as { action: string; path: string }[]).some(
        (l) => l.action === '批量删除用户' && l.path === '/api/admin/system/users/batch-delete',
      ),
      JSON.stringify(log.body.items.slice(0, 3)),
    );
  });

  it('one id out of the caller’s data scope refuses the whole batch, nothing deleted', async () => {
    const token = await admin();
    // a 用户删除 holder whose data scope is 呼吸内科 only
    const menus = (await call('GET', '/api/admin/system/menus', { token })).body as MenuNode[];
    const flat: MenuNode[] = [];
    const walk = (ns: MenuNode[]) => ns.forEach((n) => (flat.push(n), walk(n.children ?? [])));
    walk(menus);
    const menuIds = flat
      .filter((m) => m.perms === 'system:user:list' || m.perms === 'system:user:remove')
      .map((m) => m.id);
    const role = await call('POST', '/api/admin/system/roles', {
      token,
      body: {
        key: unique('bdscope_')
          .toLowerCase()
          .replace(/[^a-z0-9_]/g, '_'),
        name: unique('批删范围'),
        dataScope: 'dept',
        menuIds,
      },
    });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const remover = await call('POST', '/api/admin/system/users', {
      token,
      body: {
        username: unique('bdr'),
        name: '批删员',
        password: 'Sunlit-Harbor-42',
        deptId: await deptId('呼吸内科'),
        roleIds: [role.body.id],
      },
    });
    assert.equal(remover.status, 201, JSON.stringify(remover.body));
    await replaceInitialPassword(remover.body.username, 'Sunlit-Harbor-42', 'Quiet-Meadow-7315');
    const scoped = (await adminLogin(remover.body.username, 'Quiet-Meadow-7315')).accessToken as string;

    const mine = await plainUser('呼吸内科');
    const theirs = await plainUser('骨科');
    const r = await call('POST', '/api/admin/system/users/batch-delete', {
      token: scoped,
      body: { ids: [mine.id, theirs.id] },
    });
    assert.equal(r.status, 404, JSON.stringify(r.body));
    assert.equal(await exists(mine.id), true, 'the in-scope user is kept too');
    assert.equal(await exists(theirs.id), true);
    // a user holding a role stronger than the caller could grant is refused the same way
    const chiefLike = await plainUser('呼吸内科');
    const roles = (await call('GET', '/api/admin/system/roles', { token })).body as { id: number; key: string }[];
    const adminRole = roles.find((x) => x.key === 'admin')!.id;
    assert.equal(
      (await call('PUT', `/api/admin/system/users/${chiefLike.id}/roles`, { token, body: { roleIds: [adminRole] } }))
        .status,
      200,
    );
    const strong = await call('POST', '/api/admin/system/users/batch-delete', {
      token: scoped,
      body: { ids: [mine.id, chiefLike.id] },
    });
    assert.equal(strong.status, 403, JSON.stringify(strong.body));
    assert.equal(strong.body.error.code, 'USER_NOT_MANAGEABLE');
    assert.equal(await exists(mine.id), true);
    // within scope the same caller may
    const ok = await call('POST', '/api/admin/system/users/batch-delete', { token: scoped, body: { ids: [mine.id] } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(await exists(mine.id), false);
    await call('POST', '/api/admin/system/users/batch-delete', {
      token,
      body: { ids: [chiefLike.id, remover.body.id] },
    });
  });

  it('an unknown id, oneself or a missing permission refuses the batch; bad bodies are 400', async () => {
    const a = await newDoctor('呼吸内科', unique('批删'));
    const token = await admin();
    const me = (await call('GET', '/api/admin/me', { token })).body;
    const cases: [unknown, number, string][] = [
      [{ ids: [a.id, 999_999_999] }, 404, 'NOT_FOUND'],
      [{ ids: [a.id, me.user.id] }, 409, 'SELF_OPERATION'],
      [{ ids: [] }, 400, 'VALIDATION_FAILED'],
      [{ ids: ['x'] }, 400, 'VALIDATION_FAILED'],
      [{ ids: Array.from({ length: 101 }, (_, i) => i + 1) }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const r = await call('POST', '/api/admin/system/users/batch-delete', { token, body });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
    }
    assert.equal(await exists(a.id), true);
    const doctor = await call('POST', '/api/admin/system/users/batch-delete', {
      token: await loginAs('doctor'),
      body: { ids: [a.id] },
    });
    assert.equal(doctor.status, 403);
    assert.equal(await exists(a.id), true);
  });

  it('roles: a built-in or used role refuses the batch; unused ones are deleted together', async () => {
    const token = await admin();
    const mk = async () => {
      const key = unique('bd_')
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_');
      const r = await call('POST', '/api/admin/system/roles', {
        token,
        body: { key, name: unique('批删角色'), dataScope: 'self', menuIds: [] },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as number;
    };
    const [x, y] = [await mk(), await mk()];
    const roles = (await call('GET', '/api/admin/system/roles', { token })).body as { id: number; key: string }[];
    const builtin = roles.find((r) => r.key === 'physician')!.id;
    const refused = await call('POST', '/api/admin/system/roles/batch-delete', { token, body: { ids: [x, builtin] } });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'BUILTIN_ROLE');
    assert.equal((await call('GET', `/api/admin/system/roles/${x}`, { token })).status, 200);
    const ok = await call('POST', '/api/admin/system/roles/batch-delete', { token, body: { ids: [x, y] } });
    assert.deepEqual(ok.body, { deleted: 2 });
    assert.equal((await call('GET', `/api/admin/system/roles/${x}`, { token })).status, 404);
  });

  it('posts: one post still held by a user refuses the batch', async () => {
    const token = await admin();
    const mk = async () => {
      const r = await call('POST', '/api/admin/system/posts', {
        token,
        body: { code: unique('bd').toLowerCase(), name: unique('批删岗位') },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as number;
    };
    const [free, held] = [await mk(), await mk()];
    const u = await call('POST', '/api/admin/system/users', {
      token,
      body: {
        username: unique('bdp'),
        name: '岗位持有人',
        password: 'Sunlit-Harbor-42',
        deptId: await deptId('呼吸内科'),
        postId: held,
      },
    });
    assert.equal(u.status, 201, JSON.stringify(u.body));
    const refused = await call('POST', '/api/admin/system/posts/batch-delete', { token, body: { ids: [free, held] } });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'POST_IN_USE');
    const posts = (await call('GET', '/api/admin/system/posts?pageSize=100', { token })).body.items as { id: number }[];
    assert.ok(
      posts.some((p) => p.id === free),
      'the free post is kept',
    );
    const ok = await call('POST', '/api/admin/system/posts/batch-delete', { token, body: { ids: [free] } });
    assert.deepEqual(ok.body, { deleted: 1 });
  });
});
