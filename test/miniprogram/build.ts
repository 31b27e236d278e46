/** Builds the mini-program for a target unless the build on disk was made from exactly the current sources. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILDS, buildState } from '../../scripts/build-stamp.mjs';

export const root = path.resolve(import.meta.dirname, '../..');
export const distWeapp = path.join(root, 'miniprogram/dist-weapp');
export const distH5 = path.join(root, 'miniprogram/dist-h5');

export function ensureBuilt(target: 'weapp' | 'h5'): void {
  const def = BUILDS[target];
  const state = buildState(def);
  if (state.fresh) return;
  const started = Date.now();
  const r = spawnSync('npm', ['run', def.script, '-w', def.workspace], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0 || !fs.existsSync(path.join(root, def.dir, def.output))) {
    throw new Error(`build:${target} failed (exit ${r.status}):\n${(r.stdout ?? '').slice(-4000)}\n${(r.stderr ?? '').slice(-4000)}`);
  }
  state.record();
  console.log(`      (built miniprogram for ${target} in ${Math.round((Date.now() - started) / 1000)} s: ${state.reason})`);
}
