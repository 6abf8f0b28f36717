// The `minigan` command: train, sample, eval. Usage mistakes print one line and exit 2;
// other failures print one line and exit 1; --debug shows the stack.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { Rng, getThreads, setThreads } from '@minigan/tensor';
import { GanRun, train, type HistoryRecord } from './train/run.ts';
import { makeConfig, PRESETS, type RunConfig } from './train/config.ts';
import { NonFiniteError } from './step.ts';
import { evaluateRun, formatMetrics, writeHistoryCsv, writeSamplesCsv, type RunMetrics } from './train/outputs.ts';

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
  'data-dir': { type: 'string' }, 'data-limit': { type: 'string' }, 'on-non-finite': { type: 'string' }, 'no-report': { type: 'boolean' },
  quiet: { type: 'boolean' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, threads: { type: 'string' },
};
const SAMPLE_FLAGS: Flags = { checkpoint: { type: 'string' }, n: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
const EVAL_FLAGS: Flags = { checkpoint: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

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
  --n N              samples to evaluate (default: the run's evalSamples, 2,500)
  --seed S           noise seed (default 0)
  --json             print the metrics as JSON`,
};

function parse(cmd: string, argv: string[], options: Flags): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(`minigan ${cmd}: ${msg} (see 'minigan ${cmd} --help')`);
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

/** Builds the run config from flags (without touching the disk). */
export function configFromFlags(v: Record<string, unknown>): RunConfig {
  const cmd = 'train';
  const preset = (v.preset as string | undefined) ?? 'ring8';
  if (!PRESETS[preset]) throw new UsageError(`minigan train: --preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${preset}'`);
  const o: Partial<RunConfig> = {};
  const set = <K extends keyof RunConfig>(k: K, x: RunConfig[K] | undefined) => { if (x !== undefined) o[k] = x; };
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
  const pack = intFlag(cmd, v, 'pack', 1);
  const c = makeConfig(preset, o);
  if (pack !== undefined) c.model.pack = pack;
  return c;
}

function checkpointDirOf(dir: string): string {
  const sub = join(dir, 'checkpoints');
  if (existsSync(join(sub, 'latest.json'))) return sub;
  if (existsSync(join(dir, 'latest.json'))) return dir;
  if (!existsSync(dir)) throw new UsageError(`minigan: checkpoint directory ${dir} does not exist`);
  throw new UsageError(`minigan: ${dir} holds no checkpoint (expected ${join(sub, 'latest.json')})`);
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

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
  let run: GanRun;
  if (v.resume) {
    if (!existsSync(join(ckDir, 'latest.json'))) throw new UsageError(`minigan train: --resume needs a checkpoint in ${ckDir}, found none`);
    const steps = intFlag('train', v, 'steps', 1);
    run = GanRun.load(ckDir, steps !== undefined ? { steps } : {});
    console.log(`Resuming ${run.config.preset} from step ${run.step} of ${run.config.steps} (${ckDir}).`);
  } else {
    const config = configFromFlags(v);
    if (config.batchSize * config.model.pack > 0 && config.data === 'fashion') {
      // The dataset checks the batch against its size and names both.
    }
    if (existsSync(join(ckDir, 'latest.json'))) throw new UsageError(`minigan train: ${out} already holds a run; pass --resume to continue it or choose another --out`);
    run = GanRun.create(config);
    console.log(describe(run));
  }
  mkdirSync(ckDir, { recursive: true });
  writeFileSync(join(out, 'config.json'), JSON.stringify(run.config, null, 2) + '\n');

  // Ctrl-C / SIGTERM: finish the current step, write a checkpoint, exit.
  let interrupted: string | null = null;
  const onSignal = (sig: string) => () => { interrupted = sig; };
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
  const snapshots = v['no-report'] ? null : await import('./train/outputs.ts').then((m) => m.snapshotter(out, run));
  let failure: unknown = null;
  try {
    train(run, {
      checkpointDir: ckDir,
      onStep: (r) => {
        if (bar) bar.update(r.step, payload(r));
        else if (!v.quiet && (r.step % every === 0 || r.step === total)) {
          const p = payload(r);
          console.log(`step ${r.step}/${total}  ${p.speed} steps/s  loss_D ${p.lossD}  loss_G ${p.lossG}  D(x) ${p.dReal}  D(G(z)) ${p.dFake}`);
        }
        return interrupted === null;
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
    console.error(`minigan train: ${failure.message}. The last good checkpoint is in ${ckDir}; try a lower --lr, or --on-non-finite skip.`);
    return 1;
  }
  if (failure) throw failure;
  if (interrupted) {
    console.log(`Interrupted by ${interrupted} at step ${run.step}: checkpoint written to ${ckDir}. Continue with: minigan train --out ${out} --resume`);
    return 130;
  }
  const threadNote = getThreads() > 1 ? `, ${getThreads()} threads` : '';
  console.log(`Trained ${run.step - startStep} steps in ${seconds.toFixed(1)} s (${((run.step - startStep) / seconds).toFixed(0)} steps/s${threadNote}).`);
  const metrics: RunMetrics = evaluateRun(run);
  writeFileSync(join(out, 'metrics.json'), JSON.stringify({ ...metrics, seconds }, null, 2) + '\n');
  if (run.data.sampler) writeSamplesCsv(join(out, 'samples.csv'), run.sample(run.config.evalSamples, run.evalRng('samples')));
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
  const x = run.sample(n, new Rng(`sample:${seed}`));
  if (run.data.sampler) writeSamplesCsv(v.out, x);
  else {
    const { writeImageGrid } = await import('./train/outputs.ts');
    writeImageGrid(v.out, x);
  }
  console.log(`Wrote ${n} samples from step ${run.step} to ${v.out}.`);
  return 0;
}

async function cmdEval(argv: string[]): Promise<number> {
  const v = parse('eval', argv, EVAL_FLAGS);
  if (v.help) { console.log(HELP.eval); return 0; }
  if (typeof v.checkpoint !== 'string') throw new UsageError(`minigan eval: --checkpoint DIR is required`);
  const run = GanRun.load(checkpointDirOf(v.checkpoint));
  const n = intFlag('eval', v, 'n', 1);
  const seed = intFlag('eval', v, 'seed', 0) ?? 0;
  const m = evaluateRun(run, { ...(n !== undefined ? { n } : {}), rng: new Rng(`eval:${seed}`) });
  console.log(v.json ? JSON.stringify(m) : formatMetrics(m));
  return 0;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const debug = argv.includes('--debug');
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') { console.log(HELP.main); return cmd === undefined ? 2 : 0; }
    if (cmd === 'train') return await cmdTrain(rest);
    if (cmd === 'sample') return await cmdSample(rest);
    if (cmd === 'eval') return await cmdEval(rest);
    throw new UsageError(`minigan: unknown command '${cmd}' (expected train, sample or eval; see 'minigan --help')`);
  } catch (e) {
    const err = e as Error;
    if (debug) console.error(err.stack ?? err);
    else console.error(err instanceof UsageError ? err.message : `minigan: ${err.message}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && /cli\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
