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

  it('dictionaries, dictionary data, notices and keywords: an unknown id refuses the batch, the rest are kept', async () => {
    const token = await admin();
    const ids = async (path: string, bodies: object[]) => {
      const out: number[] = [];
      for (const body of bodies) {
        const r = await call('POST', path, { token, body });
        assert.equal(r.status, 201, `${path} ${JSON.stringify(r.body)}`);
        out.push(r.body.id);
      }
      return out;
    };
    const t1 = unique('bd_')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_');
    const t2 = unique('bd_')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_');
    const cases: { path: string; created: number[]; still: (id: number) => Promise<boolean> }[] = [];
    const types = await ids('/api/admin/system/dict-types', [
      { type: t1, name: '批删字典一' },
      { type: t2, name: '批删字典二' },
    ]);
    const items = await ids('/api/admin/system/dict-items', [
      { dictType: t1, label: '甲', value: 'a' },
      { dictType: t1, label: '乙', value: 'b' },
    ]);
    const itemsOf = async (type: string) =>
      (await call('GET', `/api/admin/system/dict-items?dictType=${type}&pageSize=100`, { token })).body.items as {
        id: number;
      }[];
    cases.push({
      path: '/api/admin/system/dict-items',
      created: items,
      still: async (id) => (await itemsOf(t1)).some((x) => x.id === id),
    });
    const notices = await ids('/api/admin/system/notices', [
      { title: unique('批删公告'), type: 'notice', content: '内容', status: 'draft' },
      { title: unique('批删公告'), type: 'notice', content: '内容', status: 'draft' },
    ]);
    cases.push({
      path: '/api/admin/system/notices',
      created: notices,
      still: async (id) => (await call('GET', `/api/admin/system/notices/${id}`, { token })).status === 200,
    });
    const words = await ids('/api/admin/education/sensitive-words', [
      { word: unique('批删词'), action: 'block' },
      { word: unique('批删词'), action: 'block' },
    ]);
    const wordList = async () =>
      (await call('GET', '/api/admin/education/sensitive-words?pageSize=100&keyword=批删词', { token })).body.items as {
        id: number;
      }[];
    cases.push({
      path: '/api/admin/education/sensitive-words',
      created: words,
      still: async (id) => (await wordList()).some((x) => x.id === id),
    });
    for (const c of cases) {
      const bad = await call('POST', `${c.path}/batch-delete`, { token, body: { ids: [...c.created, 999_999_999] } });
      assert.equal(bad.status, 404, `${c.path} ${JSON.stringify(bad.body)}`);
      for (const id of c.created) assert.equal(await c.still(id), true, `${c.path}: ${id} kept`);
      const ok = await call('POST', `${c.path}/batch-delete`, { token, body: { ids: c.created } });
      assert.deepEqual(ok.body, { deleted: 2 }, c.path);
      for (const id of c.created) assert.equal(await c.still(id), false, `${c.path}: ${id} deleted`);
    }
    // dictionaries go with their data
    const again = await ids('/api/admin/system/dict-items', [{ dictType: t2, label: '丙', value: 'c' }]);
    const bad = await call('POST', '/api/admin/system/dict-types/batch-delete', {
      token,
      body: { ids: [types[0], 0] },
    });
    assert.equal(bad.status, 400);
    const ok = await call('POST', '/api/admin/system/dict-types/batch-delete', { token, body: { ids: types } });
    assert.deepEqual(ok.body, { deleted: 2 });
    assert.ok(!(await itemsOf(t2)).some((x) => x.id === again[0]));
    const doctor = await call('POST', '/api/admin/education/sensitive-words/batch-delete', {
      token: await loginAs('doctor'),
      body: { ids: [1] },
    });
    assert.equal(doctor.status, 403);
  });
});
