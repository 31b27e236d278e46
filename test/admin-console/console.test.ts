/**
 * The admin console in real Chromium against the real BFF (fresh database, demo seed): menus per role, buttons and
 * pages guarded by permission, data scope, lockout and unlock, force logout, refresh and keep-alive.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import { call, loginAs as apiLogin, replaceInitialPassword, unique } from '../support/api';
import { User } from '../../bff/src/modules/system/models';
import { clickMenu, DEMO, field, screenshot, sidebarTitles, type DemoUser } from '../support/browser';
import { consoleHarness, type ConsolePage } from '../support/console-harness';

// The seeded menus per role (docs/API.md and 门诊管理 from the scheduling/booking issue). Modules added later bring
// more menus; those are checked against the BFF.
const CLINIC = ['门诊管理', '排班管理', '预约管理', '随访管理'];
const EXPECTED_MENUS: Record<DemoUser, string[]> = {
  admin: [
    '首页',
    '系统管理',
    '用户管理',
    '角色管理',
    '菜单管理',
    '部门管理',
    '岗位管理',
    '字典管理',
    '人员申请',
    ...CLINIC,
    '系统监控',
    '在线用户',
    '操作日志',
    '登录日志',
  ],
  deptadmin: ['首页', '系统管理', '用户管理', '部门管理', '人员申请', ...CLINIC],
  chief: ['首页', '系统管理', '用户管理', ...CLINIC],
  doctor: ['首页', ...CLINIC],
};
const FOUNDATION = new Set(EXPECTED_MENUS.admin);

interface MenuNode {
  name: string;
  type: 'D' | 'M';
  orderNum: number;
  visible: boolean;
  children: MenuNode[];
}
/** The sidebar the BFF's menus call for: visible menus depth-first by order, directories only when non-empty. */
async function menusFromBff(username: string, password: string): Promise<string[]> {
  const login = await call<{ accessToken: string }>('POST', '/api/admin/auth/login', { body: { username, password } });
  const tree = (await call<MenuNode[]>('GET', '/api/admin/me/menus', { token: login.body.accessToken })).body;
  const walk = (nodes: MenuNode[]): string[] =>
    [...nodes]
      .sort((a, b) => a.orderNum - b.orderNum)
      .flatMap((n) => {
        if (n.visible === false) return [];
        if (n.type === 'D') {
          const inner = walk(n.children);
          return inner.length ? [n.name, ...inner] : [];
        }
        return [n.name];
      });
  return walk(tree);
}

/** exactly the BFF's menus, and of the foundation's menus exactly those docs/API.md gives the role */
async function assertMenus(
  page: Page,
  cred: { username: string; password: string },
  foundation: string[],
): Promise<void> {
  const shown = await sidebarTitles(page);
  assert.deepEqual(shown, await menusFromBff(cred.username, cred.password));
  assert.deepEqual(
    shown.filter((t) => FOUNDATION.has(t)),
    foundation,
  );
}

interface DeptNode {
  name: string;
  children: DeptNode[];
}
/** names in 内科's subtree right now (other tests add departments under it) */
async function neikeSubtree(): Promise<string[]> {
  const token = await apiLogin('admin');
  const tree = (await call<DeptNode[]>('GET', '/api/admin/system/depts', { token })).body;
  const find = (nodes: DeptNode[]): DeptNode | undefined =>
    nodes.map((n) => (n.name === '内科' ? n : find(n.children))).find(Boolean);
  const names = (n: DeptNode): string[] => [n.name, ...n.children.flatMap(names)];
  return names(find(tree)!);
}

/** Waits for a list page to finish loading and returns the texts of one data-test prefix in its rows. */
async function rowKeys(page: Page, prefix: string): Promise<string[]> {
  await page.waitForFunction(() => !document.querySelector('.el-table .el-loading-mask'));
  return page.$$eval(
    `[data-test^="${prefix}"]`,
    (els, p) => els.map((e) => e.getAttribute('data-test')!.slice(p.length)),
    prefix,
  );
}

async function confirmDialog(page: Page): Promise<void> {
  await page.locator('.el-message-box .el-button--primary').click();
}

/**
 * A console user made through the API (as admin) for tests that lock, kick or otherwise disturb an account; it has
 * already replaced its initial password.
 */
async function makeUser(roleKey?: string): Promise<{ id: number; username: string; password: string }> {
  const token = await apiLogin('admin');
  const depts = await call<{ id: number; name: string; children: unknown[] }[]>('GET', '/api/admin/system/depts', {
    token,
  });
  const roles = await call<{ id: number; key: string }[]>('GET', '/api/admin/system/roles', { token });
  const username = unique('t_');
  const password = 'Amber-Orchard-57';
  const roleIds = roleKey ? [roles.body.find((r) => r.key === roleKey)!.id] : [];
  const r = await call<{ id: number }>('POST', '/api/admin/system/users', {
    token,
    body: { username, name: '测试用户', password, deptId: depts.body[0]!.id, roleIds },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const chosen = 'Juniper-Atlas-4170';
  await replaceInitialPassword(username, password, chosen);
  return { id: r.body.id, username, password: chosen };
}

describe('admin console (real Chromium)', function () {
  this.timeout(180_000);

  // the screenshots keep their pages' own names (dashboard-…, system-…, monitor-…); failures are console-failed-…
  const ch = consoleHarness({ shots: 'console' });
  /** a profile logged in as `who` at `landing`, or a fresh logged-out one */
  const consoleFor = (
    who?: DemoUser | { username: string; password: string },
    landing?: string,
  ): Promise<ConsolePage> => (who ? ch.loginAs(who, landing) : ch.newPage());

  for (const role of Object.keys(EXPECTED_MENUS) as DemoUser[]) {
    it(`${role} logs in and sees exactly their menus`, async () => {
      const s = await consoleFor(role);
      await assertMenus(s.page, DEMO[role], EXPECTED_MENUS[role]);
      await s.page.waitForSelector('[data-test=dashboard]');
      await screenshot(s.page, `dashboard-${role}`);
    });
  }

  it('hides buttons a role lacks and shows 403 for pages it may not open', async () => {
    // chief_physician: user list is read-only
    const chief = await consoleFor('chief', '/system/user');
    await chief.page.waitForSelector('[data-test=page-system-user]');
    assert.ok((await rowKeys(chief.page, 'user-row-')).length > 0, 'chief sees users of their department');
    assert.equal(await chief.page.locator('[data-test=user-add]').count(), 0, 'no 新增用户 without system:user:add');
    assert.equal(await chief.page.locator('[data-test^=user-edit-]').count(), 0, 'no 编辑 without system:user:edit');
    await chief.page.goto(chief.url('/system/role'));
    await chief.page.waitForSelector('[data-test=error-403]');
    await screenshot(chief.page, 'forbidden-403');

    // dept_admin: may add and edit users, but not delete them
    const dept = await consoleFor('deptadmin', '/system/user');
    await dept.page.waitForSelector('[data-test=user-add]');
    assert.ok((await dept.page.locator('[data-test^=user-edit-]').count()) > 0);
    assert.equal(await dept.page.locator('[data-test^=user-remove-]').count(), 0, 'no 删除 without system:user:remove');
    await dept.page.goto(dept.url('/monitor/online'));
    await dept.page.waitForSelector('[data-test=error-403]');

    // physician: the dashboard and 门诊管理, no system pages
    const doctor = await consoleFor('doctor');
    await doctor.page.goto(doctor.url('/system/user'));
    await doctor.page.waitForSelector('[data-test=error-403]');
    assert.match(await doctor.page.locator('[data-test=error-403]').innerText(), /无权访问/);
    // a URL that is no page at all is a 404, not a 403
    await doctor.page.goto(doctor.url('/no/such/page'));
    await doctor.page.waitForSelector('[data-test=error-404]');
  });

  it("admin creates a department and a user in it, grants a role; that user sees the role's menus", async () => {
    const deptName = unique('测试科');
    const username = unique('u_');
    const admin = await consoleFor('admin', '/system/dept');
    const { page } = admin;

    await page.click('[data-test="dept-add-child-内科"]');
    await page.fill(field('dept-form-name'), deptName);
    await page.click('[data-test=dept-form-submit]');
    await page.waitForSelector(`[data-test="dept-row-${deptName}"]`);

    await clickMenu(page, '用户管理');
    await page.waitForSelector('[data-test=page-system-user]');
    await page.click(`[data-test="dept-node-${deptName}"]`);
    await page.waitForFunction(() => !document.querySelector('.el-table .el-loading-mask'));
    assert.deepEqual(await rowKeys(page, 'user-row-'), [], 'the new department has no users yet');
    await page.click('[data-test=user-add]');
    // the form validates before sending: an empty submit stays open with messages
    await page.click('[data-test=user-form-submit]');
    await page.waitForSelector('[data-test=user-form] .el-form-item__error');
    await page.fill(field('user-form-username'), username);
    await page.fill(field('user-form-name'), '赵测试');
    await page.fill(field('user-form-password'), 'Velvet-Canyon-36');
    await page.click('[data-test=user-form-submit]');
    await page.waitForSelector(`[data-test="user-row-${username}"]`);
    const deptCell = await page
      .locator('[data-test=user-table] tbody tr')
      .filter({ hasText: username })
      .first()
      .innerText();
    assert.match(deptCell, new RegExp(deptName));

    await page.click(`[data-test="user-roles-${username}"]`);
    await page.click('[data-test=grant-role-chief_physician]');
    await page.click('[data-test=roles-dialog-submit]');
    await page
      .locator('[data-test=user-table] tbody tr')
      .filter({ hasText: username })
      .filter({ hasText: '主任医师' })
      .waitFor();
    await screenshot(page, 'system-user-created');

    // Their first login lands on 设置新密码 (nothing else is allowed yet); the form runs the BFF's password policy.
    const newbie = await consoleFor();
    const np = newbie.page;
    await np.goto(newbie.url('/login'));
    await np.fill(field('login-username'), username);
    await np.fill(field('login-password'), 'Velvet-Canyon-36');
    await np.click('[data-test=login-submit]');
    await np.waitForSelector('[data-test=page-change-password]');
    assert.equal(await np.locator('[data-test=sidebar]').count(), 0, 'no console around the change-password page');
    await np.fill(field('pwd-old'), 'Velvet-Canyon-36');
    const refusesNewPassword = async (value: string, message: RegExp) => {
      await np.fill(field('pwd-new'), value);
      await np.locator(field('pwd-new')).blur();
      await np
        .locator('.el-form-item', { has: np.locator(field('pwd-new')) })
        .locator('.el-form-item__error', { hasText: message })
        .waitFor();
    };
    await refusesNewPassword('password1', /至少 10 位/);
    await refusesNewPassword(`${username}-Garden`, /不能包含用户名/);
    await refusesNewPassword('qwertyuiop123', /太容易被猜到/);
    await screenshot(np, 'change-initial-password');
    await np.fill(field('pwd-new'), 'Saffron-Delta-6093');
    await np.fill(field('pwd-confirm'), 'Saffron-Delta-6093');
    await np.click('[data-test=pwd-submit]');
    await np.waitForSelector('[data-test=sidebar] .el-menu');
    await np.waitForSelector('[data-test=dashboard]');
    await assertMenus(np, { username, password: 'Saffron-Delta-6093' }, EXPECTED_MENUS.chief);
    assert.match(await newbie.page.locator('[data-test=current-user-name]').innerText(), /赵测试/);

    // Put back on a required change while signed in (as a reset would): the next refused request leads to that page.
    await User.update({ mustChangePassword: true }, { where: { username } });
    await newbie.expectProblems(/\/api\/admin\/system\/.* → 403/, () => clickMenu(np, '用户管理'), { toast: false });
    await np.waitForSelector('[data-test=page-change-password]');
    assert.equal(await np.locator('.el-message--error').count(), 0, 'no error toast for the refusal itself');
  });

  it('a department admin sees only their subtree and can grant only grantable roles', async () => {
    const s = await consoleFor('deptadmin', '/system/user');
    const { page } = s;
    await page.waitForSelector('[data-test^=user-row-]');
    const depts = await page.$$eval('[data-test=user-table] tbody tr td:nth-child(3)', (tds) =>
      tds.map((t) => t.textContent!.trim()),
    );
    assert.ok(depts.length > 0);
    const subtree = await neikeSubtree();
    assert.ok(subtree.includes('心血管内科') && !subtree.includes('骨科'));
    for (const d of depts) assert.ok(subtree.includes(d), `${d} is outside 内科's subtree`);
    // the department tree on the left is the scope too
    const nodes = await rowKeys(page, 'dept-node-');
    assert.ok(nodes.includes('内科') && !nodes.includes('外科') && !nodes.includes('医云示范医院'), nodes.join(','));

    await page.click('[data-test="user-roles-doctor"]');
    await page.waitForSelector('[data-test=roles-dialog]');
    const offered = await rowKeys(page, 'grant-role-');
    const token = await apiLogin('deptadmin');
    const grantable = await call<{ key: string }[]>('GET', '/api/admin/system/roles/grantable', { token });
    assert.deepEqual(offered.sort(), grantable.body.map((r) => r.key).sort());
    assert.ok(offered.length > 0 && !offered.includes('admin'), `offered ${offered.join(',')}`);
    await screenshot(page, 'system-user-grant-roles');

    // and the BFF refuses it anyway, with this browser's own session
    const adminToken = await apiLogin('admin');
    const roles = await call<{ id: number; key: string }[]>('GET', '/api/admin/system/roles', { token: adminToken });
    const users = await call<{ items: { id: number; username: string }[] }>(
      'GET',
      '/api/admin/system/users?username=doctor',
      { token: adminToken },
    );
    const adminRoleId = roles.body.find((r) => r.key === 'admin')!.id;
    const doctorId = users.body.items.find((u) => u.username === 'doctor')!.id;
    let status = 0;
    await s.expectProblems(
      /users\/\d+\/roles → 403/,
      async () => {
        status = await page.evaluate(
          async ([uid, rid]) => {
            const r = await fetch(`/api/admin/system/users/${uid}/roles`, {
              method: 'PUT',
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${localStorage.getItem('yiyun.admin.accessToken')}`,
              },
              body: JSON.stringify({ roleIds: [rid] }),
            });
            return r.status;
          },
          [doctorId, adminRoleId] as const,
        );
      },
      { toast: false },
    );
    assert.equal(status, 403);
  });

  it('five wrong passwords lock the account; the admin unlocks it from the login log', async () => {
    const victim = await makeUser('physician');
    const s = await consoleFor();
    await s.page.goto(s.url('/login'));
    for (let i = 0; i < 5; i++) {
      await s.page.fill(field('login-username'), victim.username);
      await s.page.fill(field('login-password'), 'Wrong@000000');
      await s.expectProblems(/auth\/login → 4\d\d/, () => s.page.click('[data-test=login-submit]'), { toast: false });
      await s.page.waitForSelector('[data-test=login-error]');
      await s.page.waitForFunction(() => !document.querySelector('[data-test=login-submit].is-loading'));
    }
    // even the right password is refused now, with the time left
    await s.page.fill(field('login-password'), victim.password);
    await s.expectProblems(/auth\/login → 4\d\d/, () => s.page.click('[data-test=login-submit]'), { toast: false });
    await s.page.waitForSelector('[data-test=lock-countdown]');
    assert.match(await s.page.locator('[data-test=login-error]').innerText(), /锁定/);
    assert.match(await s.page.locator('[data-test=lock-countdown]').innerText(), /\d+ 分 \d+ 秒|\d+ 秒/);
    await screenshot(s.page, 'login-locked');

    const admin = await consoleFor('admin', '/monitor/logininfor');
    await admin.page.fill(field('loginlog-filter-username'), victim.username);
    await admin.page.click('[data-test=query-search]');
    await admin.page.locator(`[data-test="loginlog-unlock-${victim.username}"]`).first().click();
    await confirmDialog(admin.page);
    await admin.page.waitForSelector('.el-message--success');
    await admin.page.waitForFunction(
      (u) => !document.querySelector(`[data-test="loginlog-unlock-${u}"]`),
      victim.username,
    );
    await screenshot(admin.page, 'monitor-logininfor');

    await s.page.click('[data-test=login-submit]');
    await s.page.waitForSelector('[data-test=dashboard]');
  });

  it("force logout from online users ends the other browser's session at its next request", async () => {
    const victim = await makeUser('chief_physician');
    const other = await consoleFor(victim);
    const admin = await consoleFor('admin', '/monitor/online');
    await admin.page.fill(field('online-filter-username'), victim.username);
    await admin.page.click('[data-test=query-search]');
    await admin.page.waitForSelector(`[data-test="online-row-${victim.username}"]`);
    await screenshot(admin.page, 'monitor-online');
    assert.equal(await admin.page.locator(`[data-test="online-kick-${victim.username}"]`).count(), 1);
    await admin.page.click(`[data-test="online-kick-${victim.username}"]`);
    await confirmDialog(admin.page);
    await admin.page.waitForSelector(`[data-test="online-row-${victim.username}"]`, { state: 'detached' });

    // the other browser still shows its page; its next request is refused and it is told once, and why
    await other.expectProblems(/→ 401/, () => clickMenu(other.page, '用户管理'), { toast: false });
    const box = other.page.locator('.el-message-box');
    await box.waitFor();
    assert.match(await box.innerText(), /您已被管理员强制下线/);
    assert.equal(await other.page.locator('.el-message-box').count(), 1);
    await box.locator('.el-button--primary').click();
    await other.page.waitForURL(/\/admin\/login/);
    await other.page.waitForSelector('[data-test=login-form]');
    assert.equal(await other.page.evaluate(() => localStorage.getItem('yiyun.admin.accessToken')), null);
  });

  it("refresh on a nested page stays on it; tabs keep each page's state", async () => {
    const s = await consoleFor('admin', '/system/user');
    const { page } = s;
    await page.fill(field('filter-name'), '张');
    // two items pages of the same view are two tabs with their own state
    await page.goto(s.url('/system/dict'));
    await page.click('[data-test="dict-type-sys_user_status"]');
    await page.waitForSelector('[data-test=page-system-dict-data][data-dict-type=sys_user_status]');
    await page.fill(field('dict-data-filter'), 'A');
    await clickMenu(page, '字典管理');
    await page.click('[data-test="dict-type-sys_normal_disable"]');
    await page.waitForSelector('[data-test=page-system-dict-data][data-dict-type=sys_normal_disable]');
    assert.equal(
      await page
        .locator(
          '[data-test=page-system-dict-data][data-dict-type=sys_normal_disable] input[data-test=dict-data-filter]',
        )
        .inputValue(),
      '',
    );
    await page.click('[data-test="tab-字典数据 · sys_user_status"]');
    await page.waitForSelector('[data-test=page-system-dict-data][data-dict-type=sys_user_status]');
    assert.equal(
      await page
        .locator('[data-test=page-system-dict-data][data-dict-type=sys_user_status] input[data-test=dict-data-filter]')
        .inputValue(),
      'A',
    );
    await screenshot(page, 'system-dict-data');

    await page.reload();
    await page.waitForSelector('[data-test=page-system-dict-data][data-dict-type=sys_user_status]');
    assert.ok(page.url().endsWith('/admin/system/dict-data/sys_user_status'), page.url());
    assert.match(await page.locator('[data-test=breadcrumb]').innerText(), /系统管理[\s\S]*字典管理[\s\S]*字典数据/);
    // the open tabs survive the refresh too
    assert.equal(await page.locator('[data-test="tab-字典数据 · sys_normal_disable"]').count(), 1);

    await page.goto(s.url('/monitor/operlog'));
    await page.reload();
    await page.waitForSelector('[data-test=page-monitor-operlog]');
    assert.ok(page.url().endsWith('/admin/monitor/operlog'));
  });

  it('admin edits a dictionary item: the label is saved and the item stays in its dictionary', async () => {
    const s = await consoleFor('admin', '/system/dict-data/mp_patient_relation');
    const { page } = s;
    const table = page.locator(
      '[data-test=page-system-dict-data][data-dict-type=mp_patient_relation] [data-test=dict-item-table]',
    );
    const row = table.locator('.el-table__row', { hasText: '兄弟姐妹' });
    await row.getByRole('button', { name: '编辑' }).click();
    const form = page.locator('[data-test=dict-item-form]');
    await form.locator('.el-form-item', { hasText: '数据标签' }).locator('input').fill('兄弟姐妹（含堂表）');
    const saved = page.waitForResponse(
      (r) => r.url().includes('/api/admin/system/dict-items/') && r.request().method() === 'PUT',
    );
    await form.getByRole('button', { name: '保存' }).click();
    assert.equal((await saved).status(), 200, 'the update is accepted (it used to send the dictionary type: 400)');
    await page.waitForSelector('.el-message--success');
    await table.locator('.el-table__row', { hasText: '兄弟姐妹（含堂表）' }).waitFor();
    assert.equal(await page.locator('.el-message--error').count(), 0);
  });

  it('admin edits a role, a department and a dictionary type: each update is accepted', async () => {
    // The forms sent the create body on an update too (a role's key, a department's or a dictionary's type), which
    // the strict update schemas refuse: 400, nothing saved. They send what RoleUpdate, DeptUpdate, DictTypeUpdate take.
    const token = await apiLogin('admin');
    const key = `r_${crypto.randomBytes(4).toString('hex')}`;
    const role = await call<{ id: number }>('POST', '/api/admin/system/roles', {
      token,
      body: { key, name: unique('编辑角色') },
    });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const depts = await call<{ id: number; name: string }[]>('GET', '/api/admin/system/depts', { token });
    const deptName = unique('编辑科');
    const dept = await call('POST', '/api/admin/system/depts', {
      token,
      body: { parentId: depts.body[0].id, name: deptName },
    });
    assert.equal(dept.status, 201, JSON.stringify(dept.body));
    const dictType = `t_${crypto.randomBytes(4).toString('hex')}`;
    const dict = await call('POST', '/api/admin/system/dict-types', {
      token,
      body: { type: dictType, name: '编辑字典' },
    });
    assert.equal(dict.status, 201, JSON.stringify(dict.body));

    const { page } = await consoleFor('admin', '/system/role');
    const saveAndExpect = async (form: string, path: RegExp) => {
      const saved = page.waitForResponse((r) => path.test(new URL(r.url()).pathname) && r.request().method() === 'PUT');
      await page.locator(`[data-test=${form}]`).getByRole('button', { name: '保存' }).click();
      const r = await saved;
      assert.equal(r.status(), 200, `${form}: ${await r.text()}`);
      await page.waitForSelector(`[data-test=${form}]`, { state: 'hidden' });
    };

    await page.click(`[data-test=role-edit-${key}]`);
    assert.equal(await page.locator(field('role-form-key')).isDisabled(), true, 'a role keeps its key');
    const roleName = unique('改名角色');
    await page.fill(field('role-form-name'), roleName);
    await saveAndExpect('role-form', /^\/api\/admin\/system\/roles\/\d+$/);
    await page.waitForSelector(`[data-test=role-row-${key}]:has-text("${roleName}")`);

    await page.goto(page.url().replace(/\/system\/role$/, '/system/dept'));
    await page.click(`[data-test="dept-edit-${deptName}"]`);
    const renamed = unique('改名科');
    await page.fill(field('dept-form-name'), renamed);
    await saveAndExpect('dept-form', /^\/api\/admin\/system\/depts\/\d+$/);
    await page.waitForSelector(`[data-test="dept-row-${renamed}"]`);

    await page.goto(page.url().replace(/\/system\/dept$/, '/system/dict'));
    const bar = page.locator('[data-test=page-system-dict] [data-test=query-bar]');
    await bar.locator('.el-form-item', { hasText: '字典类型' }).locator('input').fill(dictType);
    await bar.locator('[data-test=query-search]').click();
    const row = page.locator('[data-test=dict-type-table] .el-table__row', { hasText: dictType });
    await row.getByRole('button', { name: '编辑' }).click();
    const form = page.locator('[data-test=dict-type-form]');
    await form.locator('.el-form-item', { hasText: '字典名称' }).locator('input').fill('改名字典');
    await saveAndExpect('dict-type-form', /^\/api\/admin\/system\/dict-types\/\d+$/);
    await row.filter({ hasText: '改名字典' }).waitFor();
    assert.equal(await page.locator('.el-message--error').count(), 0);
  });

  it('every main page renders for the admin (screenshots)', async () => {
    const s = await consoleFor('admin');
    const pages: [string, string][] = [
      ['用户管理', '/system/user'],
      ['角色管理', '/system/role'],
      ['菜单管理', '/system/menu'],
      ['部门管理', '/system/dept'],
      ['岗位管理', '/system/post'],
      ['字典管理', '/system/dict'],
      ['人员申请', '/system/staff-application'],
      ['在线用户', '/monitor/online'],
      ['操作日志', '/monitor/operlog'],
      ['登录日志', '/monitor/logininfor'],
      ['排班管理', '/clinic/schedule'],
      ['预约管理', '/clinic/appointment'],
      ['随访管理', '/clinic/follow-up'],
    ];
    for (const [title, path] of pages) {
      await clickMenu(s.page, title);
      await s.page.waitForSelector(`[data-test=page-${path.slice(1).replace(/\//g, '-')}]`);
      assert.ok(s.page.url().endsWith(`/admin${path}`), s.page.url());
      assert.equal(await s.page.locator('[data-test^=error-]').count(), 0);
      await screenshot(s.page, path.slice(1).replace(/\//g, '-'));
    }
    // the role editor with its permission tree and data scope
    await clickMenu(s.page, '角色管理');
    await s.page.click('[data-test=role-edit-dept_admin]');
    await s.page.waitForSelector('[data-test=role-menu-tree] .el-tree-node');
    await screenshot(s.page, 'system-role-edit');
  });
});
