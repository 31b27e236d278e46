#!/usr/bin/env node
// `npm start`: builds the front-ends if their builds are missing, then runs the BFF, which serves
// the console at /admin and the mini-program's h5 build at /h5. With no configuration it runs in
// embedded mode: SQLite under data/, in-process cache and jobs, simulated WeChat, demo data.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const builds = [
  { name: 'admin console', workspace: 'admin-console', script: 'build', output: 'admin-console/dist/index.html' },
  { name: 'mini-program h5 preview', workspace: 'miniprogram', script: 'build:h5', output: 'miniprogram/dist-h5/index.html' },
];

for (const b of builds) {
  if (fs.existsSync(path.join(root, b.output))) continue;
  const pkg = JSON.parse(fs.readFileSync(path.join(root, b.workspace, 'package.json'), 'utf8'));
  if (!pkg.scripts?.[b.script]) continue;
  console.log(`[start] building the ${b.name} (first start only)…`);
  const r = spawnSync('npm', ['run', b.script, '-w', b.workspace], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) console.error(`[start] the ${b.name} failed to build; the BFF starts without it.`);
}

const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bff/src/server.ts')], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
