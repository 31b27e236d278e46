// Whether a front-end build is up to date with its sources. A build is fresh only when the hash of its
// sources (file contents, not times: a checkout or a copy can make old files look new and new files old)
// and of the environment variables that change its output equals the hash recorded when it was built.
// Used by `npm start` and by the browser tests, so neither serves a build older than the code.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stampDir = path.join(root, 'node_modules/.cache/yiyun-builds');
const SKIP = new Set(['node_modules', 'dist', '.taro-cache', '.DS_Store']);

function files(p, out) {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return out;
  if (st.isDirectory()) {
    for (const f of fs.readdirSync(p).sort()) if (!SKIP.has(f) && !f.startsWith('dist-')) files(path.join(p, f), out);
  } else out.push(p);
  return out;
}

/**
 * @param {{ name: string; dir: string; inputs: string[]; env?: string[]; output: string }} build
 *   dir: the workspace; inputs: files/folders in it that shape the output; env: variables read at build
 *   time; output: a file the build always writes (missing → stale).
 */
export function buildState(build) {
  const hash = crypto.createHash('sha256');
  const dir = path.join(root, build.dir);
  for (const input of build.inputs) {
    for (const f of files(path.join(dir, input), [])) {
      hash.update(path.relative(root, f)).update('\0').update(fs.readFileSync(f)).update('\0');
    }
  }
  for (const name of build.env ?? []) hash.update(`${name}=${process.env[name] ?? ''}\0`);
  const digest = hash.digest('hex');
  const stampFile = path.join(stampDir, `${build.name}.json`);
  const outputFile = path.join(dir, build.output);
  // The stamp names the output it vouches for (its mtime): a stamp shared with another checkout (hard-linked or
  // copied node_modules) or an output replaced by hand then no longer passes for this build.
  const outputMtime = () => fs.statSync(outputFile, { throwIfNoEntry: false })?.mtimeMs;
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    recorded = undefined;
  }
  const mtime = outputMtime();
  const reason =
    mtime === undefined
      ? 'not built yet'
      : recorded === undefined
        ? 'built from unknown sources'
        : recorded.hash !== digest
          ? 'sources changed'
          : recorded.outputMtimeMs !== mtime
            ? 'the output is not the one recorded'
            : 'up to date';
  return {
    fresh: reason === 'up to date',
    reason,
    /** Call after a successful build. */
    record() {
      fs.mkdirSync(stampDir, { recursive: true });
      // Written to a new file and renamed: a hard-linked stamp of another checkout is left alone.
      const tmp = `${stampFile}.${process.pid}`;
      fs.writeFileSync(
        tmp,
        JSON.stringify({ hash: digest, outputMtimeMs: outputMtime(), builtAt: new Date().toISOString() }),
      );
      fs.renameSync(tmp, stampFile);
    },
  };
}

/** Code the front-ends bundle from the BFF's tree (runtime imports through the @bff alias). */
const FROM_BFF = [
  '../bff/src/shared',
  '../bff/src/modules/auth/password-policy.ts',
  '../bff/src/modules/system/password-policy.ts',
];

/** The front-end builds the BFF serves, with what each depends on. */
export const BUILDS = {
  console: {
    name: 'admin-console',
    dir: 'admin-console',
    output: 'dist/index.html',
    workspace: 'admin-console',
    script: 'build',
    inputs: ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json', ...FROM_BFF],
    env: ['NODE_ENV'],
  },
  h5: {
    name: 'miniprogram-h5',
    dir: 'miniprogram',
    output: 'dist-h5/index.html',
    workspace: 'miniprogram',
    script: 'build:h5',
    inputs: ['src', 'config', 'types', 'babel.config.js', 'package.json', 'tsconfig.json', ...FROM_BFF],
    env: ['NODE_ENV', 'YIYUN_API_BASE', 'YIYUN_SIMULATED_WECHAT'],
  },
  bff: {
    name: 'bff',
    dir: 'bff',
    output: 'dist/server.mjs',
    workspace: 'bff',
    script: 'build',
    inputs: ['src', 'package.json', '../db', '../scripts/build-bff.mjs'],
    env: [],
  },
  weapp: {
    name: 'miniprogram-weapp',
    dir: 'miniprogram',
    output: 'dist-weapp/app.json',
    workspace: 'miniprogram',
    script: 'build:weapp',
    inputs: [
      'src',
      'config',
      'types',
      'babel.config.js',
      'package.json',
      'tsconfig.json',
      '../project.config.json',
      ...FROM_BFF,
    ],
    env: ['NODE_ENV', 'YIYUN_API_BASE', 'YIYUN_SIMULATED_WECHAT'],
  },
};

/**
 * Builds `def` with its npm script unless the build on disk was made from the current sources, and records the
 * sources' hash when the build succeeds. `quiet` captures the build's output (returned) instead of showing it.
 */
export function buildIfStale(def, { quiet = false, env = process.env } = {}) {
  const state = buildState(def);
  if (state.fresh) return { built: false, ok: true, reason: state.reason, output: '' };
  const r = spawnSync('npm', ['run', def.script, '-w', def.workspace], {
    cwd: root,
    env,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ok = r.status === 0 && fs.existsSync(path.join(root, def.dir, def.output));
  if (ok) state.record();
  return {
    built: true,
    ok,
    reason: state.reason,
    output: `${(r.stdout ?? '').slice(-4000)}\n${(r.stderr ?? '').slice(-4000)}`,
    status: r.status,
  };
}
