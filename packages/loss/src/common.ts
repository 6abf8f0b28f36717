// Shared pieces of the BCE losses: argument checks with precise messages, weights broadcast to
// the input, the reductions, and the float32 rounding that makes our numbers PyTorch's numbers.
import * as T from '@minigan/tensor';
import type { Tensor, TypedArray } from '@minigan/tensor';
import { Variable } from '@minigan/autograd';

/** How the per-element losses are combined: `mean` over all elements, `sum`, or `none` (kept as is). */
export type Reduction = 'mean' | 'sum' | 'none';

/** A loss input: a Variable (gradients flow to it) or a plain Tensor (a constant). */
export type LossInput = Variable | Tensor;

/**
 * The rounding of one arithmetic step in `dtype`. PyTorch's float32 kernels round every
 * intermediate (`1 − x`, `log(·)`, each product) to float32, while JS computes in double: for
 * float32 we apply `Math.fround` after each step, in PyTorch's order, so that results agree to
 * the last bit in most elements instead of differing where float32 cancellation bites (e.g.
 * `σ(x) − y` with σ(x) ≈ y, or `log(1 + e^−30)`, which is exactly 0 in float32).
 */
export function rounder(dtype: T.DType): (v: number) => number {
  return dtype === 'float32' ? Math.fround : identity;
}

function identity(v: number): number {
  return v;
}

/** The Tensor behind a loss input. */
export function valueOf(x: LossInput): Tensor {
  return x instanceof Variable ? x.value : x;
}

/** Checks that `reduction` is one of the three names. */
export function checkReduction(op: string, reduction: unknown): asserts reduction is Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    T.fail(op, `reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction) ?? String(reduction)}`);
  }
}

/** Checks that a loss argument is a Variable or a Tensor (a number or array is a likely slip). */
export function checkInput(op: string, name: string, x: unknown): asserts x is LossInput {
  if (!(x instanceof Variable) && !(x instanceof T.Tensor)) {
    T.fail(op, `${name} must be a Variable or a Tensor, got ${describe(x)}`);
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with T.tensor(...))';
  if (typeof x === 'object') return `an object (${(x as object).constructor?.name ?? 'unknown'})`;
  return `${typeof x} ${String(x)}`;
}

/**
 * Input and target must have exactly the same shape, as PyTorch demands: a [B] target against
 * a [B, 1] prediction would otherwise broadcast to [B, B] and silently compute the wrong loss.
 */
export function checkSameShape(op: string, inputName: string, input: Tensor, target: Tensor): void {
  const a = input.shape, b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    T.fail(op, `${inputName} ${T.fmtShape(a)} and target ${T.fmtShape(b)} have different shapes; they must be equal (reshape the target to ${T.fmtShape(a)})`);
  }
}

/** Formats a multi-index as `[2,0]` (a scalar has index `[]`). */
export function fmtIndex(index: readonly number[]): string {
  return `[${index.join(',')}]`;
}

/**
 * Throws at the first element of `flat` outside [0, 1] or NaN, naming the argument, its shape,
 * the element's index and its value. `hint` explains what was expected.
 */
export function checkUnitInterval(op: string, name: string, shape: readonly number[], flat: TypedArray, hint: string): void {
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    // Written so that NaN fails too: NaN >= 0 is false.
    if (!(v >= 0 && v <= 1)) {
      const where = `${name} ${T.fmtShape(shape)} has ${v} at index ${fmtIndex(T.unravelIndex(i, shape))}`;
      T.fail(op, `${where}${Number.isNaN(v) ? '' : ', outside [0, 1]'}; ${hint}`);
    }
  }
}

/**
 * A weight (Tensor or number) broadcast to `shape`, as a flat row-major array, or null when
 * absent. The weight may not enlarge the input: its broadcast with `shape` must be `shape`.
 * Values must be finite (a NaN weight would turn the whole mean into NaN without a word).
 */
export function expandWeight(op: string, name: string, w: Tensor | number | undefined, inputName: string, shape: readonly number[], hint = ''): TypedArray | null {
  if (w === undefined) return null;
  if (typeof w === 'number') {
    if (!Number.isFinite(w)) T.fail(op, `${name} must be finite, got ${w}`);
    const flat = new Float64Array(T.shapeSize(shape));
    flat.fill(w);
    return flat;
  }
  if (!(w instanceof T.Tensor)) T.fail(op, `${name} must be a Tensor or a number, got ${describe(w)}`);
  if (!broadcastsTo(w.shape, shape)) {
    T.fail(op, `${name} ${T.fmtShape(w.shape)} cannot broadcast to ${inputName} ${T.fmtShape(shape)}${hint}`);
  }
  const bad = T.firstNonFinite(w);
  if (bad !== null) T.fail(op, `${name} ${T.fmtShape(w.shape)} has ${bad.value} at index ${fmtIndex(bad.index)}; weights must be finite`);
  return w.broadcastTo(shape).clone().toFlat();
}

/** True when `from` broadcasts to exactly `to` (NumPy's rule, without enlarging `to`). */
function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[lead + i]);
}

/**
 * Combines per-element losses (already rounded to `dtype`) into the op's output: a 0-d tensor
 * for `mean`/`sum`, or the losses in `shape` for `none`. Sums accumulate in double and are
 * rounded once; `mean` is then `sum / n` rounded again, as PyTorch's CPU mean (sum, then div).
 */
export function reduce(losses: TypedArray, shape: readonly number[], reduction: Reduction, dtype: T.DType): Tensor {
  if (reduction === 'none') return T.tensor(losses, shape, dtype);
  const r = rounder(dtype);
  let s = 0;
  for (let i = 0; i < losses.length; i++) s += losses[i]!;
  s = r(s);
  return T.scalar(reduction === 'mean' ? r(s / losses.length) : s, dtype);
}

/**
 * The upstream gradient of a reduced or unreduced loss, read per element: a 0-d gradient (mean
 * and sum) is one number for all elements; for `none` it has the input's shape.
 */
export function upstream(g: Tensor, reduction: Reduction): { scalar: number; flat: TypedArray | null } {
  if (reduction === 'none') return { scalar: NaN, flat: g.toFlat() };
  return { scalar: g.item(), flat: null };
}
