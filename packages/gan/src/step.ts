// One GAN training step, exactly as the parity fixtures (and the course code) do it:
//   (1) D update with noise z_d and a real batch, the fake detached;
//   (2) G update with fresh noise z_g, through D (whose weights do not move here).
// Each optimizer holds only its own model's parameters.
import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import { Variable, noGrad, optim, reshape as reshapeVar, type nn } from '@minigan/autograd';
import { discriminatorLoss, generatorLoss, type GeneratorLossKind } from './objectives.ts';

/** The two models and their optimizers. */
export interface GanParts {
  G: nn.Module;
  D: nn.Module;
  optG: optim.Optimizer;
  optD: optim.Optimizer;
}

/** What to do when a loss or a gradient is NaN or infinite. */
export type NonFinitePolicy = 'stop' | 'skip';

/** Options of a step. */
export interface StepOptions {
  /** Generator loss: non-saturating (default) or the original minimax. */
  gLoss?: GeneratorLossKind;
  /** One-sided label smoothing of the real targets (1 → 1 − s). Default 0. */
  labelSmoothing?: number;
  /** PacGAN packing m: D judges m samples at once. Batches then hold B·m rows. Default 1. */
  pack?: number;
  /** 'stop' (default) throws `NonFiniteError` before any weight moves; 'skip' skips the update. */
  onNonFinite?: NonFinitePolicy;
  /** Step number, for error messages. */
  step?: number;
}

/** Thrown when a loss or gradient stops being finite; names the step, the model and the quantity. */
export class NonFiniteError extends Error {
  constructor(readonly step: number, readonly model: 'D' | 'G', readonly quantity: string, readonly value: number) {
    super(`training diverged at step ${step}: ${quantity} of ${model} is ${value} (not finite); the weights were not updated`);
    this.name = 'NonFiniteError';
  }
}

/** The L2 norm of all gradients of a module's parameters (0 for parameters without a gradient). */
export function gradNorm(m: nn.Module): number {
  return optim.gradNorm(m.parameters());
}

/**
 * The module's gradient norm, and the optimizer's update unless that norm is not finite (then
 * `check` throws or reports a skip). When the optimizer holds exactly the module's parameters in
 * the same order, `stepIfFinite` computes both in one pass (the same norm, bit for bit).
 */
function normAndStep(m: nn.Module, opt: optim.Optimizer, onBad: (norm: number) => boolean): { norm: number; ok: boolean } {
  const params = m.parameters();
  const same = params.length === opt.params.length && params.every((p, i) => p === opt.params[i]);
  if (!same) {
    const norm = gradNorm(m);
    const ok = onBad(norm);
    if (ok) opt.step();
    return { norm, ok };
  }
  const r = opt.stepIfFinite();
  // A finite norm was stepped on; a non-finite one changed nothing, and `onBad` decides.
  return { norm: r.gradNorm, ok: r.stepped || onBad(r.gradNorm) };
}

function meanSigmoid(logits: Variable): number {
  return T.mean(T.sigmoid(logits.value)).item();
}

/** Packs [B·m, d] into [B, m·d]: each row of D's input holds m samples (PacGAN). */
function packRows(x: Tensor | Variable, m: number): Tensor | Variable {
  if (m === 1) return x;
  const [n, d] = x.shape as [number, number];
  if (n % m !== 0) T.fail('pack', `batch of ${n} rows cannot be packed in groups of ${m}`);
  if (x instanceof Variable) return reshapeVar(x, [n / m, m * d]);
  return x.reshape(n / m, m * d);
}


function asInput(x: Tensor | Variable): Variable {
  return x instanceof Variable ? x : new Variable(x);
}

/** Result of a D update. */
export interface DStepResult {
  lossD: number;
  /** Mean of σ(D(x)) over the real batch. */
  dReal: number;
  /** Mean of σ(D(G(z))) over the fake batch. */
  dFake: number;
  gradNormD: number;
  skipped: boolean;
}

/** Result of a G update. */
export interface GStepResult {
  lossG: number;
  gradNormG: number;
  skipped: boolean;
}

function check(opts: StepOptions, model: 'D' | 'G', quantity: string, v: number): boolean {
  if (Number.isFinite(v)) return true;
  if ((opts.onNonFinite ?? 'stop') === 'stop') throw new NonFiniteError(opts.step ?? 0, model, quantity, v);
  return false;
}

/**
 * (1) Update D: maximise log D(x) + log(1 − D(G(z))), i.e. minimise
 *     (bce(D(G(z_d)), 0) + bce(D(x), 1)) / 2 with the fake detached.
 * real: [B·m, d], z: [B·m, zDim].
 */
export function discriminatorStep(parts: GanParts, real: Tensor, z: Tensor, opts: StepOptions = {}): DStepResult {
  const { G, D, optD } = parts;
  const m = opts.pack ?? 1;
  // G runs in train mode (BatchNorm uses batch statistics and updates its running ones, as in
  // PyTorch), but nothing is recorded: the fake is a constant for D's update.
  const fake = noGrad(() => G.forward(new Variable(z)).value); // [B·m, zDim] → [B·m, d]
  const fakeLogits = D.forward(asInput(packRows(fake, m))); // [B, m·d] → [B, 1]
  const realLogits = D.forward(asInput(packRows(real, m)));
  const { loss } = discriminatorLoss(fakeLogits, realLogits, opts.labelSmoothing === undefined ? {} : { labelSmoothing: opts.labelSmoothing });
  optD.zeroGrad();
  const lossD = loss.item();
  let ok = check(opts, 'D', 'loss_D', lossD);
  let norm = NaN;
  if (ok) {
    loss.backward();
    ({ norm, ok } = normAndStep(D, optD, (n) => check(opts, 'D', 'gradient norm', n)));
  }
  return { lossD, dReal: meanSigmoid(realLogits), dFake: meanSigmoid(fakeLogits), gradNormD: norm, skipped: !ok };
}

/**
 * (2) Update G: maximise log D(G(z)) (non-saturating: minimise bce(D(G(z_g)), 1)), or minimise
 * log(1 − D(G(z_g))) (minimax). D's parameters are frozen for this pass, so no gradient is
 * computed for them (D does not change in this phase either way).
 */
export function generatorStep(parts: GanParts, z: Tensor, opts: StepOptions = {}): GStepResult {
  const { G, D, optG } = parts;
  const m = opts.pack ?? 1;
  const dParams = D.parameters();
  const saved = dParams.map((p) => p.requiresGrad);
  for (const p of dParams) p.requiresGrad = false;
  try {
    const fake = G.forward(new Variable(z)); // [B·m, zDim] → [B·m, d]
    const logits = D.forward(asInput(packRows(fake, m))); // → [B, 1]
    const loss = generatorLoss(logits, opts.gLoss ?? 'ns');
    optG.zeroGrad();
    const lossG = loss.item();
    let ok = check(opts, 'G', 'loss_G', lossG);
    let norm = NaN;
    if (ok) {
      loss.backward();
      ({ norm, ok } = normAndStep(G, optG, (n) => check(opts, 'G', 'gradient norm', n)));
    }
    return { lossG, gradNormG: norm, skipped: !ok };
  } finally {
    dParams.forEach((p, i) => { p.requiresGrad = saved[i]!; });
  }
}

/** One whole step: a D update with (real, zD), then a G update with zG. */
export function ganStep(parts: GanParts, real: Tensor, zD: Tensor, zG: Tensor, opts: StepOptions = {}): DStepResult & GStepResult {
  const d = discriminatorStep(parts, real, zD, opts);
  const g = generatorStep(parts, zG, opts);
  return { ...d, ...g, skipped: d.skipped || g.skipped };
}
