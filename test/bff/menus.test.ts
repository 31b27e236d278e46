/** The console's menu tree is assembled from the modules' manifests (kernel/menus.ts). */
import assert from 'node:assert/strict';
import { assembleMenus, btn, type MenuSeed } from '../../bff/src/kernel/menus';
import { MODULES } from '../../bff/src/modules';
import { MENUS } from '../../db/seeds/menus';
import { POSTS, SYSTEM_DICTS } from '../../bff/src/modules/system/seed';
import { PATIENT_DICTS } from '../../bff/src/modules/patient/seed';
import { call, loginAs } from '../support/api';

const page = (name: string, perms: string): MenuSeed => ({ name, type: 'M', path: name, perms });

describe('menus from module manifests', () => {
  it('joins directories several modules contribute to, in module order, and sorts the top level by order', () => {
    const tree = assembleMenus([
      {
        name: 'a',
        menus: [
          {
            name: '门诊',
            type: 'D',
            path: '/clinic',
            order: 20,
            roles: ['physician'],
            children: [page('排班', 'a:x:list')],
          },
        ],
      },
      { name: 'b', menus: [{ name: '首页', type: 'M', path: '/home', order: 0 }] },
      {
        name: 'c',
        menus: [
          { name: '门诊', type: 'D', path: '/clinic', roles: ['dept_admin'], children: [page('预约', 'c:y:list')] },
        ],
      },
    ]);
    assert.deepEqual(
      tree.map((m) => m.name),
      ['首页', '门诊'],
    );
    assert.deepEqual(
      tree[1].children!.map((m) => m.name),
      ['排班', '预约'],
    );
    assert.deepEqual(tree[1].roles, ['physician', 'dept_admin']);
    // A module may add a button to another module's page: the page is found by its path under the same directory.
    const withButton = assembleMenus([
      { name: 'a', menus: [{ name: '门诊', type: 'D', path: '/clinic', children: [page('预约', 'a:y:list')] }] },
      {
        name: 'b',
        menus: [
          {
            name: '门诊',
            type: 'D',
            path: '/clinic',
            children: [{ name: '预约', type: 'M', path: '预约', children: [btn('宣教', 'b:z:add')] }],
          },
        ],
      },
    ]);
    assert.deepEqual(
      withButton[0].children!.map((m) => [m.name, m.perms, m.children?.map((c) => c.perms)]),
      [['预约', 'a:y:list', ['b:z:add']]],
    );
  });

  it('lets a module add buttons to a page whose owner comes later in the list: the owner fills in the rest', () => {
    const tree = assembleMenus([
      {
        name: 'early',
        menus: [
          {
            name: '门诊',
            type: 'D',
            path: '/clinic',
            children: [
              { name: '工作台', type: 'M', path: 'wb', children: [btn('宣教', 'early:x:add', ['physician'])] },
            ],
          },
        ],
      },
      {
        name: 'owner',
        menus: [
          {
            name: '门诊',
            type: 'D',
            path: '/clinic',
            icon: 'Clinic',
            children: [
              {
                name: '工作台',
                type: 'M',
                path: 'wb',
                component: 'owner/wb/index',
                perms: 'owner:wb:list',
                roles: ['physician'],
                children: [btn('签名', 'owner:wb:sign', ['physician'])],
              },
            ],
          },
        ],
      },
    ]);
    const wb = tree[0].children![0];
    assert.equal(tree[0].icon, 'Clinic');
    assert.deepEqual(
      [wb.component, wb.perms, wb.roles, wb.children!.map((c) => c.perms)],
      ['owner/wb/index', 'owner:wb:list', ['physician'], ['early:x:add', 'owner:wb:sign']],
    );
    // Once given, a field must still agree.
    assert.throws(
      () =>
        assembleMenus([
          { name: 'a', menus: [{ name: '工作台', type: 'M', path: 'wb' }] },
          { name: 'b', menus: [{ name: '工作台', type: 'M', path: 'wb', component: 'b/wb' }] },
          { name: 'c', menus: [{ name: '工作台', type: 'M', path: 'wb', component: 'c/wb' }] },
        ]),
      /module c declares wb as "工作台" with component c\/wb/,
    );
  });

  it('refuses two modules naming one directory differently', () => {
    assert.throws(
      () =>
        assembleMenus([
          { name: 'a', menus: [{ name: '门诊管理', type: 'D', path: '/clinic' }] },
          { name: 'b', menus: [{ name: '诊所', type: 'D', path: '/clinic', children: [btn('x', 'b:x:y')] }] },
        ]),
      /module b declares \/clinic as "诊所" with name 诊所, unlike module a \("门诊管理", 门诊管理\)/,
    );
  });

  it('the seeded tree is exactly what the modules contribute: each page once, in the sidebar order', () => {
    const names = (items: MenuSeed[]): string[] => items.flatMap((m) => [m.name, ...names(m.children ?? [])]);
    const contributed = MODULES.flatMap((m) => names(m.menus ?? []));
    const seeded = names(MENUS);
    // Shared directories appear once in the tree but in each contributor's list.
    assert.deepEqual([...new Set(seeded)].sort(), [...new Set(contributed)].sort());
    assert.deepEqual(
      MENUS.map((m) => m.name).filter((n) => ['首页', '系统管理', '门诊管理', '系统监控'].includes(n)),
      ['首页', '系统管理', '门诊管理', '系统监控'],
    );
  });

  it("a new installation's positions and dictionaries come from system's and patient's manifest seeds", async () => {
    const token = await loginAs('admin');
    const posts = await call<{ id: number; name: string }[]>('GET', '/api/admin/system/posts/options', { token });
    assert.equal(posts.status, 200, JSON.stringify(posts.body));
    for (const [, name] of POSTS)
      assert.ok(
        posts.body.some((p) => p.name === name),
        `position ${name}: ${JSON.stringify(posts.body)}`,
      );
    for (const d of [...SYSTEM_DICTS, ...PATIENT_DICTS]) {
      const r = await call<{ label: string; value: string }[]>('GET', `/api/admin/dicts/${d.type}`, { token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // other suites may add items of their own, and the console's browser test renames a label (兄弟姐妹 →
      // 兄弟姐妹（含堂表）) in this shared database: each seeded value is there
      for (const [label, value] of d.items)
        assert.ok(
          r.body.some((o) => o.value === value),
          `${d.type}: ${label} ${value} in ${JSON.stringify(r.body)}`,
        );
    }
  });
});
