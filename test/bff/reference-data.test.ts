/**
 * Reference data a role needs in its forms is readable by that role (issue 15, defects 2 and 3): the department
 * and position options ask only for a console login, and the departments stay within the caller's data scope.
 */
import assert from 'node:assert/strict';
import { call, loginAs } from '../support/api';

interface Node {
  id: number;
  name: string;
  children: Node[];
}
const names = (nodes: Node[]): string[] => nodes.flatMap((n) => [n.name, ...names(n.children)]);

describe('reference data for forms (department and position options)', () => {
  it('every built-in role reads the department options of its data scope, names only', async () => {
    const all = names((await call<Node[]>('GET', '/api/admin/system/depts', { token: await loginAs('admin') })).body);
    for (const role of ['deptadmin', 'chief', 'doctor'] as const) {
      const token = await loginAs(role);
      const r = await call<Node[]>('GET', '/api/admin/system/depts/options', { token });
      assert.equal(r.status, 200, `${role}: ${JSON.stringify(r.body)}`);
      const mine = names(r.body);
      // a physician's scope is themself: no department to pick, but no 403 either
      if (role !== 'doctor') assert.ok(mine.length > 0, `${role} sees their department`);
      assert.ok(
        mine.every((n) => all.includes(n)),
        role,
      );
      assert.ok(!mine.includes('骨科'), `${role} sees nothing outside 内科`);
      if (r.body[0]) assert.deepEqual(Object.keys(r.body[0]).sort(), ['children', 'id', 'name'], 'no leader or phone');
    }
    // the full department list stays with 部门管理
    assert.equal((await call('GET', '/api/admin/system/depts', { token: await loginAs('chief') })).status, 403);
  });

  it('positions for pickers are readable by any console user; 岗位管理 itself is not', async () => {
    const token = await loginAs('deptadmin');
    const r = await call<{ id: number; name: string }[]>('GET', '/api/admin/system/posts/options', { token });
    assert.equal(r.status, 200);
    assert.ok(r.body.some((p) => p.name === '住院医师'));
    assert.equal((await call('GET', '/api/admin/system/posts', { token })).status, 403);
    assert.equal(
      (await call('GET', '/api/admin/system/posts/options', { token: await loginAs('doctor') })).status,
      200,
    );
  });

  it('asks for a login', async () => {
    assert.equal((await call('GET', '/api/admin/system/depts/options')).status, 401);
    assert.equal((await call('GET', '/api/admin/system/posts/options')).status, 401);
  });
});
