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
  /**
   * 'stop' (default) throws `NonFiniteError` before the weights move; 'skip' skips that model's
   * update instead. A weight that an update itself made non-finite throws under both.
   */
  onNonFinite?: NonFinitePolicy;
  /** Step number, for error messages. */
  step?: number;
}

/** Which model's update saw the non-finite value. */
export type UpdatePhase = 'D' | 'G';

/** What went non-finite, where. */
export interface NonFiniteDetail {
  /** Step number (1-based). */
  step: number;
  /** The update that saw it. */
  model: UpdatePhase;
  /** What it was, e.g. `loss_D`, `D's output on the real batch`, `the gradient of G's '0.weight'`. */
  quantity: string;
  /** The first non-finite value (NaN, Infinity or -Infinity). */
  value: number;
  /** Its index, for tensors. */
  index?: readonly number[] | null | undefined;
  /** True when an update itself made a weight non-finite (so the weights did change). */
  afterUpdate?: boolean | undefined;
}

/**
 * Thrown when something a step computes stops being finite: the real batch, G's output, D's
 * output, a loss, a gradient, or a weight after an update. Names the step, the update (D or G),
 * the quantity, its value and, for tensors, the first bad index.
 */
export class NonFiniteError extends Error {
  readonly step: number;
  readonly model: UpdatePhase;
  readonly quantity: string;
  readonly value: number;
  readonly index: readonly number[] | null;
  readonly afterUpdate: boolean;

  constructor(d: NonFiniteDetail, note?: string) {
    const at = d.index ? ` at index [${d.index.join(',')}]` : '';
    const what = d.afterUpdate
      ? `the ${d.model} update made ${d.quantity} ${d.value}${at}`
      : `${d.quantity} is ${d.value}${at} in the ${d.model} update, so ${d.model}'s weights were not updated`;
    super(`training diverged at step ${d.step}: ${what}${note ? `; ${note}` : ''}`);
    this.name = 'NonFiniteError';
    this.step = d.step;
    this.model = d.model;
    this.quantity = d.quantity;
    this.value = d.value;
    this.index = d.index ?? null;
    this.afterUpdate = d.afterUpdate ?? false;
  }
}

/** The L2 norm of all gradients of a module's parameters (0 for parameters without a gradient). */
export function gradNorm(m: nn.Module): number {
  return optim.gradNorm(m.parameters());
}

/**
 * The module's gradient norm, and the optimizer's update unless that norm is not finite (then
 * `check` throws or reports a skip). When the optimizer holds exactly the module's parameters in
 * the same order, `stepIfFinite` computes both in one session of the kernels (the same norm, bit
 * for bit).
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
  /** True when the update was skipped (onNonFinite 'skip'); `nonFinite` says why. */
  skipped: boolean;
  nonFinite: NonFiniteError | null;
}

/** Result of a G update. */
export interface GStepResult {
  lossG: number;
  gradNormG: number;
  skipped: boolean;
  nonFinite: NonFiniteError | null;
}

/** Under 'stop' throws the error; under 'skip' returns it, for the caller to skip the update. */
function policy(opts: StepOptions, err: NonFiniteError | null): NonFiniteError | null {
  if (err !== null && (opts.onNonFinite ?? 'stop') === 'stop') throw err;
  return err;
}

/** Null when the number is finite; otherwise the policy applies. */
function checkNumber(opts: StepOptions, model: UpdatePhase, quantity: string, v: number): NonFiniteError | null {
  return policy(opts, Number.isFinite(v) ? null : new NonFiniteError({ step: opts.step ?? 0, model, quantity, value: v }));
}

/** Null when every element is finite; otherwise the policy applies, naming the first bad element. */
function checkTensor(opts: StepOptions, model: UpdatePhase, quantity: string, t: Tensor): NonFiniteError | null {
  if (T.kernels.allFinite(t.toFlat())) return null; // the fast pass; the search only when something is wrong
  const bad = T.firstNonFinite(t);
  return policy(opts, bad === null ? null : new NonFiniteError({ step: opts.step ?? 0, model, quantity, value: bad.value, index: bad.index }));
}

/** Null for a finite gradient norm; otherwise names the first parameter whose gradient is not finite. */
function checkGradient(opts: StepOptions, model: UpdatePhase, m: nn.Module, norm: number): NonFiniteError | null {
  if (Number.isFinite(norm)) return null;
  for (const [name, p] of m.namedParameters()) {
    const bad = p.grad === null ? null : T.firstNonFinite(p.grad);
    if (bad) return policy(opts, new NonFiniteError({ step: opts.step ?? 0, model, quantity: `the gradient of ${model}'s '${name}'`, value: bad.value, index: bad.index }));
  }
  return policy(opts, new NonFiniteError({ step: opts.step ?? 0, model, quantity: `${model}'s gradient norm`, value: norm }));
}

/**
 * After an update: every weight must still be finite (a huge learning rate can overflow them
 * even when the gradients were fine). This cannot be skipped, as the update already happened,
 * so it throws under either policy; the check keeps a bad state out of the next checkpoint.
 */
function checkWeights(opts: StepOptions, model: UpdatePhase, m: nn.Module): void {
  // One pass over all weights (x − x is 0 exactly for a finite x; pinned weights are checked in
  // place by the SIMD kernel, on all threads: ~0.3 ms a step for the course GAN's 2.1M weights
  // instead of ~4 ms in JavaScript), then the slow search only when something is wrong.
  const named = [...m.namedParameters()];
  if (T.kernels.allFiniteAll(named.map(([, p]) => p.value.toFlat()))) return;
  for (const [name, p] of named) {
    const bad = T.firstNonFinite(p.value);
    if (bad) throw new NonFiniteError({ step: opts.step ?? 0, model, quantity: `${model}'s weight '${name}'`, value: bad.value, index: bad.index, afterUpdate: true });
  }
}

/**
 * (1) Update D: maximise log D(x) + log(1 − D(G(z))), i.e. minimise
 *     (bce(D(G(z_d)), 0) + bce(D(x), 1)) / 2 with the fake detached.
 * real: [B·m, d], z: [B·m, zDim].
 */
export function discriminatorStep(parts: GanParts, real: Tensor, z: Tensor, opts: StepOptions = {}): DStepResult {
  const { G, D, optD } = parts;
  const m = opts.pack ?? 1;
  const skip = (nonFinite: NonFiniteError, lossD = NaN, dReal = NaN, dFake = NaN): DStepResult => ({ lossD, dReal, dFake, gradNormD: NaN, skipped: true, nonFinite });
  // Each quantity is checked where it is made, so the message names the first thing that went
  // non-finite (the loss itself refuses NaN logits, so they are caught before it).
  let bad = checkTensor(opts, 'D', 'the real batch x', real);
  if (bad) return skip(bad);
  // G runs in train mode (BatchNorm uses batch statistics and updates its running ones, as in
  // PyTorch), but nothing is recorded: the fake is a constant for D's update.
  const fake = noGrad(() => G.forward(new Variable(z)).value); // [B·m, zDim] → [B·m, d]
  if ((bad = checkTensor(opts, 'D', "G's output G(z)", fake))) return skip(bad);
  const fakeLogits = D.forward(asInput(packRows(fake, m))); // [B, m·d] → [B, 1]
  const realLogits = D.forward(asInput(packRows(real, m)));
  if ((bad = checkTensor(opts, 'D', "D's output (logit) on the generated batch", fakeLogits.value))) return skip(bad);
  if ((bad = checkTensor(opts, 'D', "D's output (logit) on the real batch", realLogits.value))) return skip(bad);
  const dReal = meanSigmoid(realLogits), dFake = meanSigmoid(fakeLogits);
  const { loss } = discriminatorLoss(fakeLogits, realLogits, opts.labelSmoothing === undefined ? {} : { labelSmoothing: opts.labelSmoothing });
  optD.zeroGrad();
  const lossD = loss.item();
  if ((bad = checkNumber(opts, 'D', 'loss_D', lossD))) return skip(bad, lossD, dReal, dFake);
  loss.backward();
  // The norm, then the update only if it is finite; otherwise name the first bad gradient.
  let gradBad: NonFiniteError | null = null;
  const { norm, ok } = normAndStep(D, optD, (n) => (gradBad = checkGradient(opts, 'D', D, n)) === null);
  if (!ok) return skip(gradBad!, lossD, dReal, dFake);
  checkWeights(opts, 'D', D);
  return { lossD, dReal, dFake, gradNormD: norm, skipped: false, nonFinite: null };
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
    const skip = (nonFinite: NonFiniteError, lossG = NaN): GStepResult => ({ lossG, gradNormG: NaN, skipped: true, nonFinite });
    const fake = G.forward(new Variable(z)); // [B·m, zDim] → [B·m, d]
    let bad = checkTensor(opts, 'G', "G's output G(z)", fake.value);
    if (bad) return skip(bad);
    const logits = D.forward(asInput(packRows(fake, m))); // → [B, 1]
    if ((bad = checkTensor(opts, 'G', "D's output (logit) on G(z)", logits.value))) return skip(bad);
    const loss = generatorLoss(logits, opts.gLoss ?? 'ns');
    optG.zeroGrad();
    const lossG = loss.item();
    if ((bad = checkNumber(opts, 'G', 'loss_G', lossG))) return skip(bad, lossG);
    loss.backward();
    let gradBad: NonFiniteError | null = null;
    const { norm, ok } = normAndStep(G, optG, (n) => (gradBad = checkGradient(opts, 'G', G, n)) === null);
    if (!ok) return skip(gradBad!, lossG);
    checkWeights(opts, 'G', G);
    return { lossG, gradNormG: norm, skipped: false, nonFinite: null };
  } finally {
    dParams.forEach((p, i) => { p.requiresGrad = saved[i]!; });
  }
}

/** One whole step: a D update with (real, zD), then a G update with zG. */
export function ganStep(parts: GanParts, real: Tensor, zD: Tensor, zG: Tensor, opts: StepOptions = {}): DStepResult & GStepResult {
  const d = discriminatorStep(parts, real, zD, opts);
  const g = generatorStep(parts, zG, opts);
  return { ...d, ...g, skipped: d.skipped || g.skipped, nonFinite: d.nonFinite ?? g.nonFinite };
}
