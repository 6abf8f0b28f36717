// Reductions: hand-computed values, negative axes, several axes, keepdims, size-0 and size-1
// dims, views as inputs, float32 / float64, and every axis subset of a 4-D tensor vs a loop.
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { expectClose, grid, indices, valuesOf } from './helpers.ts';

// [[1, 2, 3],
//  [4, 5, 9]]
const m = (dtype: T.DType = 'float32') => T.tensor([[1, 2, 3], [4, 5, 9]], undefined, dtype);

describe('hand-computed reductions of a [2,3] matrix', () => {
  it('sum', () => {
    expect(T.sum(m()).item()).toBe(24);
    expect(T.sum(m()).shape).toEqual([]);
    expect(T.sum(m(), 0).toArray()).toEqual([5, 7, 12]);
    expect(T.sum(m(), 1).toArray()).toEqual([6, 18]);
    expect(T.sum(m(), -1).toArray()).toEqual([6, 18]);
    expect(T.sum(m(), -2).toArray()).toEqual([5, 7, 12]);
    expect(T.sum(m(), [0, 1]).item()).toBe(24);
    expect(T.sum(m(), [-1, 0]).item()).toBe(24);
    expect(T.sum(m(), 0, { keepdims: true }).toArray()).toEqual([[5, 7, 12]]);
    expect(T.sum(m(), 1, { keepdims: true }).toArray()).toEqual([[6], [18]]);
    expect(T.sum(m(), undefined, { keepdims: true }).toArray()).toEqual([[24]]);
    expect(T.sum(m(), [0], { keepdims: true }).shape).toEqual([1, 3]);
  });

  it('mean', () => {
    expect(T.mean(m()).item()).toBe(4);
    expect(T.mean(m(), 0).toArray()).toEqual([2.5, 3.5, 6]);
    expect(T.mean(m(), -1).toArray()).toEqual([2, 6]);
    expect(T.mean(m(), 1, { keepdims: true }).toArray()).toEqual([[2], [6]]);
  });

  it('max, min, argmax', () => {
    expect(T.max(m()).item()).toBe(9);
    expect(T.min(m()).item()).toBe(1);
    expect(T.max(m(), 0).toArray()).toEqual([4, 5, 9]);
    expect(T.min(m(), 1).toArray()).toEqual([1, 4]);
    expect(T.max(m(), -1, { keepdims: true }).toArray()).toEqual([[3], [9]]);
    expect(T.argmax(m()).item()).toBe(5);
    expect(T.argmax(m(), 0).toArray()).toEqual([1, 1, 1]);
    expect(T.argmax(m(), -1).toArray()).toEqual([2, 2]);
    expect(T.argmax(m(), 1, { keepdims: true }).toArray()).toEqual([[2], [2]]);
    // The first of equal maxima wins (NumPy).
    expect(T.argmax(T.tensor([3, 7, 7, 1])).item()).toBe(1);
  });

  it('var: unbiased by default (PyTorch), biased with correction 0 (NumPy)', () => {
    // Row 0: mean 2, squared deviations 1+0+1 = 2 → 2/2 = 1 (unbiased), 2/3 (biased).
    // Row 1: mean 6, squared deviations 4+1+9 = 14 → 7, 14/3.
    expectClose(T.var(m('float64'), 1), [1, 7], 1e-15);
    expectClose(T.variance(m('float64'), 1, { correction: 0 }), [2 / 3, 14 / 3], 1e-15);
    // All six: mean 4, squared deviations 9+4+1+0+1+25 = 40 → 8.
    expect(T.var(m('float64')).item()).toBe(8);
    expect(T.var(m('float64'), 0, { keepdims: true }).toArray()).toEqual([[4.5, 4.5, 18]]);
    // One element with correction 1: 0/0 → NaN, as PyTorch.
    expect(T.var(T.tensor([5])).item()).toBeNaN();
  });

  it('NaN propagates through max/min/sum; argmax points at the first NaN', () => {
    const x = T.tensor([1, NaN, 3, NaN], undefined, 'float64');
    expect(T.max(x).item()).toBeNaN();
    expect(T.min(x).item()).toBeNaN();
    expect(T.sum(x).item()).toBeNaN();
    expect(T.argmax(x).item()).toBe(1);
    expect(T.max(T.tensor([NaN, 1])).item()).toBeNaN();
  });
});

describe('dtypes, size-1 and size-0 dims, views', () => {
  it('float32 sums accumulate in double, then round once', () => {
    // 1e8 + 1 + 1 + … in float32 would stay 1e8; accumulated in double it reaches 1e8 + 16.
    const x = T.tensor([1e8, ...Array(16).fill(1)]);
    expect(T.sum(x).item()).toBe(Math.fround(1e8 + 16));
    expect(T.sum(x.reshape(17, 1), 0).item()).toBe(Math.fround(1e8 + 16));
    expect(T.sum(x).dtype).toBe('float32');
    expect(T.sum(x.astype('float64')).dtype).toBe('float64');
  });

  it('reducing a size-1 dim is a squeeze (or a no-op with keepdims)', () => {
    const x = T.tensor([[[1, 2, 3]]]); // [1, 1, 3]
    expect(T.sum(x, 0).toArray()).toEqual([[1, 2, 3]]);
    expect(T.max(x, 1).toArray()).toEqual([[1, 2, 3]]);
    expect(T.mean(x, [0, 1], { keepdims: true }).toArray()).toEqual([[[1, 2, 3]]]);
    expect(T.var(x, 0, { correction: 0 }).toArray()).toEqual([[0, 0, 0]]);
  });

  it('size-0 dims: sum gives 0, mean NaN, max/min/argmax refuse', () => {
    const e = T.zeros([0, 3]);
    expect(T.sum(e).item()).toBe(0);
    expect(T.sum(e, 0).toArray()).toEqual([0, 0, 0]);
    expect(T.sum(e, 0, { keepdims: true }).shape).toEqual([1, 3]);
    expect(T.sum(e, 1).shape).toEqual([0]);
    expect(T.sum(e, 1, { keepdims: true }).shape).toEqual([0, 1]);
    expect(valuesOf(T.mean(e, 0)).every(Number.isNaN)).toBe(true);
    expect(T.mean(e, 1).shape).toEqual([0]);
    expect(T.max(e, 1).shape).toEqual([0]);
    expect(() => T.max(e, 0)).toThrowError('max: cannot reduce an empty dimension (shape [0,3])');
    expect(() => T.min(e)).toThrowError('min: cannot reduce an empty dimension (shape [0,3])');
    expect(() => T.argmax(e)).toThrowError('argmax: cannot reduce an empty dimension (shape [0,3])');
  });

  it('0-d tensors reduce to themselves', () => {
    expect(T.sum(T.scalar(4)).item()).toBe(4);
    expect(T.max(T.scalar(-4)).item()).toBe(-4);
    expect(T.sum(T.scalar(4), []).item()).toBe(4);
  });

  it('views (transposed, sliced, broadcast) reduce by their logical layout', () => {
    const t = m().T; // [[1, 4], [2, 5], [3, 9]]
    expect(T.sum(t, 0).toArray()).toEqual([6, 18]);
    expect(T.sum(t, 1).toArray()).toEqual([5, 7, 12]);
    expect(T.max(t, 0).toArray()).toEqual([3, 9]);
    expect(T.argmax(t, 0).toArray()).toEqual([2, 2]);
    const s = T.arange(12).reshape(3, 4).slice(0, 1); // rows 1..2, offset 4
    expect(T.sum(s, 0).toArray()).toEqual([12, 14, 16, 18]);
    expect(T.sum(T.arange(3).broadcastTo([4, 3]), 0).toArray()).toEqual([0, 4, 8]);
  });
});

describe('every axis subset of a [2,3,4,5] tensor against a loop', () => {
  const shape = [2, 3, 4, 5];
  const x = grid(shape, 'float64', 7);
  const xt = grid([5, 4, 3, 2], 'float64', 8).permute(3, 2, 1, 0); // same shape, not contiguous

  /** Reference: group the elements by their kept indices with an explicit loop. */
  function refReduce(t: T.Tensor, axes: number[], f: (vals: number[]) => number): { shape: number[]; values: number[] } {
    const kept = t.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const outShape = kept.map((i) => t.shape[i]!);
    const groups = new Map<string, number[]>();
    for (const idx of indices(t.shape)) {
      const key = kept.map((i) => idx[i]).join(',');
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(t.get(...idx));
    }
    return { shape: outShape, values: [...indices(outShape)].map((o) => f(groups.get(o.join(','))!)) };
  }
  const reducers: [string, (t: T.Tensor, ax: number[], o: T.ReduceOptions) => T.Tensor, (v: number[]) => number][] = [
    ['sum', T.sum, (v) => v.reduce((s, y) => s + y, 0)],
    ['mean', T.mean, (v) => v.reduce((s, y) => s + y, 0) / v.length],
    ['max', T.max, (v) => Math.max(...v)],
    ['min', T.min, (v) => Math.min(...v)],
    ['var', T.var, (v) => { const mu = v.reduce((s, y) => s + y, 0) / v.length; return v.reduce((s, y) => s + (y - mu) ** 2, 0) / (v.length - 1); }],
  ];

  for (const [name, op, f] of reducers) {
    it(name, () => {
      for (const input of [x, xt]) {
        for (let mask = 1; mask < 16; mask++) {
          const axes = [0, 1, 2, 3].filter((a) => mask & (1 << a));
          // Pass the axes as negative numbers half of the time.
          const given = mask % 2 ? axes : axes.map((a) => a - 4);
          const want = refReduce(input, axes, f);
          const got = op(input, given, {});
          expect(got.shape, `${name} axes ${given}`).toEqual(want.shape);
          expectClose(got, want.values, 1e-12, 1e-12);
          const kept = op(input, given, { keepdims: true });
          expect(kept.shape).toEqual(shape.map((d, i) => (axes.includes(i) ? 1 : d)));
          expectClose(kept, want.values, 1e-12, 1e-12);
        }
      }
    });
  }

  it('argmax along each axis', () => {
    for (let a = 0; a < 4; a++) {
      const want = refReduce(x, [a], (v) => v.indexOf(Math.max(...v)));
      expect(valuesOf(T.argmax(x, a - 4))).toEqual(want.values);
    }
  });
});
