// Trains a toy preset over several seeds and prints a table of the toy metrics (modes covered,
// high-quality share, reverse KL) and wall time per seed, with the mean over seeds. Not a test:
// this is how the presets' defaults were tuned and how the README's figures are made.
//
//   npx tsx test/scripts/toy-sweep.ts --preset ring8 --seeds 5
//   npx tsx test/scripts/toy-sweep.ts --preset grid25 --seeds 5 --g-loss minimax
//   npx tsx test/scripts/toy-sweep.ts --preset ring8 --pack 4 --eval-every 1000 --json
//
// Every flag of `minigan train` that shapes a run is accepted (--steps, --batch-size, --lr,
// --d-steps, --g-loss, --label-smoothing, --pack, ...); --seed is replaced by:
//   --seeds N          seeds 0 … N−1 (default 5), or --seed-list 3,7,11
//   --eval-every N     also print the metrics every N steps (on a separate random stream, so
//                      the training itself is the same as without it)
//   --json             one JSON line per seed (and a final 'mean' line) instead of the table
//   --detail           also print, per seed, where the evaluated samples lie: the share within
//                      1, 2, 3, 5, 10 σ of their nearest mode, and the high-quality count per mode
//   --set key=JSON     set any config field, also nested ones without a flag, e.g.
//                      --set model.gHidden=[256,256] --set lrDecayFrom=0.6 (repeatable)
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { GanRun, evaluateRun, modeCounts, train, validateConfig, type RunConfig, type ToyMetrics } from '@minigan/gan';
import { TRAIN_FLAGS, configFromFlags } from '@minigan/gan/cli';

const IGNORED = ['seed', 'out', 'resume', 'no-report', 'quiet', 'debug', 'help'];

interface Row { seed: number; steps: number; toy: ToyMetrics; seconds: number }

function usage(msg: string): never {
  console.error(`toy-sweep: ${msg}`);
  console.error('usage: tsx test/scripts/toy-sweep.ts --preset ring8|grid25 [--seeds N | --seed-list a,b,c] [--eval-every N] [--json] [minigan train flags]');
  process.exit(2);
}

/** Applies `key.path=JSON` assignments to a config (validated again afterwards). */
function applySets(c: RunConfig, sets: readonly string[]): RunConfig {
  const out = JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
  for (const a of sets) {
    const eq = a.indexOf('=');
    if (eq < 1) usage(`--set expects key=JSON, got '${a}'`);
    const path = a.slice(0, eq).split('.');
    let value: unknown;
    try {
      value = JSON.parse(a.slice(eq + 1));
    } catch {
      value = a.slice(eq + 1); // a bare word is a string
    }
    let o = out;
    for (const k of path.slice(0, -1)) {
      if (typeof o[k] !== 'object' || o[k] === null) usage(`--set ${a}: '${k}' is not an object in the config`);
      o = o[k] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    if (!(last in o)) usage(`--set ${a}: the config has no field '${path.join('.')}'`);
    o[last] = value;
  }
  const r = out as unknown as RunConfig;
  validateConfig(r);
  return r;
}

function parse(): { base: Record<string, unknown>; seeds: number[]; evalEvery: number; json: boolean; detail: boolean; sets: string[] } {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: process.argv.slice(2).filter((a) => a !== '--'),
      options: { ...TRAIN_FLAGS, seeds: { type: 'string' }, 'seed-list': { type: 'string' }, 'eval-every': { type: 'string' }, json: { type: 'boolean' }, detail: { type: 'boolean' }, set: { type: 'string', multiple: true } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    return usage((e as Error).message);
  }
  if (values.help) usage('help');
  for (const k of IGNORED) if (values[k] !== undefined && k !== 'help') usage(`--${k} does not apply to a sweep`);
  const n = values.seeds === undefined ? 5 : Number(values.seeds);
  if (!Number.isInteger(n) || n < 1) usage(`--seeds must be a positive integer, got '${String(values.seeds)}'`);
  const list = typeof values['seed-list'] === 'string' ? values['seed-list'].split(',').map((s) => Number(s.trim())) : Array.from({ length: n }, (_, i) => i);
  if (list.some((s) => !Number.isInteger(s) || s < 0)) usage(`--seed-list must be non-negative integers, got '${String(values['seed-list'])}'`);
  const evalEvery = values['eval-every'] === undefined ? 0 : Number(values['eval-every']);
  if (!Number.isInteger(evalEvery) || evalEvery < 0) usage(`--eval-every must be a non-negative integer`);
  const base = { ...values };
  for (const k of ['seeds', 'seed-list', 'eval-every', 'json', 'detail', 'set']) delete base[k];
  return { base, seeds: list, evalEvery, json: values.json === true, detail: values.detail === true, sets: (values.set as string[] | undefined) ?? [] };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function line(label: string, modes: string, hq: string, kl: string, secs: string): string {
  return `${label.padEnd(6)} ${modes.padStart(9)} ${hq.padStart(8)} ${kl.padStart(10)} ${secs.padStart(8)}`;
}

function describeConfig(c: RunConfig): string {
  const m = c.model;
  return `${c.preset}: ${c.steps} steps, batch ${c.batchSize}, lr ${c.lrD}/${c.lrG}, betas ${c.betas.join('/')}, dSteps ${c.dSteps}, gLoss ${c.gLoss}, ` +
    `labelSmoothing ${c.labelSmoothing}, pack ${m.pack}, G ${[m.zDim, ...m.gHidden, m.dataDim].join('-')}, D ${[m.dataDim * m.pack, ...m.dHidden, 1].join('-')}` +
    `${c.lrDecayFrom < 1 && c.lrDecayTo < 1 ? `, lr ×${c.lrDecayTo} linearly from ${c.lrDecayFrom} of the steps` : ''}`;
}

/**
 * Where the metric's samples lie (the same 2,500 samples `evaluateRun` draws): the share within
 * t·σ of the nearest mode for a few t (3σ is the high-quality radius), and the HQ count per mode.
 */
function detail(run: GanRun): string {
  const sampler = run.data.sampler!;
  const x = run.sample(run.config.evalSamples, run.evalRng('metrics'));
  const within = [1, 2, 3, 5, 10].map((t) => `≤${t}σ ${pct(modeCounts(x, sampler, t).highQuality / x.shape[0]!)}`);
  return `       ${within.join('  ')}\n       HQ per mode: ${modeCounts(x, sampler).counts.join(' ')}`;
}

function main(): void {
  const { base, seeds, evalEvery, json, detail: showDetail, sets } = parse();
  const rows: Row[] = [];
  let printedHeader = false;
  for (const seed of seeds) {
    const config = applySets(configFromFlags({ ...base, seed: String(seed) }), sets);
    if (!printedHeader) {
      if (!json) {
        console.log(describeConfig(config));
        console.log(line('seed', 'modes', 'HQ', 'rev. KL', 'wall s'));
      }
      printedHeader = true;
    }
    const run = GanRun.create(config);
    if (run.data.sampler === null) usage(`preset '${config.preset}' has no toy distribution to measure`);
    let evalSeconds = 0;
    const t0 = performance.now();
    train(run, {
      onStep: (r) => {
        if (evalEvery > 0 && r.step % evalEvery === 0 && r.step < config.steps) {
          const te = performance.now();
          const m = evaluateRun(run).toy!;
          const s = (te - t0 - evalSeconds * 1000) / 1000;
          if (json) console.log(JSON.stringify({ seed, step: r.step, modes: m.modesCovered, hq: m.highQuality, reverseKl: m.reverseKl, seconds: s }));
          else console.log(line(`  @${r.step}`, `${m.modesCovered}/${m.numModes}`, pct(m.highQuality), m.reverseKl.toFixed(4), s.toFixed(1)));
          evalSeconds += (performance.now() - te) / 1000;
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000 - evalSeconds;
    const toy = evaluateRun(run).toy!;
    rows.push({ seed, steps: run.step, toy, seconds });
    if (json) console.log(JSON.stringify({ seed, step: run.step, modes: toy.modesCovered, hq: toy.highQuality, reverseKl: toy.reverseKl, seconds }));
    else console.log(line(String(seed), `${toy.modesCovered}/${toy.numModes}`, pct(toy.highQuality), toy.reverseKl.toFixed(4), seconds.toFixed(1)));
    if (showDetail && !json) console.log(detail(run));
  }
  const mean = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
  const modes = mean((r) => r.toy.modesCovered), hq = mean((r) => r.toy.highQuality), kl = mean((r) => r.toy.reverseKl), secs = mean((r) => r.seconds);
  const minModes = Math.min(...rows.map((r) => r.toy.modesCovered)), minHq = Math.min(...rows.map((r) => r.toy.highQuality));
  if (json) console.log(JSON.stringify({ seed: 'mean', modes, hq, reverseKl: kl, seconds: secs, minModes, minHq }));
  else {
    console.log(line('mean', modes.toFixed(2), pct(hq), kl.toFixed(4), secs.toFixed(1)));
    console.log(line('min', String(minModes), pct(minHq), '', ''));
  }
}

main();
