import assert from 'node:assert/strict';
import { call, adminLogin, loginAs, unique } from '../../support/api';
import { staffAccountWithPerms } from '../../support/accounts';

type Op = { method: string; path: string; perm?: string; auth: string };

async function adminOperations(): Promise<Op[]> {
  const doc = (await call('GET', '/api/openapi.json')).body;
  const ops: Op[] = [];
  for (const [path, methods] of Object.entries<Record<string, { 'x-auth': string; 'x-permission'?: string }>>(
    doc.paths,
  )) {
    for (const [method, op] of Object.entries(methods)) {
      if (path.startsWith('/api/admin/'))
        ops.push({ method: method.toUpperCase(), path, perm: op['x-permission'], auth: op['x-auth'] });
    }
  }
  return ops;
}

const fill = (path: string) =>
  path
    .replace('{sessionId}', '00000000-0000-4000-8000-000000000000')
    .replace('{type}', 'no_such_type')
    .replace(/\{\w+\}/g, '999999');

describe('permissions: every admin route × every built-in role', () => {
  it("answers 403 FORBIDDEN exactly when the role lacks the route's permission", async () => {
    const ops = await adminOperations();
    assert.ok(ops.length > 30, 'the console API lists its routes');
    for (const role of ['admin', 'deptadmin', 'chief', 'doctor'] as const) {
      const token = await loginAs(role);
      const perms: string[] = (await call('GET', '/api/admin/me', { token })).body.permissions;
      const has = (p: string) => perms.includes('*:*:*') || perms.includes(p);
      for (const op of ops.filter((o) => o.perm)) {
        // Nonexistent ids and empty bodies: a permitted call fails validation or finds nothing, and changes nothing.
        const r = await call(op.method, fill(op.path), {
          token,
          body: op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
        });
        const forbidden = r.status === 403 && r.body?.error?.code === 'FORBIDDEN';
        assert.equal(
          forbidden,
          !has(op.perm!),
          `${role} ${op.method} ${op.path} (${op.perm}) → ${r.status} ${JSON.stringify(r.body)}`,
        );
      }
    }
  });

  it('requires a console login on every admin route except login and refresh', async () => {
    for (const op of await adminOperations()) {
      const r = await call(op.method, fill(op.path), {
        body: op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
      });
      if (op.auth === 'public') assert.notEqual(r.status, 401, op.path);
      else assert.equal(r.status, 401, `${op.method} ${op.path}`);
    }
  });

  it("builds each role's menu tree from its grants", async () => {
    const names = async (role: 'admin' | 'deptadmin' | 'chief' | 'doctor') => {
      const tree = (await call('GET', '/api/admin/me/menus', { token: await loginAs(role) })).body as {
        name: string;
        children: { name: string }[];
      }[];
      return tree.map((n) => `${n.name}${n.children.length ? `(${n.children.map((c) => c.name).join(',')})` : ''}`);
    };
    // 医生管理 for those who manage a department's doctors; 患者管理 for everyone who sees patients
    const clinic = '门诊管理(排班管理,医生管理,预约管理,患者管理,接诊工作台,病历模板,病历查询,随访管理,随访问卷)';
    const education = '健康宣教(宣教内容,评论管理,关键词管理,学习任务,我的学习)';
    assert.deepEqual(await names('doctor'), [
      '首页',
      '门诊管理(排班管理,预约管理,患者管理,接诊工作台,病历模板,病历查询,随访管理,随访问卷)',
      '在线问诊(问诊工作台)',
      '健康宣教(宣教内容,我的学习)',
    ]);
    assert.deepEqual(await names('chief'), [
      '首页',
      '系统管理(用户管理)',
      clinic,
      '在线问诊(问诊工作台,问诊数据)',
      education,
    ]);
    assert.deepEqual(await names('deptadmin'), [
      '首页',
      '系统管理(用户管理,部门管理,人员申请)',
      clinic,
      '在线问诊(问诊工作台,问诊数据)',
      education,
    ]);
    const admin = await names('admin');
    assert.ok(
      admin.some((n) =>
        n.startsWith(
          '系统管理(用户管理,角色管理,菜单管理,部门管理,岗位管理,字典管理,字典数据,人员申请,协议管理,通知公告)',
        ),
      ),
      JSON.stringify(admin),
    );
    assert.ok(
      admin.some((n) => n.startsWith('系统监控(在线用户,操作日志,登录日志,定时任务,服务监控,缓存监控,统计分析)')),
      JSON.stringify(admin),
    );
    assert.ok(admin.includes('收费管理(订单管理,对账管理)'), JSON.stringify(admin));
  });
});

describe('data scope: department admin of 内科', () => {
  let admin: string;
  let deptadmin: string;
  let depts: Map<string, number>;
  before(async () => {
    admin = await loginAs('admin');
    deptadmin = await loginAs('deptadmin');
    const tree = (await call('GET', '/api/admin/system/depts', { token: admin })).body;
    depts = new Map();
    const walk = (nodes: { id: number; name: string; children: unknown[] }[]) =>
      nodes.forEach((n) => {
        depts.set(n.name, n.id);
        walk(n.children as never);
      });
    walk(tree);
  });

  it('sees only its subtree of departments and users', async () => {
    const tree = (await call('GET', '/api/admin/system/depts', { token: deptadmin })).body;
    assert.equal(tree.length, 1);
    assert.equal(tree[0].name, '内科');
    const children = tree[0].children.map((c: { name: string }) => c.name);
    for (const name of ['内分泌科', '呼吸内科', '心血管内科', '消化内科']) assert.ok(children.includes(name), name);
    const visible = JSON.stringify(tree);
    for (const outside of ['外科', '骨科', '儿科', '医云示范医院'])
      assert.ok(!visible.includes(`"${outside}"`), outside);
    const users = (await call('GET', '/api/admin/system/users?pageSize=100', { token: deptadmin })).body;
    const inMedicine = new Set<string>();
    const walk = (nodes: { name: string; children: unknown[] }[]) =>
      nodes.forEach((n) => {
        inMedicine.add(n.name);
        walk(n.children as never);
      });
    walk(tree);
    assert.ok(users.items.length >= 4);
    for (const u of users.items) assert.ok(inMedicine.has(u.deptName), `${u.username} in ${u.deptName}`);
    // A user elsewhere doesn't exist for them.
    const all = (await call('GET', '/api/admin/system/users?username=wugang', { token: admin })).body.items[0];
    assert.equal((await call('GET', `/api/admin/system/users/${all.id}`, { token: deptadmin })).status, 404);
  });

  it('cannot create, move or edit users outside its subtree', async () => {
    const outside = depts.get('骨科')!;
    const inside = depts.get('呼吸内科')!;
    const bad = await call('POST', '/api/admin/system/users', {
      token: deptadmin,
      body: { username: unique('out'), name: '越权', password: 'Sunlit-Harbor-42', deptId: outside },
    });
    assert.equal(bad.status, 403);
    assert.equal(bad.body.error.code, 'OUT_OF_SCOPE');
    const ok = await call('POST', '/api/admin/system/users', {
      token: deptadmin,
      body: { username: unique('in'), name: '本科', password: 'Sunlit-Harbor-42', deptId: inside },
    });
    assert.equal(ok.status, 201);
    const move = await call('PUT', `/api/admin/system/users/${ok.body.id}`, {
      token: deptadmin,
      body: { deptId: outside },
    });
    assert.equal(move.body.error.code, 'OUT_OF_SCOPE');
    assert.equal((await call('GET', `/api/admin/system/users/${ok.body.id}`, { token: admin })).body.deptId, inside);
    const other = (await call('GET', '/api/admin/system/users?username=wugang', { token: admin })).body.items[0];
    assert.equal(
      (await call('PUT', `/api/admin/system/users/${other.id}`, { token: deptadmin, body: { name: '改名' } })).status,
      404,
    );
    assert.equal((await call('GET', `/api/admin/system/users/${other.id}`, { token: admin })).body.name, '吴刚');
  });

  it('cannot grant a role stronger than its own', async () => {
    const grantable = (await call('GET', '/api/admin/system/roles/grantable', { token: deptadmin })).body.map(
      (r: { key: string }) => r.key,
    );
    assert.ok(!grantable.includes('admin'));
    assert.ok(grantable.includes('physician'));
    const roles = (await call('GET', '/api/admin/system/roles', { token: admin })).body as {
      id: number;
      key: string;
    }[];
    const adminRole = roles.find((r) => r.key === 'admin')!;
    const u = await call('POST', '/api/admin/system/users', {
      token: deptadmin,
      body: { username: unique('g'), name: '授权测试', password: 'Sunlit-Harbor-42', deptId: depts.get('内科') },
    });
    const grant = await call('PUT', `/api/admin/system/users/${u.body.id}/roles`, {
      token: deptadmin,
      body: { roleIds: [adminRole.id] },
    });
    assert.equal(grant.status, 403);
    assert.equal(grant.body.error.code, 'ROLE_NOT_GRANTABLE');
    assert.deepEqual((await call('GET', `/api/admin/system/users/${u.body.id}`, { token: admin })).body.roles, []);
    const physician = roles.find((r) => r.key === 'physician')!;
    assert.equal(
      (
        await call('PUT', `/api/admin/system/users/${u.body.id}/roles`, {
          token: deptadmin,
          body: { roleIds: [physician.id] },
        })
      ).status,
      200,
    );
  });

  it('cannot create departments outside its subtree or at the top', async () => {
    assert.equal(
      (
        await call('POST', '/api/admin/system/depts', {
          token: deptadmin,
          body: { parentId: depts.get('外科'), name: '越权科室' },
        })
      ).body.error.code,
      'OUT_OF_SCOPE',
    );
    assert.equal(
      (await call('POST', '/api/admin/system/depts', { token: deptadmin, body: { parentId: null, name: '新医院' } }))
        .body.error.code,
      'OUT_OF_SCOPE',
    );
    const sub = await call('POST', '/api/admin/system/depts', {
      token: deptadmin,
      body: { parentId: depts.get('心血管内科'), name: unique('心内二病区') },
    });
    assert.equal(sub.status, 201);
    // The new department is part of their scope at once.
    const tree = JSON.stringify((await call('GET', '/api/admin/system/depts', { token: deptadmin })).body);
    assert.ok(tree.includes(sub.body.name));
  });

  it('a physician (self scope) sees only themself; a chief sees their own department', async () => {
    const chief = await loginAs('chief');
    const list = (await call('GET', '/api/admin/system/users?pageSize=100', { token: chief })).body.items as {
      deptName: string;
    }[];
    assert.ok(list.length >= 2);
    assert.ok(list.every((u) => u.deptName === '心血管内科'));
  });
});

describe('administration: an admin builds a department, a user and a role grant', () => {
  it('creates them and the new user logs in with the granted menus', async () => {
    const admin = await loginAs('admin');
    const dept = await call('POST', '/api/admin/system/depts', {
      token: admin,
      body: { parentId: 1, name: unique('康复医学科'), orderNum: 20 },
    });
    assert.equal(dept.status, 201);
    const roles = (await call('GET', '/api/admin/system/roles', { token: admin })).body as {
      id: number;
      key: string;
    }[];
    const username = unique('kf');
    const user = await call('POST', '/api/admin/system/users', {
      token: admin,
      body: {
        username,
        name: '康复主任',
        password: 'Sunlit-Harbor-42',
        deptId: dept.body.id,
        phone: '13912345678',
        roleIds: [roles.find((r) => r.key === 'chief_physician')!.id],
      },
    });
    assert.equal(user.status, 201);
    assert.equal(user.body.phoneMasked, '139****5678');
    const login = await adminLogin(username, 'Sunlit-Harbor-42');
    const me = (await call('GET', '/api/admin/me', { token: login.accessToken })).body;
    assert.deepEqual(me.roles, ['chief_physician']);
    assert.equal(me.user.mustChangePassword, true);
    // First thing: the initial password is replaced (nothing else is allowed before).
    assert.equal(
      (
        await call('PUT', '/api/admin/me/password', {
          token: login.accessToken,
          body: { oldPassword: 'Sunlit-Harbor-42', newPassword: 'Rehab#Chief-2468' },
        })
      ).status,
      204,
    );
    const menus = (await call('GET', '/api/admin/me/menus', { token: login.accessToken })).body as { name: string }[];
    assert.deepEqual(
      menus.map((m) => m.name),
      ['首页', '系统管理', '门诊管理', '在线问诊', '健康宣教'],
    );
    // Audited: the writes are in the operation log with the phone masked.
    const logs = (await call('GET', `/api/admin/monitor/oper-logs?username=admin&pageSize=50`, { token: admin })).body
      .items as { path: string; params: Record<string, unknown> }[];
    const created = logs.find(
      (l) => l.path === '/api/admin/system/users' && (l.params as { username?: string }).username === username,
    )!;
    assert.equal(created.params.phone, '139****5678');
    assert.equal(created.params.password, '******');
  });

  it('a role made through the API with only a button gets the menu and directory above it, so the page has a route', async () => {
    // 登记线下支付 alone, as an API caller might grant it: not 订单管理 (its page), not 收费管理 (its directory)
    const roleName = unique('登记员');
    const account = await staffAccountWithPerms(['payment:refund:payout'], {
      dataScope: 'all',
      dept: '心血管内科',
      roleName,
    });
    type Node = { name: string; path: string; children: Node[] };
    const menus = (await call('GET', '/api/admin/me/menus', { token: account.token })).body as Node[];
    const finance = menus.find((m) => m.name === '收费管理');
    assert.ok(finance, `收费管理 is among ${menus.map((m) => m.name).join('、')}`);
    assert.equal(finance.path, '/finance');
    assert.deepEqual(
      finance.children.map((c) => [c.name, c.path]),
      [['订单管理', 'order']],
    );
    const me = (await call('GET', '/api/admin/me', { token: account.token })).body as { permissions: string[] };
    assert.ok(me.permissions.includes('payment:refund:payout'), me.permissions.join(' '));

    // an update with one page alone (对账管理) keeps the directory above it too
    const admin = await loginAs('admin');
    type Menu = { id: number; name: string; children: Menu[] };
    const tree = (await call('GET', '/api/admin/system/menus', { token: admin })).body as Menu[];
    const dir = tree.find((m) => m.name === '收费管理')!;
    const recon = dir.children.find((m) => m.name === '对账管理')!;
    const roles = (await call('GET', '/api/admin/system/roles', { token: admin })).body as {
      id: number;
      name: string;
      menuIds: number[];
    }[];
    const mine = roles.find((r) => r.name === roleName)!;
    const order = dir.children.find((m) => m.name === '订单管理')!;
    assert.deepEqual(
      [...mine.menuIds].sort((a, b) => a - b),
      [dir.id, order.id, order.children.find((b) => b.name === '登记线下支付')!.id].sort((a, b) => a - b),
    );
    const put = await call('PUT', `/api/admin/system/roles/${mine.id}`, {
      token: admin,
      body: { menuIds: [recon.id] },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(
      [...put.body.menuIds].sort((a: number, b: number) => a - b),
      [dir.id, recon.id].sort((a, b) => a - b),
    );
  });

  it('keeps the operation log append-only: no route changes or deletes it', async () => {
    const admin = await loginAs('admin');
    const id = (await call('GET', '/api/admin/monitor/oper-logs', { token: admin })).body.items[0].id;
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await call(method, `/api/admin/monitor/oper-logs/${id}`, {
        token: admin,
        body: method === 'DELETE' ? undefined : {},
      });
      assert.ok([404, 405].includes(r.status), `${method} → ${r.status}`);
    }
    assert.equal((await call('GET', `/api/admin/monitor/oper-logs/${id}`, { token: admin })).status, 200);
  });
});
