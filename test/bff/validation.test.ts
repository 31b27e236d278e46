import assert from 'node:assert/strict';
import { call, loginAs, mpLogin, unique } from '../support/api';

describe('bad input: 4xx with a stable code, and nothing changes', () => {
  it('rejects wrong types, missing fields, unknown fields and malformed JSON', async () => {
    const admin = await loginAs('admin');
    const before = (await call('GET', '/api/admin/system/users?pageSize=1', { token: admin })).body.total;
    const cases: unknown[] = [
      {},
      { username: 123, name: '测试', password: 'Sunlit-Harbor-42', deptId: 1 },
      { username: unique('u'), name: '测试', password: 'x'.repeat(65), deptId: 1 },
      { username: unique('u'), name: '测试', password: 'Sunlit-Harbor-42', deptId: '1' },
      { username: unique('u'), name: '测试', password: 'Sunlit-Harbor-42', deptId: 1, isAdmin: true },
      { username: 'a b', name: '测试', password: 'Sunlit-Harbor-42', deptId: 1 },
      { username: unique('u'), name: '测试', password: 'Sunlit-Harbor-42', deptId: 1, phone: '123' },
    ];
    for (const body of cases) {
      const r = await call('POST', '/api/admin/system/users', { token: admin, body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
      assert.ok(r.body.error.message.length > 0);
    }
    const malformed = await call('POST', '/api/admin/system/users', { token: admin, raw: '{"username":' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'MALFORMED_JSON');
    assert.equal((await call('GET', '/api/admin/system/users?pageSize=1', { token: admin })).body.total, before);
  });

  it('rejects oversize bodies and bad query parameters', async () => {
    const { accessToken } = await mpLogin();
    const huge = await call('POST', '/api/mp/patients', {
      token: accessToken,
      raw: JSON.stringify({ name: 'x'.repeat(400_000) }),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'PAYLOAD_TOO_LARGE');
    const admin = await loginAs('admin');
    for (const q of ['page=0', 'pageSize=1000', 'page=abc', 'status=unknown', 'deptId=-1']) {
      const r = await call('GET', `/api/admin/system/users?${q}`, { token: admin });
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }
    assert.equal((await call('GET', '/api/admin/system/users/abc', { token: admin })).status, 400);
    assert.equal(
      (await call('GET', '/api/mp/nothing-here', { token: accessToken })).body.error.code,
      'ROUTE_NOT_FOUND',
    );
  });

  it('refuses duplicates and references to things that do not exist', async () => {
    const admin = await loginAs('admin');
    const dup = await call('POST', '/api/admin/system/users', {
      token: admin,
      body: { username: 'admin', name: '重复', password: 'Sunlit-Harbor-42', deptId: 1 },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'USERNAME_TAKEN');
    const noDept = await call('POST', '/api/admin/system/users', {
      token: admin,
      body: { username: unique('nd'), name: '无部门', password: 'Sunlit-Harbor-42', deptId: 999999 },
    });
    assert.equal(noDept.status, 422);
    assert.equal(noDept.body.error.code, 'INVALID_DEPT');
    const cycle = await call('PUT', '/api/admin/system/depts/1', { token: admin, body: { parentId: 2 } });
    assert.equal(cycle.status, 422);
    const hasChildren = await call('DELETE', '/api/admin/system/depts/1', { token: admin });
    assert.equal(hasChildren.body.error.code, 'DEPT_HAS_CHILDREN');
    // other suites add roles of their own: pick a built-in one, not the first in the list
    const roles = (await call('GET', '/api/admin/system/roles', { token: admin })).body as {
      id: number;
      builtin: boolean;
    }[];
    const builtin = roles.find((r) => r.builtin)!;
    assert.equal(
      (await call('DELETE', `/api/admin/system/roles/${builtin.id}`, { token: admin })).body.error.code,
      'BUILTIN_ROLE',
    );
  });
});
