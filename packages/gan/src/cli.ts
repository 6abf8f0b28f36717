// The `minigan` command: train, sample, eval. Usage mistakes print one line and exit 2;
// other failures print one line and exit 1; --debug shows the stack.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Rng, getThreads, setThreads } from '@minigan/tensor';
import { GanRun, trainAsync, type HistoryRecord, type ResumeOverrides } from './train/run.ts';
import { ConfigError, lrFactor, makeConfig, PRESETS, type RunConfig } from './train/config.ts';
import { NonFiniteError } from './step.ts';
import { readCheckpointState } from './train/checkpoint.ts';
import { readCsv } from './data/csv.ts';
import type { RunMetrics } from './train/outputs.ts';

/** Run outputs pull in the chart renderers (~0.5 s to load): only commands that write them wait for that. */
const outputs = () => import('./train/outputs.ts');

/** A mistake in how the command was called: one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Flags = NonNullable<ParseArgsConfig['options']>;

/** The flags of `minigan train` (scripts that take the same flags parse with these). */
export const TRAIN_FLAGS: Flags = {
  preset: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
  resume: { type: 'boolean' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, 'lr-d': { type: 'string' },
  'lr-g': { type: 'string' }, 'lr-decay-from': { type: 'string' }, 'lr-decay-to': { type: 'string' }, 'betas': { type: 'string' }, 'd-steps': { type: 'string' }, 'g-loss': { type: 'string' }, 'label-smoothing': { type: 'string' },
  pack: { type: 'string' }, 'checkpoint-every': { type: 'string' }, 'snapshot-every': { type: 'string' }, 'log-every': { type: 'string' },
  'data-dir': { type: 'string' }, 'data-limit': { type: 'string' }, 'data-file': { type: 'string' }, 'on-non-finite': { type: 'string' }, 'no-report': { type: 'boolean' },
  quiet: { type: 'boolean' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, threads: { type: 'string' },
};
const SAMPLE_FLAGS: Flags = { checkpoint: { type: 'string' }, n: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
const EVAL_FLAGS: Flags = { checkpoint: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

const HELP: Record<string, string> = {
  main: `minigan — train small GANs and look at what they learn

Usage:
  minigan train  --preset ring8 --out DIR [options]   train a GAN, write checkpoints, pictures and a report
  minigan sample --checkpoint DIR --n 1000 --out FILE generated samples (CSV for toy data, PNG grid for images)
  minigan eval   --checkpoint DIR                     metrics of a trained run

Run 'minigan <command> --help' for the options of each command.`,
  train: `minigan train — train a GAN

Options:
  --preset NAME          ${Object.keys(PRESETS).join(' | ')} (default ring8)
  --steps N              total training steps (default: the preset's)
  --seed S               the one seed: init, noise, data order (default 0)
  --out DIR              run directory (default runs/<preset>)
  --resume               continue the run in --out from its latest checkpoint, bit for bit
  --batch-size B         examples per batch
  --lr X                 Adam learning rate of both models (or --lr-d / --lr-g)
  --lr-decay-from F      decay the learning rates linearly from step F·steps on (F in [0, 1]; 1 = never)
  --lr-decay-to R        … down to R × lr at the last step (R in (0, 1])
  --betas B1,B2          Adam betas of both models (default 0.5,0.999)
  --d-steps K            discriminator updates per generator update (default 1)
  --g-loss ns|minimax    generator loss: non-saturating (default) or the original minimax
  --label-smoothing S    one-sided label smoothing: real targets are 1 − S (default 0)
  --pack M               PacGAN: the discriminator judges M samples at once (default 1)
  --checkpoint-every N   checkpoint interval in steps (default: only at the end)
  --snapshot-every N     pictures of samples every N steps (default: the preset's)
  --log-every N          history record every N steps (default 1)
  --data-dir DIR         Fashion-MNIST IDX files (default: system copy, else the bundled subset)
  --data-limit N         use at most N training images
  --data-file FILE.csv   train on your own points instead of the preset's data: one per line,
                         coordinates separated by commas (x,y), an optional header line; the
                         preset gives the models and hyper-parameters, the file the dimension
  --on-non-finite stop|skip  what to do when a loss or gradient goes NaN/∞ (default stop)
  --no-report            skip pictures and the report
  --quiet                no progress bar
  --threads N            threads for the large matrix products (default: MINIGAN_THREADS, else 1);
                         results are bit-identical for any N
  --debug                show stack traces`,
  sample: `minigan sample — draw samples from a trained generator

Options:
  --checkpoint DIR   a run directory (or its checkpoints/ folder)
  --n N              number of samples (default 1000)
  --out FILE         CSV for toy data; a .png grid for images
  --seed S           noise seed (default 0)`,
  eval: `minigan eval — metrics of a trained run

Options:
  --checkpoint DIR   a run directory (or its checkpoints/ folder)
  --n N              samples to evaluate (default: the run's evalSamples, 2,500; for images at
                     most the smaller data split: 500 test images in the bundled subset)
  --seed S           noise seed (default 0)
  --data-dir DIR     Fashion-MNIST: compare with the real images in DIR (default: the run's data)
  --json             print the metrics as JSON

For Fashion-MNIST runs: the FID-like score of n generated images against the first n real test
images (classifier features), the same score for n real training images (the real-vs-real floor),
and the classifier's class histogram of the samples.`,
};

/** The help line of a flag (`--steps N   total training steps …`), to say what a flag takes. */
function flagHelp(cmd: string, name: string): string | null {
  const line = (HELP[cmd] ?? '').split('\n').find((l) => l.trimStart().startsWith(`--${name} `) || l.trim() === `--${name}`);
  return line === undefined ? null : line.trim().replace(/\s{2,}/, ': ');
}

/** Levenshtein distance, to suggest the flag a typo meant. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** What to tell someone who typed an unknown flag: the nearest flag, or all of them when few. */
function unknownFlag(cmd: string, token: string, options: Flags): UsageError {
  const names = Object.keys(options);
  const typed = token.replace(/^-+/, '').split('=')[0]!;
  const near = names.map((n) => ({ n, d: n.startsWith(typed) && typed.length >= 2 ? 0 : editDistance(typed, n) })).sort((x, y) => x.d - y.d)[0];
  // A typo is a prefix or a letter or two off; a one-letter flag is too short to guess from.
  const hint = near !== undefined && near.d <= (typed.length >= 5 ? 2 : typed.length >= 3 ? 1 : 0) ? `did you mean --${near.n}?` : names.length <= 8 ? `expected one of ${names.map((n) => `--${n}`).join(', ')}` : `see 'minigan ${cmd} --help' for the options`;
  return new UsageError(`minigan ${cmd}: unknown option '${token.split('=')[0]}'; ${hint}`);
}

/** A value that starts with '-' but is a number (so `--seed -1` means the number, not a flag). */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

/**
 * Parses flags strictly, with messages that say what is wrong and what is allowed. Node's
 * parseArgs alone would call `--steps -3` "ambiguous" and `--steps --lr 1` a value for steps;
 * here a negative number is the flag's value (checked for range later), and a flag followed by
 * another flag or nothing is missing its value.
 */
function parse(cmd: string, argv: string[], options: Flags): Record<string, string | boolean | undefined> {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') throw new UsageError(`minigan ${cmd}: unexpected '--'; this command takes only --flags (see 'minigan ${cmd} --help')`);
    if (!tok.startsWith('-') || tok === '-') {
      throw new UsageError(`minigan ${cmd}: unexpected argument '${tok}'; this command takes only --flags${i > 0 && argv[i - 1]!.startsWith('--') && !argv[i - 1]!.includes('=') ? ` (${argv[i - 1]} takes no value)` : ''} (see 'minigan ${cmd} --help')`);
    }
    const long = tok.startsWith('--');
    const [rawName, inline] = long ? [tok.slice(2).split('=')[0]!, tok.includes('=') ? tok.slice(tok.indexOf('=') + 1) : undefined] : [tok.slice(1), undefined];
    const name = long ? rawName : Object.keys(options).find((k) => options[k]!.short === rawName);
    const spec = name === undefined ? undefined : options[name];
    if (name === undefined || spec === undefined) throw unknownFlag(cmd, tok, options);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`minigan ${cmd}: --${name} is a switch and takes no value, got '${inline}'`);
      args.push(tok);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && !NEGATIVE_NUMBER.test(next))) {
        const help = flagHelp(cmd, name);
        throw new UsageError(`minigan ${cmd}: --${name} needs a value${next === undefined ? '' : `, got the flag '${next}'`}${help ? ` (${help})` : ''}`);
      }
      value = next;
      i++;
    }
    args.push(`--${name}=${value}`);
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    // Not expected after the checks above; kept so that a parseArgs error is still one line.
    throw new UsageError(`minigan ${cmd}: ${(e as Error).message.split('\n')[0]} (see 'minigan ${cmd} --help')`);
  }
}

/** Reads an integer flag with a range check. */
function intFlag(cmd: string, v: Record<string, unknown>, name: string, min: number): number | undefined {
  const s = v[name];
  if (s === undefined) return undefined;
  const n = Number(s);
  if (typeof s !== 'string' || s.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`minigan ${cmd}: --${name} must be an integer ≥ ${min}, got '${String(s)}'`);
  return n;
}

/** Reads a number flag in (lo, hi) or [lo, hi). */
function numFlag(cmd: string, v: Record<string, unknown>, name: string, lo: number, hi: number, loInclusive: boolean): number | undefined {
  const s = v[name];
  if (s === undefined) return undefined;
  const n = Number(s);
  const okLo = loInclusive ? n >= lo : n > lo;
  if (typeof s !== 'string' || s.trim() === '' || !Number.isFinite(n) || !okLo || !(n < hi)) {
    throw new UsageError(`minigan ${cmd}: --${name} must be a number in ${loInclusive ? '[' : '('}${lo}, ${hi === Infinity ? '∞' : hi}), got '${String(s)}'`);
  }
  return n;
}

/** Reads a number flag in [0, 1] (or (0, 1] when zero is not allowed). */
function fractionFlag(cmd: string, v: Record<string, unknown>, name: string, zeroOk: boolean): number | undefined {
  const s = v[name];
  if (s === undefined) return undefined;
  const n = Number(s);
  if (typeof s !== 'string' || s.trim() === '' || !(zeroOk ? n >= 0 : n > 0) || !(n <= 1)) {
    throw new UsageError(`minigan ${cmd}: --${name} must be a number in ${zeroOk ? '[' : '('}0, 1], got '${String(s)}'`);
  }
  return n;
}

function choiceFlag<C extends string>(cmd: string, v: Record<string, unknown>, name: string, choices: readonly C[]): C | undefined {
  const s = v[name];
  if (s === undefined) return undefined;
  if (!choices.includes(s as C)) throw new UsageError(`minigan ${cmd}: --${name} must be one of ${choices.join(', ')}, got '${String(s)}'`);
  return s as C;
}

/** The config fields the flags set (only those given), checked for type and range. */
export function overridesFromFlags(v: Record<string, unknown>): Partial<RunConfig> & { pack?: number } {
  const cmd = 'train';
  const o: Partial<RunConfig> & { pack?: number } = {};
  const set = <K extends keyof typeof o>(k: K, x: (typeof o)[K] | undefined) => { if (x !== undefined) o[k] = x; };
  set('steps', intFlag(cmd, v, 'steps', 1));
  set('seed', intFlag(cmd, v, 'seed', 0));
  set('batchSize', intFlag(cmd, v, 'batch-size', 1));
  const lr = numFlag(cmd, v, 'lr', 0, Infinity, false);
  set('lrD', numFlag(cmd, v, 'lr-d', 0, Infinity, false) ?? lr);
  set('lrG', numFlag(cmd, v, 'lr-g', 0, Infinity, false) ?? lr);
  set('lrDecayFrom', fractionFlag(cmd, v, 'lr-decay-from', true));
  set('lrDecayTo', fractionFlag(cmd, v, 'lr-decay-to', false));
  if (v.betas !== undefined) {
    const b = String(v.betas).split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
    if (b.length !== 2 || !b.every((x) => x >= 0 && x < 1)) throw new UsageError(`minigan train: --betas must be two numbers in [0, 1) separated by a comma, got '${String(v.betas)}'`);
    o.betas = [b[0]!, b[1]!];
  }
  set('dSteps', intFlag(cmd, v, 'd-steps', 1));
  set('gLoss', choiceFlag(cmd, v, 'g-loss', ['ns', 'minimax'] as const));
  set('labelSmoothing', numFlag(cmd, v, 'label-smoothing', 0, 1, true));
  set('checkpointEvery', intFlag(cmd, v, 'checkpoint-every', 0));
  set('snapshotEvery', intFlag(cmd, v, 'snapshot-every', 0));
  set('logEvery', intFlag(cmd, v, 'log-every', 1));
  set('dataLimit', intFlag(cmd, v, 'data-limit', 0));
  set('onNonFinite', choiceFlag(cmd, v, 'on-non-finite', ['stop', 'skip'] as const));
  if (typeof v['data-dir'] === 'string') {
    if (!existsSync(v['data-dir'])) throw new UsageError(`minigan train: --data-dir ${v['data-dir']} does not exist`);
    o.dataDir = resolve(v['data-dir']);
  }
  if (typeof v['data-file'] === 'string') {
    if (!existsSync(v['data-file'])) throw new UsageError(`minigan train: --data-file ${v['data-file']} does not exist`);
    o.data = 'csv';
    o.dataFile = resolve(v['data-file']);
  }
  set('pack', intFlag(cmd, v, 'pack', 1));
  return o;
}

/** Builds the run config from flags (without touching the disk). */
export function configFromFlags(v: Record<string, unknown>): RunConfig {
  const preset = (v.preset as string | undefined) ?? 'ring8';
  if (!PRESETS[preset]) throw new UsageError(`minigan train: --preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${preset}'`);
  const { pack, ...o } = overridesFromFlags(v);
  const c = makeConfig(preset, o);
  if (pack !== undefined) c.model.pack = pack;
  // Own points: the models take as many coordinates as the file has columns (a damaged file
  // is reported here, naming its line, before anything is built).
  if (c.data === 'csv') c.model.dataDim = readCsv(c.dataFile!).x.shape[1]!;
  return c;
}

/** Flags whose config field a resumed run may change, and flags that must match the checkpoint. */
const RESUME_CHANGEABLE = { 'lr': 'lrD', 'lr-d': 'lrD', 'lr-g': 'lrG', 'lr-decay-from': 'lrDecayFrom', 'lr-decay-to': 'lrDecayTo', 'betas': 'betas', 'd-steps': 'dSteps', 'g-loss': 'gLoss', 'label-smoothing': 'labelSmoothing', 'checkpoint-every': 'checkpointEvery', 'snapshot-every': 'snapshotEvery', 'log-every': 'logEvery', 'on-non-finite': 'onNonFinite', 'data-dir': 'dataDir', 'steps': 'steps' } as const;
const RESUME_FIXED = { 'preset': 'preset', 'seed': 'seed', 'batch-size': 'batchSize', 'data-limit': 'dataLimit', 'data-file': 'dataFile', 'pack': 'pack' } as const;

/**
 * The overrides of a resumed run: hyper-parameters may change (printed, since the run then no
 * longer repeats the original bit for bit); what decides the architecture, the data or the
 * random stream must match the checkpoint.
 */
function resumeOverrides(v: Record<string, unknown>, saved: RunConfig): ResumeOverrides {
  const o = overridesFromFlags(v);
  const savedOf = (field: string): unknown => (field === 'pack' ? saved.model.pack : (saved as unknown as Record<string, unknown>)[field]);
  const given = (field: string): unknown => (field === 'preset' ? v.preset : (o as Record<string, unknown>)[field]);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const [flag, field] of Object.entries(RESUME_FIXED)) {
    if (v[flag] === undefined || same(given(field), savedOf(field))) continue;
    throw new UsageError(`minigan train: --${flag} cannot change when resuming (the checkpoint has ${JSON.stringify(savedOf(field))}, got ${JSON.stringify(given(field))}); start a new run with another --out instead`);
  }
  const out: ResumeOverrides = {};
  for (const [flag, field] of Object.entries(RESUME_CHANGEABLE)) {
    if (v[flag] === undefined) continue;
    (out as Record<string, unknown>)[field] = (o as Record<string, unknown>)[field];
    if (flag === 'lr') out.lrG = o.lrG!;
  }
  return out;
}

function checkpointDirOf(dir: string): string {
  const sub = join(dir, 'checkpoints');
  if (existsSync(join(sub, 'latest.json'))) return sub;
  if (existsSync(join(dir, 'latest.json'))) return dir;
  if (!existsSync(dir)) throw new UsageError(`minigan: checkpoint directory ${dir} does not exist`);
  throw new UsageError(`minigan: ${dir} holds no checkpoint (expected ${join(sub, 'latest.json')})`);
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** Exit codes of a run stopped by a signal: 128 + the signal's number, as shells report it. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** `batchSize` → `--batch-size`. */
const flagOf = (field: string): string => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The run a `train` command works on: a new one from the flags, or the one in --out resumed. */
function openRun(v: Record<string, unknown>, out: string, ckDir: string): GanRun {
  try {
    if (!v.resume) {
      const config = configFromFlags(v);
      if (existsSync(join(ckDir, 'latest.json'))) throw new UsageError(`minigan train: ${out} already holds a run; pass --resume to continue it or choose another --out`);
      const run = GanRun.create(config);
      console.log(describe(run));
      return run;
    }
    if (!existsSync(join(ckDir, 'latest.json'))) throw new UsageError(`minigan train: --resume needs a checkpoint in ${ckDir}, found none`);
    const { state } = readCheckpointState(ckDir);
    const saved = state.config as RunConfig;
    const overrides = resumeOverrides(v, saved);
    const at = state.step as number;
    if (overrides.steps !== undefined && overrides.steps < at) throw new UsageError(`minigan train: --steps must be ≥ ${at} (the checkpoint's step) when resuming, got ${overrides.steps}`);
    const run = GanRun.load(ckDir, overrides);
    console.log(`Resuming ${run.config.preset} from step ${run.step} of ${run.config.steps} (${ckDir}).`);
    const changed = Object.keys(overrides).filter((k) => k !== 'steps' && JSON.stringify((saved as unknown as Record<string, unknown>)[k]) !== JSON.stringify((run.config as unknown as Record<string, unknown>)[k]));
    if (run.config.steps !== saved.steps && lrFactor(saved, at + 1) !== lrFactor(run.config, at + 1)) {
      // The decay is laid over the run's length, so a longer run stretches it: say what that does.
      const from = (c: RunConfig) => Math.floor(c.lrDecayFrom * c.steps);
      console.log(`  --steps ${run.config.steps} stretches the learning-rate schedule (the run no longer repeats the original exactly): the decay to ${run.config.lrDecayTo}× now runs over steps ${from(run.config)}–${run.config.steps} instead of ${from(saved)}–${saved.steps}; the lr factor at step ${at + 1} is ${lrFactor(run.config, at + 1).toPrecision(3)} (it was ${lrFactor(saved, at).toPrecision(3)} at step ${at}).`);
    }
    if (changed.length > 0) {
      console.log(`  Changed from the checkpoint (the run no longer repeats the original exactly): ${changed.map((k) => `${k} ${JSON.stringify((saved as unknown as Record<string, unknown>)[k])} → ${JSON.stringify((run.config as unknown as Record<string, unknown>)[k])}`).join(', ')}.`);
    }
    return run;
  } catch (e) {
    // A value only the loaded data can refute (a batch larger than the dataset) is still a
    // mistake in the flags: say it in their terms.
    if (e instanceof ConfigError) throw new UsageError(`minigan train: ${flagOf(e.field)} must be ${e.allowed}, got ${e.got}`);
    throw e;
  }
}

async function cmdTrain(argv: string[]): Promise<number> {
  const v = parse('train', argv, TRAIN_FLAGS);
  if (v.help) { console.log(HELP.train); return 0; }
  const threads = intFlag('train', v, 'threads', 1);
  if (threads !== undefined) {
    if (threads > 16) throw new UsageError(`minigan train: --threads must be an integer from 1 to 16, got '${String(v.threads)}'`);
    setThreads(threads);
  }
  const out = resolve((v.out as string | undefined) ?? join('runs', (v.preset as string | undefined) ?? 'ring8'));
  const ckDir = join(out, 'checkpoints');
  const run = openRun(v, out, ckDir);
  mkdirSync(ckDir, { recursive: true });
  writeFileSync(join(out, 'config.json'), JSON.stringify(run.config, null, 2) + '\n');

  // Ctrl-C / SIGTERM: stop before the next step, write a checkpoint of the steps done, exit.
  // A second signal quits at once; checkpoints are written atomically, so the previous one stays
  // whole even if that happens in the middle of writing.
  const abort = new AbortController();
  let interrupted: keyof typeof SIGNAL_EXIT | null = null;
  const onSignal = (sig: keyof typeof SIGNAL_EXIT) => () => {
    if (interrupted !== null) process.exit(SIGNAL_EXIT[sig]);
    interrupted = sig;
    abort.abort();
    process.stderr.write(`\n${sig}: stopping after this step and writing a checkpoint (send it again to quit at once)\n`);
  };
  const sigint = onSignal('SIGINT'), sigterm = onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);

  const total = run.config.steps;
  const tty = process.stderr.isTTY && !v.quiet;
  const bar = tty ? new cliProgress.SingleBar({
    format: 'step {value}/{total} |{bar}| {speed} steps/s | ETA {eta_formatted} | loss_D {lossD} loss_G {lossG} | D(x) {dReal} D(G(z)) {dFake}',
    hideCursor: true, etaBuffer: 200, fps: 5,
  }, cliProgress.Presets.shades_classic) : null;
  const t0 = performance.now();
  const startStep = run.step;
  bar?.start(total, run.step, { speed: '-', lossD: '-', lossG: '-', dReal: '-', dFake: '-' });
  const every = Math.max(1, Math.floor(total / 10));
  const payload = (r: HistoryRecord) => ({ speed: fmt((r.step - startStep) / ((performance.now() - t0) / 1000), 0), lossD: fmt(r.lossD), lossG: fmt(r.lossG), dReal: fmt(r.dReal), dFake: fmt(r.dFake) });
  const { evaluateRun, formatMetrics, writeHistoryCsv, writeSamplesCsv, snapshotter } = await outputs();
  const snapshots = v['no-report'] ? null : snapshotter(out, run);
  let failure: unknown = null;
  try {
    await trainAsync(run, {
      checkpointDir: ckDir,
      signal: abort.signal,
      onStep: (r) => {
        if (bar) bar.update(r.step, payload(r));
        else if (!v.quiet && (r.step % every === 0 || r.step === total)) {
          const p = payload(r);
          console.log(`step ${r.step}/${total}  ${p.speed} steps/s  loss_D ${p.lossD}  loss_G ${p.lossG}  D(x) ${p.dReal}  D(G(z)) ${p.dFake}${r.skipped > 0 ? `  skipped ${r.skipped}` : ''}`);
        }
      },
      ...(snapshots ? { onSnapshot: snapshots.onSnapshot } : {}),
    });
  } catch (e) {
    failure = e;
  } finally {
    bar?.stop();
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
  const seconds = (performance.now() - t0) / 1000;
  writeHistoryCsv(join(out, 'history.csv'), run.history);
  if (failure instanceof NonFiniteError) {
    let kept = `no checkpoint was written before it (--checkpoint-every N keeps one every N steps)`;
    if (existsSync(join(ckDir, 'latest.json'))) {
      const at = readCheckpointState(ckDir).state.step as number;
      kept = `the last good checkpoint (step ${at}) is kept in ${ckDir}; continue from it with --resume and a lower --lr, or --on-non-finite skip`;
    }
    console.error(`minigan train: ${failure.message}; ${kept}`);
    if (v.debug) console.error(failure.stack);
    return 1;
  }
  if (failure) throw failure;
  if (interrupted !== null) {
    console.log(`Interrupted by ${interrupted} at step ${run.step}: checkpoint written to ${ckDir}. Continue with: minigan train --out ${out} --resume`);
    return SIGNAL_EXIT[interrupted];
  }
  if (run.skipped > 0) console.log(`Skipped ${run.skipped} step(s) whose loss or gradients were not finite (--on-non-finite skip); see the 'skipped' column of history.csv.`);
  const threadNote = getThreads() > 1 ? `, ${getThreads()} threads` : '';
  console.log(`Trained ${run.step - startStep} steps in ${seconds.toFixed(1)} s (${((run.step - startStep) / seconds).toFixed(0)} steps/s${threadNote}).`);
  const metrics: RunMetrics = evaluateRun(run);
  writeFileSync(join(out, 'metrics.json'), JSON.stringify({ ...metrics, seconds }, null, 2) + '\n');
  if (!run.data.images) writeSamplesCsv(join(out, 'samples.csv'), run.sample(run.config.evalSamples, run.evalRng('samples')));
  console.log(formatMetrics(metrics));
  if (snapshots) {
    const report = await snapshots.finish(metrics, seconds);
    console.log(`Report: ${report}`);
  }
  console.log(`Run directory: ${out}`);
  return 0;
}

function describe(run: GanRun): string {
  const c = run.config;
  const m = c.model;
  const arch = (dims: number[]) => dims.join(' → ');
  return [
    `Training preset '${c.preset}' on ${c.data} for ${c.steps} steps (seed ${c.seed}, batch ${c.batchSize}${m.pack > 1 ? `, packing ${m.pack}` : ''}).`,
    ...(run.data.points ? [`  Data: ${run.data.points.shape[0]!.toLocaleString('en-US')} points of dimension ${run.data.dim} from ${c.dataFile}.`] : []),
    ...(run.data.images ? [`  Data: ${run.data.images.images.shape[0]!.toLocaleString('en-US')} training images from ${run.data.images.source.kind === 'bundled' ? `the bundled subset (--data-dir DIR reads the full set)` : run.data.images.source.dir}.`] : []),
    `  G: ${arch([m.zDim, ...m.gHidden, m.dataDim])}${m.batchNorm ? ' (BatchNorm + ReLU)' : ''}; D: ${arch([m.dataDim * m.pack, ...m.dHidden, 1])} (LeakyReLU ${m.dSlope}, logits).`,
    `  Each step: ${c.dSteps > 1 ? `${c.dSteps} D updates` : 'a D update'} on (bce(D(G(z)), 0) + bce(D(x), ${1 - c.labelSmoothing})) / 2, then a G update on ${c.gLoss === 'ns' ? 'bce(D(G(z)), 1) (non-saturating)' : 'log(1 − D(G(z))) (minimax)'}; Adam lr ${c.lrD}/${c.lrG}, betas ${c.betas.join('/')}.`,
  ].join('\n');
}

async function cmdSample(argv: string[]): Promise<number> {
  const v = parse('sample', argv, SAMPLE_FLAGS);
  if (v.help) { console.log(HELP.sample); return 0; }
  if (typeof v.checkpoint !== 'string') throw new UsageError(`minigan sample: --checkpoint DIR is required`);
  if (typeof v.out !== 'string') throw new UsageError(`minigan sample: --out FILE is required`);
  const n = intFlag('sample', v, 'n', 1) ?? 1000;
  const seed = intFlag('sample', v, 'seed', 0) ?? 0;
  const run = GanRun.load(checkpointDirOf(v.checkpoint));
  const { writeSamplesCsv, writeImageGrid } = await outputs();
  const ext = run.data.images ? '.png' : '.csv';
  if (!v.out.toLowerCase().endsWith(ext)) throw new UsageError(`minigan sample: --out must be a ${ext} file for ${run.config.data} data, got '${v.out}'`);
  mkdirSync(dirname(resolve(v.out)), { recursive: true });
  const x = run.sample(n, new Rng(`sample:${seed}`));
  if (!run.data.images) writeSamplesCsv(v.out, x);
  else writeImageGrid(v.out, x);
  console.log(`Wrote ${n} samples from step ${run.step} to ${v.out}.`);
  return 0;
}

async function cmdEval(argv: string[]): Promise<number> {
  const v = parse('eval', argv, EVAL_FLAGS);
  if (v.help) { console.log(HELP.eval); return 0; }
  if (typeof v.checkpoint !== 'string') throw new UsageError(`minigan eval: --checkpoint DIR is required`);
  let dataDir: string | undefined;
  if (typeof v['data-dir'] === 'string') {
    if (!existsSync(v['data-dir'])) throw new UsageError(`minigan eval: --data-dir ${v['data-dir']} does not exist`);
    dataDir = resolve(v['data-dir']);
  }
  const run = GanRun.load(checkpointDirOf(v.checkpoint));
  const n = intFlag('eval', v, 'n', 2);
  const seed = intFlag('eval', v, 'seed', 0) ?? 0;
  const { evaluateRun, formatMetrics } = await outputs();
  const m = evaluateRun(run, { ...(n !== undefined ? { n } : {}), ...(dataDir !== undefined ? { dataDir } : {}), rng: new Rng(`eval:${seed}`) });
  console.log(v.json ? JSON.stringify(m) : formatMetrics(m));
  if (!v.json && m.image && n !== undefined && m.image.n < n) {
    console.log(`  (--n ${n} is more than the real images available: scored ${m.image.n}, the size of the smaller split in ${m.image.source}; --data-dir DIR names the full set)`);
  }
  return 0;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const debug = argv.includes('--debug');
  try {
    if (cmd === undefined) { console.error(HELP.main); return 2; }
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') { console.log(HELP.main); return 0; }
    if (cmd === 'train') return await cmdTrain(rest);
    if (cmd === 'sample') return await cmdSample(rest);
    if (cmd === 'eval') return await cmdEval(rest);
    throw new UsageError(`minigan: unknown command '${cmd}' (expected train, sample or eval; see 'minigan --help')`);
  } catch (e) {
    const err = e as Error;
    if (debug) console.error(err.stack ?? err);
    // One line (a message with line breaks, e.g. from JSON.parse, is joined); --debug for the stack.
    else console.error((err instanceof UsageError ? err.message : `minigan: ${err.message}`).replace(/\s*\n\s*/g, ' '));
    return err instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && /cli\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
