import * as T from '@minigan/tensor';
import { Variable, noGrad } from './variable.ts';

/** Tolerances of `gradcheck` (PyTorch's defaults), and whether a failure throws. */
export interface GradcheckOptions {
  /** Step of the central difference. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance (to the numeric value). Default 1e-3. */
  rtol?: number;
  /** Throw an error naming the worst element when the check fails. Default true. */
  raise?: boolean;
  /** Seed of the random projection used for non-scalar outputs. Default 0. */
  seed?: number;
}

/** The element whose analytic and numeric gradients disagree most (relative to the tolerance). */
export interface GradcheckWorst {
  /** Which input (position in `inputs`). */
  input: number;
  /** Multi-index of the element in that input. */
  index: number[];
  analytic: number;
  numeric: number;
  /** |analytic − numeric| / (atol + rtol·|numeric|): above 1 fails. */
  ratio: number;
}

/** What `gradcheck` found. */
export interface GradcheckResult {
  ok: boolean;
  /** Number of input elements compared. */
  checked: number;
  worst: GradcheckWorst | null;
}

/**
 * Compares the gradients `backward()` computes for `fn(...inputs)` with central differences
 * (f(x + eps) − f(x − eps)) / 2eps, element by element, in float64. A non-scalar output is
 * reduced to the scalar Σ r ⊙ fn(x) with fixed random weights r, which checks every path of the
 * Jacobian. Passes when |analytic − numeric| ≤ atol + rtol·|numeric| everywhere.
 */
export function gradcheck(fn: (...xs: Variable[]) => Variable, inputs: readonly T.Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  inputs.forEach((t, k) => {
    if (t.dtype !== 'float64') T.fail('gradcheck', `input ${k} is ${t.dtype}; central differences need float64 inputs`);
  });
  // Working copies the finite differences perturb in place.
  const values = inputs.map((t) => t.clone());
  const leaves = values.map((v) => new Variable(v, { requiresGrad: true }));
  const out = fn(...leaves);
  if (!(out instanceof Variable)) T.fail('gradcheck', 'fn must return a Variable');
  if (out.dtype !== 'float64') T.fail('gradcheck', `fn returned ${out.dtype}; keep the computation in float64`);
  const weights = out.size === 1 ? null : new T.Rng(opts.seed ?? 0).uniform(out.shape, -1, 1, 'float64');
  const project = (y: T.Tensor): number => (weights === null ? y.item() : T.sum(T.mul(y, weights)).item());

  if (out.requiresGrad) out.backward(weights ?? T.onesLike(out.value));
  let worst: GradcheckWorst | null = null;
  let checked = 0;
  values.forEach((v, k) => {
    const analytic = leaves[k]!.grad?.toFlat() ?? new Float64Array(v.size);
    const d = v.data;
    for (let i = 0; i < v.size; i++) {
      const orig = d[i]!;
      d[i] = orig + eps;
      const fp = noGrad(() => project(fn(...leaves).value));
      d[i] = orig - eps;
      const fm = noGrad(() => project(fn(...leaves).value));
      d[i] = orig;
      const numeric = (fp - fm) / (2 * eps);
      const a = analytic[i]!;
      const ratio = Number.isNaN(a) || Number.isNaN(numeric) ? Infinity : Math.abs(a - numeric) / (atol + rtol * Math.abs(numeric));
      checked++;
      if (worst === null || ratio > worst.ratio) worst = { input: k, index: T.unravelIndex(i, v.shape), analytic: a, numeric, ratio };
    }
  });
  const w = worst as GradcheckWorst | null;
  const ok = w === null || w.ratio <= 1;
  if (!ok && (opts.raise ?? true)) {
    T.fail('gradcheck', `input ${w!.input} at [${w!.index.join(',')}]: analytic ${w!.analytic}, numeric ${w!.numeric} ` +
      `(|difference| ${Math.abs(w!.analytic - w!.numeric).toExponential(3)} > atol ${atol} + rtol ${rtol}·|numeric|)`);
  }
  return { ok, checked, worst: w };
}
