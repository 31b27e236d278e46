/**
 * A role holds every menu above the ones it grants (issue #15): the console builds a role's routes and sidebar from
 * its menus, so a page without its directory opens as 404. Three ways a role could end up without them or worse:
 * roles saved before that rule (migration 0043 fills the gaps), a menu moved under a new parent (the move grants the
 * new parents), and two administrators saving the same role at once (one whole set wins, never a mix of both).
 */
import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { adminLogin, call, DEMO, loginAs, unique } from '../../support/api';
import { startStack } from '../../support/stack';
import { infra } from '../../../bff/src/infra';
import { createMigrator } from '../../../db/migrator';
import { up as fillAncestors } from '../../../db/migrations/0043-role-menu-ancestors';
import { seedMenus } from '../../../db/seeds/base';
import { RoleMenu } from '../../../bff/src/modules/system/models';
import { setRoleMenus, withAncestors } from '../../../bff/src/modules/system/role-menus';
import { until } from '../../support/child';

type MenuItem = {
  id: number;
  parentId: number | null;
  name: string;
  type: 'D' | 'M' | 'B';
  orderNum: number;
  visible: boolean;
  status: string;
  children: MenuItem[];
};
type RoleView = { id: number; key: string; name: string; menuIds: number[] };
type Node = { name: string; children: Node[] };

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

async function menuTree(token: string) {
  const tree = (await call('GET', '/api/admin/system/menus', { token })).body as MenuItem[];
  const byId = new Map<number, MenuItem>();
  const walk = (nodes: MenuItem[]) =>
    nodes.forEach((n) => {
      byId.set(n.id, n);
      walk(n.children);
    });
  walk(tree);
  const byPath = (...names: string[]) => {
    let nodes = tree;
    let found: MenuItem | undefined;
    for (const name of names) {
      found = nodes.find((n) => n.name === name);
      assert.ok(found, `menu ${names.join(' › ')}`);
      nodes = found.children;
    }
    return found!;
  };
  /** the menus and every menu above them, as the test expects a role to hold them */
  const closed = (ids: number[]) => {
    const all = new Set<number>();
    for (const id of ids) for (let at: number | null = id; at != null; at = byId.get(at)!.parentId) all.add(at);
    return sorted([...all]);
  };
  return { byId, byPath, closed };
}

async function role(token: string, key: string): Promise<RoleView> {
  const roles = (await call('GET', '/api/admin/system/roles', { token })).body as RoleView[];
  const r = roles.find((x) => x.key === key);
  assert.ok(r, `role ${key}`);
  return r;
}

describe('roles hold the menus above their grants', function () {
  this.timeout(120_000);
  let admin: string;
  before(async () => {
    await startStack();
    admin = await loginAs('admin');
  });

  describe('migration 0043: roles saved before the rule get their missing parents', () => {
    const q = <T extends object>(sql: string, replacements: Record<string, unknown> = {}) =>
      infra().sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
    const links = async () =>
      (await q<{ role_id: number; menu_id: number }>('SELECT role_id, menu_id FROM sys_role_menu'))
        .map((l) => `${l.role_id}:${l.menu_id}`)
        .sort();
    const heldBy = async (roleId: number) =>
      sorted(
        (await q<{ menu_id: number }>('SELECT menu_id FROM sys_role_menu WHERE role_id = :roleId', { roleId })).map(
          (l) => Number(l.menu_id),
        ),
      );

    it('is one of the migrations the start-up applied', async () => {
      const done = (await createMigrator(infra().sequelize).executed()).map((m) => m.name);
      assert.ok(done.includes('0043-role-menu-ancestors.ts'), done.join(' '));
    });

    it('puts back the directories and menus above what a role holds, once, and nothing else', async () => {
      const { byId } = await menuTree(admin);
      const physician = await role(admin, 'physician');
      const before = await links();
      const held = await heldBy(physician.id);
      // Every directory of the role and every page of it with a button it holds, as a role saved before the rule
      // might hold them: the buttons alone are left, so a directory whose pages all went comes back only by a walk
      // two levels up (button → page → directory).
      const node = (id: number) => byId.get(id)!;
      const pagesWithButtons = held.filter(
        (id) => node(id).type === 'M' && node(id).children.some((b) => b.type === 'B' && held.includes(b.id)),
      );
      const removed = held.filter((id) => node(id).type === 'D').concat(pagesWithButtons);
      const twoUp = held.filter(
        (id) =>
          node(id).type === 'D' &&
          node(id)
            .children.filter((c) => held.includes(c.id))
            .every((c) => removed.includes(c.id)),
      );
      assert.ok(twoUp.length && pagesWithButtons.length, JSON.stringify({ removed, twoUp }));
      await infra().sequelize.query('DELETE FROM sys_role_menu WHERE role_id = :roleId AND menu_id IN (:removed)', {
        replacements: { roleId: physician.id, removed },
      });
      assert.deepEqual(
        await heldBy(physician.id),
        held.filter((id) => !removed.includes(id)),
      );

      await fillAncestors({ context: infra().sequelize.getQueryInterface() });
      assert.deepEqual(await heldBy(physician.id), held, 'the physician holds its directories and pages again');
      assert.deepEqual(await links(), before, 'no other role gained anything, nothing is held twice');
      const [dup] = await q<{ n: number }>(
        'SELECT COUNT(*) AS n FROM (SELECT role_id, menu_id FROM sys_role_menu GROUP BY role_id, menu_id HAVING COUNT(*) > 1) d',
      );
      assert.equal(Number(dup!.n), 0);

      // a second run finds nothing missing and changes nothing
      await fillAncestors({ context: infra().sequelize.getQueryInterface() });
      assert.deepEqual(await links(), before);
    });
  });

  describe('a menu moved under a new parent', () => {
    it("gives every role holding it the new parents, keeps the old ones, and the role's menu tree shows it there", async () => {
      const { byPath } = await menuTree(admin);
      const learning = byPath('健康宣教', '我的学习');
      const education = byPath('健康宣教');
      const physician = await role(admin, 'physician');
      assert.ok(physician.menuIds.includes(learning.id), 'the physician holds 我的学习');
      const d1 = await call('POST', '/api/admin/system/menus', {
        token: admin,
        body: { parentId: null, name: unique('教学中心'), type: 'D', path: unique('teach'), orderNum: 90 },
      });
      assert.equal(d1.status, 201, JSON.stringify(d1.body));
      const d2 = await call('POST', '/api/admin/system/menus', {
        token: admin,
        body: { parentId: d1.body.id, name: unique('学习园地'), type: 'D', path: unique('study'), orderNum: 1 },
      });
      assert.equal(d2.status, 201, JSON.stringify(d2.body));
      try {
        const moved = await call('PUT', `/api/admin/system/menus/${learning.id}`, {
          token: admin,
          body: { parentId: d2.body.id },
        });
        assert.equal(moved.status, 200, JSON.stringify(moved.body));
        // a move names only the parent: the menu keeps its place among its siblings, visibility and status
        const { parentId, orderNum, visible, status } = moved.body as MenuItem;
        assert.deepEqual(
          { parentId, orderNum, visible, status },
          { parentId: d2.body.id, orderNum: learning.orderNum, visible: learning.visible, status: learning.status },
        );
        assert.ok(learning.orderNum > 0, 'an order a reset to 0 would change');

        const doctor = await loginAs('doctor');
        const tree = (await call('GET', '/api/admin/me/menus', { token: doctor })).body as Node[];
        const top = tree.find((n) => n.name === d1.body.name);
        assert.ok(top, `${d1.body.name} is among ${tree.map((n) => n.name).join('、')}`);
        assert.deepEqual(
          top.children.map((c) => [c.name, c.children.map((g) => g.name)]),
          [[d2.body.name, ['我的学习']]],
        );
        // the old directory stays: the role holds it for its other pages (宣教内容)
        const old = tree.find((n) => n.name === '健康宣教');
        assert.ok(old, 'the physician still has 健康宣教');
        assert.ok(!old.children.some((c) => c.name === '我的学习'), 'and 我的学习 is no longer under it');
        const after = await role(admin, 'physician');
        assert.deepEqual(sorted(after.menuIds), sorted([...physician.menuIds, d1.body.id, d2.body.id]));

        // the menu sync every start runs finds the seeded page where it now stands, and adds no second 我的学习
        await seedMenus();
        const { byId } = await menuTree(admin);
        const copies = [...byId.values()].filter((m) => m.name === '我的学习' && m.type === 'M');
        assert.deepEqual(
          copies.map((m) => [m.id, m.parentId]),
          [[learning.id, d2.body.id]],
        );
        assert.deepEqual(sorted((await role(admin, 'physician')).menuIds), sorted(after.menuIds));
      } finally {
        // the run's other suites see the menus as seeded: 我的学习 back under 健康宣教, the two directories gone
        const back = await call('PUT', `/api/admin/system/menus/${learning.id}`, {
          token: admin,
          body: { parentId: education.id },
        });
        assert.equal(back.status, 200, JSON.stringify(back.body));
        assert.equal((await call('DELETE', `/api/admin/system/menus/${d2.body.id}`, { token: admin })).status, 204);
        assert.equal((await call('DELETE', `/api/admin/system/menus/${d1.body.id}`, { token: admin })).status, 204);
      }
      assert.deepEqual(sorted((await role(admin, 'physician')).menuIds), sorted(physician.menuIds));
    });
  });

  describe('two administrators save the same role at once', () => {
    it('one whole menu set wins, never a mix of both or a row twice', async () => {
      const { byPath, closed } = await menuTree(admin);
      const key = unique('r_').toLowerCase();
      const created = await call('POST', '/api/admin/system/roles', {
        token: admin,
        body: { key, name: unique('并发角色'), dataScope: 'self', menuIds: [] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.id as number;
      // two sets under different directories, each pages and a button: what each administrator's form sends
      const orders = byPath('收费管理', '订单管理');
      const online = byPath('系统监控', '在线用户');
      const button = (m: MenuItem) => m.children.find((b) => b.type === 'B')!.id;
      const setA = [orders.id, button(orders)];
      const setB = [online.id, button(online), byPath('系统监控', '操作日志').id];
      const [a, b] = [closed(setA), closed(setB)];
      assert.ok(a.length > setA.length && !a.some((x) => b.includes(x)), 'two sets with parents, sharing nothing');
      // two sessions of the administrator, as two people at two consoles
      const one = (await adminLogin(DEMO.admin.username, DEMO.admin.password)).accessToken;
      const two = (await adminLogin(DEMO.admin.username, DEMO.admin.password)).accessToken;
      try {
        for (let round = 0; round < 12; round++) {
          const [first, second] = round % 2 ? [setA, setB] : [setB, setA];
          const answers = await Promise.all([
            call('PUT', `/api/admin/system/roles/${id}`, { token: one, body: { menuIds: first } }),
            call('PUT', `/api/admin/system/roles/${id}`, { token: two, body: { menuIds: second } }),
          ]);
          for (const r of answers)
            assert.ok(
              r.status === 200 || (r.status === 409 && typeof r.body?.error?.code === 'string'),
              `round ${round}: ${r.status} ${JSON.stringify(r.body)}`,
            );
          assert.ok(
            answers.some((r) => r.status === 200),
            `round ${round}: one save went through`,
          );
          const held = (await call('GET', `/api/admin/system/roles/${id}`, { token: admin })).body.menuIds as number[];
          assert.equal(new Set(held).size, held.length, `round ${round}: a row twice: ${held}`);
          const got = JSON.stringify(sorted(held));
          assert.ok(
            got === JSON.stringify(a) || got === JSON.stringify(b),
            `round ${round}: ${got} is neither ${a} nor ${b}`,
          );
        }
      } finally {
        assert.equal((await call('DELETE', `/api/admin/system/roles/${id}`, { token: admin })).status, 204);
      }
    });
  });

  describe('a menu deleted while a role is saved', () => {
    /** A button under 订单管理 made for the test, and a role of the test's own. */
    async function buttonAndRole() {
      const { byPath } = await menuTree(admin);
      const made = await call('POST', '/api/admin/system/menus', {
        token: admin,
        body: { parentId: byPath('收费管理', '订单管理').id, name: unique('临时按钮'), type: 'B', perms: 'x:y:z' },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const role = await call('POST', '/api/admin/system/roles', {
        token: admin,
        body: { key: unique('r_').toLowerCase(), name: unique('删菜单角色'), dataScope: 'self', menuIds: [] },
      });
      assert.equal(role.status, 201, JSON.stringify(role.body));
      return { menuId: made.body.id as number, roleId: role.body.id as number };
    }

    it('on MariaDB the delete waits for a save under way, and removes what it granted: no grant of a deleted menu', async function () {
      if (infra().config.embedded) this.skip(); // SQLite runs one transaction at a time: nothing to interleave
      const { menuId, roleId } = await buttonAndRole();
      try {
        // a role save under way: it has read the tree (shared) and is about to write its grants
        const save = await infra().sequelize.transaction();
        let deleted: Promise<{ status: number }> | undefined;
        try {
          const ids = await withAncestors([menuId], save);
          deleted = call('DELETE', `/api/admin/system/menus/${menuId}`, { token: admin });
          await until('the delete waits for the tree', 10_000, async () => {
            const rows = await infra().sequelize.query(
              "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID() AND INFO LIKE '%sys_menu%FOR UPDATE%'",
              { type: QueryTypes.SELECT },
            );
            return rows.length ? true : undefined;
          });
          await RoleMenu.bulkCreate(
            ids.map((id) => ({ roleId, menuId: id })),
            { transaction: save },
          );
          await save.commit();
        } catch (err) {
          await save.rollback().catch(() => undefined);
          throw err;
        }
        assert.equal((await deleted).status, 204);
        assert.equal(await RoleMenu.count({ where: { menuId } }), 0, 'no grant left of the deleted menu');
      } finally {
        await call('DELETE', `/api/admin/system/roles/${roleId}`, { token: admin });
      }
    });

    it('a menu with a menu beneath it is not deleted: 409 MENU_HAS_CHILDREN, nothing removed', async () => {
      const { byPath } = await menuTree(admin);
      const orders = byPath('收费管理', '订单管理');
      const before = await RoleMenu.count({ where: { menuId: orders.id } });
      const r = await call('DELETE', `/api/admin/system/menus/${orders.id}`, { token: admin });
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'MENU_HAS_CHILDREN');
      assert.equal(await RoleMenu.count({ where: { menuId: orders.id } }), before, 'its grants are kept');
      assert.equal((await menuTree(admin)).byPath('收费管理', '订单管理').id, orders.id);
    });

    it('a save that comes after the delete does not grant the deleted menu', async () => {
      const { menuId, roleId } = await buttonAndRole();
      try {
        assert.equal((await call('DELETE', `/api/admin/system/menus/${menuId}`, { token: admin })).status, 204);
        // the save's request was checked before the delete: its ids still name the menu
        await infra().sequelize.transaction((t) => setRoleMenus(roleId, [menuId], t));
        assert.equal(await RoleMenu.count({ where: { menuId } }), 0);
        assert.equal(await RoleMenu.count({ where: { roleId } }), 0, 'nor its parents, for a menu that is gone');
      } finally {
        await call('DELETE', `/api/admin/system/roles/${roleId}`, { token: admin });
      }
    });
  });
});
