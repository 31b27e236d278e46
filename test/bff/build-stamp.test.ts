/** scripts/build-stamp.mjs: a build is reused only when its sources AND its output are the ones recorded. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildState } from '../../scripts/build-stamp.mjs';

const root = path.resolve(import.meta.dirname, '../..');

describe('build stamps', () => {
  const rel = `test/artifacts/stamp-test-${process.pid}`;
  const dir = path.join(root, rel);
  // workspace/script are what buildIfStale would run; buildState only hashes and compares.
  const def = {
    name: `stamp-test-${process.pid}`,
    dir: rel,
    inputs: ['src'],
    output: 'out/index.html',
    workspace: rel,
    script: 'build',
  };
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(root, 'node_modules/.cache/yiyun-builds', `${def.name}.json`), { force: true });
  });

  it('is stale when the sources changed or the output is not the one it recorded (a stamp shared by two checkouts)', () => {
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src/a.txt'), 'one');
    assert.equal(buildState(def).reason, 'not built yet');
    fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'out/index.html'), 'built');
    assert.equal(buildState(def).reason, 'built from unknown sources');
    buildState(def).record();
    assert.equal(buildState(def).fresh, true);

    // Another checkout's older output under the same stamp.
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(path.join(dir, 'out/index.html'), old, old);
    assert.deepEqual([buildState(def).fresh, buildState(def).reason], [false, 'the output is not the one recorded']);
    buildState(def).record();
    assert.equal(buildState(def).fresh, true);

    fs.writeFileSync(path.join(dir, 'src/a.txt'), 'two');
    assert.deepEqual([buildState(def).fresh, buildState(def).reason], [false, 'sources changed']);
  });
});
