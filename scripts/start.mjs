#!/usr/bin/env node
// `npm start`: builds the front-ends when missing or older than their sources, then runs the BFF, which serves
// the console at /admin and the mini-program's h5 build at /h5. With no configuration it runs in
// embedded mode: SQLite under data/, in-process cache and jobs, simulated WeChat, demo data.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BUILDS, buildIfStale, buildState } from './build-stamp.mjs';
import { buildBff } from './build-bff.mjs';

const root = path.resolve(import.meta.dirname, '..');

// Rebuild a front-end whenever its sources (or the variables its build reads) differ from what it was
// built from, so a pulled update never serves an old console.
for (const [label, def] of [
  ['admin console', BUILDS.console],
  ['mini-program h5 preview', BUILDS.h5],
]) {
  if (buildState(def).fresh) continue;
  console.log(`[start] building the ${label} (${buildState(def).reason})…`);
  if (!buildIfStale(def).ok) console.error(`[start] the ${label} failed to build; the BFF starts without it.`);
}

// Production runs the compiled JavaScript (rebuilt here if it is older than the sources); embedded and development
// run the TypeScript through tsx for convenience.
let args = ['--import', 'tsx', path.join(root, 'bff/src/server.ts')];
if (process.env.NODE_ENV === 'production') {
  const r = await buildBff();
  if (r.built) console.log(`[start] compiled the BFF (${r.reason})`);
  args = ['--enable-source-maps', path.join(root, 'bff/dist/server.mjs')];
}
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
