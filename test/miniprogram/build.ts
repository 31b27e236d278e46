/** Builds the mini-program for a target when its output is missing (or YIYUN_MP_REBUILD=1). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
export const distWeapp = path.join(root, 'miniprogram/dist-weapp');
export const distH5 = path.join(root, 'miniprogram/dist-h5');

const marker = { weapp: path.join(distWeapp, 'app.json'), h5: path.join(distH5, 'index.html') };
const built = new Set<string>();

export function ensureBuilt(target: 'weapp' | 'h5'): void {
  const force = process.env.YIYUN_MP_REBUILD === '1' && !built.has(target);
  if (!force && fs.existsSync(marker[target])) return;
  const started = Date.now();
  const r = spawnSync('npm', ['run', `build:${target}`, '-w', 'miniprogram'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0 || !fs.existsSync(marker[target])) {
    throw new Error(`build:${target} failed (exit ${r.status}):\n${(r.stdout ?? '').slice(-4000)}\n${(r.stderr ?? '').slice(-4000)}`);
  }
  built.add(target);
  console.log(`      (built miniprogram for ${target} in ${Math.round((Date.now() - started) / 1000)} s)`);
}
