#!/usr/bin/env node
// `npm run build`: compiles the BFF to plain JavaScript for production (`NODE_ENV=production npm start` runs it
// with node, not tsx). bff/dist/server.mjs holds our code; npm packages stay external (installed by npm ci);
// the simulators become a chunk loaded only in simulated mode; migrations are compiled one file each into
// bff/dist/migrations/. Everything sits directly in bff/dist, at the same depth as bff/src, so paths that code
// derives from its own location (the repository root, the migrations folder) are the same in both forms.
import path from 'node:path';
import fs from 'node:fs';
import { build } from 'esbuild';
import { BUILDS, buildState } from './build-stamp.mjs';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'bff/dist');

export async function buildBff({ force = false } = {}) {
  const state = buildState(BUILDS.bff);
  if (state.fresh && !force) return { built: false, reason: state.reason };
  fs.rmSync(outdir, { recursive: true, force: true });
  const common = {
    platform: 'node',
    target: 'node20',
    format: 'esm',
    bundle: true,
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    outExtension: { '.js': '.mjs' },
  };
  await build({
    ...common,
    entryPoints: { server: path.join(root, 'bff/src/server.ts') },
    outdir,
    splitting: true,
    chunkNames: '[name]-[hash]',
  });
  const migrations = fs.readdirSync(path.join(root, 'db/migrations')).filter((f) => f.endsWith('.ts'));
  await build({
    ...common,
    entryPoints: Object.fromEntries(
      migrations.map((f) => [f.replace(/\.ts$/, ''), path.join(root, 'db/migrations', f)]),
    ),
    outdir: path.join(outdir, 'migrations'),
  });
  state.record();
  return { built: true, reason: state.reason };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  buildBff({ force: process.argv.includes('--force') }).then(
    (r) => console.log(r.built ? `[build] BFF compiled to bff/dist (${r.reason})` : '[build] bff/dist is up to date'),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
