// minigan benchmark: `pnpm bench` (= `tsx test/bench/bench.ts`, from the repository root).
//
//   --json              one JSON line per figure on stdout (progress goes to stderr)
//   --only a,b          only cases whose bench or label contains one of the substrings
//   --quick             short warm-up and 3 short samples: checks that every case runs
//
// Every case file in test/bench/cases/ is loaded; each registers its cases (see harness.ts).
// All figures are also written to test/bench/results/latest.json (git-ignored).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as T from '@minigan/tensor';
import { groupByBench, runCase, selectCases, tableHeader, tableRows, type Figure, type RunContext } from './harness.ts';
import { defaultTiming, quickTiming, timeCalls } from './timing.ts';

const here = dirname(fileURLToPath(import.meta.url));

interface Args { json: boolean; quick: boolean; only: string[] }

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { json: false, quick: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') args.json = true;
    else if (a === '--quick') args.quick = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!v) usage('--only needs a comma-separated list of substrings');
      args.only.push(...v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
    } else if (a === '--help' || a === '-h') usage();
    else if (a === '--') continue; // pnpm may pass a separator through
    else usage(`unknown argument '${a}'`);
  }
  return args;
}

function usage(error?: string): never {
  const text = 'usage: tsx test/bench/bench.ts [--json] [--quick] [--only substring,...]';
  if (error) {
    console.error(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

const args = parseArgs(process.argv.slice(2));

// Load every case module (each registers its cases when imported), in file-name order.
const casesDir = join(here, 'cases');
for (const f of readdirSync(casesDir).filter((f) => f.endsWith('.ts')).sort()) {
  await import(pathToFileURL(join(casesDir, f)).href);
}

const selected = selectCases(args.only);
if (selected.length === 0) {
  console.error(`bench: no case matches --only ${args.only.join(',')}`);
  process.exit(2);
}

const timing = args.quick ? quickTiming : defaultTiming;
const ctx: RunContext = { quick: args.quick, timing, time: (fn) => timeCalls(fn, timing) };
const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const info = `node ${process.version}, ${cpu}, ${os.cpus().length} cores; matmul backend '${T.matmulBackend().current}' of [${T.matmulBackend().available.join(', ')}]`;
const how = `median of ${timing.samples} samples (each ≥ ${timing.minSampleMs} ms of repeated calls) after a warm-up of ≥ ${timing.warmupMs} ms until the speed settles`;

const log = args.json ? (s: string) => process.stderr.write(`${s}\n`) : (s: string) => console.log(s);
log(`minigan benchmark — ${info}`);
log(`${how}; float32; 'vs base' = ratio to the bench's baseline row\n`);
if (!args.json) console.log(tableHeader());

const figures: Figure[] = [];
for (const group of groupByBench(selected)) {
  const figs: Figure[] = [];
  let baseline: Figure | undefined;
  for (const c of group) {
    if (args.json) process.stderr.write(`  ${c.bench} / ${c.label} …\n`);
    const f = await runCase(c, ctx);
    figs.push(f);
    if (c.baseline) baseline = f;
    if (args.json) console.log(JSON.stringify(f));
  }
  figures.push(...figs);
  if (!args.json) console.log(tableRows(figs, baseline));
}

const outDir = join(here, 'results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'latest.json');
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpu,
  cores: os.cpus().length,
  platform: `${os.platform()} ${os.arch()}`,
  matmulBackend: T.matmulBackend(),
  args,
  timing,
  results: figures,
};
writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
log(`\nwrote ${figures.length} figures to ${outFile}`);
