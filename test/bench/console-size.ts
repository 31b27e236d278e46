/**
 * Console budget: the initial JS and CSS the login page loads (gzip), and time to interactive of the login page
 * and of the user list in headless Chromium against the real BFF (embedded mode unless YIYUN_TEST_MODE says
 * otherwise). Target: initial JS <= 300 KB gzip. Prints figures; exits 1 only when the JS budget is blown.
 *
 *   npm run bench:console
 */
process.env.YIYUN_TEST_MODE ??= 'embedded';

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(import.meta.dirname, '../..');
const dist = path.join(root, 'admin-console/dist');
const BUDGET_JS_KB = 300;
const RUNS = 5;

const { ensureConsoleBuilt, newConsole, closeBrowser, field } = await import('../support/browser');
const { startStack, stopStack } = await import('../support/stack');

ensureConsoleBuilt();

// ---- sizes: what index.html pulls in before any route chunk (entry script, modulepreloads, stylesheets) ----
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const refs = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!.replace(/^\/admin\//, ''));
const js = [
  ...new Set([...refs(/<script[^>]+src="([^"]+)"/g), ...refs(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)]),
];
const css = refs(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g);
const gz = (files: string[]) =>
  files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length, 0);
const raw = (files: string[]) => files.reduce((sum, f) => sum + fs.statSync(path.join(dist, f)).size, 0);
const kb = (n: number) => (n / 1024).toFixed(1);
const jsGz = gz(js);
const allJs = fs.readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js'));

console.log('admin-console bundle');
console.log(
  `  initial JS : ${kb(jsGz)} KB gzip (${kb(raw(js))} KB raw, ${js.length} files)  budget ${BUDGET_JS_KB} KB`,
);
console.log(`  initial CSS: ${kb(gz(css))} KB gzip (${kb(raw(css))} KB raw, ${css.length} files)`);
console.log(
  `  all JS     : ${kb(gz(allJs.map((f) => `assets/${f}`)))} KB gzip in ${allJs.length} chunks (route pages load on demand)`,
);

// ---- time to interactive in headless Chromium, fresh profile (cold cache) each run ----
const stack = await startStack();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(kind: 'login' | 'users'): Promise<number> {
  const s = await newConsole(stack.baseUrl);
  try {
    if (kind === 'login') {
      await s.page.goto(s.url('/login'));
      await s.page.waitForSelector(`${field('login-username').split(',')[0]}:not([disabled])`);
      await s.page.waitForSelector('[data-test=login-submit]:not(.is-loading)');
    } else {
      // log in through the API and hand the browser the tokens, so only the user list's own load is timed
      const res = await fetch(`${stack.baseUrl}/api/admin/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'Harbor-Lamp-2468' }),
      });
      const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
      await s.context.addInitScript((t) => {
        localStorage.setItem('yiyun.admin.accessToken', t.accessToken);
        localStorage.setItem('yiyun.admin.refreshToken', t.refreshToken);
      }, tokens);
      await s.page.goto(s.url('/system/user'));
      await s.page.waitForSelector('[data-test^=user-row-]');
      await s.page.waitForFunction(() => !document.querySelector('.el-loading-mask'));
    }
    // ms since navigation start, in the page's own clock
    return await s.page.evaluate(() => performance.now());
  } finally {
    await s.close();
  }
}

for (const kind of ['login', 'users'] as const) {
  await measure(kind); // warm the server (first query, JIT), not the browser: every run uses a fresh profile
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await measure(kind));
  const label = kind === 'login' ? 'login page' : 'user list ';
  console.log(
    `  TTI ${label}: median ${median(times).toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`,
  );
}

await closeBrowser();
await stopStack();
if (jsGz / 1024 > BUDGET_JS_KB) {
  console.error(`initial JS ${kb(jsGz)} KB gzip is over the ${BUDGET_JS_KB} KB budget`);
  process.exit(1);
}
