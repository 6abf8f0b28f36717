import ops from 'ndarray-ops';
import { Tensor, alloc, checkDtype, checkShape, shapeSize, type DType, type NestedArray, type TypedArray } from './tensor.ts';
import { checkFinite, fail, fmtShape, normAxis } from './errors.ts';
import { pinnedFloat32, pinnedOffset } from './kernels/wasm-runtime.ts';

function nestedShape(x: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0]!;
  }
  return shape;
}

function fillNested(op: string, x: NestedArray, shape: number[], d: number, out: TypedArray, pos: { i: number }): void {
  if (d === shape.length) {
    if (typeof x !== 'number') fail(op, `ragged nested array: expected a number at depth ${d}, got an array`);
    out[pos.i++] = x;
    return;
  }
  if (!Array.isArray(x) || x.length !== shape[d]) {
    fail(op, `ragged nested array: expected length ${shape[d]} at depth ${d}, got ${Array.isArray(x) ? x.length : 'a number'}`);
  }
  for (const e of x) fillNested(op, e, shape, d + 1, out, pos);
}

/**
 * Creates a tensor from a (nested) array, a typed array or a number. A typed array is used as
 * storage without copying when its dtype matches; `shape` reshapes flat data.
 */
export function tensor(values: NestedArray | TypedArray | readonly number[], shape?: readonly number[], dtype?: DType): Tensor {
  if (dtype !== undefined) checkDtype('tensor', dtype);
  if (shape !== undefined) checkShape('tensor', shape);
  if (values instanceof Float32Array || values instanceof Float64Array) {
    const dt = dtype ?? (values instanceof Float64Array ? 'float64' : 'float32');
    const data = (dt === 'float64') === (values instanceof Float64Array) ? values : (dt === 'float64' ? Float64Array.from(values) : Float32Array.from(values));
    const shp = shape ?? [data.length];
    if (shapeSize(shp) !== data.length) fail('tensor', `shape ${fmtShape(shp)} needs ${shapeSize(shp)} elements, got ${data.length}`);
    return new Tensor(data, shp);
  }
  const dt = dtype ?? 'float32';
  const nested = values as NestedArray;
  const inner = nestedShape(nested);
  const data = alloc(dt, shapeSize(inner));
  fillNested('tensor', nested, inner, 0, data, { i: 0 });
  if (shape === undefined) return new Tensor(data, inner);
  if (shapeSize(shape) !== data.length) fail('tensor', `shape ${fmtShape(shape)} needs ${shapeSize(shape)} elements, got ${data.length}`);
  return new Tensor(data, shape);
}

/** A scalar (0-d) tensor. */
export function scalar(x: number, dtype: DType = 'float32'): Tensor {
  const d = alloc(dtype, 1, 'scalar');
  d[0] = x;
  return new Tensor(d, []);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  return filled('full', shape, value, dtype);
}

/** `full` with the caller's name in error messages. */
function filled(op: string, shape: readonly number[], value: number, dtype: DType): Tensor {
  checkShape(op, shape);
  if (typeof value !== 'number') fail(op, `fill value must be a number, got ${String(value)}`);
  const t = new Tensor(alloc(dtype, shapeSize(shape), op), shape);
  if (value !== 0) t.data.fill(value);
  return t;
}

/** Options of `zeros`. */
export interface ZerosOptions {
  /**
   * Keep float32 storage in the wasm kernels' memory, where kernels read and update it without
   * copies: for long-lived tensors such as parameters and optimizer state (it is freed when the
   * storage array is garbage-collected). Values and behaviour are those of an ordinary tensor.
   */
  pinned?: boolean;
}

/** Whether a tensor's storage is pinned in the wasm kernels' memory (see `zeros`). */
export function isPinned(t: Tensor): boolean {
  return pinnedOffset(t.data) >= 0;
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], dtype: DType = 'float32', opts: ZerosOptions = {}): Tensor {
  if (opts.pinned && dtype === 'float32') {
    checkShape('zeros', shape);
    return new Tensor(pinnedFloat32(shapeSize(shape)), shape);
  }
  return filled('zeros', shape, 0, dtype);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return filled('ones', shape, 1, dtype);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, t.dtype);
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, t.dtype);
}

/** `value` everywhere, with the shape and dtype of `t`. */
export function fullLike(t: Tensor, value: number): Tensor {
  return full(t.shape, value, t.dtype);
}

/** Values `start, start+step, …` below `stop` (NumPy's `arange`); `arange(n)` is 0..n-1. */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  checkFinite('arange', 'start', start);
  checkFinite('arange', 'stop', stop);
  if (step === 0 || !Number.isFinite(step)) fail('arange', `step must be a finite non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const d = alloc(dtype, n, 'arange');
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return new Tensor(d, [n]);
}

/** `num` evenly spaced values from `start` to `stop` inclusive. */
export function linspace(start: number, stop: number, num: number, dtype: DType = 'float32'): Tensor {
  checkFinite('linspace', 'start', start);
  checkFinite('linspace', 'stop', stop);
  if (!Number.isInteger(num) || num < 0) fail('linspace', `num must be a non-negative integer, got ${num}`);
  const d = alloc(dtype, num, 'linspace');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) d[i] = start + i * step;
  return new Tensor(d, [num]);
}

/** The n×m identity matrix (m defaults to n). */
export function eye(n: number, m = n, dtype: DType = 'float32'): Tensor {
  const t = filled('eye', [n, m], 0, dtype);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** Concatenates tensors along an existing axis (copies). */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) fail('concat', 'expected at least one tensor');
  const first = tensors[0]!;
  const nd = first.ndim;
  if (nd === 0) fail('concat', 'zero-dimensional tensors cannot be concatenated; use stack');
  const ax = normAxis('concat', axis, nd, first.shape);
  let total = 0;
  for (const t of tensors) {
    if (t.ndim !== nd || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      fail('concat', `shapes ${tensors.map((x) => fmtShape(x.shape)).join(', ')} differ outside axis ${ax}`);
    }
    if (t.dtype !== first.dtype) fail('concat', `dtypes differ: ${first.dtype} and ${t.dtype}`);
    total += t.shape[ax]!;
  }
  const shape = [...first.shape];
  shape[ax] = total;
  const out = zeros(shape, first.dtype);
  let pos = 0;
  for (const t of tensors) {
    const n = t.shape[ax]!;
    if (n > 0) assignInto(out.slice(ax, pos, pos + n), t);
    pos += n;
  }
  return out;
}

/** Stacks same-shaped tensors along a new axis (copies). */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) fail('stack', 'expected at least one tensor');
  const s0 = tensors[0]!.shape;
  for (const t of tensors) {
    if (t.shape.length !== s0.length || t.shape.some((d, i) => d !== s0[i])) {
      fail('stack', `all tensors must have the same shape, got ${tensors.map((x) => fmtShape(x.shape)).join(', ')}`);
    }
  }
  const ax = normAxis('stack', axis, s0.length + 1, s0);
  return concat(tensors.map((t) => t.unsqueeze(ax)), ax);
}

/** Copies `src` (broadcast to `dst`'s shape) into the view `dst`. */
export function assignInto(dst: Tensor, src: Tensor): Tensor {
  const s = src.shape.length === dst.shape.length && src.shape.every((d, i) => d === dst.shape[i]) ? src : src.broadcastTo(dst.shape);
  if (dst.size > 0) ops.assign(dst.nd, s.nd);
  return dst;
}
