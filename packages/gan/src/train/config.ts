// Run configuration and presets: everything that decides a run, as plain JSON, so a run
// directory says exactly how it was made and a checkpoint can be resumed with the same setup.
import { fail } from '@minigan/tensor';
import { MODEL_PRESETS, type ModelSpec } from '../models.ts';
import type { GeneratorLossKind } from '../objectives.ts';
import type { NonFinitePolicy } from '../step.ts';

/**
 * A config value that does not fit something only known once the data is loaded (e.g. a batch
 * larger than the dataset): names the field, what it got and what is allowed, so the command
 * line can report it as a mistake in its flags.
 */
export class ConfigError extends Error {
  constructor(readonly field: keyof RunConfig | 'pack', readonly got: number | string, readonly allowed: string) {
    super(`config: ${field} must be ${allowed}, got ${got}`);
    this.name = 'ConfigError';
  }
}

/** Data sets a run can train on. */
export type DataName = 'ring8' | 'grid25' | 'gauss1d' | 'mixture1d' | 'fashion' | 'csv';

/** Everything that decides a run. */
export interface RunConfig {
  /** Preset this config started from. */
  preset: string;
  /** Data to train on. */
  data: DataName;
  /** Total number of training steps (one step = dSteps D updates + one G update). */
  steps: number;
  /** The one seed: weight init, noise and data order all come from it. */
  seed: number;
  /** Batch size B (D sees B real and B fake examples; with packing, B packs of `pack`). */
  batchSize: number;
  /** Adam learning rate of D. */
  lrD: number;
  /** Adam learning rate of G. */
  lrG: number;
  /**
   * Linear learning-rate decay over the end of training: constant up to step
   * ⌊lrDecayFrom · steps⌋, then falling linearly to lrDecayTo × lr at the last step (both
   * optimizers). lrDecayFrom = 1 means no decay. A late decay lets G settle precisely on the
   * modes instead of jittering around them at the full step size.
   */
  lrDecayFrom: number;
  /** Factor of the learning rate at the last step when decaying (in (0, 1]). */
  lrDecayTo: number;
  /** Adam betas (both models). */
  betas: [number, number];
  /** Adam eps (both models). */
  eps: number;
  /** k: D updates per G update. */
  dSteps: number;
  /** Generator loss: 'ns' (non-saturating) or 'minimax'. */
  gLoss: GeneratorLossKind;
  /** One-sided label smoothing of real targets (0 = none). */
  labelSmoothing: number;
  /** Architecture (pack = PacGAN packing). */
  model: ModelSpec;
  /** History record every this many steps. */
  logEvery: number;
  /** Checkpoint every this many steps (0 = only at the end). */
  checkpointEvery: number;
  /** Snapshots (pictures of samples and D) every this many steps (0 = none). */
  snapshotEvery: number;
  /** Samples used by the toy metrics (PacGAN uses 2,500). */
  evalSamples: number;
  /** What happens when a loss or gradient goes NaN/∞. */
  onNonFinite: NonFinitePolicy;
  /** Fashion-MNIST: directory with the IDX files (null: system copy or the bundled subset). */
  dataDir: string | null;
  /** Fashion-MNIST: use at most this many training images (0 = all). */
  dataLimit: number;
  /** data 'csv': the file of points, one per line (`x,y`), read whole as a finite dataset. */
  dataFile?: string | null;
}

const toy2dModel = (): ModelSpec => ({ ...MODEL_PRESETS.toy2d, gHidden: [...MODEL_PRESETS.toy2d.gHidden], dHidden: [...MODEL_PRESETS.toy2d.dHidden] });

const base = {
  seed: 0, lrD: 1e-3, lrG: 1e-3, lrDecayFrom: 1, lrDecayTo: 1, betas: [0.5, 0.999] as [number, number], eps: 1e-8, dSteps: 1, gLoss: 'ns' as const,
  labelSmoothing: 0, logEvery: 1, checkpointEvery: 0, evalSamples: 2500, onNonFinite: 'stop' as const, dataDir: null, dataLimit: 0,
};

/** Run presets: data + model + hyper-parameters that work for it. */
export const PRESETS: Record<string, RunConfig> = {
  // The 2-D benchmarks (PacGAN's ring and grid), tuned over seeds 0–4 with test/scripts/toy-sweep.ts
  // (the tables and commands are in the README). A mode is a Gaussian of std 0.01 (ring) or 0.05
  // (grid), and a sample counts only within 3σ of it, so G must land very precisely: a constant lr
  // while it finds the modes, then a linear decay to 0.5% of it over the second half, so that it
  // settles on them instead of jittering at the full step size. Most of the samples still missed
  // at the end lie on thin "bridges" between modes (G is continuous in z); they thin out with steps.
  ring8: { ...base, preset: 'ring8', data: 'ring8', steps: 16000, batchSize: 256, lrD: 2e-3, lrG: 2e-3, lrDecayFrom: 0.5, lrDecayTo: 0.005, model: toy2dModel(), snapshotEvery: 2000 },
  // The grid tears more easily: unpacked, G can leave a whole row or column of modes nearly empty
  // and never refill it (seeds 1 and 3). Packing pairs (PacGAN2) lets D see that a batch lacks
  // variety, and a lower lr (1e-3) over more, cheaper steps (batch 128 packs of 2) keeps them all.
  grid25: { ...base, preset: 'grid25', data: 'grid25', steps: 32000, batchSize: 128, lrD: 1e-3, lrG: 1e-3, lrDecayFrom: 0.5, lrDecayTo: 0.005, model: { ...toy2dModel(), pack: 2 }, snapshotEvery: 4000 },
  // N(4, 0.5²) is far from where a fresh D's LeakyReLU kinks sit (−b/w with w, b ~ U(−1, 1):
  // about one of 32 units bends within 4 ± 1), so near the data D starts out nearly linear: it
  // sees a difference of means at once but a difference of widths only slowly. With equal steps
  // G outran it and settled at std ≈ 0.2 (or 1.3) while D stayed flat at 1/2. Giving D three
  // updates per G update at 5× G's learning rate keeps D close to its optimum, so its gradient
  // carries the width; z of dimension 4 avoids the folded z → x maps a 1-D z got stuck in; a
  // decay over the second half lets G settle. Seeds 0–4: std 0.488–0.499, mean 3.98–3.99.
  gauss1d: {
    ...base, preset: 'gauss1d', data: 'gauss1d', steps: 2000, batchSize: 128, lrD: 1e-3, lrG: 2e-4, dSteps: 3, lrDecayFrom: 0.5, lrDecayTo: 0.1,
    model: { ...MODEL_PRESETS.toy1d, zDim: 4, gHidden: [32, 32], dHidden: [32, 32] }, snapshotEvery: 400,
  },
  mixture1d: { ...base, preset: 'mixture1d', data: 'mixture1d', steps: 2000, batchSize: 128, model: { ...MODEL_PRESETS.toy1d, gHidden: [32, 32], dHidden: [32, 32] }, snapshotEvery: 400 },
  fashion: {
    ...base, preset: 'fashion', data: 'fashion', steps: 600, batchSize: 128, lrD: 2e-4, lrG: 2e-4, betas: [0.5, 0.999],
    model: { ...MODEL_PRESETS.course, gHidden: [...MODEL_PRESETS.course.gHidden], dHidden: [...MODEL_PRESETS.course.dHidden] }, logEvery: 1, snapshotEvery: 100,
  },
};

/** A fresh copy of a preset's config with `overrides` applied, validated. */
export function makeConfig(preset: string, overrides: Partial<RunConfig> = {}): RunConfig {
  const p = PRESETS[preset];
  if (!p) fail('config', `unknown preset '${preset}' (expected one of ${Object.keys(PRESETS).join(', ')})`);
  const c: RunConfig = JSON.parse(JSON.stringify({ ...p, ...overrides })) as RunConfig;
  validateConfig(c);
  return c;
}

function int(name: string, v: unknown, min: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail('config', `${name} must be an integer ≥ ${min}, got ${String(v)}`);
}

function pos(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail('config', `${name} must be a positive number, got ${String(v)}`);
}

/**
 * The learning-rate factor of step t (1-based) of a run of `steps` steps: 1 until
 * s₀ = ⌊lrDecayFrom · steps⌋, then 1 − (1 − lrDecayTo) · (t − s₀) / (steps − s₀), reaching
 * lrDecayTo at t = steps (and staying there if a resumed run goes on).
 */
export function lrFactor(c: Pick<RunConfig, 'steps' | 'lrDecayFrom' | 'lrDecayTo'>, t: number): number {
  const s0 = Math.floor(c.lrDecayFrom * c.steps);
  if (c.lrDecayTo === 1 || t <= s0 || c.steps <= s0) return 1;
  return 1 - (1 - c.lrDecayTo) * Math.min(1, (t - s0) / (c.steps - s0));
}

/** Throws a clear error for the first field out of range. */
export function validateConfig(c: RunConfig): void {
  int('steps', c.steps, 0);
  int('seed', c.seed, 0);
  int('batchSize', c.batchSize, 1);
  pos('lrD', c.lrD);
  pos('lrG', c.lrG);
  if (!(typeof c.lrDecayFrom === 'number' && c.lrDecayFrom >= 0 && c.lrDecayFrom <= 1)) fail('config', `lrDecayFrom must be a fraction of the steps in [0, 1], got ${String(c.lrDecayFrom)}`);
  if (!(typeof c.lrDecayTo === 'number' && c.lrDecayTo > 0 && c.lrDecayTo <= 1)) fail('config', `lrDecayTo must be a factor in (0, 1], got ${String(c.lrDecayTo)}`);
  if (!Array.isArray(c.betas) || c.betas.length !== 2 || !c.betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) fail('config', `betas must be two numbers in [0, 1), got ${JSON.stringify(c.betas)}`);
  pos('eps', c.eps);
  int('dSteps', c.dSteps, 1);
  if (c.gLoss !== 'ns' && c.gLoss !== 'minimax') fail('config', `gLoss must be 'ns' or 'minimax', got '${String(c.gLoss)}'`);
  if (!(typeof c.labelSmoothing === 'number' && c.labelSmoothing >= 0 && c.labelSmoothing < 1)) fail('config', `labelSmoothing must be in [0, 1), got ${String(c.labelSmoothing)}`);
  int('pack', c.model.pack, 1);
  int('logEvery', c.logEvery, 1);
  int('checkpointEvery', c.checkpointEvery, 0);
  int('snapshotEvery', c.snapshotEvery, 0);
  int('evalSamples', c.evalSamples, 1);
  if (c.onNonFinite !== 'stop' && c.onNonFinite !== 'skip') fail('config', `onNonFinite must be 'stop' or 'skip', got '${String(c.onNonFinite)}'`);
  int('dataLimit', c.dataLimit, 0);
  if (c.data === 'csv' && !(typeof c.dataFile === 'string' && c.dataFile.length > 0)) fail('config', `data 'csv' needs dataFile, the path of the CSV file, got ${JSON.stringify(c.dataFile ?? null)}`);
}
