import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { Tensor, alloc, allocEmpty, type DType, type TypedArray } from './tensor.ts';
import { checkFinite, fail, fmtShape } from './errors.ts';
import * as K from './kernels/ops.ts';

/** A tensor or a plain number (a scalar that broadcasts to anything). */
export type Operand = Tensor | number;
type Nd = NdArray<TypedArray>;

/** NumPy's broadcast rule: align trailing dimensions; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) fail(op, `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot broadcast`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function resultDtype(a: Operand, b: Operand): DType {
  const da = typeof a === 'number' ? null : a.dtype;
  const db = typeof b === 'number' ? null : b.dtype;
  return da === 'float64' || db === 'float64' ? 'float64' : 'float32';
}

function checkOut(op: string, out: Tensor, shape: readonly number[]): void {
  if (!sameShape(out.shape, shape)) fail(op, `output has shape ${fmtShape(out.shape)}, expected ${fmtShape(shape)}`);
}

type NdBinary = (out: Nd, a: Nd, b: Nd) => unknown;
type NdBinaryS = (out: Nd, a: Nd, s: number) => unknown;

/**
 * Runs an ndarray-ops binary kernel with broadcasting: operands are expanded to the output
 * shape as stride-0 views, so ndarray-ops sees ordinary arrays of equal shape.
 */
function binary(op: string, a: Operand, b: Operand, f: NdBinary, fs: NdBinaryS | null, fsr: NdBinaryS | null, out?: Tensor, simd?: K.BinaryOp): Tensor {
  if (typeof a === 'number' && typeof b === 'number') fail(op, 'expected at least one tensor operand, got two numbers');
  const shape = typeof a === 'number' ? (b as Tensor).shape : typeof b === 'number' ? a.shape : broadcastShapes(op, a.shape, b.shape);
  // As in PyTorch, a scalar takes the op's dtype first: with float32 tensors `x + 0.1` adds the
  // float32 nearest 0.1 (then the double result of +, −, ·, / rounds to exactly the float32 result).
  if (resultDtype(a, b) === 'float32') {
    if (typeof a === 'number') a = Math.fround(a);
    if (typeof b === 'number') b = Math.fround(b);
  }
  // Every element of a fresh output is written below (by a kernel or an ndarray-ops loop).
  const o = out ?? new Tensor(allocEmpty(resultDtype(a, b), shapeSizeOf(shape)), shape);
  if (out) checkOut(op, out, shape);
  if (o.size === 0) return o;
  // Same-shaped contiguous float32 operands (a gradient accumulated in backward, say): one SIMD
  // pass in wasm, the same values as the ndarray-ops loop below.
  if (simd && typeof a !== 'number' && typeof b !== 'number' && sameShape(a.shape, shape) && sameShape(b.shape, shape) &&
      a.isContiguous() && b.isContiguous() && o.isContiguous() && K.binaryF32(simd, a.toFlat(), b.toFlat(), o.toFlat())) {
    return o;
  }
  if (typeof b === 'number') {
    if (fs) fs(o.nd, (a as Tensor).broadcastTo(shape).nd, b);
    else f(o.nd, (a as Tensor).broadcastTo(shape).nd, constNd(b, shape));
  } else if (typeof a === 'number') {
    if (fsr) fsr(o.nd, b.broadcastTo(shape).nd, a);
    else f(o.nd, constNd(a, shape), b.broadcastTo(shape).nd);
  } else {
    f(o.nd, sameShape(a.shape, shape) ? a.nd : a.broadcastTo(shape).nd, sameShape(b.shape, shape) ? b.nd : b.broadcastTo(shape).nd);
  }
  return o;
}

function shapeSizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A stride-0 view of one number, broadcast to `shape`. */
function constNd(x: number, shape: readonly number[]): Nd {
  return ndarray(Float64Array.of(x), [...shape], shape.map(() => 0), 0);
}

// ndarray-ops names ≤ and ≥ `leq` and `geq` (there is no `le`/`ge`).
// Reverse scalar forms (`s − a`, `s / a`, `s ** a`) as small ndarray-ops-like kernels.
const rsub: NdBinaryS = (o, a, s) => { ops.subs(o, a, s); ops.neg(o, o); };
const rdiv: NdBinaryS = (o, a, s) => { ops.div(o, constNd(s, a.shape), a); };
const rpow: NdBinaryS = (o, a, s) => { ops.pow(o, constNd(s, a.shape), a); };

/** a + b with broadcasting. */
export function add(a: Operand, b: Operand): Tensor { return binary('add', a, b, ops.add, ops.adds, ops.adds, undefined, 'add'); }
/** a − b with broadcasting. */
export function sub(a: Operand, b: Operand): Tensor { return binary('sub', a, b, ops.sub, ops.subs, rsub, undefined, 'sub'); }
/** a · b (element-wise) with broadcasting. */
export function mul(a: Operand, b: Operand): Tensor { return binary('mul', a, b, ops.mul, ops.muls, ops.muls, undefined, 'mul'); }
/** a / b with broadcasting. */
export function div(a: Operand, b: Operand): Tensor { return binary('div', a, b, ops.div, ops.divs, rdiv); }
/** a ** b with broadcasting. */
export function pow(a: Operand, b: Operand): Tensor { return binary('pow', a, b, ops.pow, ops.pows, rpow); }
/** Element-wise maximum (NaN-propagation as `Math.max`). */
export function maximum(a: Operand, b: Operand): Tensor { return binary('maximum', a, b, ops.max, ops.maxs, ops.maxs); }
/** Element-wise minimum. */
export function minimum(a: Operand, b: Operand): Tensor { return binary('minimum', a, b, ops.min, ops.mins, ops.mins); }

const flip = (f: NdBinary): NdBinaryS => (o, a, s) => { f(o, constNd(s, a.shape), a); };
const cmp = (f: NdBinary): NdBinaryS => (o, a, s) => { f(o, a, constNd(s, a.shape)); };
/** 1 where a < b, else 0. */
export function lt(a: Operand, b: Operand): Tensor { return binary('lt', a, b, ops.lt, cmp(ops.lt), flip(ops.lt)); }
/** 1 where a ≤ b, else 0. */
export function le(a: Operand, b: Operand): Tensor { return binary('le', a, b, ops.leq, cmp(ops.leq), flip(ops.leq)); }
/** 1 where a > b, else 0. */
export function gt(a: Operand, b: Operand): Tensor { return binary('gt', a, b, ops.gt, cmp(ops.gt), flip(ops.gt)); }
/** 1 where a ≥ b, else 0. */
export function ge(a: Operand, b: Operand): Tensor { return binary('ge', a, b, ops.geq, cmp(ops.geq), flip(ops.geq)); }
/** 1 where a = b, else 0. */
export function eq(a: Operand, b: Operand): Tensor { return binary('eq', a, b, ops.eq, cmp(ops.eq), flip(ops.eq)); }
/** 1 where a ≠ b, else 0. */
export function ne(a: Operand, b: Operand): Tensor { return binary('ne', a, b, ops.neq, cmp(ops.neq), flip(ops.neq)); }

// In-place forms: the output comes first and may alias an input (`add_(a, a, b)` is a += b).
/** out ← a + b. */
export function add_(out: Tensor, a: Operand, b: Operand): Tensor { return binary('add_', a, b, ops.add, ops.adds, ops.adds, out, 'add'); }
/** out ← a − b. */
export function sub_(out: Tensor, a: Operand, b: Operand): Tensor { return binary('sub_', a, b, ops.sub, ops.subs, rsub, out, 'sub'); }
/** out ← a · b. */
export function mul_(out: Tensor, a: Operand, b: Operand): Tensor { return binary('mul_', a, b, ops.mul, ops.muls, ops.muls, out, 'mul'); }
/** out ← a / b. */
export function div_(out: Tensor, a: Operand, b: Operand): Tensor { return binary('div_', a, b, ops.div, ops.divs, rdiv, out); }
/** out ← value everywhere. */
export function fill_(out: Tensor, value: number): Tensor {
  if (out.size > 0) ops.assigns(out.nd, value);
  return out;
}
/** out ← a (a broadcasts to out's shape). */
export function copy_(out: Tensor, a: Tensor): Tensor {
  if (out.size > 0) ops.assign(out.nd, sameShape(a.shape, out.shape) ? a.nd : a.broadcastTo(out.shape).nd);
  return out;
}

/** Applies an ndarray-ops unary kernel into a fresh contiguous tensor. */
function unaryNd(a: Tensor, f: (o: Nd, x: Nd) => unknown): Tensor {
  const o = new Tensor(allocEmpty(a.dtype, a.size), a.shape); // f writes every element
  if (o.size > 0) f(o.nd, a.nd);
  return o;
}

/**
 * For functions ndarray-ops lacks: the input is made contiguous, then one tight loop writes a
 * fresh output. Each op keeps its own loop so V8 can inline the math.
 */
function flat(a: Tensor): { x: TypedArray; o: Tensor; y: TypedArray; n: number } {
  const x = a.toFlat();
  const o = new Tensor(allocEmpty(a.dtype, a.size), a.shape); // each caller's loop writes every element
  return { x, o, y: o.data, n: x.length };
}

/** −a. */
export function neg(a: Tensor): Tensor { return unaryNd(a, ops.neg); }
/** eᵃ. */
export function exp(a: Tensor): Tensor { return unaryNd(a, ops.exp); }
/** Natural logarithm. */
export function log(a: Tensor): Tensor { return unaryNd(a, ops.log); }
/** √a. */
export function sqrt(a: Tensor): Tensor { return unaryNd(a, ops.sqrt); }
/** |a|. */
export function abs(a: Tensor): Tensor { return unaryNd(a, ops.abs); }

/** log(1 + a), accurate for small a. */
export function log1p(a: Tensor): Tensor {
  const { x, o, y, n } = flat(a);
  for (let i = 0; i < n; i++) y[i] = Math.log1p(x[i]!);
  return o;
}
/** eᵃ − 1, accurate for small a. */
export function expm1(a: Tensor): Tensor {
  const { x, o, y, n } = flat(a);
  for (let i = 0; i < n; i++) y[i] = Math.expm1(x[i]!);
  return o;
}
/** Hyperbolic tangent. */
export function tanh(a: Tensor): Tensor {
  const { x, o, y, n } = flat(a);
  for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]!);
  return o;
}
/** σ(a) = 1 / (1 + e^−a), computed without overflow for large |a| (kernels/ops.ts). */
export function sigmoid(a: Tensor): Tensor {
  const { x, o, y } = flat(a);
  K.sigmoid(x, y);
  return o;
}
/** log(1 + eᵃ), stable: max(a, 0) + log1p(e^−|a|). */
export function softplus(a: Tensor): Tensor {
  const { x, o, y, n } = flat(a);
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    y[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return o;
}
/** max(a, 0). NaN stays NaN. (kernels/ops.ts: a SIMD kernel for large float32 tensors.) */
export function relu(a: Tensor): Tensor {
  const { x, o, y } = flat(a);
  K.relu(x, y);
  return o;
}
/** a where a > 0, else slope·a (the product in double, rounded to the dtype). */
export function leakyRelu(a: Tensor, slope = 0.01): Tensor {
  checkFinite('leakyRelu', 'slope', slope);
  const { x, o, y } = flat(a);
  K.leakyRelu(x, y, slope);
  return o;
}
/** −1, 0 or 1 by the sign of a. */
export function sign(a: Tensor): Tensor {
  const { x, o, y, n } = flat(a);
  for (let i = 0; i < n; i++) y[i] = Math.sign(x[i]!);
  return o;
}
/** 1 where a is finite (not NaN or ±∞), else 0. */
export function isfinite(a: Tensor): Tensor {
  const { x, o, y, n } = flat(a);
  for (let i = 0; i < n; i++) y[i] = Number.isFinite(x[i]!) ? 1 : 0;
  return o;
}
/** Applies a JS function to every element (for prototyping; slower than the built-in ops). */
export function map(a: Tensor, f: (v: number, i: number) => number): Tensor {
  const { x, o, y, n } = flat(a);
  for (let i = 0; i < n; i++) y[i] = f(x[i]!, i);
  return o;
}

/** Clamps into [lo, hi]; either bound may be omitted (`null`). */
export function clamp(a: Tensor, lo: number | null, hi: number | null = null): Tensor {
  if (lo !== null && Number.isNaN(lo)) fail('clamp', `lower bound must be a number or null, got NaN (shape ${fmtShape(a.shape)})`);
  if (hi !== null && Number.isNaN(hi)) fail('clamp', `upper bound must be a number or null, got NaN (shape ${fmtShape(a.shape)})`);
  if (lo !== null && hi !== null && lo > hi) fail('clamp', `lower bound ${lo} is above upper bound ${hi}`);
  let o = a;
  if (lo !== null) o = maximum(o, lo);
  if (hi !== null) o = minimum(o, hi);
  return o === a ? a.clone() : o;
}

/** Picks a where cond ≠ 0, else b; all three broadcast together. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  let shape = cond.shape;
  if (typeof a !== 'number') shape = broadcastShapes('where', shape, a.shape);
  if (typeof b !== 'number') shape = broadcastShapes('where', shape, b.shape);
  const dt = resultDtype(a, b);
  const n = shapeSizeOf(shape);
  // The condition keeps its own dtype: a float64 1e-50 is true and must not round to 0 in float32.
  const expand = (t: Operand, dtype: DType = dt): TypedArray => {
    const o = new Tensor(alloc(dtype, n), shape);
    if (n === 0) return o.data;
    if (typeof t === 'number') o.data.fill(t);
    else ops.assign(o.nd, t.broadcastTo(shape).nd);
    return o.data;
  };
  const c = expand(cond, cond.dtype), x = expand(a), y = expand(b);
  const out = new Tensor(alloc(dt, n), shape);
  const r = out.data;
  for (let i = 0; i < n; i++) r[i] = c[i] !== 0 ? x[i]! : y[i]!;
  return out;
}

/** True when every element is finite. */
export function allFinite(a: Tensor): boolean {
  const x = a.toFlat();
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

/** The first non-finite element as `{ index, value }` (multi-index), or null. */
export function firstNonFinite(a: Tensor): { index: number[]; value: number } | null {
  const x = a.toFlat();
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) return { index: unravelIndex(i, a.shape), value: x[i]! };
  }
  return null;
}

/** Converts a flat row-major position to a multi-index for `shape`. */
export function unravelIndex(flatIndex: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  let r = flatIndex;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = n === 0 ? 0 : r % n;
    r = n === 0 ? 0 : Math.floor(r / n);
  }
  return idx;
}
