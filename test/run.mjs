#!/usr/bin/env node
// Runs every test: prepares the machine (chromium, MariaDB, Redis — see setup.mjs), typechecks and lints every
// workspace, runs the whole suite against MariaDB + Redis, then the core tests again in embedded mode
// (SQLite, in-process infra). Ends with one plain "N passed, N failed" line. With file arguments it runs
// just those files on MariaDB + Redis (no typecheck or lint).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setUp } from './setup.mjs';

const root = path.resolve(import.meta.dirname, '..');
const mocha = path.join(root, 'node_modules/.bin/mocha');
const extra = process.argv.slice(2);
// `YIYUN_TEST_MODE=embedded npm test -- <files>` runs just those files in embedded mode instead.
const onlyEmbedded = extra.length > 0 && process.env.YIYUN_TEST_MODE === 'embedded';
const runs = [
  onlyEmbedded
    ? { name: 'embedded (SQLite, in-process)', mode: 'embedded', specs: extra }
    : { name: 'MariaDB + Redis', mode: 'mysql', specs: extra.length ? extra : ['test/**/*.test.ts'] },
  {
    name: 'embedded (SQLite, in-process)',
    mode: 'embedded',
    // The follow-up migration's up/down/up also on SQLite (its own database file; the migrations must run on both).
    specs: extra.length ? [] : ['test/bff/core/**/*.test.ts', 'test/bff/followup/migration.test.ts'],
  },
];

let passed = 0;
let failed = 0;
if (!(await setUp())) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

// Static checks count as one test each: a type error fails the run like a failing test does.
const checks = extra.length
  ? []
  : [
      { name: 'typecheck (BFF, tests, console, mini-program)', cmd: ['npm', ['run', 'typecheck']] },
      { name: 'lint (layer and domain boundaries, typescript-eslint)', cmd: ['npm', ['run', 'lint']] },
    ];
for (const c of checks) {
  console.log(`\n=== ${c.name} ===`);
  const r = spawnSync(c.cmd[0], c.cmd[1], { cwd: root, stdio: 'inherit' });
  if (r.status === 0) passed += 1;
  else failed += 1;
  console.log(r.status === 0 ? '  ✔ clean' : `  ✘ ${c.name} failed`);
}
for (const run of runs) {
  if (!run.specs.length) continue;
  const statsFile = path.join(os.tmpdir(), `yiyun-stats-${process.pid}-${run.mode}.json`);
  fs.rmSync(statsFile, { force: true });
  console.log(`\n=== ${run.name} ===`);
  const r = spawnSync(mocha, run.specs, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, YIYUN_TEST_MODE: run.mode, YIYUN_STATS_FILE: statsFile },
  });
  if (fs.existsSync(statsFile)) {
    const s = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
    passed += s.passes;
    failed += s.failures;
  } else {
    // Mocha died before reporting (syntax error, crash): count the run as one failure.
    console.error(`mocha run "${run.name}" ended without a report (exit ${r.status})`);
    failed += 1;
  }
  if (r.status !== 0 && fs.existsSync(statsFile) && JSON.parse(fs.readFileSync(statsFile, 'utf8')).failures === 0)
    failed += 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
