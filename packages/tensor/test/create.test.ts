// Creation, reading back (toArray / toFlat / item / get), dtypes and copies.
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { f32, valuesOf } from './helpers.ts';

describe('tensor()', () => {
  it('reads nested arrays with their shape, float32 by default', () => {
    const t = T.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(t.dtype).toBe('float32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.stride).toEqual([3, 1]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(Array.from(t.toFlat())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rounds to float32 but keeps float64 exactly', () => {
    expect(Array.from(T.tensor([0.1, 1 / 3]).toFlat())).toEqual(f32([0.1, 1 / 3]));
    expect(Array.from(T.tensor([0.1, 1 / 3], undefined, 'float64').toFlat())).toEqual([0.1, 1 / 3]);
  });

  it('takes a number as a 0-d tensor and a flat array with a shape', () => {
    const s = T.tensor(2.5);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(2.5);
    expect(s.toArray()).toBe(2.5);
    expect(T.tensor([1, 2, 3, 4, 5, 6], [3, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('uses a typed array as storage without copying when the dtype matches', () => {
    const data = new Float64Array([1, 2, 3, 4]);
    const t = T.tensor(data, [2, 2]);
    expect(t.dtype).toBe('float64');
    expect(t.data).toBe(data);
    data[3] = 40;
    expect(t.get(1, 1)).toBe(40);
    // A different dtype copies.
    const c = T.tensor(data, [4], 'float32');
    expect(c.data).not.toBe(data);
    expect(c.dtype).toBe('float32');
    expect(Array.from(c.toFlat())).toEqual([1, 2, 3, 40]);
  });

  it('handles size-0 dimensions', () => {
    expect(T.tensor([]).shape).toEqual([0]);
    const e = T.tensor([[], []]);
    expect(e.shape).toEqual([2, 0]);
    expect(e.size).toBe(0);
    expect(e.toArray()).toEqual([[], []]);
    expect(T.zeros([0, 3]).toArray()).toEqual([]);
    expect(T.zeros([2, 0, 3]).toArray()).toEqual([[], []]);
  });

  it('scalar(), item() and get()/set() with negative indices', () => {
    expect(T.scalar(7, 'float64').item()).toBe(7);
    expect(T.scalar(7).shape).toEqual([]);
    expect(T.tensor([[5]]).item()).toBe(5);
    const t = T.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.get(1, -1)).toBe(6);
    expect(t.get(-2, 0)).toBe(1);
    t.set(9, -1, -2);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 9, 6]]);
  });
});

describe('filled constructors', () => {
  it('zeros, ones, full and their like-variants', () => {
    expect(T.zeros([2, 2]).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(T.ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(T.full([2], 2.5, 'float64').toArray()).toEqual([2.5, 2.5]);
    expect(T.full([], 4).item()).toBe(4);
    const ref = T.zeros([2, 3], 'float64');
    for (const [t, v] of [[T.zerosLike(ref), 0], [T.onesLike(ref), 1], [T.fullLike(ref, -3), -3]] as const) {
      expect(t.shape).toEqual([2, 3]);
      expect(t.dtype).toBe('float64');
      expect(valuesOf(t)).toEqual(Array(6).fill(v));
    }
  });

  it('arange, linspace, eye', () => {
    expect(T.arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(T.arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(T.arange(1, 2, 0.25, 'float64').toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(T.arange(5, 1, -2).toArray()).toEqual([5, 3]);
    expect(T.arange(3, 3).shape).toEqual([0]);
    expect(T.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(T.linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(T.linspace(2, 3, 0).shape).toEqual([0]);
    expect(T.eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(T.eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });
});

describe('copies and dtype conversion', () => {
  it('clone() and astype() have their own storage', () => {
    const a = T.tensor([1.5, 2.5], undefined, 'float64');
    const c = a.clone();
    c.set(0, 0);
    expect(a.get(0)).toBe(1.5);
    const b = a.astype('float32');
    expect(b.dtype).toBe('float32');
    expect(b.toArray()).toEqual([1.5, 2.5]);
    const same = a.astype('float64');
    expect(same.data).not.toBe(a.data);
  });

  it('concat and stack copy, along positive and negative axes', () => {
    const a = T.tensor([[1, 2], [3, 4]]);
    const b = T.tensor([[5, 6]]);
    const c = T.concat([a, b], 0);
    expect(c.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    c.set(0, 0, 0);
    expect(a.get(0, 0)).toBe(1);
    expect(T.concat([a, T.tensor([[7], [8]])], -1).toArray()).toEqual([[1, 2, 7], [3, 4, 8]]);
    expect(T.concat([a, T.zeros([0, 2])]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(T.stack([T.tensor([1, 2]), T.tensor([3, 4])]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(T.stack([T.tensor([1, 2]), T.tensor([3, 4])], -1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(T.stack([T.scalar(1), T.scalar(2)]).toArray()).toEqual([1, 2]);
  });

  it('assignInto writes a broadcast source into a view', () => {
    const dst = T.zeros([2, 3]);
    T.assignInto(dst.slice(1, 1, 3), T.tensor([7, 8]));
    expect(dst.toArray()).toEqual([[0, 7, 8], [0, 7, 8]]);
  });
});
