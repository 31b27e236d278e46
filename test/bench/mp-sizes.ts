/** Size of each package of the weapp build: main package = everything outside the subpackage roots. */
import fs from 'node:fs';
import path from 'node:path';

export const WECHAT_LIMITS = { perPackage: 2 * 1024 * 1024, total: 20 * 1024 * 1024 };
export const BUDGET = { main: 1024 * 1024, total: 4 * 1024 * 1024 };

export function packageSizes(dist: string): { packages: Record<string, number>; total: number } {
  const app = JSON.parse(fs.readFileSync(path.join(dist, 'app.json'), 'utf8')) as { subPackages?: { root: string }[] };
  const roots = (app.subPackages ?? []).map((s) => s.root.replace(/\/$/, ''));
  const packages: Record<string, number> = { main: 0, ...Object.fromEntries(roots.map((r) => [r, 0])) };
  let total = 0;
  for (const rel of fs.readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dist, rel);
    if (!fs.statSync(file).isFile() || rel.endsWith('.LICENSE.txt') || rel.endsWith('.map')) continue;
    const size = fs.statSync(file).size;
    const unix = rel.split(path.sep).join('/');
    const root = roots.find((r) => unix.startsWith(r + '/')) ?? 'main';
    packages[root] += size;
    total += size;
  }
  return { packages, total };
}
