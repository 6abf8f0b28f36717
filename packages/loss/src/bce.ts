// Binary cross-entropy on probabilities, exactly as PyTorch 1.13 computes it on the CPU.
//
// The lecture's cost over a mini-batch of m examples with labels y (1 = real, 0 = fake) and
// predictions h ∈ [0, 1]:
//
//     J = −(1/m) Σ [ y·log h + (1 − y)·log(1 − h) ]
//
// Each log is clamped at −100 (PyTorch's rule), so a prediction of exactly 0 or 1 costs at
// most 100 instead of ∞. Per element PyTorch evaluates it as
//
//     ℓ = (y − 1)·max(log(1 − x), −100) − y·max(log x, −100)
//
// and the gradient as (x − y) / max(x(1 − x), ε) with ε = 1e-12 held as a float (so the
// bound is 1/fround(1e-12) ≈ 1.000000004e12 even in float64).
import * as T from '@minigan/tensor';
import type { Tensor, TypedArray } from '@minigan/tensor';
import { asVariable, record, type Variable } from '@minigan/autograd';
import { checkInput, checkReduction, checkSameShape, checkUnitInterval, expandWeight, reduce, rounder, upstream, valueOf, type LossInput, type Reduction } from './common.ts';

/** Options of `bce`. */
export interface BceOptions {
  /** `mean` (default) over all elements, `sum`, or `none` (one loss per element). */
  reduction?: Reduction | undefined;
  /** Per-element weight that broadcasts to the input's shape (e.g. one per column). */
  weight?: Tensor | number | undefined;
}

/** PyTorch's floor on x(1 − x) in the gradient: `static const float EPSILON = 1e-12`. */
const EPSILON = Math.fround(1e-12);
/** PyTorch's floor on each log, so that log 0 counts as −100. */
const LOG_FLOOR = -100;

const PRED_HINT = 'predictions must be probabilities in [0, 1] (apply sigmoid first, or pass raw scores to bceWithLogits)';
const TARGET_HINT = 'targets must be in [0, 1] (1 = real, 0 = fake; soft labels such as 0.9 are fine)';

/** Validated flat views of pred and target (target in pred's dtype), shared by bce and bceTerms. */
function prepare(op: string, pred: Tensor, target: Tensor): { xf: TypedArray; yf: TypedArray } {
  checkSameShape(op, 'pred', pred, target);
  const xf = pred.toFlat();
  checkUnitInterval(op, 'pred', pred.shape, xf, PRED_HINT);
  checkUnitInterval(op, 'target', target.shape, target.toFlat(), TARGET_HINT);
  // Compute in the prediction's dtype (a float64 target against float32 predictions is rounded).
  const yf = (target.dtype === pred.dtype ? target : target.astype(pred.dtype)).toFlat();
  return { xf, yf };
}

/**
 * Binary cross-entropy between probabilities `pred` and labels `target` (same shape, both in
 * [0, 1]), as `torch.nn.functional.binary_cross_entropy`: one fused op with its own backward.
 * Gradients flow to `pred`, and to `target` too if it is a Variable that requires grad
 * (d/dy = max(log(1 − x), −100) − max(log x, −100), the derivative of the clamped formula).
 */
export function bce(pred: LossInput, target: LossInput, opts: BceOptions = {}): Variable {
  const op = 'bce';
  checkInput(op, 'pred', pred);
  checkInput(op, 'target', target);
  const reduction = opts.reduction ?? 'mean';
  checkReduction(op, reduction);
  const p = asVariable(pred), y = asVariable(target);
  const x = p.value, t = y.value;
  const { xf, yf } = prepare(op, x, t);
  const shape = x.shape, dtype = x.dtype, n = xf.length;
  const w = expandWeight(op, 'weight', opts.weight, 'pred', shape);
  const r = rounder(dtype);

  // Forward, element by element in PyTorch's order (each step rounded in float32).
  const losses = T.alloc(dtype, n);
  for (let i = 0; i < n; i++) {
    const xi = xf[i]!, yi = yf[i]!;
    const logX = Math.max(r(Math.log(xi)), LOG_FLOOR);
    const log1mX = Math.max(r(Math.log(r(1 - xi))), LOG_FLOOR);
    let l = r(r(r(yi - 1) * log1mX) - r(yi * logX));
    if (w !== null) l = r(l * w[i]!);
    losses[i] = l;
  }
  const mean = reduction === 'mean';

  return record(op, reduce(losses, shape, reduction, dtype), [p, y], (g) => {
    const up = upstream(g, reduction);
    let gx: Tensor | null = null, gy: Tensor | null = null;
    if (p.requiresGrad) {
      // dℓ/dx = (x − y) / max(x(1 − x), ε), times the weight, over n for the mean.
      const o = T.alloc(dtype, n);
      for (let i = 0; i < n; i++) {
        const xi = xf[i]!, yi = yf[i]!;
        const gv = up.flat === null ? up.scalar : up.flat[i]!;
        let v = r(r(gv * r(xi - yi)) / Math.max(r(r(1 - xi) * xi), EPSILON));
        if (w !== null) v = r(v * w[i]!);
        if (mean) v = r(v / n);
        o[i] = v;
      }
      gx = T.tensor(o, shape, dtype);
    }
    if (y.requiresGrad) {
      // dℓ/dy = max(log(1 − x), −100) − max(log x, −100): ℓ is linear in y.
      const o = T.alloc(t.dtype, n);
      for (let i = 0; i < n; i++) {
        const xi = xf[i]!;
        const gv = up.flat === null ? up.scalar : up.flat[i]!;
        const logX = Math.max(r(Math.log(xi)), LOG_FLOOR);
        const log1mX = Math.max(r(Math.log(r(1 - xi))), LOG_FLOOR);
        let v = r(gv * r(log1mX - logX));
        if (w !== null) v = r(v * w[i]!);
        if (mean) v = r(v / n);
        o[i] = v;
      }
      gy = T.tensor(o, t.shape, t.dtype);
    }
    return [gx, gy];
  });
}

/** The two terms of the lecture's cost, per element (both ≤ 0); the loss is −(real + fake). */
export interface BceTerms {
  /** y·log h: what a real example (label 1) contributes; 0 where the label is 0. */
  real: Tensor;
  /** (1 − y)·log(1 − h): what a fake example (label 0) contributes; 0 where the label is 1. */
  fake: Tensor;
}

/**
 * The terms `y·log h` and `(1 − y)·log(1 − h)` of the BCE cost for each element, with PyTorch's
 * clamp of each log at −100, as plain Tensors (no gradient) for teaching and printing.
 */
export function bceTerms(pred: LossInput, target: LossInput): BceTerms {
  const op = 'bceTerms';
  checkInput(op, 'pred', pred);
  checkInput(op, 'target', target);
  const x = valueOf(pred), t = valueOf(target);
  const { xf, yf } = prepare(op, x, t);
  const r = rounder(x.dtype);
  const real = T.alloc(x.dtype, xf.length), fake = T.alloc(x.dtype, xf.length);
  for (let i = 0; i < xf.length; i++) {
    const xi = xf[i]!, yi = yf[i]!;
    // `+ 0` turns the −0 of 0·log h into +0, so a table prints "0", not "-0".
    real[i] = r(yi * Math.max(r(Math.log(xi)), LOG_FLOOR)) + 0;
    fake[i] = r(r(1 - yi) * Math.max(r(Math.log(r(1 - xi))), LOG_FLOOR)) + 0;
  }
  return { real: T.tensor(real, x.shape, x.dtype), fake: T.tensor(fake, x.shape, x.dtype) };
}
