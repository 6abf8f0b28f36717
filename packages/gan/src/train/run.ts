// A training run: the models, their optimizers, the one Rng, the data and the history, with a
// bare loop, callbacks, checkpoints and exact resume.
import * as T from '@minigan/tensor';
import { Rng, Tensor, fail, type RngState } from '@minigan/tensor';
import { noGrad, Variable, optim, type nn } from '@minigan/autograd';
import { buildModels } from '../models.ts';
import { ganStep, discriminatorStep, generatorStep, NonFiniteError, type DStepResult, type GanParts, type StepOptions } from '../step.ts';
import { lrFactor, validateConfig, type RunConfig } from './config.ts';
import { makeDataSource, type DataSource } from './data.ts';
import { loadCheckpoint, prefixKeys, saveCheckpoint, splitModels } from './checkpoint.ts';
import type { TensorDatasetState } from '../data/dataset.ts';
import type { AtomicWriteOptions } from '../io/atomic.ts';

/** One row of the history: what the step saw. */
export interface HistoryRecord {
  step: number;
  /** D's loss (last of the k D updates). */
  lossD: number;
  lossG: number;
  /** Mean σ(D(x)) on the real batch. */
  dReal: number;
  /** Mean σ(D(G(z))) on the fake batch of the D update. */
  dFake: number;
  gradNormD: number;
  gradNormG: number;
  /** Steps skipped so far because something went non-finite (onNonFinite 'skip'). */
  skipped: number;
}

/** What a resumed run may change (see `GanRun.load`). */
export type ResumeOverrides = Partial<Pick<RunConfig, 'steps' | 'dataDir' | 'lrD' | 'lrG' | 'lrDecayFrom' | 'lrDecayTo' | 'betas' | 'dSteps' | 'gLoss' | 'labelSmoothing' | 'onNonFinite' | 'checkpointEvery' | 'snapshotEvery' | 'logEvery'>>;

/** Callbacks of `train`. */
export interface TrainCallbacks {
  /** After every step. Return `false` to stop early (a checkpoint is still written). */
  onStep?: (rec: HistoryRecord, run: GanRun) => void | boolean;
  /** After each step that adds a history record (every `logEvery` steps). */
  onLog?: (rec: HistoryRecord, run: GanRun) => void;
  /** After a checkpoint is written, with its weights file. */
  onCheckpoint?: (file: string, run: GanRun) => void;
  /** At each snapshot step (every `snapshotEvery` steps), for pictures. */
  onSnapshot?: (run: GanRun) => void;
}

/** With onNonFinite 'skip', this many skipped steps in a row stop the run with a `NonFiniteError`. */
export const MAX_SKIPPED_IN_A_ROW = 50;

/** Number of fixed noise vectors kept for sample grids and snapshots. */
export const FIXED_NOISE = 64;

/** Everything of one run. */
export class GanRun {
  readonly config: RunConfig;
  readonly G: nn.Sequential;
  readonly D: nn.Sequential;
  readonly optG: optim.Adam;
  readonly optD: optim.Adam;
  readonly data: DataSource;
  /** The run's one random stream: init, then noise and data order, in order. */
  rng: Rng;
  /** Steps done. */
  step = 0;
  history: HistoryRecord[] = [];
  skipped = 0;
  /** Skipped steps since the last good one (not saved: a resumed run starts counting afresh). */
  private skippedInARow = 0;
  /** Fixed noise [64, zDim] for sample grids at intervals (drawn once, right after init). */
  readonly fixedNoise: Tensor;

  private constructor(config: RunConfig, data: DataSource) {
    validateConfig(config);
    this.config = config;
    this.data = data;
    if (data.dim !== config.model.dataDim) fail('GanRun', `data '${config.data}' has dimension ${data.dim}, the model expects ${config.model.dataDim}`);
    this.rng = new Rng(config.seed);
    const { G, D } = buildModels(config.model, this.rng);
    this.G = G;
    this.D = D;
    this.fixedNoise = this.rng.normal([FIXED_NOISE, config.model.zDim]);
    const opt = { betas: config.betas, eps: config.eps };
    this.optG = new optim.Adam(G.parameters(), { lr: config.lrG, ...opt });
    this.optD = new optim.Adam(D.parameters(), { lr: config.lrD, ...opt });
  }

  /** A new run from a config (models initialised from the seed). */
  static create(config: RunConfig): GanRun {
    return new GanRun(config, makeDataSource(config));
  }

  get parts(): GanParts {
    return { G: this.G, D: this.D, optG: this.optG, optD: this.optD };
  }

  private stepOptions(): StepOptions {
    return { gLoss: this.config.gLoss, labelSmoothing: this.config.labelSmoothing, pack: this.config.model.pack, onNonFinite: this.config.onNonFinite, step: this.step + 1 };
  }

  /** One step: k D updates (each with a real batch and noise z_d), then one G update (noise z_g). */
  trainStep(): HistoryRecord {
    const c = this.config;
    const n = c.batchSize * c.model.pack;
    const opts = this.stepOptions();
    // The learning rates of this step (the schedule of `lrDecayFrom` / `lrDecayTo`).
    const f = lrFactor(c, this.step + 1);
    this.optD.lr = c.lrD * f;
    this.optG.lr = c.lrG * f;
    let d: DStepResult = { lossD: NaN, dReal: NaN, dFake: NaN, gradNormD: NaN, skipped: false, nonFinite: null };
    let why: NonFiniteError | null = null;
    for (let k = 0; k < c.dSteps; k++) {
      const real = this.data.next(n, this.rng); // [B·m, d]
      const zD = this.rng.normal([n, c.model.zDim]); // [B·m, zDim]
      d = discriminatorStep(this.parts, real, zD, opts);
      why ??= d.nonFinite;
    }
    const zG = this.rng.normal([n, c.model.zDim]);
    const g = generatorStep(this.parts, zG, opts);
    why ??= g.nonFinite;
    this.step += 1;
    if (why) this.skipped += 1;
    this.skippedInARow = why ? this.skippedInARow + 1 : 0;
    const rec: HistoryRecord = { step: this.step, lossD: d.lossD, lossG: g.lossG, dReal: d.dReal, dFake: d.dFake, gradNormD: d.gradNormD, gradNormG: g.gradNormG, skipped: this.skipped };
    if (this.step % c.logEvery === 0) this.history.push(rec);
    if (why && this.skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
      // Skipping is for a rare bad batch; when nothing but skips happen, the run is lost.
      throw new NonFiniteError(why, `${this.skippedInARow} steps in a row were skipped (--on-non-finite skip gives up after ${MAX_SKIPPED_IN_A_ROW}): the run is not recovering`);
    }
    return rec;
  }

  /** `n` generated samples [n, dataDim] (G in eval mode: BatchNorm uses running statistics). */
  sample(n: number, rng: Rng): Tensor {
    return this.generate(rng.normal([n, this.config.model.zDim]));
  }

  /** G(z) without recording a graph, in eval mode; the mode is restored afterwards. */
  generate(z: Tensor): Tensor {
    const wasTraining = this.G.training;
    this.G.eval();
    try {
      return noGrad(() => this.G.forward(new Variable(z)).value);
    } finally {
      if (wasTraining) this.G.train();
    }
  }

  /** σ(D(x)) for points x [n, dataDim] (no packing: each row judged alone), without a graph. */
  discriminate(x: Tensor): Tensor {
    if (this.config.model.pack !== 1) {
      // A packed D judges m samples at once; repeat each point m times to read its opinion of it.
      const m = this.config.model.pack;
      x = T.concat(Array.from({ length: m }, () => x), 1);
    }
    return noGrad(() => T.sigmoid(this.D.forward(new Variable(x)).value));
  }

  /** A separate stream for evaluation, so looking at a run never changes its training. */
  evalRng(tag = 'eval'): Rng {
    return new Rng(`${this.config.seed}:${tag}:${this.step}`);
  }

  /** Writes a checkpoint of the current state into `dir` (`write`: options of each file write). */
  save(dir: string, write: AtomicWriteOptions = {}): string {
    return saveCheckpoint(dir, {
      step: this.step,
      weights: { ...prefixKeys(this.G.stateDict(), 'G'), ...prefixKeys(this.D.stateDict(), 'D'), fixed_noise_for_samples: this.fixedNoise } as Record<string, Tensor>,
      optim: { G: this.optG.stateDict(), D: this.optD.stateDict() },
      state: { config: this.config, rng: this.rng.state(), data: this.data.state(), skipped: this.skipped, history: this.history },
    }, 2, write);
  }

  /**
   * Restores a run from the newest checkpoint in `dir`; without overrides it continues exactly as
   * if never stopped. Overrides change hyper-parameters from here on (e.g. a lower lr after a
   * divergence); nothing that decides the architecture, the data or the random stream can change.
   */
  static load(dir: string, overrides: ResumeOverrides = {}): GanRun {
    const ck = loadCheckpoint(dir);
    const saved = ck.state.config as RunConfig;
    const set = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    // Checkpoints written before the lr schedule existed ran at a constant lr.
    const config: RunConfig = { ...saved, lrDecayFrom: saved.lrDecayFrom ?? 1, lrDecayTo: saved.lrDecayTo ?? 1, ...set };
    try {
      validateConfig(config);
    } catch (e) {
      fail('GanRun.load', `${ck.files.state}: the saved config${Object.keys(set).length > 0 ? ' with the overrides' : ''} is not valid: ${(e as Error).message}`);
    }
    const run = new GanRun(config, makeDataSource(config));
    const { fixed_noise_for_samples: noise, ...weights } = ck.weights;
    const { G, D } = splitModels(weights, ck.files.weights);
    // The weights file must fit the architecture the saved config describes; say which file.
    const inFile = (what: string, f: () => void): void => {
      try { f(); } catch (e) { fail('GanRun.load', `${ck.files.weights} does not fit ${what} of this run (${config.preset}): ${(e as Error).message}`); }
    };
    inFile('G', () => run.G.loadStateDict(G));
    inFile('D', () => run.D.loadStateDict(D));
    if (noise) {
      if (noise.size !== run.fixedNoise.size) fail('GanRun.load', `${ck.files.weights}: 'fixed_noise_for_samples' has shape [${noise.shape.join(',')}], expected [${run.fixedNoise.shape.join(',')}]`);
      run.fixedNoise.data.set(noise.toFlat());
    }
    const opt = ck.optim as { G: unknown; D: unknown };
    try {
      run.optG.loadStateDict(opt.G as Parameters<optim.Adam['loadStateDict']>[0]);
      run.optD.loadStateDict(opt.D as Parameters<optim.Adam['loadStateDict']>[0]);
    } catch (e) {
      fail('GanRun.load', `${ck.files.optim} does not fit the optimizers of this run: ${(e as Error).message}`);
    }
    // The optimizers' state dicts carry the old betas; the config (maybe overridden) decides.
    run.optG.betas = [...config.betas];
    run.optD.betas = [...config.betas];
    try {
      run.rng = Rng.fromState(ck.state.rng as RngState);
      run.data.loadState((ck.state.data ?? null) as TensorDatasetState | null);
    } catch (e) {
      fail('GanRun.load', `${ck.files.state}: ${(e as Error).message}`);
    }
    run.step = ck.step;
    run.skipped = Number(ck.state.skipped ?? 0);
    run.history = (ck.state.history ?? []) as HistoryRecord[];
    return run;
  }
}

/** Options of `train`. */
export interface TrainOptions extends TrainCallbacks {
  /** Train until this many steps are done in total (default: config.steps). */
  until?: number;
  /** Where to write checkpoints (none if absent). */
  checkpointDir?: string;
  /**
   * Stops the loop before the next step once aborted (a checkpoint of the steps done is still
   * written). The command line aborts it on Ctrl-C / SIGTERM; with `trainAsync` the signal can
   * arrive while training runs.
   */
  signal?: AbortSignal;
}

/** Options of `trainAsync`. */
export interface TrainAsyncOptions extends TrainOptions {
  /** Give the event loop a turn (signals, timers, progress bars) at least this often. Default 25 ms. */
  yieldEveryMs?: number;
}

/**
 * The loop itself, as a generator that yields after each step so that `train` can run it
 * straight through and `trainAsync` can let the event loop in between steps.
 */
function* trainLoop(run: GanRun, opts: TrainOptions): Generator<void, HistoryRecord[], void> {
  const c = run.config;
  const until = opts.until ?? c.steps;
  const ckpt = (): void => {
    if (!opts.checkpointDir) return;
    const f = run.save(opts.checkpointDir);
    opts.onCheckpoint?.(f, run);
  };
  const stop = (): boolean => opts.signal?.aborted === true;
  let stopped = stop();
  while (run.step < until && !stopped) {
    const rec = run.trainStep();
    if (run.step % c.logEvery === 0) opts.onLog?.(rec, run);
    if (c.snapshotEvery > 0 && run.step % c.snapshotEvery === 0) opts.onSnapshot?.(run);
    if (opts.onStep?.(rec, run) === false) stopped = true;
    if (c.checkpointEvery > 0 && run.step % c.checkpointEvery === 0 && run.step < until && !stopped) ckpt();
    if (run.step < until && !stopped) {
      yield; // between steps: the only place a driver lets anything else run
      stopped = stop();
    }
  }
  ckpt();
  return run.history;
}

/**
 * The bare loop: step until `until`, logging, snapshotting and checkpointing at the configured
 * intervals; always checkpoints at the end (or when a callback or `signal` stops the loop). A
 * `NonFiniteError` propagates with the last good checkpoint left in place (nothing is written
 * for the failed step).
 */
export function train(run: GanRun, opts: TrainOptions = {}): HistoryRecord[] {
  const loop = trainLoop(run, opts);
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
  }
}

/**
 * `train`, giving the event loop a turn every `yieldEveryMs` between steps, so that a signal
 * handler can abort `signal` mid-run. The steps, and so the results, are exactly `train`'s.
 */
export async function trainAsync(run: GanRun, opts: TrainAsyncOptions = {}): Promise<HistoryRecord[]> {
  const every = opts.yieldEveryMs ?? 25;
  const loop = trainLoop(run, opts);
  let last = performance.now();
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
    if (performance.now() - last >= every) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
}

export { ganStep };
