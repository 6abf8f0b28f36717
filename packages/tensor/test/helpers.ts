// Test helpers: independent reference implementations (explicit index loops) that the
// tensor code is compared against, and a closeness assertion with a stated tolerance.
import { expect } from 'vitest';
import * as T from '@minigan/tensor';

/** All multi-indices of `shape` in row-major order (none when a dimension is 0). */
export function* indices(shape: readonly number[]): Generator<number[]> {
  if (shape.some((d) => d === 0)) return;
  const idx = shape.map(() => 0);
  for (;;) {
    yield [...idx];
    let d = shape.length - 1;
    while (d >= 0) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/** Output shape of NumPy broadcasting, written out independently of the package's version. */
export function refBroadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const pa = [...Array(n - a.length).fill(1), ...a];
  const pb = [...Array(n - b.length).fill(1), ...b];
  return pa.map((da, i) => {
    const db = pb[i]!;
    if (da !== db && da !== 1 && db !== 1) throw new Error('not broadcastable');
    return da === 1 ? db : da;
  });
}

/** The element of `t` that output index `out` reads under broadcasting (size-1 dims repeat). */
function readBroadcast(t: T.Tensor, out: readonly number[]): number {
  const lead = out.length - t.ndim;
  const idx = t.shape.map((d, i) => (d === 1 ? 0 : out[lead + i]!));
  return t.get(...idx);
}

/** f(a, b) element by element with an explicit loop over the broadcast output: the reference. */
export function refBinary(a: T.Tensor, b: T.Tensor, f: (x: number, y: number) => number): { shape: number[]; values: number[] } {
  const shape = refBroadcastShape(a.shape, b.shape);
  const values: number[] = [];
  for (const idx of indices(shape)) values.push(f(readBroadcast(a, idx), readBroadcast(b, idx)));
  return { shape, values };
}

/** Row-major values of a tensor read one by one with `get` (independent of toFlat/toArray). */
export function valuesOf(t: T.Tensor): number[] {
  const out: number[] = [];
  for (const idx of indices(t.shape)) out.push(t.get(...idx));
  return out;
}

/** Asserts |actual − expected| ≤ atol + rtol·|expected| element-wise; NaN matches NaN. */
export function expectClose(actual: T.Tensor | ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-6, atol = 1e-7): void {
  const got = actual instanceof T.Tensor ? valuesOf(actual) : Array.from(actual);
  expect(got.length).toBe(expected.length);
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) {
      expect(g, `element ${i}`).toBeNaN();
    } else if (!Number.isFinite(e)) {
      expect(g, `element ${i}`).toBe(e);
    } else if (!(Math.abs(g - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`element ${i}: got ${g}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** The float32 rounding of each value (what a float32 tensor stores). */
export function f32(values: readonly number[]): number[] {
  return values.map((v) => Math.fround(v));
}

/** Deterministic test data: values on a grid of 1/8 so float32 sums of a few terms are exact. */
export function grid(shape: readonly number[], dtype: T.DType = 'float64', seed = 1): T.Tensor {
  const rng = new T.Rng(seed);
  const n = T.shapeSize(shape);
  const data = T.alloc(dtype, n);
  for (let i = 0; i < n; i++) data[i] = (rng.int(33) - 16) / 8;
  return T.tensor(data, shape);
}

/** Asserts that `fn` throws an Error whose message is exactly `message` (or matches it). */
export function expectError(fn: () => unknown, message: string | RegExp): void {
  expect(fn).toThrowError(message instanceof RegExp ? message : new RegExp(`^${escapeRegExp(message)}$`));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
