// Where the bench's GAN step spends its time, function by function and line by line: bundles
// gan-step.ts (test/bench/gan-work.ts and the packages) with esbuild, runs it under
// `node --cpu-prof`, and prints the self time per function of the main thread (time in the
// function itself, not in what it calls), most first, in ms per step.
//
//   npx tsx test/scripts/profile-step.ts --work course --steps 60 --threads 2
//   npx tsx test/scripts/profile-step.ts --read DIR/CPU.….cpuprofile --per 65   # a profile kept with --keep DIR
//
//   --work, --steps, --warmup, --threads   passed to gan-step.ts (defaults there: course, 20, 5, 1)
//   --top N        rows to print (default 30)
//   --lines        also the hottest lines inside the top functions
//   --keep DIR     write the bundle and the profiles to DIR (default: a temporary folder, removed)
//
// Sampled times point to where the time goes; they are not a measurement of how much (a copy
// the profile put at 2.8 ms/step took 1.3 ms timed with performance.now): time a suspect directly.
//
// Why a bundle: run through tsx, each module reaches V8 compiled onto one line, and V8 then
// attributes time between a file's functions unreliably (here a 0.36 ms/step check showed as
// 3.8 ms/step); the bundle keeps lines as written, and its source map leads back to the .ts files.
// WebAssembly functions show with their AssemblyScript file (the module carries a name section);
// an anonymous function is named after its caller.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SourceMap } from 'node:module';
import { build } from 'esbuild';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[]; positionTicks?: { line: number; ticks: number }[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const { values } = parseArgs({
  options: {
    work: { type: 'string' }, steps: { type: 'string' }, warmup: { type: 'string' }, threads: { type: 'string' },
    top: { type: 'string', default: '30' }, lines: { type: 'boolean', default: false },
    keep: { type: 'string' }, read: { type: 'string' }, per: { type: 'string', default: '1' },
  },
});
const top = Number(values.top);
if (!(top > 0)) usage(`--top must be a positive number, got '${values.top}'`);

function usage(msg: string): never {
  console.error(`profile-step: ${msg}`);
  process.exit(2);
}

/** Maps a 0-based line (and column) of the bundle to `file.ts:line` of the source it came from. */
type Locate = (line: number, column?: number) => string | null;

/** Locate for a bundle built with an external source map (`<bundle>.map`). */
function locator(bundle: string): Locate {
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
  const text = readFileSync(bundle, 'utf8').split('\n');
  return (line, column) => {
    // Without a column, the line's first token (mappings start there, not at the indentation).
    const col = column ?? Math.max(0, (text[line] ?? '').search(/\S/));
    const e = map.findEntry(line, col) as { originalSource?: string; originalLine?: number };
    return e.originalSource === undefined || e.originalLine === undefined ? null : `${e.originalSource.split('/').pop()}:${e.originalLine + 1}`;
  };
}

/** Prints the functions with the most self time in one profile, divided by `per` (steps). */
function report(file: string, per: number, locate: Locate | null = null): void {
  let p: CpuProfile;
  try {
    p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  } catch (e) {
    usage(`cannot read ${file} as a CPU profile: ${(e as Error).message}`);
  }
  if (!Array.isArray(p.nodes) || !Array.isArray(p.samples) || !Array.isArray(p.timeDeltas)) usage(`${file} has no nodes/samples/timeDeltas: not a .cpuprofile`);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, ProfileNode>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);

  // Sample i lasted until the next one: timeDeltas[i + 1] µs.
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    totalUs += dt;
  });
  const nameOf = (n: ProfileNode): string => {
    const f = n.callFrame;
    if (f.url.startsWith('wasm://')) {
      // The kernels module has a name section: asm/assembly/gemm/packDirect is packDirect in asm/assembly/gemm.ts.
      const cut = f.functionName.lastIndexOf('/');
      return cut < 0 ? `${f.functionName} (wasm)` : `${f.functionName.slice(cut + 1)} ${f.functionName.slice(0, cut)}.ts (wasm)`;
    }
    const mapped = locate !== null && f.url.endsWith('.mjs') ? locate(f.lineNumber, f.columnNumber) : null;
    const where = mapped !== null ? ` ${mapped}` : f.url === '' ? '' : ` ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    if (f.functionName !== '') return f.functionName + where;
    const caller = parent.get(n.id)?.callFrame.functionName;
    return (caller ? `(anonymous) in ${caller}` : '(anonymous)') + where;
  };
  // One row per function; its nodes (one per call path) add up, and so do their line ticks.
  const rows = new Map<string, { us: number; lines: Map<number, number> }>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const k = nameOf(n);
    const row = rows.get(k) ?? { us: 0, lines: new Map<number, number>() };
    row.us += us;
    for (const t of n.positionTicks ?? []) row.lines.set(t.line, (row.lines.get(t.line) ?? 0) + t.ticks);
    rows.set(k, row);
  }
  console.log(`\n${file}: ${(totalUs / 1000).toFixed(0)} ms sampled${per > 1 ? `; ms per step over ${per} steps` : ''}`);
  for (const [k, row] of [...rows].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
    console.log(`${(row.us / 1000 / per).toFixed(2).padStart(9)} ${((100 * row.us) / totalUs).toFixed(1).padStart(5)}%  ${k}`);
    if (!values.lines || row.lines.size < 2) continue;
    const ticks = [...row.lines.values()].reduce((a, b) => a + b, 0);
    for (const [line, t] of [...row.lines].sort((a, b) => b[1] - a[1]).slice(0, 3)) {
      const at = locate?.(line - 1) ?? `line ${line}`;
      console.log(`${''.padStart(17)}${at}: ${((100 * t) / ticks).toFixed(0)}% of it`);
    }
  }
}

if (values.read !== undefined) {
  const per = Number(values.per);
  if (!(per > 0)) usage(`--per must be a positive number, got '${values.per}'`);
  // A folder kept with --keep also holds the bundle and its map: lines then lead to the sources.
  const bundle = join(dirname(values.read), 'gan-step.mjs');
  report(values.read, per, existsSync(`${bundle}.map`) ? locator(bundle) : null);
  process.exit(0);
}

const here = dirname(fileURLToPath(import.meta.url));
const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'minigan-profile-'));
mkdirSync(dir, { recursive: true });
try {
  const bundle = join(dir, 'gan-step.mjs');
  await build({
    entryPoints: [join(here, 'gan-step.ts')],
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, sourcemap: 'external', logLevel: 'warning',
    // CommonJS dependencies (seedrandom, ndarray) call require(); an ES module has none of its own.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    plugins: [{
      // The PNG renderer is a native addon (not bundleable) and the step never draws: a stub.
      name: 'no-png',
      setup(b) {
        b.onResolve({ filter: /^@resvg\// }, (a) => ({ path: a.path, namespace: 'stub' }));
        b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: "export default { Resvg: class { constructor() { throw new Error('profile-step: no PNG rendering in a profile run'); } } };" }));
      },
    }],
  });
  const args = (['work', 'steps', 'warmup', 'threads'] as const).flatMap((k) => (values[k] === undefined ? [] : [`--${k}`, values[k]!]));
  const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, bundle, ...args], { stdio: 'inherit' });
  // Profiles are named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main one.
  const main = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().find((f) => f.split('.')[4] === '0');
  // (Errors set the exit code rather than exit, so that `finally` removes the temporary folder.)
  if (run.status !== 0) {
    console.error(`profile-step: the profiled run failed (exit ${run.status ?? run.signal})`);
    process.exitCode = 2;
  } else if (main === undefined) {
    console.error(`profile-step: node wrote no main-thread profile in ${dir}`);
    process.exitCode = 2;
  } else {
    report(join(dir, main), Number(values.steps ?? 20) + Number(values.warmup ?? 5), locator(bundle));
  }
} finally {
  if (values.keep === undefined) rmSync(dir, { recursive: true, force: true });
}
