// Binary cross-entropy on logits (raw scores x, with h = σ(x)), exactly as PyTorch 1.13
// computes it on the CPU: stable for any finite x, with a fused backward.
//
// Substituting h = σ(x) into ℓ = −[y·log h + (1 − y)·log(1 − h)] and using
// log σ(x) = −softplus(−x), log(1 − σ(x)) = −x − softplus(−x):
//
//     ℓ = (1 − y)·x + lw·softplus(−x),   lw = 1 + (posWeight − 1)·y   (lw = 1 without posWeight)
//
// where posWeight scales the label-1 term: ℓ = −[p·y·log h + (1 − y)·log(1 − h)]. PyTorch
// evaluates softplus(−x) as m + log(e^−m + e^(−x−m)) with m = max(−x, 0), so no exp overflows.
//
// Gradient:  dℓ/dx = σ(x) − y,   or with posWeight p:  (p·y + 1 − y)·σ(x) − p·y
// (computed directly, never by differentiating through max or abs).
//
// Infinite logits. PyTorch's formula gives NaN at ±∞ (0·∞ and ∞ − ∞). We use the limit:
//   x = +∞: ℓ → (1 − y)·x, finite (= 0, with gradient 0) only where y = 1;
//   x = −∞: ℓ → −p·y·x, finite (= 0, with gradient 0) only where y = 0 (or posWeight is 0).
// Anywhere else the loss is infinite and we throw, naming the index, logit and target.
// NaN logits throw, naming the index (PyTorch would return NaN): like `bce`, which refuses a
// NaN probability, and so that a NaN never turns into a silently NaN mean.
import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import { asVariable, record, type Variable } from '@minigan/autograd';
import { checkInput, checkReduction, checkSameShape, checkUnitInterval, expandWeight, fmtIndex, reduce, rounder, upstream, type LossInput } from './common.ts';
import type { BceOptions } from './bce.ts';

/** Options of `bceWithLogits`. */
export interface BceWithLogitsOptions extends BceOptions {
  /**
   * Weight of the positive (label-1) term, broadcast along the last axis: one per class,
   * shape [C] for logits [..., C] (or a number). PyTorch's `pos_weight`.
   */
  posWeight?: Tensor | number | undefined;
}

const TARGET_HINT = 'targets must be in [0, 1] (1 = real, 0 = fake; soft labels such as 0.9 are fine)';

/**
 * Binary cross-entropy on logits `x` against labels `target` in [0, 1] (same shape), as
 * `torch.nn.functional.binary_cross_entropy_with_logits`: equal to `bce(sigmoid(x), target)`
 * but exact for large |x|. One fused op; gradients flow to the logits, and to `target` if it
 * is a Variable that requires grad (dℓ/dy = −x + (posWeight − 1)·softplus(−x)).
 */
export function bceWithLogits(logits: LossInput, target: LossInput, opts: BceWithLogitsOptions = {}): Variable {
  const op = 'bceWithLogits';
  checkInput(op, 'logits', logits);
  checkInput(op, 'target', target);
  const reduction = opts.reduction ?? 'mean';
  checkReduction(op, reduction);
  const lv = asVariable(logits), y = asVariable(target);
  const x = lv.value, t = y.value;
  checkSameShape(op, 'logits', x, t);
  checkUnitInterval(op, 'target', t.shape, t.toFlat(), TARGET_HINT);
  const shape = x.shape, dtype = x.dtype;
  const xf = x.toFlat();
  const yf = (t.dtype === dtype ? t : t.astype(dtype)).toFlat();
  const n = xf.length;
  const w = expandWeight(op, 'weight', opts.weight, 'logits', shape);
  const last = shape.length > 0 ? shape[shape.length - 1]! : 1;
  const pw = expandWeight(op, 'posWeight', opts.posWeight, 'logits', shape, ` (posWeight runs along the last axis: expected shape [${last}], [1] or a number)`);
  const r = rounder(dtype);

  // Forward, element by element in PyTorch's order (each step rounded in float32).
  const losses = T.alloc(dtype, n);
  let anyInfinite = false;
  for (let i = 0; i < n; i++) {
    const xi = xf[i]!, yi = yf[i]!;
    let l: number;
    if (xi !== xi) {
      T.fail(op, `logits ${T.fmtShape(shape)} has NaN at index ${fmtIndex(T.unravelIndex(i, shape))}; logits must be numbers (±Infinity is allowed where the loss has a finite limit)`);
    }
    if (xi === Infinity || xi === -Infinity) {
      anyInfinite = true;
      const p = pw === null ? 1 : pw[i]!;
      const finite = xi > 0 ? yi === 1 : p * yi === 0;
      if (!finite) {
        const rule = xi > 0 ? 'a logit of +Infinity has a finite loss only where target is 1' : 'a logit of -Infinity has a finite loss only where target is 0 or posWeight is 0';
        T.fail(op, `logits ${T.fmtShape(shape)} has ${xi} at index ${fmtIndex(T.unravelIndex(i, shape))} where target is ${t.toFlat()[i]}: the loss is infinite there (${rule})`);
      }
      l = 0; // the limit of the loss; its gradient there is 0 too
    } else {
      const m = xi < 0 ? -xi : 0; // max(−x, 0)
      // log(e^−m + e^(−x−m)), so that softplus(−x) = m + lse
      const lse = r(Math.log(r(r(Math.exp(-m)) + r(Math.exp(r(-xi - m))))));
      if (pw === null) {
        l = r(r(r(r(1 - yi) * xi) + m) + lse);
      } else {
        const lw = r(r(r(pw[i]! - 1) * yi) + 1);
        l = r(r(r(1 - yi) * xi) + r(lw * r(lse + m)));
      }
    }
    if (w !== null) l = r(l * w[i]!);
    losses[i] = l;
  }
  if (anyInfinite && y.requiresGrad) {
    T.fail(op, `logits ${T.fmtShape(shape)} contain ±Infinity and target requires grad: the gradient for target (−x + …) is infinite there; detach the target or keep the logits finite`);
  }
  const mean = reduction === 'mean';

  return record(op, reduce(losses, shape, reduction, dtype), [lv, y], (g) => {
    const up = upstream(g, reduction);
    let gx: Tensor | null = null, gy: Tensor | null = null;
    if (lv.requiresGrad) {
      const o = T.alloc(dtype, n);
      for (let i = 0; i < n; i++) {
        const xi = xf[i]!, yi = yf[i]!;
        if (xi === Infinity || xi === -Infinity) { o[i] = 0; continue; } // limit (see the header)
        const gv = up.flat === null ? up.scalar : up.flat[i]!;
        const s = r(1 / r(1 + r(Math.exp(-xi)))); // σ(x) as PyTorch's sigmoid kernel: 1 / (1 + e^−x)
        let v: number;
        if (pw === null) {
          v = r(r(s - yi) * gv);
        } else {
          const py = r(pw[i]! * yi);
          v = r(r(r(r(r(py + 1) - yi) * s) - py) * gv);
        }
        if (w !== null) v = r(v * w[i]!);
        if (mean) v = r(v / n);
        o[i] = v;
      }
      gx = T.tensor(o, shape, dtype);
    }
    if (y.requiresGrad) {
      // ℓ is linear in y: dℓ/dy = −x + (p − 1)·softplus(−x)  (just −x without posWeight).
      const o = T.alloc(t.dtype, n);
      for (let i = 0; i < n; i++) {
        const xi = xf[i]!;
        const gv = up.flat === null ? up.scalar : up.flat[i]!;
        let d = -xi;
        if (pw !== null) {
          const m = xi < 0 ? -xi : 0;
          const softplusNeg = r(r(Math.log(r(r(Math.exp(-m)) + r(Math.exp(r(-xi - m)))))) + m);
          d = r(d + r(r(pw[i]! - 1) * softplusNeg));
        }
        let v = r(gv * d);
        if (w !== null) v = r(v * w[i]!);
        if (mean) v = r(v / n);
        o[i] = v;
      }
      gy = T.tensor(o, t.shape, t.dtype);
    }
    return [gx, gy];
  });
}
