import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { call } from '../support/api';
import { MENUS } from '../../db/seeds/menus';
import { menuPerms } from '../../bff/src/kernel/menus';

/**
 * A permission string is written in three places: the route that checks it, the menu seed that grants it to a
 * role, and the console's v-perm / hasPerm that shows the button. A typo in any one of them fails silently (a
 * button nobody sees, a route nobody may call), so this test holds the three together.
 */

/** Seeded permissions no route checks, each with the reason it still exists. */
const UI_ONLY: Record<string, string> = {};

const root = path.resolve(import.meta.dirname, '../..');
const PERM = /['"`]([a-z]+:[a-zA-Z]+:[a-zA-Z]+)['"`]/g;

const seedPerms = menuPerms;

function consoleSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return consoleSources(p);
    return /\.(vue|ts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

async function routePerms() {
  const doc = (await call('GET', '/api/openapi.json')).body as {
    paths: Record<string, Record<string, { 'x-permission'?: string }>>;
  };
  const perms = new Map<string, string[]>();
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const perm = op['x-permission'];
      if (perm) perms.set(perm, [...(perms.get(perm) ?? []), `${m.toUpperCase()} ${p}`]);
    }
  }
  return perms;
}

describe('permission strings agree across routes, menu seed and console', () => {
  it('every permission a route checks is granted by some menu entry', async () => {
    const seeded = seedPerms(MENUS);
    const routes = await routePerms();
    assert.ok(routes.size > 20, 'the OpenAPI document lists the routes’ permissions');
    const missing = [...routes]
      .filter(([perm]) => !seeded.has(perm))
      .map(([perm, where]) => `${perm} (${where.join(', ')})`);
    assert.deepEqual(missing, [], 'permissions checked by routes but absent from every module’s menus (menu-seed.ts)');
  });

  it('every permission in the menu seed is checked by a route, or is listed as UI-only with a reason', async () => {
    const routes = await routePerms();
    const unused = [...seedPerms(MENUS)].filter((perm) => !routes.has(perm) && !UI_ONLY[perm]);
    assert.deepEqual(
      unused,
      [],
      'seeded permissions no route checks (add the route check, or list it in UI_ONLY with a reason)',
    );
    const stale = Object.keys(UI_ONLY).filter((perm) => routes.has(perm) || !seedPerms(MENUS).has(perm));
    assert.deepEqual(stale, [], 'UI_ONLY entries that a route checks after all, or that the seed no longer has');
  });

  it('every permission the console checks (v-perm, hasPerm, menu perms) exists in the menu seed', () => {
    const seeded = seedPerms(MENUS);
    const files = consoleSources(path.join(root, 'admin-console/src'));
    const used: string[] = [];
    const unknown: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(PERM)) {
        used.push(m[1]!);
        if (!seeded.has(m[1]!)) unknown.push(`${m[1]} in ${path.relative(root, f)}`);
      }
    }
    assert.ok(used.length > 30, `the scan finds the console's permission checks (found ${used.length})`);
    assert.deepEqual(unknown, [], 'permissions the console checks that no menu entry grants');
  });
});
