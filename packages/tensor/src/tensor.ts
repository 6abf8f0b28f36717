import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { fail, fmtShape, normAxis } from './errors.ts';

/** Element types a tensor can hold. float32 is the default; float64 is for gradient checks. */
export type DType = 'float32' | 'float64';
/** The storage behind a tensor. */
export type TypedArray = Float32Array | Float64Array;
/** A nested JS array of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

/** Allocates zeroed storage of `dtype` with `n` elements; `op` names the caller in errors. */
export function alloc(dtype: DType, n: number, op = 'alloc'): TypedArray {
  checkDtype(op, dtype);
  if (!Number.isInteger(n) || n < 0) fail(op, `element count must be a non-negative integer, got ${n}`);
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/**
 * Storage of `dtype` with `n` elements whose contents are unspecified (as `torch.empty`): for
 * outputs that the caller writes completely, so the zero-filling of `alloc` is not paid. Above
 * 4 KB it comes from Node's `Buffer.allocUnsafe` (its own ArrayBuffer, not zeroed) — 5–10× cheaper
 * than a zeroed array of the same size, which matters for the dozens of activation and gradient
 * arrays of every training step. Small arrays (and engines without Buffer) are zeroed as usual.
 */
export function allocEmpty(dtype: DType, n: number, op = 'allocEmpty'): TypedArray {
  checkDtype(op, dtype);
  if (!Number.isInteger(n) || n < 0) fail(op, `element count must be a non-negative integer, got ${n}`);
  const bytes = n * (dtype === 'float64' ? 8 : 4);
  let a: TypedArray;
  if (bytes <= 4096 || !unsafeBuffer) a = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  else {
    const b = unsafeBuffer(bytes);
    a = dtype === 'float64' ? new Float64Array(b.buffer, b.byteOffset, n) : new Float32Array(b.buffer, b.byteOffset, n);
  }
  if (poison) a.fill(NaN);
  return a;
}

let poison = false;

/**
 * Fills every `allocEmpty` array with NaN from now on (true) or stops (false): a test that runs
 * with it on and gets the same bits shows that no caller leaves an element unwritten.
 */
export function setPoisonEmpty(on: boolean): void {
  poison = on;
}

/** Node's Buffer.allocUnsafe where there is one (sizes above half of Buffer.poolSize get their own ArrayBuffer). */
const unsafeBuffer: ((size: number) => Uint8Array) | null =
  typeof Buffer === 'function' && typeof Buffer.allocUnsafe === 'function' ? (size) => Buffer.allocUnsafe(size) : null;

/** Throws unless `dtype` is 'float32' or 'float64' (a plain-JS caller can pass anything). */
export function checkDtype(op: string, dtype: unknown): asserts dtype is DType {
  if (dtype !== 'float32' && dtype !== 'float64') fail(op, `unknown dtype ${JSON.stringify(dtype)} (expected 'float32' or 'float64')`);
}

export function dtypeOf(data: TypedArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/** Row-major (C-order) strides for `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = s;
    s *= shape[i]!;
  }
  return stride;
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Throws unless every dimension of `shape` is a non-negative integer. */
export function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) fail(op, `shape must be an array of dimensions, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) fail(op, `invalid shape ${fmtShape(shape)}: dimensions must be non-negative integers`);
  }
}

/**
 * An n-d array of float32 or float64: a thin, typed face over an `ndarray` view
 * (data, shape, stride, offset). Views share storage; math lives in free functions.
 */
export class Tensor {
  /** The underlying ndarray view. */
  readonly nd: NdArray<TypedArray>;

  constructor(data: TypedArray, shape: readonly number[], stride?: readonly number[], offset = 0) {
    checkShape('Tensor', shape);
    const st = stride ? [...stride] : contiguousStrides(shape);
    if (st.length !== shape.length) fail('Tensor', `stride ${fmtShape(st)} does not match shape ${fmtShape(shape)}`);
    if (!stride && shapeSize(shape) + offset > data.length) {
      fail('Tensor', `shape ${fmtShape(shape)} needs ${shapeSize(shape)} elements, storage has ${data.length - offset}`);
    }
    this.nd = ndarray(data, [...shape], st, offset);
  }

  /** Wraps an existing ndarray view (no copy). */
  static fromNd(nd: NdArray<TypedArray>): Tensor {
    return new Tensor(nd.data, nd.shape, nd.stride, nd.offset);
  }

  get data(): TypedArray { return this.nd.data; }
  get shape(): number[] { return this.nd.shape; }
  get stride(): number[] { return this.nd.stride; }
  get offset(): number { return this.nd.offset; }
  get dtype(): DType { return dtypeOf(this.nd.data); }
  /** Number of elements. */
  get size(): number { return shapeSize(this.nd.shape); }
  /** Number of dimensions. */
  get ndim(): number { return this.nd.shape.length; }

  /** True when the elements are laid out row-major without gaps starting at `offset`. */
  isContiguous(): boolean {
    const { shape, stride } = this.nd;
    let s = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      if (shape[i]! !== 1 && stride[i]! !== s) return false;
      s *= shape[i]!;
    }
    return true;
  }

  /** This tensor if contiguous, otherwise a contiguous copy. */
  contiguous(): Tensor {
    return this.isContiguous() ? this : this.clone();
  }

  /** A contiguous copy with its own storage. */
  clone(): Tensor {
    const out = new Tensor(allocEmpty(this.dtype, this.size), this.shape); // every element assigned below
    if (this.size > 0) ops.assign(out.nd, this.nd);
    return out;
  }

  /** The contiguous storage of exactly this tensor's elements, copying only if needed. */
  toFlat(): TypedArray {
    const c = this.contiguous();
    // The storage array itself when it holds exactly these elements (no new view object).
    if (c.offset === 0 && c.size === c.data.length) return c.data;
    return c.data.subarray(c.offset, c.offset + c.size);
  }

  /** A nested JS array of the values. */
  toArray(): NestedArray {
    const flat = this.toFlat();
    const shape = this.shape;
    if (shape.length === 0) return flat[0]!;
    let pos = 0;
    const build = (d: number): NestedArray[] => {
      const n = shape[d]!;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = d === shape.length - 1 ? flat[pos++]! : build(d + 1);
      return out;
    };
    return build(0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) fail('item', `only a tensor with one element can be read as a number, got shape ${fmtShape(this.shape)}`);
    return this.nd.data[this.firstIndex()]!;
  }

  private firstIndex(): number {
    return this.nd.offset;
  }

  /** Value at a full index (negative indices count from the end). */
  get(...index: number[]): number {
    return this.nd.data[this.flatIndex('get', index)]!;
  }

  /** Writes `value` at a full index. */
  set(value: number, ...index: number[]): void {
    this.nd.data[this.flatIndex('set', index)] = value;
  }

  private flatIndex(op: string, index: number[]): number {
    const { shape, stride, offset } = this.nd;
    if (index.length !== shape.length) fail(op, `index of length ${index.length} for a tensor of shape ${fmtShape(shape)}`);
    let p = offset;
    for (let i = 0; i < index.length; i++) {
      let k = index[i]!;
      const n = shape[i]!;
      if (!Number.isInteger(k) || k < -n || k >= n) fail(op, `index ${k} is out of range for dimension ${i} of size ${n} (shape ${fmtShape(shape)})`);
      if (k < 0) k += n;
      p += k * stride[i]!;
    }
    return p;
  }

  /**
   * A tensor of the same elements in a new shape; one dimension may be -1. A view when this
   * tensor is contiguous, otherwise a contiguous copy (as `torch.reshape`).
   */
  reshape(...shapeArg: number[] | [number[]]): Tensor {
    const req = (Array.isArray(shapeArg[0]) ? shapeArg[0] : shapeArg) as number[];
    const shape = inferShape('reshape', req, this.size, this.shape);
    const c = this.contiguous();
    return new Tensor(c.data, shape, contiguousStrides(shape), c.offset);
  }

  /** Alias of `reshape` (always a view of contiguous data, else a copy). */
  view(...shape: number[]): Tensor {
    return this.reshape(...shape);
  }

  /** Reorders dimensions: a view, no copy (`torch.permute`). */
  permute(...axesArg: number[] | [number[]]): Tensor {
    const axes = (Array.isArray(axesArg[0]) ? axesArg[0] : axesArg) as number[];
    const nd = this.ndim;
    if (axes.length !== nd) fail('permute', `expected ${nd} axes for shape ${fmtShape(this.shape)}, got [${axes.join(',')}]`);
    const seen = new Set<number>();
    const norm = axes.map((a) => {
      const k = normAxis('permute', a, nd, this.shape);
      if (seen.has(k)) fail('permute', `axis ${a} repeated in [${axes.join(',')}]`);
      seen.add(k);
      return k;
    });
    return new Tensor(this.data, norm.map((a) => this.shape[a]!), norm.map((a) => this.stride[a]!), this.offset);
  }

  /** Swaps two dimensions (default: the last two, i.e. a matrix transpose): a view. */
  transpose(dim0 = -2, dim1 = -1): Tensor {
    const nd = this.ndim;
    if (nd < 2 && arguments.length === 0) return this;
    const a = normAxis('transpose', dim0, nd, this.shape);
    const b = normAxis('transpose', dim1, nd, this.shape);
    const axes = [...Array(nd).keys()];
    axes[a] = b;
    axes[b] = a;
    return this.permute(axes);
  }

  /** Matrix transpose of a 2-D tensor (a view). */
  get T(): Tensor {
    if (this.ndim !== 2) fail('T', `expected a 2-D tensor, got shape ${fmtShape(this.shape)}`);
    return this.transpose(0, 1);
  }

  /** Elements `start` ≤ i < `end` (step `step`) along `axis`: a view, as `x[start:end:step]`. */
  slice(axis: number, start: number, end?: number, step = 1): Tensor {
    const ax = normAxis('slice', axis, this.ndim, this.shape);
    const n = this.shape[ax]!;
    if (!Number.isInteger(step) || step <= 0) fail('slice', `step must be a positive integer, got ${step}`);
    const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
    const s = clampIdx(start);
    const e = end === undefined ? n : clampIdx(end);
    const len = Math.max(0, Math.ceil((e - s) / step));
    const shape = [...this.shape];
    const stride = [...this.stride];
    shape[ax] = len;
    stride[ax] = stride[ax]! * step;
    return new Tensor(this.data, shape, stride, this.offset + (len > 0 ? s * this.stride[ax]! : 0));
  }

  /** Removes dimensions of size 1 (all, or the given one). */
  squeeze(axis?: number): Tensor {
    if (axis === undefined) {
      const keep = this.shape.map((d, i) => [d, i] as const).filter(([d]) => d !== 1);
      return new Tensor(this.data, keep.map(([d]) => d), keep.map(([, i]) => this.stride[i]!), this.offset);
    }
    const ax = normAxis('squeeze', axis, this.ndim, this.shape);
    if (this.shape[ax] !== 1) return this;
    const shape = this.shape.filter((_, i) => i !== ax);
    const stride = this.stride.filter((_, i) => i !== ax);
    return new Tensor(this.data, shape, stride, this.offset);
  }

  /** Inserts a dimension of size 1 at `axis` (a view). */
  unsqueeze(axis: number): Tensor {
    const ax = normAxis('unsqueeze', axis, this.ndim + 1, this.shape);
    const shape = [...this.shape];
    const stride = [...this.stride];
    shape.splice(ax, 0, 1);
    stride.splice(ax, 0, ax < this.ndim ? this.stride[ax]! * this.shape[ax]! : 1);
    return new Tensor(this.data, shape, stride, this.offset);
  }

  /** A stride-0 view of this tensor expanded to `shape` (NumPy broadcasting rules). */
  broadcastTo(shape: readonly number[]): Tensor {
    const nd = shape.length;
    if (nd < this.ndim) fail('broadcastTo', `cannot broadcast ${fmtShape(this.shape)} to ${fmtShape(shape)}`);
    const outStride = new Array<number>(nd);
    for (let i = 0; i < nd; i++) {
      const j = i - (nd - this.ndim);
      const d = j >= 0 ? this.shape[j]! : 1;
      if (d === shape[i]) outStride[i] = j >= 0 ? this.stride[j]! : 0;
      else if (d === 1) outStride[i] = 0;
      else fail('broadcastTo', `cannot broadcast ${fmtShape(this.shape)} to ${fmtShape(shape)}`);
    }
    return new Tensor(this.data, shape, outStride, this.offset);
  }

  /** Copies into float32 or float64 (a copy even if the dtype is the same). */
  astype(dtype: DType): Tensor {
    const out = new Tensor(alloc(dtype, this.size, 'astype'), this.shape);
    if (this.size > 0) ops.assign(out.nd, this.nd as NdArray<TypedArray>);
    return out;
  }

  /** NumPy-like text, truncated with `...` for large tensors. */
  toString(): string {
    return formatTensor(this);
  }
}

/** Resolves a requested shape with at most one -1 against a known element count. */
export function inferShape(op: string, req: readonly number[], size: number, from: readonly number[]): number[] {
  let neg = -1;
  let known = 1;
  req.forEach((d, i) => {
    if (d === -1) {
      if (neg >= 0) fail(op, `only one dimension can be -1, got ${fmtShape(req)}`);
      neg = i;
    } else if (!Number.isInteger(d) || d < 0) fail(op, `invalid dimension ${d} in ${fmtShape(req)}`);
    else known *= d;
  });
  const shape = [...req];
  if (neg >= 0) {
    if (known === 0 || size % known !== 0) fail(op, `cannot reshape ${fmtShape(from)} (${size} elements) to ${fmtShape(req)}`);
    shape[neg] = size / known;
  } else if (known !== size) fail(op, `cannot reshape ${fmtShape(from)} (${size} elements) to ${fmtShape(req)} (${known} elements)`);
  return shape;
}

function fmtNum(x: number, dtype: DType): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.`;
  const p = dtype === 'float64' ? 8 : 4;
  const a = Math.abs(x);
  if (!(a >= 1e-4 && a < 1e6)) return x.toExponential(p);
  // A value that rounds to an integer (1.00001 → "1") keeps the float's trailing dot: "1.".
  const s = String(Number(x.toFixed(p)));
  return s.includes('.') ? s : `${s}.`;
}

/** Formats like NumPy's repr: `tensor([[1., 2.], [3., 4.]])`, eliding the middle of long axes. */
export function formatTensor(t: Tensor, edge = 3, threshold = 1000): string {
  const summarise = t.size > threshold;
  const shape = t.shape;
  const dt = t.dtype;
  const rec = (d: number, index: number[]): string => {
    if (d === shape.length) return fmtNum(t.get(...index), dt);
    const n = shape[d]!;
    const parts: string[] = [];
    const pick = summarise && n > 2 * edge ? [...range(0, edge), -1, ...range(n - edge, n)] : range(0, n);
    for (const i of pick) parts.push(i < 0 ? '...' : rec(d + 1, [...index, i]));
    // As NumPy: elements on one line; rows one per line; blocks of rank ≥ 2 apart by blank lines.
    const sep = d === shape.length - 1 ? ', ' : ',' + '\n'.repeat(shape.length - 1 - d) + ' '.repeat(d + 8);
    return `[${parts.join(sep)}]`;
  };
  const body = shape.length === 0 ? fmtNum(t.item(), dt) : t.size === 0 ? '[]' : rec(0, []);
  const extra = dt === 'float64' ? ', dtype=float64' : '';
  const shp = t.size === 0 || summarise ? `, shape=${fmtShape(shape)}` : '';
  return `tensor(${body}${shp}${extra})`;
}

function range(a: number, b: number): number[] {
  const r: number[] = [];
  for (let i = a; i < b; i++) r.push(i);
  return r;
}
