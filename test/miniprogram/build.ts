/** Builds the mini-program for a target unless the build on disk was made from exactly the current sources. */
import path from 'node:path';
import { BUILDS, buildIfStale } from '../../scripts/build-stamp.mjs';

export const root = path.resolve(import.meta.dirname, '../..');
export const distWeapp = path.join(root, 'miniprogram/dist-weapp');
export const distH5 = path.join(root, 'miniprogram/dist-h5');

export function ensureBuilt(target: 'weapp' | 'h5'): void {
  const started = Date.now();
  const r = buildIfStale(BUILDS[target], { quiet: true, env: { ...process.env, CI: 'true' } });
  if (!r.ok) throw new Error(`build:${target} failed (exit ${r.status}):\n${r.output}`);
  if (r.built)
    console.log(
      `      (built miniprogram for ${target} in ${Math.round((Date.now() - started) / 1000)} s: ${r.reason})`,
    );
}
