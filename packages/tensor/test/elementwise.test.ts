// Element-wise ops: hand-computed values, NumPy broadcasting over every pair of ranks 0..4
// (against an explicit index loop), scalar forms, dtypes, size-0 dims and in-place forms.
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { expectClose, f32, grid, refBinary, valuesOf } from './helpers.ts';

const f64 = (v: number[] | number[][]) => T.tensor(v, undefined, 'float64');

describe('unary ops against hand-computed values (float64)', () => {
  // Values from a table of constants (rtol 1e-12), not recomputed with the same Math call.
  const cases: [string, (t: T.Tensor) => T.Tensor, number[], number[]][] = [
    ['neg', T.neg, [-2, -0.5, 0.5, 2], [2, 0.5, -0.5, -2]],
    ['exp', T.exp, [-2, -0.5, 0, 0.5, 2], [0.1353352832366127, 0.6065306597126334, 1, 1.6487212707001282, 7.38905609893065]],
    ['log', T.log, [0.5, 1, 2, Math.E, 0, -1], [-0.6931471805599453, 0, 0.6931471805599453, 1, -Infinity, NaN]],
    ['log1p', T.log1p, [1e-10, 1, -1, Math.E - 1], [9.9999999995e-11, 0.6931471805599453, -Infinity, 1]],
    ['expm1', T.expm1, [1e-10, 1, 0], [1.00000000005e-10, 1.718281828459045, 0]],
    ['sqrt', T.sqrt, [0, 1, 4, 2, -1], [0, 1, 2, 1.4142135623730951, NaN]],
    ['abs', T.abs, [-2, -0.5, 0.5, 2], [2, 0.5, 0.5, 2]],
    ['tanh', T.tanh, [-1, 0, 0.5, 20], [-0.7615941559557649, 0, 0.46211715726000974, 1]],
    // Sigmoid must not overflow for large |x|.
    ['sigmoid', T.sigmoid, [-1000, -1, 0, 1, 1000], [0, 0.2689414213699951, 0.5, 0.7310585786300049, 1]],
    ['softplus', T.softplus, [-1000, -1, 0, 1, 1000], [0, 0.31326168751822286, 0.6931471805599453, 1.3132616875182228, 1000]],
    ['relu', T.relu, [-2, 0, 3, NaN], [0, 0, 3, NaN]],
    ['leakyRelu', (t) => T.leakyRelu(t, 0.2), [-2, 3, 0], [-0.4, 3, 0]],
    ['leakyRelu default slope', (t) => T.leakyRelu(t), [-2], [-0.02]],
    ['sign', T.sign, [-3, 0, 2], [-1, 0, 1]],
    ['isfinite', T.isfinite, [1, NaN, Infinity, -Infinity], [1, 0, 0, 0]],
  ];
  for (const [name, f, x, want] of cases) {
    it(name, () => {
      const out = f(f64(x));
      expect(out.dtype).toBe('float64');
      expect(out.shape).toEqual([x.length]);
      expectClose(out, want, 1e-12, 1e-300);
    });
  }

  it('map applies a function with the flat index', () => {
    expect(T.map(T.tensor([[1, 2], [3, 4]]), (v, i) => 10 * v + i).toArray()).toEqual([[10, 21], [32, 43]]);
  });

  it('unary ops read views in logical order and keep the shape', () => {
    const t = T.tensor([[1, 4], [9, 16]]).T; // [[1, 9], [4, 16]]
    expect(T.sqrt(t).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(T.tanh(T.zeros([2, 0])).shape).toEqual([2, 0]);
    expect(T.exp(T.zeros([0])).shape).toEqual([0]);
    expect(T.relu(T.scalar(-1)).item()).toBe(0);
  });

  it('float32 results are the float32 rounding of the exact value', () => {
    const x = T.tensor([0.1, 2, 3]);
    const e = T.exp(x);
    expect(e.dtype).toBe('float32');
    expect(valuesOf(e)).toEqual(f32([Math.exp(Math.fround(0.1)), Math.exp(2), Math.exp(3)]));
    expect(valuesOf(T.sigmoid(x))).toEqual(f32([1 / (1 + Math.exp(-Math.fround(0.1))), 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(-3))]));
  });
});

describe('binary ops against hand-computed values', () => {
  const a = () => f64([[1, -2, 3], [4, 5, -6]]);
  const b = () => f64([2, 4, -0.5]);
  it('add sub mul div pow with broadcasting [2,3] ∘ [3]', () => {
    expect(T.add(a(), b()).toArray()).toEqual([[3, 2, 2.5], [6, 9, -6.5]]);
    expect(T.sub(a(), b()).toArray()).toEqual([[-1, -6, 3.5], [2, 1, -5.5]]);
    expect(T.mul(a(), b()).toArray()).toEqual([[2, -8, -1.5], [8, 20, 3]]);
    expect(T.div(a(), b()).toArray()).toEqual([[0.5, -0.5, -6], [2, 1.25, 12]]);
    expect(T.pow(f64([2, 3, 4]), f64([3, 0.5, -1])).toArray()).toEqual([8, 1.7320508075688772, 0.25]);
  });

  it('maximum / minimum, NaN propagates', () => {
    expect(T.maximum(f64([1, 5, NaN]), f64([3, 2, 0])).toArray()).toEqual([3, 5, NaN]);
    expect(T.minimum(f64([1, 5, NaN]), f64([3, 2, 0])).toArray()).toEqual([1, 2, NaN]);
  });

  it('division by zero gives ±inf and NaN as IEEE 754', () => {
    expect(T.div(f64([1, -1, 0]), 0).toArray()).toEqual([Infinity, -Infinity, NaN]);
  });

  it('scalar forms on both sides', () => {
    const x = f64([1, 2, 4]);
    expect(T.add(x, 1).toArray()).toEqual([2, 3, 5]);
    expect(T.add(1, x).toArray()).toEqual([2, 3, 5]);
    expect(T.sub(x, 1).toArray()).toEqual([0, 1, 3]);
    expect(T.sub(10, x).toArray()).toEqual([9, 8, 6]);
    expect(T.mul(x, 3).toArray()).toEqual([3, 6, 12]);
    expect(T.mul(3, x).toArray()).toEqual([3, 6, 12]);
    expect(T.div(x, 2).toArray()).toEqual([0.5, 1, 2]);
    expect(T.div(8, x).toArray()).toEqual([8, 4, 2]);
    expect(T.pow(x, 2).toArray()).toEqual([1, 4, 16]);
    expect(T.pow(2, x).toArray()).toEqual([2, 4, 16]);
    expect(T.maximum(x, 2).toArray()).toEqual([2, 2, 4]);
    expect(T.maximum(2, x).toArray()).toEqual([2, 2, 4]);
    expect(T.minimum(x, 2).toArray()).toEqual([1, 2, 2]);
    expect(T.minimum(2, x).toArray()).toEqual([1, 2, 2]);
  });

  it('a scalar takes a float32 tensor\'s dtype first, as in PyTorch (values from torch 1.13)', () => {
    // torch.tensor([x], dtype=torch.float32) ∘ 0.1: the 0.1 is the float32 0.1, so these differ in
    // the last bit from rounding the double result x ∘ 0.1 (which gives the second number).
    const cases: [string, (a: T.Operand, b: T.Operand) => T.Tensor, number, number, number][] = [
      ['add', T.add, -0.07204367965459824, 0.027956321835517883, 0.027956319972872734],
      ['mul', T.mul, 0.3304370641708374, 0.03304370865225792, 0.03304370492696762],
      ['sub', T.sub, 0.10901408642530441, 0.009014084935188293, 0.009014086797833443],
      ['div', T.div, 1.2999999523162842, 12.999999046325684, 13],
    ];
    for (const [name, f, x, torch, doubleScalar] of cases) {
      const got = f(T.tensor([x], [1], 'float32'), 0.1).item();
      expect(got, name).toBe(torch);
      expect(got, name).not.toBe(doubleScalar);
    }
    // float64 tensors keep the double scalar.
    expect(T.add(T.tensor([-0.07204367965459824], [1], 'float64'), 0.1).item()).toBe(-0.07204367965459824 + 0.1);
  });

  it('comparisons give 1 and 0, tensor–tensor and both scalar sides', () => {
    const x = f64([1, 2, 3]);
    const y = f64([3, 2, 1]);
    const table: [string, (p: T.Operand, q: T.Operand) => T.Tensor, number[], number[], number[]][] = [
      // name, op, op(x, y), op(x, 2), op(2, x)
      ['lt', T.lt, [1, 0, 0], [1, 0, 0], [0, 0, 1]],
      ['le', T.le, [1, 1, 0], [1, 1, 0], [0, 1, 1]],
      ['gt', T.gt, [0, 0, 1], [0, 0, 1], [1, 0, 0]],
      ['ge', T.ge, [0, 1, 1], [0, 1, 1], [1, 1, 0]],
      ['eq', T.eq, [0, 1, 0], [0, 1, 0], [0, 1, 0]],
      ['ne', T.ne, [1, 0, 1], [1, 0, 1], [1, 0, 1]],
    ];
    for (const [name, op, xy, xs, sx] of table) {
      expect(op(x, y).toArray(), `${name}(x, y)`).toEqual(xy);
      expect(op(x, 2).toArray(), `${name}(x, 2)`).toEqual(xs);
      expect(op(2, x).toArray(), `${name}(2, x)`).toEqual(sx);
    }
    // NaN compares false except for ≠.
    expect(T.eq(f64([NaN]), f64([NaN])).item()).toBe(0);
    expect(T.ne(f64([NaN]), f64([NaN])).item()).toBe(1);
    expect(T.lt(T.tensor([[1], [5]]), T.tensor([2, 4, 6])).toArray()).toEqual([[1, 1, 1], [0, 0, 1]]);
  });

  it('clamp with both, one or no bound', () => {
    const x = f64([-2, 0.5, 3]);
    expect(T.clamp(x, 0, 1).toArray()).toEqual([0, 0.5, 1]);
    expect(T.clamp(x, null, 1).toArray()).toEqual([-2, 0.5, 1]);
    expect(T.clamp(x, 0).toArray()).toEqual([0, 0.5, 3]);
    const same = T.clamp(x, null);
    expect(same.toArray()).toEqual([-2, 0.5, 3]);
    expect(same.data).not.toBe(x.data);
  });

  it('where picks by condition, with broadcasting and scalars', () => {
    const c = f64([1, 0, 2]);
    expect(T.where(c, f64([1, 2, 3]), f64([-1, -2, -3])).toArray()).toEqual([1, -2, 3]);
    expect(T.where(c, 9, f64([-1, -2, -3])).toArray()).toEqual([9, -2, 9]);
    expect(T.where(T.tensor([[1], [0]]), T.tensor([1, 2, 3]), 0).toArray()).toEqual([[1, 2, 3], [0, 0, 0]]);
    // A float64 condition too small for float32 is still true.
    expect(T.where(f64([1e-50]), T.tensor([1]), T.tensor([2])).toArray()).toEqual([1]);
  });

  it('result dtype: float32 ∘ float32 and float32 ∘ number stay float32; any float64 gives float64', () => {
    const x32 = T.tensor([0.1, 0.2]);
    const s = T.add(x32, T.tensor([0.2, 0.3]));
    expect(s.dtype).toBe('float32');
    expect(valuesOf(s)).toEqual([Math.fround(Math.fround(0.1) + Math.fround(0.2)), Math.fround(Math.fround(0.2) + Math.fround(0.3))]);
    expect(T.mul(x32, 3).dtype).toBe('float32');
    expect(T.add(x32, f64([0, 0])).dtype).toBe('float64');
    expect(T.add(f64([0.1]), f64([0.2])).item()).toBe(0.1 + 0.2);
  });

  it('allFinite and firstNonFinite', () => {
    expect(T.allFinite(T.tensor([1, 2]))).toBe(true);
    expect(T.allFinite(T.tensor([1, NaN]))).toBe(false);
    expect(T.firstNonFinite(T.tensor([[1, 2], [Infinity, NaN]]))).toEqual({ index: [1, 0], value: Infinity });
    expect(T.firstNonFinite(T.zeros([3]))).toBeNull();
    expect(T.unravelIndex(7, [2, 3, 4])).toEqual([0, 1, 3]);
  });
});

describe('broadcasting, every rank pair 0..4 against an explicit index loop', () => {
  // Each operand takes the trailing dims of [2, 3, 4, 5] with any subset of them set to 1, so
  // every rank pair and every placement of size-1 dims is covered (31 × 31 shape pairs).
  const base = [2, 3, 4, 5];
  const shapes: number[][] = [];
  for (let r = 0; r <= 4; r++) {
    const dims = base.slice(4 - r);
    for (let mask = 0; mask < 1 << r; mask++) shapes.push(dims.map((d, i) => (mask & (1 << i) ? 1 : d)));
  }

  it('sub (order matters) in float64 matches exactly', () => {
    let seed = 0;
    for (const sa of shapes) {
      for (const sb of shapes) {
        const a = grid(sa, 'float64', ++seed);
        const b = grid(sb, 'float64', ++seed);
        const want = refBinary(a, b, (x, y) => x - y);
        const got = T.sub(a, b);
        expect(got.shape, `${T.fmtShape(sa)} - ${T.fmtShape(sb)}`).toEqual(want.shape);
        expect(valuesOf(got), `${T.fmtShape(sa)} - ${T.fmtShape(sb)}`).toEqual(want.values);
      }
    }
    expect(shapes.length).toBe(31);
  });

  it('mul, div, maximum, ge in float32 for one shape per rank pair', () => {
    // One representative per rank (the one with a 1 in the first kept dim when possible).
    const perRank = [0, 1, 2, 3, 4].map((r) => shapes.find((s) => s.length === r && (r < 2 || s[0] === 1))!);
    const ops: [string, (a: T.Tensor, b: T.Tensor) => T.Tensor, (x: number, y: number) => number][] = [
      ['mul', T.mul, (x, y) => x * y],
      ['div', T.div, (x, y) => x / y],
      ['maximum', T.maximum, (x, y) => Math.max(x, y)],
      ['ge', T.ge, (x, y) => (x >= y ? 1 : 0)],
    ];
    for (const sa of perRank) {
      for (const sb of perRank) {
        const a = grid(sa, 'float32', 3);
        const b = T.add(grid(sb, 'float32', 4), 0.0625); // never 0: no 0/0
        for (const [name, op, f] of ops) {
          const got = op(a, b);
          expect(got.dtype).toBe('float32');
          expect(valuesOf(got), `${name} ${T.fmtShape(sa)} ${T.fmtShape(sb)}`).toEqual(f32(refBinary(a, b, f).values));
        }
      }
    }
  });

  it('non-contiguous operands (transposed, sliced, stride 0) broadcast like contiguous ones', () => {
    const a = grid([4, 3, 2]).permute(2, 0, 1); // [2, 4, 3], strides [1, 6, 2]
    const b = grid([3, 6]).slice(1, 0, 6, 2).T; // [3, 3], strides [2, 6]
    const c = grid([3]).broadcastTo([4, 3]); // stride 0 rows
    for (const [x, y] of [[a, c], [c, a], [a, b.slice(0, 0, 1)], [b, c.slice(0, 1, 4)]] as const) {
      expect(valuesOf(T.add(x, y))).toEqual(refBinary(x, y, (p, q) => p + q).values);
    }
  });

  it('size-0 dims broadcast to size-0 results', () => {
    expect(T.add(T.zeros([0, 3]), T.ones([3])).shape).toEqual([0, 3]);
    expect(T.add(T.zeros([2, 0]), T.ones([2, 1])).shape).toEqual([2, 0]);
    expect(T.mul(T.zeros([0]), T.ones([1])).shape).toEqual([0]);
    expect(T.add(T.zeros([1, 0]), T.ones([4, 1])).shape).toEqual([4, 0]);
    expect(T.add(T.zeros([0]), 5).shape).toEqual([0]);
    expect(T.broadcastShapes('add', [3, 1, 5], [4, 1])).toEqual([3, 4, 5]);
  });
});

describe('in-place forms (output first)', () => {
  it('add_(a, a, b) is a += b with b broadcast; the storage is a\'s', () => {
    const a = T.tensor([[1, 2, 3], [4, 5, 6]]);
    const data = a.data;
    const r = T.add_(a, a, T.tensor([10, 20, 30]));
    expect(r).toBe(a);
    expect(a.data).toBe(data);
    expect(a.toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    T.sub_(a, a, 1);
    expect(a.toArray()).toEqual([[10, 21, 32], [13, 24, 35]]);
    T.mul_(a, a, T.tensor([[2], [0]]));
    expect(a.toArray()).toEqual([[20, 42, 64], [0, 0, 0]]);
    T.div_(a, a, 2);
    expect(a.toArray()).toEqual([[10, 21, 32], [0, 0, 0]]);
    T.sub_(a, 100, a);
    expect(a.toArray()).toEqual([[90, 79, 68], [100, 100, 100]]);
  });

  it('writes into a view only, and into an out that broadcasting fills', () => {
    const m = T.zeros([3, 3]);
    T.add_(m.slice(1, 1, 2), T.tensor([[1], [2], [3]]), 0.5);
    expect(m.toArray()).toEqual([[0, 1.5, 0], [0, 2.5, 0], [0, 3.5, 0]]);
    const out = T.zeros([2, 3], 'float64');
    T.mul_(out, T.tensor([1, 2, 3]), T.tensor([[1], [-1]]));
    expect(out.toArray()).toEqual([[1, 2, 3], [-1, -2, -3]]);
  });

  it('fill_ and copy_', () => {
    const t = T.zeros([2, 2]);
    T.fill_(t, 3);
    expect(t.toArray()).toEqual([[3, 3], [3, 3]]);
    T.copy_(t, T.tensor([1, 2]));
    expect(t.toArray()).toEqual([[1, 2], [1, 2]]);
    T.copy_(t.T, T.tensor([[5, 6], [7, 8]]));
    expect(t.toArray()).toEqual([[5, 7], [6, 8]]);
    expect(T.fill_(T.zeros([0]), 1).shape).toEqual([0]);
  });
});
