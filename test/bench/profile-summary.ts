/**
 * Where the time goes (npm run bench:profile -- <dir|file.cpuprofile> [--phase <name part>] [--top N] [--each]).
 *
 * Reads V8 CPU profiles written by `BENCH_PROFILE=<dir> npm run bench:booking` and prints, for each phase of the
 * run (the rush, the listing, …; from the phases.json the benchmark writes beside them), the self time grouped by
 * where the code lives — node_modules/<package>, our own bff/src and db files, Node's core — then the time each
 * package spends on the stack including what it calls, and the top functions. Percentages are of the busy time
 * (samples that are not idle). The profiles of the BFF processes' main threads are merged unless --each is given.
 * `--callers <group>` (e.g. node:source_map, lodash) adds who causes that group's time: the nearest frame above it
 * that is neither that group nor Node's core. `--window 0-300` looks at that many ms from each phase's start only.
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
interface Phase {
  name: string;
  startUs: number;
  endUs: number;
}

const root = path.resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const TOP = Number(flag('--top') ?? 15);
const ONLY = flag('--phase');
const CALLERS = flag('--callers');
/** `--window 0-300`: only that part of each phase, in ms from its start (where a rush's first winners are made). */
const WINDOW = flag('--window')
  ?.split('-')
  .map((v) => Number(v) * 1000);
const EACH = args.includes('--each') ? (args.splice(args.indexOf('--each'), 1), true) : false;
const target = args[0];
function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
if (!target)
  fail(
    'usage: npm run bench:profile -- <dir with .cpuprofile files | file.cpuprofile> [--phase rush] [--top 15] [--each] [--callers <group>] [--window 0-300]',
  );
if (!fs.existsSync(target)) fail(`${target} does not exist`);

const dir = fs.statSync(target).isDirectory() ? target : path.dirname(target);
// Node names profiles CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main thread (the others
// are tsx's module loader, idle once the server is up).
const files = fs.statSync(target).isDirectory()
  ? fs
      .readdirSync(target)
      .filter(
        (f) => /\.cpuprofile$/.test(f) && (/^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f) || !f.startsWith('CPU.')),
      )
      .map((f) => path.join(target, f))
  : [target];
if (!files.length) fail(`no main-thread .cpuprofile in ${target}`);
const phasesFile = path.join(dir, 'phases.json');
const allPhases: Phase[] = fs.existsSync(phasesFile) ? JSON.parse(fs.readFileSync(phasesFile, 'utf8')).phases : [];
// The hello-world runs before the BFF starts and the warm-up is not counted: neither is worth a section.
let phases: (Phase | undefined)[] = allPhases.filter(
  (p) => !/hello|warm-up/i.test(p.name) && (!ONLY || p.name.toLowerCase().includes(ONLY.toLowerCase())),
);
if (!allPhases.length) phases = [undefined];
if (!phases.length) fail(`no phase matches "${ONLY}" in ${phasesFile}: ${allPhases.map((p) => p.name).join(', ')}`);

function groupOf(cf: CallFrame) {
  const url = cf.url;
  if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native V8/C++)';
  if (url.startsWith('node:')) {
    const m = /^node:internal\/([^/]+)/.exec(url);
    return `node:${m ? m[1].replace(/\.js$/, '') : url.slice(5)}`;
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  return path.relative(root, file) || file;
}

function kindOf(group: string) {
  if (group === '(idle)') return 'idle';
  if (group === '(garbage collector)') return 'garbage collector';
  if (group === '(program)' || group === '(native V8/C++)' || group === '(root)') return 'V8 / native';
  if (group.startsWith('node:')) return 'Node core';
  if (/^(bff|db|test|scripts)\//.test(group)) return 'our code (bff/src, db)';
  return 'node_modules';
}

// The frames every async continuation starts from: "on the stack" of almost everything, so they say nothing.
const SCHEDULING = new Set(['node:process', 'node:timers', 'node:async_hooks']);

const where = (cf: CallFrame) => {
  const g = groupOf(cf);
  if (!cf.url || g.startsWith('node:')) return g;
  const nm = cf.url.lastIndexOf('/node_modules/');
  const file = nm >= 0 ? cf.url.slice(nm + '/node_modules/'.length) : g;
  return `${file}:${cf.lineNumber + 1}`;
};

interface Tally {
  processes: number;
  windowUs: number;
  totalUs: number;
  self: Map<string, number>;
  onStack: Map<string, number>;
  fns: Map<string, number>;
  kinds: Map<string, number>;
  callers: Map<string, number>;
}
const newTally = (): Tally => ({
  processes: 0,
  windowUs: 0,
  totalUs: 0,
  self: new Map(),
  onStack: new Map(),
  fns: new Map(),
  kinds: new Map(),
  callers: new Map(),
});
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

function tally(profile: CpuProfile, phase: Phase | undefined, t: Tally) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackGroups = new Map<number, string[]>();
  const groupsOnStack = (id: number): string[] => {
    let g = stackGroups.get(id);
    if (g) return g;
    const own = groupOf(byId.get(id)!.callFrame);
    const up = parent.has(id) ? groupsOnStack(parent.get(id)!) : [];
    g = up.includes(own) ? up : [...up, own];
    stackGroups.set(id, g);
    return g;
  };
  const from = phase ? phase.startUs + (WINDOW?.[0] ?? 0) : -Infinity;
  const to = phase ? Math.min(phase.endUs, WINDOW?.[1] === undefined ? Infinity : phase.startUs + WINDOW[1]) : Infinity;
  let ts = profile.startTime;
  let seen = false;
  for (let i = 0; i < profile.samples.length; i++) {
    ts += profile.timeDeltas[i];
    if (ts < from || ts > to) continue;
    seen = true;
    // A sample stands for the time until the next one.
    const w = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i])!;
    const group = groupOf(node.callFrame);
    t.totalUs += w;
    add(t.kinds, kindOf(group), w);
    if (group === '(idle)') continue;
    add(t.self, group, w);
    add(t.fns, `${node.callFrame.functionName || '(anonymous)'}  ${where(node.callFrame)}`, w);
    for (const g of groupsOnStack(node.id)) if (!g.startsWith('(') && !SCHEDULING.has(g)) add(t.onStack, g, w);
    if (CALLERS && groupsOnStack(node.id).includes(CALLERS)) {
      let id: number | undefined = node.id;
      while (id !== undefined && groupOf(byId.get(id)!.callFrame) !== CALLERS) id = parent.get(id);
      while (id !== undefined) {
        const cf = byId.get(id)!.callFrame;
        const g = groupOf(cf);
        if (g !== CALLERS && !g.startsWith('node:') && !g.startsWith('(')) break;
        id = parent.get(id);
      }
      const cf = id !== undefined ? byId.get(id)!.callFrame : undefined;
      add(
        t.callers,
        cf ? `${cf.functionName || '(anonymous)'}  ${where(cf)}` : '(an async continuation: nothing above it but Node)',
        w,
      );
    }
  }
  if (seen) {
    t.processes++;
    t.windowUs += Math.min(to, profile.endTime) - Math.max(from, profile.startTime);
  }
}

const pct = (v: number, of: number) => `${((v / of) * 100).toFixed(1).padStart(5)} %`;
function top(m: Map<string, number>, of: number, n: number) {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `    ${pct(v, of)}  ${k}`)
    .join('\n');
}

function print(title: string, t: Tally) {
  if (!t.processes) {
    console.log(`\n== ${title}: no samples in this window`);
    return;
  }
  const idle = t.kinds.get('idle') ?? 0;
  const busy = t.totalUs - idle;
  console.log(
    `\n== ${title} — ${t.processes} process${t.processes > 1 ? 'es' : ''}, ${(t.windowUs / t.processes / 1e6).toFixed(1)} s each; ` +
      `busy ${pct(busy, t.totalUs).trim()} of the sampled time, idle ${pct(idle, t.totalUs).trim()}`,
  );
  console.log(
    `  busy time by kind: ${[...t.kinds]
      .filter(([k]) => k !== 'idle')
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${pct(v, busy).trim()}`)
      .join(', ')}`,
  );
  console.log(`  self time by package / file (% of busy):\n${top(t.self, busy, TOP)}`);
  console.log(`  on the stack, callees included (% of busy):\n${top(t.onStack, busy, TOP)}`);
  console.log(`  top functions by self time (% of busy):\n${top(t.fns, busy, TOP)}`);
  if (CALLERS) console.log(`  what calls into ${CALLERS} (% of busy):\n${top(t.callers, busy, TOP)}`);
}

const profiles = files.map((f) => ({ file: f, profile: JSON.parse(fs.readFileSync(f, 'utf8')) as CpuProfile }));
for (const phase of phases) {
  const name = phase?.name ?? 'whole profile';
  if (EACH) {
    for (const { file, profile } of profiles) {
      const t = newTally();
      tally(profile, phase, t);
      print(`${name} [${path.basename(file)}]`, t);
    }
  } else {
    const t = newTally();
    for (const { profile } of profiles) tally(profile, phase, t);
    print(name, t);
  }
}
