/**
 * Production runs compiled JavaScript: `npm run build` turns the BFF and the migrations into plain .mjs that node
 * runs without tsx (a TypeScript import left anywhere would fail to load). Started here in embedded mode so it
 * migrates (compiled migrations), seeds and loads the simulators' chunk on demand.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { buildBff } from '../../scripts/build-bff.mjs';
import { http, startChildBff, type ChildBff } from '../support/child';
import { DEMO } from '../support/api';

describe('compiled BFF (npm run build → node bff/dist/server.mjs)', function () {
  this.timeout(180_000);
  let bff: ChildBff | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-compiled-'));
  after(async () => {
    await bff?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('builds, starts with plain node, migrates under the same names as tsx, and serves', async () => {
    await buildBff();
    bff = await startChildBff({ NODE_ENV: 'test', DATA_DIR: dir }, { compiled: true });
    assert.deepEqual((await http(bff.url, 'GET', '/readyz')).body.checks, { database: true, cache: true });
    const login = await http(bff.url, 'POST', '/api/admin/auth/login', { body: DEMO.admin });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const me = await http(bff.url, 'GET', '/api/admin/me', { token: login.body.accessToken });
    assert.equal(me.body.user.username, 'admin', JSON.stringify(me.body));
    // Migrations keep their .ts names, so a database migrated by either form is current for the other.
    const db = new sqlite3.Database(path.join(dir, 'yiyun.sqlite'));
    const names = await new Promise<string[]>((resolve, reject) =>
      db.all('SELECT name FROM schema_migrations ORDER BY name', (err, rows: { name: string }[]) =>
        err ? reject(err) : resolve(rows.map((r) => r.name)),
      ),
    );
    db.close();
    const sources = fs
      .readdirSync(path.resolve(import.meta.dirname, '../../db/migrations'))
      .filter((f) => f.endsWith('.ts'))
      .sort();
    assert.deepEqual(names, sources);
  });
});
