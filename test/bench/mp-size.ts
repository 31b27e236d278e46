/** `npm run bench:mp`: main-package and total size of the weapp build against budget and WeChat's limits. */
import { ensureBuilt, distWeapp } from '../miniprogram/build';
import { BUDGET, packageSizes, WECHAT_LIMITS } from './mp-sizes';

ensureBuilt('weapp');
const { packages, total } = packageSizes(distWeapp);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
for (const [name, bytes] of Object.entries(packages)) {
  const limit = name === 'main' ? BUDGET.main : WECHAT_LIMITS.perPackage;
  console.log(`${name.padEnd(20)} ${kb(bytes).padStart(10)}   ${bytes <= limit ? 'ok' : 'OVER'} (limit ${kb(limit)})`);
}
console.log(
  `${'total'.padEnd(20)} ${kb(total).padStart(10)}   ${total <= BUDGET.total ? 'ok' : 'OVER'} (budget ${kb(BUDGET.total)}, WeChat ${kb(WECHAT_LIMITS.total)})`,
);
if (packages.main > BUDGET.main || total > BUDGET.total) process.exitCode = 1;
