import { Tensor, alloc, allocEmpty, type TypedArray } from './tensor.ts';
import { fail, fmtShape, normAxis } from './errors.ts';
import { sumRows } from './kernels/ops.ts';

/** Axes to reduce over: one axis, several, or all (undefined). */
export type Axes = number | readonly number[] | undefined;

/** Options common to reductions. */
export interface ReduceOptions {
  /** Keep reduced dimensions with size 1 (as NumPy's `keepdims`). Default false. */
  keepdims?: boolean;
}

interface Plan {
  /** Sorted, normalised reduced axes. */
  axes: number[];
  /** Output shape (with or without kept dims). */
  outShape: number[];
  /** Elements per reduced group. */
  r: number;
  /** Number of output elements. */
  m: number;
  /** Contiguous data laid out [m, r] (kept axes first, reduced axes last). */
  rows: TypedArray;
}

function normAxes(op: string, axes: Axes, shape: readonly number[]): number[] {
  const ndim = shape.length;
  if (axes === undefined) return [...Array(ndim).keys()];
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => normAxis(op, a, ndim, shape));
  if (new Set(out).size !== out.length) fail(op, `repeated axis in [${list.join(',')}] for shape ${fmtShape(shape)}`);
  return out.sort((a, b) => a - b);
}

/** Brings the reduced axes last and makes the data contiguous, so each group is one row. */
function plan(op: string, t: Tensor, axes: Axes, keepdims: boolean): Plan {
  const ax = normAxes(op, axes, t.shape);
  const kept = [...Array(t.ndim).keys()].filter((i) => !ax.includes(i));
  const perm = [...kept, ...ax];
  const p = perm.every((v, i) => v === i) ? t : t.permute(perm);
  const rows = p.toFlat();
  const r = ax.reduce((s, a) => s * t.shape[a]!, 1);
  const m = kept.reduce((s, a) => s * t.shape[a]!, 1);
  const outShape = keepdims ? t.shape.map((d, i) => (ax.includes(i) ? 1 : d)) : kept.map((a) => t.shape[a]!);
  return { axes: ax, outShape, r, m, rows };
}

/** Sum over `axis` (all axes by default). Accumulates in double precision. */
export function sum(t: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor {
  return sumAs('sum', t, axis, opts);
}

/** `sum` with the caller's name in error messages (`mean` reuses it). */
function sumAs(op: string, t: Tensor, axis: Axes, opts: ReduceOptions): Tensor {
  const keep = opts.keepdims ?? false;
  // Fast path for the bias gradient: a contiguous [B, ...] tensor summed over leading axis 0.
  if (t.isContiguous() && t.ndim >= 1 && (axis === 0 || (Array.isArray(axis) && axis.length === 1 && axis[0] === 0))) {
    return sumLeading(t, keep);
  }
  const { outShape, r, m, rows } = plan(op, t, axis, keep);
  const out = new Tensor(alloc(t.dtype, m), outShape);
  const o = out.data;
  for (let i = 0; i < m; i++) {
    let s = 0;
    const base = i * r;
    for (let k = 0; k < r; k++) s += rows[base + k]!;
    o[i] = s;
  }
  return out;
}

/** Σ over axis 0 of a contiguous tensor, in double in row order (kernels/ops.ts `sumRows`). */
function sumLeading(t: Tensor, keepdims: boolean): Tensor {
  const b = t.shape[0]!;
  const rest = t.shape.slice(1);
  const n = rest.reduce((s, d) => s * d, 1);
  // sumRows writes every element; with no rows the sum is zeros.
  const out = new Tensor(b > 0 ? allocEmpty(t.dtype, n) : alloc(t.dtype, n), keepdims ? [1, ...rest] : rest);
  if (b > 0 && n > 0) sumRows(t.data.subarray(t.offset, t.offset + b * n), b, n, out.data);
  return out;
}

/** Mean over `axis` (all axes by default). */
export function mean(t: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor {
  const s = sumAs('mean', t, axis, opts);
  const count = t.size / Math.max(s.size, 1);
  const d = s.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! / count;
  return s;
}

function extreme(op: string, t: Tensor, axis: Axes, opts: ReduceOptions, better: (a: number, b: number) => boolean): Tensor {
  const { outShape, r, m, rows } = plan(op, t, axis, opts.keepdims ?? false);
  if (r === 0) fail(op, `cannot reduce an empty dimension (shape ${fmtShape(t.shape)})`);
  const out = new Tensor(alloc(t.dtype, m), outShape);
  const o = out.data;
  for (let i = 0; i < m; i++) {
    const base = i * r;
    let best = rows[base]!;
    for (let k = 1; k < r; k++) {
      const v = rows[base + k]!;
      if (v !== v) { best = v; break; } // NaN propagates, as in NumPy and PyTorch
      if (better(v, best)) best = v;
    }
    o[i] = best;
  }
  return out;
}

/** Maximum over `axis` (all axes by default); NaN propagates. */
export function max(t: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor {
  return extreme('max', t, axis, opts, (a, b) => a > b);
}

/** Minimum over `axis` (all axes by default); NaN propagates. */
export function min(t: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor {
  return extreme('min', t, axis, opts, (a, b) => a < b);
}

/**
 * Index of the maximum along one axis (over the flattened tensor when `axis` is undefined);
 * the first occurrence wins, as in NumPy. Indices are returned as float values.
 */
export function argmax(t: Tensor, axis?: number, opts: ReduceOptions = {}): Tensor {
  const src = axis === undefined ? t.reshape(-1) : t;
  const { outShape, r, m, rows } = plan('argmax', src, axis === undefined ? 0 : axis, axis === undefined ? false : opts.keepdims ?? false);
  if (r === 0) fail('argmax', `cannot reduce an empty dimension (shape ${fmtShape(t.shape)})`);
  const out = new Tensor(alloc(t.dtype, m), outShape);
  for (let i = 0; i < m; i++) {
    const base = i * r;
    let bi = 0;
    let best = rows[base]!;
    for (let k = 1; k < r; k++) {
      const v = rows[base + k]!;
      if (v > best || (v !== v && best === best)) { best = v; bi = k; }
    }
    out.data[i] = bi;
  }
  return out;
}

/** Options of `var`. */
export interface VarOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator: 1 (PyTorch's default, unbiased) or 0 (NumPy's default, biased). */
  correction?: number;
}

/** Variance over `axis` (two-pass: mean first, then squared deviations). */
export function variance(t: Tensor, axis?: Axes, opts: VarOptions = {}): Tensor {
  const correction = opts.correction ?? 1;
  const { outShape, r, m, rows } = plan('var', t, axis, opts.keepdims ?? false);
  const out = new Tensor(alloc(t.dtype, m), outShape);
  const denom = r - correction;
  for (let i = 0; i < m; i++) {
    const base = i * r;
    let s = 0;
    for (let k = 0; k < r; k++) s += rows[base + k]!;
    const mu = s / r;
    let q = 0;
    for (let k = 0; k < r; k++) { const d = rows[base + k]! - mu; q += d * d; }
    out.data[i] = denom > 0 ? q / denom : NaN;
  }
  return out;
}
export { variance as var };
