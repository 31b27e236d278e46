/**
 * The structure of docs/ARCHITECTURE.md holds: the lint rule refuses an arrow the layers forbid (shown on deliberate
 * violations), the real tree lints clean, bff/src has no import cycle, and every module's routes check only the
 * permissions its manifest declares.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ESLint } from 'eslint';
import { MODULES } from '../../bff/src/modules';
import { RouteTree, registry } from '../../bff/src/http/route';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function ruleErrors(code: string, filePath: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
}

/** Relative imports of every .ts file under `dir`, resolved to files. */
function importGraph(dir: string) {
  const graph = new Map<string, string[]>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const { importedFiles } = ts.preProcessFile(fs.readFileSync(p, 'utf8'), true, true);
        const deps = importedFiles
          .map((f) => f.fileName)
          .filter((f) => f.startsWith('.'))
          .map((f) =>
            [`${f}.ts`, `${f}/index.ts`, f]
              .map((c) => path.resolve(path.dirname(p), c))
              .find((c) => fs.existsSync(c) && fs.statSync(c).isFile()),
          )
          .filter((f): f is string => !!f);
        graph.set(p, deps);
      }
    }
  };
  walk(dir);
  return graph;
}

/** Every cycle's files (one per strongly connected component with more than one file, or a self-import). */
function cycles(graph: Map<string, string[]>) {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let i = 0;
  const visit = (v: string) => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.map((f) => path.relative(root, f)));
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('architecture: layers, boundaries and cycles', function () {
  this.timeout(180_000);

  it('the lint rule refuses a domain or kernel import in infra/ and http/', async () => {
    const infraErrors = await ruleErrors(
      `import { User } from '../modules/system/models';\nexport const u = User;\n`,
      'bff/src/infra/violation.ts',
    );
    assert.equal(infraErrors.length, 1);
    assert.match(infraErrors[0].message, /infra\/ and http\/ import no domain/);
    const httpErrors = await ruleErrors(
      `import type { ModuleManifest } from '../kernel/module';\nexport type M = ModuleManifest;\n`,
      'bff/src/http/violation.ts',
    );
    assert.equal(httpErrors.length, 1);
    assert.match(httpErrors[0].message, /no kernel service/);
  });

  it('the lint rule refuses a kernel → domain import, a static simulator import and production imports of test code', async () => {
    assert.equal(
      (
        await ruleErrors(
          `import { Appointment } from '../modules/booking/models';\nexport const a = Appointment;\n`,
          'bff/src/kernel/violation.ts',
        )
      ).length,
      1,
    );
    // server.ts loads the simulators with a dynamic import() only; a static import is refused there and everywhere.
    assert.equal(
      (
        await ruleErrors(
          `import { FakeWechat } from './simulators/wechat-server';\nexport const f = FakeWechat;\n`,
          'bff/src/server.ts',
        )
      ).length,
      1,
    );
    assert.equal(
      (await ruleErrors(`export const load = () => import('./simulators/wechat-server');\n`, 'bff/src/server.ts'))
        .length,
      0,
    );
    assert.equal(
      (
        await ruleErrors(
          `import { startStack } from '../../test/support/stack';\nexport const s = startStack;\n`,
          'db/seeds/violation.ts',
        )
      ).length,
      1,
    );
    // Tests may use the simulators.
    assert.equal(
      (
        await ruleErrors(
          `import { FakeWechat } from '../../bff/src/simulators/wechat-server';\nexport const f = FakeWechat;\n`,
          'test/bff/uses-simulator.test.ts',
        )
      ).length,
      0,
    );
  });

  it('the lint rule holds the direction between domains: payment never imports booking, scheduling never booking, system never auth', async () => {
    assert.equal(
      (
        await ruleErrors(
          `import { onPaid } from '../booking/service';\nexport const o = onPaid;\n`,
          'bff/src/modules/payment/violation.ts',
        )
      ).length,
      1,
    );
    assert.equal(
      (
        await ruleErrors(
          `import { Appointment } from '../booking/models';\nexport const a = Appointment;\n`,
          'bff/src/modules/scheduling/violation.ts',
        )
      ).length,
      1,
    );
    assert.equal(
      (
        await ruleErrors(
          `import { revokeFamily } from '../auth/tokens';\nexport const r = revokeFamily;\n`,
          'bff/src/modules/system/violation.ts',
        )
      ).length,
      1,
    );
    // The allowed direction passes.
    assert.equal(
      (
        await ruleErrors(
          `import { Schedule } from '../scheduling/models';\nexport const s = Schedule;\n`,
          'bff/src/modules/booking/ok.ts',
        )
      ).length,
      0,
    );
  });

  it('the real tree lints clean (bff/src, db, test)', async () => {
    const results = await eslint.lintFiles(['bff/src', 'db', 'test']);
    const problems = results.flatMap((r) =>
      r.messages
        .filter((m) => m.severity === 2)
        .map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`),
    );
    assert.deepEqual(problems, []);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const a = path.join(root, 'a.ts'),
      b = path.join(root, 'b.ts'),
      c = path.join(root, 'c.ts');
    assert.deepEqual(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
          [c, [a]],
        ]),
      ).map((s) => s.sort()),
      [['a.ts', 'b.ts']],
    );
  });

  it('bff/src and db have no import cycle', () => {
    const graph = new Map([...importGraph(path.join(root, 'bff/src')), ...importGraph(path.join(root, 'db'))]);
    assert.ok(graph.size > 50, `the import graph was read (${graph.size} files)`);
    assert.deepEqual(cycles(graph), []);
  });

  it("each module's routes check only permissions its manifest declares, and it declares none it does not use", () => {
    for (const m of MODULES) {
      const before = registry.length;
      const tree = new RouteTree('/probe', 'probe');
      m.mpRoutes?.(tree);
      m.adminRoutes?.(tree);
      for (const o of m.otherRoutes ?? []) o.routes(tree);
      const used = new Set(
        registry
          .splice(before)
          .map((r) => r.perm)
          .filter((p): p is string => !!p),
      );
      assert.deepEqual([...used].sort(), [...new Set(Object.values(m.permissions))].sort(), `module ${m.name}`);
    }
  });
});
