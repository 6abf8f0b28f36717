import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';
import { gradTest } from './helpers.ts';

const t64 = (v: T.NestedArray) => T.tensor(v, undefined, 'float64');

// Each op: gradcheck over random float64 inputs, several shapes, broadcasting included.
describe('op gradients (central differences, float64)', () => {
  gradTest('add', (a, b) => A.add(a, b), [[[3, 4], [3, 4]], [[2, 3, 4], [4]], [[3, 1], [1, 5]], [[], [2, 3]]]);
  gradTest('add scalar', (a) => A.add(2.5, A.add(a, -1)), [[[3, 4]]]);
  gradTest('sub', (a, b) => A.sub(a, b), [[[3, 4], [3, 4]], [[2, 3, 4], [3, 1]], [[5], [2, 5]]]);
  gradTest('sub scalar', (a) => A.sub(1, A.sub(a, 0.3)), [[[4, 2]]]);
  gradTest('mul', (a, b) => A.mul(a, b), [[[3, 4], [3, 4]], [[2, 3, 4], [4]], [[3, 1], [1, 5]]]);
  gradTest('mul scalar', (a) => A.mul(0.7, A.mul(a, -3)), [[[3, 2]]]);
  gradTest('div', (a, b) => A.div(a, b), [[[3, 4], [3, 4]], [[2, 3, 4], [3, 1]], [[4], [2, 4]]], ['real', 'nonzero']);
  gradTest('div scalar', (a) => A.div(2, A.div(a, 0.5)), [[[3, 2]]], 'nonzero');
  gradTest('neg', (a) => A.neg(a), [[[3, 4]], [[2, 3, 2]]]);
  gradTest('pow', (a, b) => A.pow(a, b), [[[3, 4], [3, 4]], [[2, 3], [3]]], ['positive', 'real']);
  gradTest('pow scalar exponent', (a) => A.pow(a, 3), [[[3, 4]], [[5]]]);
  gradTest('pow scalar base', (b) => A.pow(1.7, b), [[[3, 4]]]);
  gradTest('exp', (a) => A.exp(a), [[[3, 4]], [[2, 3, 2]]]);
  gradTest('log', (a) => A.log(a), [[[3, 4]], [[7]]], 'positive');
  gradTest('sqrt', (a) => A.sqrt(a), [[[3, 4]], [[7]]], 'positive');
  gradTest('abs', (a) => A.abs(a), [[[3, 4]], [[2, 5]]], 'nonzero');
  gradTest('sigmoid', (a) => A.sigmoid(a), [[[3, 4]], [[2, 3, 2]]]);
  gradTest('tanh', (a) => A.tanh(a), [[[3, 4]], [[2, 3, 2]]]);
  gradTest('relu', (a) => A.relu(a), [[[3, 4]], [[6, 5]]], 'nonzero');
  gradTest('leakyRelu', (a) => A.leakyRelu(a, 0.2), [[[3, 4]], [[6, 5]]], 'nonzero');
  gradTest('sum all', (a) => A.sum(a), [[[3, 4]], [[2, 3, 4]]]);
  gradTest('sum axis', (a) => A.sum(a, 1), [[[3, 4]], [[2, 3, 4]]]);
  gradTest('sum axes keepdims', (a) => A.sum(a, [0, 2], { keepdims: true }), [[[2, 3, 4]]]);
  gradTest('mean all', (a) => A.mean(a), [[[3, 4]], [[2, 3, 4]]]);
  gradTest('mean axis keepdims', (a) => A.mean(a, -1, { keepdims: true }), [[[3, 4]], [[2, 3, 4]]]);
  gradTest('max all', (a) => A.max(a), [[[3, 4]], [[2, 3, 4]]]);
  gradTest('max axis', (a) => A.max(a, 0), [[[3, 4]], [[2, 3, 4]]]);
  gradTest('max axis keepdims', (a) => A.max(a, 1, { keepdims: true }), [[[2, 3, 4]]]);
  gradTest('reshape', (a) => A.reshape(a, [4, -1]), [[[2, 6]], [[2, 3, 4]]]);
  gradTest('transpose', (a) => A.transpose(a), [[[3, 4]], [[2, 3, 4]]]);
  gradTest('transpose dims then matmul', (a, b) => A.matmul(A.transpose(a, 0, 1), b), [[[4, 3], [4, 2]]]);
  gradTest('concat', (a, b) => A.concat([a, b], 1), [[[3, 2], [3, 4]], [[2, 1, 3], [2, 2, 3]]]);
  gradTest('concat axis 0', (a, b, c) => A.concat([a, b, c]), [[[1, 3], [2, 3], [4, 3]]]);
  gradTest('slice', (a) => A.slice(a, 1, 1, 4), [[[3, 5]], [[2, 6, 2]]]);
  gradTest('slice step', (a) => A.slice(a, 0, 0, undefined, 2), [[[5, 3]]]);
  gradTest('matmul', (a, b) => A.matmul(a, b), [[[3, 4], [4, 5]], [[1, 6], [6, 1]]]);
  gradTest('linear', (x, w, b) => A.linear(x, w, b), [[[5, 4], [3, 4], [3]], [[1, 2], [6, 2], [6]]]);
  gradTest('linear no bias', (x, w) => A.linear(x, w), [[[5, 4], [3, 4]]]);
  gradTest('linearAct relu', (x, w, b) => A.linearAct(x, w, b, { kind: 'relu' }), [[[5, 4], [3, 4], [3]]], 'nonzero');
  gradTest('linearAct leakyRelu', (x, w, b) => A.linearAct(x, w, b, { kind: 'leakyRelu', slope: 0.2 }), [[[5, 4], [3, 4], [3]]], 'nonzero');
  gradTest('batchNorm train', (x, w, b) => A.batchNorm(x, null, null, w, b, { training: true }), [[[6, 4], [4], [4]], [[2, 3], [3], [3]]]);
  gradTest('batchNorm train + relu', (x, w, b) => A.batchNorm(x, null, null, w, b, { training: true, relu: true }), [[[6, 4], [4], [4]]]);
  gradTest('batchNorm train (no affine)', (x) => A.batchNorm(x, null, null, null, null, { training: true }), [[[5, 3]]]);
  gradTest('batchNorm eval', (x, w, b) => A.batchNorm(x, T.tensor([0.1, -0.2, 0.3], [3], 'float64'), T.tensor([0.5, 1.5, 2], [3], 'float64'), w, b, { training: false }), [[[4, 3], [3], [3]]]);
  gradTest('composite: x*sigmoid(x)+log(x²)', (x) => A.add(A.mul(x, A.sigmoid(x)), A.log(A.mul(x, x))), [[[3, 3]]], 'nonzero');
});

describe('op values and conventions', () => {
  it('pow: values, and d/db is 0 at base 0 (as PyTorch)', () => {
    const a = A.param(t64([0, 2, 3]));
    const b = A.param(t64([2, 3, 0.5]));
    const y = A.pow(a, b);
    expect(y.value.toArray()).toEqual([0, 8, Math.sqrt(3)]);
    A.sum(y).backward();
    expect(b.grad!.toArray()).toEqual([0, 8 * Math.log(2), Math.sqrt(3) * Math.log(3)]);
    const ga = a.grad!.toFlat();
    expect([ga[0], ga[1]]).toEqual([0, 12]);
    expect(ga[2]).toBeCloseTo(0.5 / Math.sqrt(3), 15);
  });

  it('max: the gradient goes to the first of tied maxima', () => {
    const x = A.param(t64([[1, 5, 5], [7, 2, 7]]));
    A.sum(A.max(x, 1)).backward();
    expect(x.grad!.toArray()).toEqual([[0, 1, 0], [1, 0, 0]]);
    const z = A.param(t64([3, 9, 9, 1]));
    A.max(z).backward();
    expect(z.grad!.toArray()).toEqual([0, 1, 0, 0]);
  });

  it('relu and leakyRelu at 0 take the PyTorch subgradient (0 and slope)', () => {
    const x = A.param(t64([-1, 0, 2]));
    A.sum(A.relu(x)).backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 1]);
    const z = A.param(t64([-1, 0, 2]));
    A.sum(A.leakyRelu(z, 0.25)).backward();
    expect(z.grad!.toArray()).toEqual([0.25, 0.25, 1]);
  });

  it('sigmoid and tanh keep finite gradients at extreme inputs', () => {
    const x = A.param(t64([-800, 0, 800]));
    A.sum(A.sigmoid(x)).backward();
    expect(x.grad!.toArray()).toEqual([0, 0.25, 0]);
    const z = A.param(t64([-800, 800]));
    A.sum(A.tanh(z)).backward();
    expect(z.grad!.toArray()).toEqual([0, 0]);
  });

  it('scalars keep the dtype of the other side (0.1 is not rounded to float32 in float64)', () => {
    const x = A.param(t64([1]));
    expect(A.mul(x, 0.1).item()).toBe(0.1);
    expect(A.sub(1, x).value.dtype).toBe('float64');
    expect(() => A.add(1, 2)).toThrow(/add: expected at least one Variable or Tensor/);
  });

  it('mean is sum / n in value and gradient', () => {
    const x = A.param(t64([[1, 2, 3], [4, 5, 7]]));
    const m = A.mean(x, 0);
    expect(m.value.toArray()).toEqual([2.5, 3.5, 5]);
    A.sum(m).backward();
    expect(x.grad!.toArray()).toEqual([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]);
  });

  it('batchNorm: batch statistics in training, running statistics updated with the unbiased variance', () => {
    const x = t64([[1, 10], [3, 20], [5, 60]]);
    const rm = t64([0, 0]), rv = t64([1, 1]);
    const y = A.batchNorm(x, rm, rv, null, null, { training: true, momentum: 0.1, eps: 0 });
    // channel 0: mean 3, biased var 8/3, unbiased 4
    expect(y.value.get(0, 0)).toBeCloseTo(-2 / Math.sqrt(8 / 3), 12);
    expect(rm.toArray()).toEqual([0.1 * 3, 0.1 * 30]);
    expect(rv.get(0)).toBeCloseTo(0.9 + 0.1 * 4, 12);
    expect(rv.get(1)).toBeCloseTo(0.9 + 0.1 * 700, 10);
    const e = A.batchNorm(x, rm, rv, null, null, { training: false, eps: 0 });
    expect(e.value.get(2, 0)).toBeCloseTo((5 - 0.3) / Math.sqrt(1.3), 12);
    expect(() => A.batchNorm(t64([[1, 2]]), null, null, null, null, { training: true })).toThrow(/batchNorm: expected more than 1 value per channel when training/);
  });
});

describe('shape errors name the op and the shapes', () => {
  const v = (shape: number[]) => A.param(T.zeros(shape, 'float64'));
  it.each([
    ['matmul', () => A.matmul(v([2, 3]), v([4, 5])), /^matmul: \[2,3\] · \[4,5\]: inner dimensions 3 and 4 differ/],
    ['matmul 1-D', () => A.matmul(v([3]), v([3, 2])), /^matmul: expected 2-D operands, got \[3\] · \[3,2\]/],
    ['add', () => A.add(v([2, 3]), v([4])), /^add: shapes \[2,3\] and \[4\] cannot broadcast/],
    ['mul', () => A.mul(v([2, 3]), v([2, 2])), /^mul: shapes \[2,3\] and \[2,2\] cannot broadcast/],
    ['reshape', () => A.reshape(v([2, 3]), [4, 2]), /^reshape: cannot reshape \[2,3\]/],
    ['concat', () => A.concat([v([2, 3]), v([2, 4])], 0), /^concat: shapes \[2,3\], \[2,4\] differ outside axis 0/],
    ['sum axis', () => A.sum(v([2, 3]), 2), /^sum: axis 2 is out of range/],
    ['linear', () => A.linear(v([4, 5]), v([3, 6])), /^linear: input \[4,5\] does not fit weight \[3,6\]/],
    ['batchNorm', () => A.batchNorm(v([4, 5]), null, null, v([4]), v([4]), { training: true }), /^batchNorm: weight has shape \[4\], expected \[5\]/],
    ['transpose', () => A.transpose(v([3])), /^transpose: expected at least 2 dimensions/],
  ])('%s', (_name, f, re) => {
    expect(f).toThrow(re);
  });
});
