// Views: reshape / transpose / permute / slice / squeeze / unsqueeze / broadcastTo share
// storage; contiguous() copies only when it must; toString formatting.
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { valuesOf } from './helpers.ts';

const a23 = () => T.tensor([[1, 2, 3], [4, 5, 6]]);

describe('views share storage', () => {
  it('reshape of contiguous data is a view; -1 is inferred', () => {
    const a = a23();
    const r = a.reshape(3, 2);
    expect(r.data).toBe(a.data);
    expect(r.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    r.set(50, 2, 0);
    expect(a.get(1, 1)).toBe(50);
    expect(a.reshape([-1]).shape).toEqual([6]);
    expect(a.reshape(-1, 3).shape).toEqual([2, 3]);
    expect(a.reshape(1, 2, 1, 3).shape).toEqual([1, 2, 1, 3]);
    expect(a.view(6).data).toBe(a.data);
    expect(T.scalar(3).reshape(1, 1).toArray()).toEqual([[3]]);
    expect(T.zeros([0, 4]).reshape(2, 0, 2).shape).toEqual([2, 0, 2]);
    expect(T.zeros([0, 4]).reshape(-1, 2).shape).toEqual([0, 2]);
  });

  it('reshape of non-contiguous data copies (documented), with the right values', () => {
    const t = a23().T; // [3, 2]: [[1, 4], [2, 5], [3, 6]]
    const r = t.reshape(6);
    expect(r.data).not.toBe(t.data);
    expect(r.toArray()).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('transpose / T / permute reorder strides without copying', () => {
    const a = a23();
    const t = a.T;
    expect(t.data).toBe(a.data);
    expect(t.shape).toEqual([3, 2]);
    expect(t.stride).toEqual([1, 3]);
    expect(t.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(a.transpose().toArray()).toEqual(t.toArray());
    t.set(-1, 2, 1);
    expect(a.get(1, 2)).toBe(-1);

    const x = T.arange(24).reshape(2, 3, 4);
    const p = x.permute(2, 0, 1);
    expect(p.data).toBe(x.data);
    expect(p.shape).toEqual([4, 2, 3]);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) expect(p.get(i, j, k)).toBe(x.get(j, k, i));
    expect(x.permute([-1, -3, -2]).shape).toEqual([4, 2, 3]);
    expect(x.transpose(0, -1).shape).toEqual([4, 3, 2]);
    expect(x.transpose(0, 2).get(3, 1, 0)).toBe(x.get(0, 1, 3));
    // A 1-D transpose is the tensor itself (as torch's .T on 1-D).
    const v = T.arange(3);
    expect(v.transpose()).toBe(v);
  });

  it('slice along an axis: start, end, step, negative and clamped bounds', () => {
    const x = T.arange(10);
    const s = x.slice(0, 2, 7, 2);
    expect(s.data).toBe(x.data);
    expect(s.toArray()).toEqual([2, 4, 6]);
    expect(x.slice(0, -3).toArray()).toEqual([7, 8, 9]);
    expect(x.slice(-1, 1, -7).toArray()).toEqual([1, 2]);
    expect(x.slice(0, 8, 100).toArray()).toEqual([8, 9]);
    expect(x.slice(0, 5, 2).shape).toEqual([0]);
    const m = T.arange(12).reshape(3, 4);
    const cols = m.slice(1, 1, 3);
    expect(cols.toArray()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(cols.offset).toBe(1);
    cols.set(100, 2, 1);
    expect(m.get(2, 2)).toBe(100);
    expect(m.slice(0, 1, 2).toArray()).toEqual([[4, 5, 6, 7]]);
    // Slices of slices compose.
    expect(m.slice(0, 1).slice(1, 1, 4, 2).toArray()).toEqual([[5, 7], [9, 11]]);
  });

  it('squeeze, unsqueeze and broadcastTo are views', () => {
    const x = T.arange(6).reshape(1, 2, 1, 3);
    expect(x.squeeze().shape).toEqual([2, 3]);
    expect(x.squeeze(0).shape).toEqual([2, 1, 3]);
    expect(x.squeeze(-2).shape).toEqual([1, 2, 3]);
    expect(x.squeeze(1).shape).toEqual([1, 2, 1, 3]); // not size 1: unchanged
    const v = T.arange(3);
    expect(v.unsqueeze(0).shape).toEqual([1, 3]);
    expect(v.unsqueeze(-1).shape).toEqual([3, 1]);
    expect(v.unsqueeze(-1).toArray()).toEqual([[0], [1], [2]]);
    expect(v.unsqueeze(1).data).toBe(v.data);
    const b = v.broadcastTo([2, 3]);
    expect(b.data).toBe(v.data);
    expect(b.stride).toEqual([0, 1]);
    expect(b.toArray()).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(T.scalar(5).broadcastTo([2]).toArray()).toEqual([5, 5]);
    expect(T.zeros([1, 3]).broadcastTo([0, 3]).shape).toEqual([0, 3]);
  });
});

describe('contiguous()', () => {
  it('returns the same tensor when contiguous, a compact copy otherwise', () => {
    const a = a23();
    expect(a.isContiguous()).toBe(true);
    expect(a.contiguous()).toBe(a);
    // A row slice is contiguous (offset, no gaps); a column slice is not.
    expect(a.slice(0, 1, 2).isContiguous()).toBe(true);
    expect(a.slice(1, 0, 2).isContiguous()).toBe(false);
    const t = a.T;
    expect(t.isContiguous()).toBe(false);
    const c = t.contiguous();
    expect(c).not.toBe(t);
    expect(c.isContiguous()).toBe(true);
    expect(c.stride).toEqual([2, 1]);
    expect(c.offset).toBe(0);
    expect(valuesOf(c)).toEqual([1, 4, 2, 5, 3, 6]);
    c.set(0, 0, 0);
    expect(a.get(0, 0)).toBe(1);
  });

  it('toFlat() gives exactly the view\'s elements', () => {
    const m = T.arange(12).reshape(3, 4);
    expect(Array.from(m.slice(0, 1, 3).toFlat())).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(m.slice(1, 3).toFlat())).toEqual([3, 7, 11]);
    expect(Array.from(T.arange(3).broadcastTo([2, 3]).toFlat())).toEqual([0, 1, 2, 0, 1, 2]);
  });
});

describe('toString', () => {
  it('formats like NumPy: trailing dots for integers, rows on lines', () => {
    expect(String(T.tensor([[1, 2.5], [3, 4]]))).toBe('tensor([[1., 2.5],\n        [3., 4.]])');
    expect(String(T.scalar(3.5, 'float64'))).toBe('tensor(3.5, dtype=float64)');
    expect(String(T.tensor([-0.25, 1e-7, 2e7, NaN, Infinity, -Infinity]))).toBe('tensor([-0.25, 1.0000e-7, 20000000., nan, inf, -inf])');
    expect(String(T.tensor([1 / 3]))).toBe('tensor([0.3333])');
    expect(String(T.tensor([1 / 3], undefined, 'float64'))).toBe('tensor([0.33333333], dtype=float64)');
    // Rounds to an integer at the printed precision: keeps the float's dot.
    expect(String(T.tensor([1.00001]))).toBe('tensor([1.])');
    expect(String(T.zeros([2, 0]))).toBe('tensor([], shape=[2,0])');
  });

  it('separates blocks of a 3-D tensor by a blank line', () => {
    expect(String(T.arange(8).reshape(2, 2, 2))).toBe(
      'tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])',
    );
  });

  it('prints views by their logical order', () => {
    expect(String(a23().T)).toBe('tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])');
  });

  it('truncates tensors of more than 1000 elements to 3 at each edge', () => {
    expect(String(T.arange(1000))).not.toContain('...');
    expect(String(T.arange(2000))).toBe('tensor([0., 1., 2., ..., 1997., 1998., 1999.], shape=[2000])');
    const s = String(T.arange(1600).reshape(40, 40));
    const lines = s.split('\n');
    expect(lines).toEqual([
      'tensor([[0., 1., 2., ..., 37., 38., 39.],',
      '        [40., 41., 42., ..., 77., 78., 79.],',
      '        [80., 81., 82., ..., 117., 118., 119.],',
      '        ...,',
      '        [1480., 1481., 1482., ..., 1517., 1518., 1519.],',
      '        [1520., 1521., 1522., ..., 1557., 1558., 1559.],',
      '        [1560., 1561., 1562., ..., 1597., 1598., 1599.]], shape=[40,40])',
    ]);
    // Short axes of a large tensor are not elided.
    expect(String(T.zeros([2, 600]))).toMatch(/^tensor\(\[\[0\., 0\., 0\., \.\.\., 0\., 0\., 0\.\],\n {8}\[0\., 0\., 0\., \.\.\., 0\., 0\., 0\.\]\], shape=\[2,600\]\)$/);
  });
});
