// Bad input gets an error naming the function, the shapes, and the first offending index and
// value; infinite logits get their limit where it is finite and an error where it is not.
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { param } from '@minigan/autograd';
import { bce, bceTerms, bceWithLogits, type Reduction } from '@minigan/loss';
import { expectClose } from './helpers.ts';

describe('bad input', () => {
  it('pred outside [0, 1]: names bce, the shape, the first bad index and its value', () => {
    const pred = T.tensor([[0.1, 0.2, 0.3], [0.4, -0.5, 1.5]]);
    expect(() => bce(pred, T.zeros([2, 3]))).toThrow('bce: pred [2,3] has -0.5 at index [1,1], outside [0, 1]; predictions must be probabilities');
    expect(() => bce(T.tensor([0.5, 1.0000001], [2], 'float64'), T.zeros([2], 'float64'))).toThrow('bce: pred [2] has 1.0000001 at index [1], outside [0, 1]');
    expect(() => bce(T.tensor([Infinity]), T.zeros([1]))).toThrow('bce: pred [1] has Infinity at index [0], outside [0, 1]');
    expect(() => bceTerms(T.tensor([2]), T.ones([1]))).toThrow('bceTerms: pred [1] has 2 at index [0], outside [0, 1]');
  });

  it('NaN predictions, as from a diverged network', () => {
    expect(() => bce(T.tensor([[0.5], [NaN], [NaN]]), T.zeros([3, 1]))).toThrow('bce: pred [3,1] has NaN at index [1,0]; predictions must be probabilities in [0, 1]');
  });

  it('targets outside [0, 1] or NaN, for both losses', () => {
    expect(() => bce(T.tensor([0.1, 0.2]), T.tensor([0, -1]))).toThrow('bce: target [2] has -1 at index [1], outside [0, 1]; targets must be in [0, 1] (1 = real, 0 = fake; soft labels such as 0.9 are fine)');
    expect(() => bceWithLogits(T.zeros([2, 2]), T.tensor([[1, 0], [2, 0]]))).toThrow('bceWithLogits: target [2,2] has 2 at index [1,0], outside [0, 1]');
    expect(() => bceWithLogits(T.zeros([1]), T.tensor([NaN]))).toThrow('bceWithLogits: target [1] has NaN at index [0]');
  });

  it('shapes that differ, even if they would broadcast (PyTorch refuses them too)', () => {
    expect(() => bce(T.full([4, 1], 0.5), T.zeros([4]))).toThrow('bce: pred [4,1] and target [4] have different shapes; they must be equal (reshape the target to [4,1])');
    expect(() => bceWithLogits(T.zeros([4]), T.zeros([1]))).toThrow('bceWithLogits: logits [4] and target [1] have different shapes');
    expect(() => bceTerms(T.zeros([2]), T.zeros([3]))).toThrow('bceTerms: pred [2] and target [3] have different shapes');
  });

  it('weights that cannot broadcast to the input, or would enlarge it, or are not finite', () => {
    const x = T.full([16, 3], 0.5), y = T.zeros([16, 3]);
    expect(() => bce(x, y, { weight: T.ones([4]) })).toThrow('bce: weight [4] cannot broadcast to pred [16,3]');
    expect(() => bce(x, y, { weight: T.ones([2, 16, 3]) })).toThrow('bce: weight [2,16,3] cannot broadcast to pred [16,3]');
    expect(() => bceWithLogits(x, y, { weight: T.ones([3, 1]) })).toThrow('bceWithLogits: weight [3,1] cannot broadcast to logits [16,3]');
    expect(() => bce(x, y, { weight: T.tensor([1, NaN, 1]) })).toThrow('bce: weight [3] has NaN at index [1]; weights must be finite');
    expect(() => bce(x, y, { weight: Infinity })).toThrow('bce: weight must be finite, got Infinity');
    expect(() => bceWithLogits(x, y, { posWeight: T.ones([2]) })).toThrow('bceWithLogits: posWeight [2] cannot broadcast to logits [16,3] (posWeight runs along the last axis: expected shape [3], [1] or a number)');
  });

  it('weights that do broadcast: [C], [B, 1], a number', () => {
    const x = T.tensor([[0.2, 0.7], [0.9, 0.4]], [2, 2], 'float64'), y = T.tensor([[0, 1], [1, 0]], [2, 2], 'float64');
    const plain = bce(x, y, { reduction: 'none' }).value;
    expectClose(bce(x, y, { reduction: 'none', weight: T.tensor([2, 3], [2], 'float64') }).value, T.mul(plain, T.tensor([[2, 3], [2, 3]], [2, 2], 'float64')), 1e-15);
    expectClose(bce(x, y, { reduction: 'none', weight: T.tensor([[2], [3]], [2, 1], 'float64') }).value, T.mul(plain, T.tensor([[2, 2], [3, 3]], [2, 2], 'float64')), 1e-15);
    expectClose(bce(x, y, { reduction: 'sum', weight: 0.5 }).value, [T.sum(plain).item() / 2], 1e-15);
  });

  it('unknown reduction and wrong argument types', () => {
    expect(() => bce(T.zeros([1]), T.zeros([1]), { reduction: 'avg' as Reduction })).toThrow(`bce: reduction must be 'mean', 'sum' or 'none', got "avg"`);
    expect(() => bce([0.5] as unknown as T.Tensor, T.zeros([1]))).toThrow('bce: pred must be a Variable or a Tensor, got an array (wrap it with T.tensor(...))');
    expect(() => bceWithLogits(T.zeros([1]), 1 as unknown as T.Tensor)).toThrow('bceWithLogits: target must be a Variable or a Tensor, got number 1');
  });
});

describe('infinite logits', () => {
  // The limits (see bce-with-logits.ts): +∞ is finite only for label 1, −∞ only for label 0
  // (or posWeight 0); there the loss and the gradient are 0.
  it('give the finite limit, 0, with gradient 0, where it exists', () => {
    const x = param(T.tensor([Infinity, -Infinity, 2], [3], 'float64'));
    const y = T.tensor([1, 0, 1], [3], 'float64');
    const l = bceWithLogits(x, y, { reduction: 'none' });
    expectClose(l.value, [0, 0, Math.log1p(Math.exp(-2))], 1e-15);
    l.backward(T.ones([3], 'float64'));
    expectClose(x.grad!, [0, 0, 1 / (1 + Math.exp(-2)) - 1], 1e-15);
    // With a posWeight of 0 the label-1 term vanishes, so −∞ with label 1 is finite too.
    const z = param(T.tensor([-Infinity, Infinity], [2]));
    const lz = bceWithLogits(z, T.tensor([1, 1], [2]), { posWeight: T.tensor([0, 3], [2]), reduction: 'sum', weight: 2 });
    expect(lz.item()).toBe(0);
    lz.backward();
    expect(Array.from(z.grad!.toFlat())).toEqual([0, 0]);
  });

  it('agree with very large finite logits in float32 (where PyTorch is finite)', () => {
    const big = bceWithLogits(T.tensor([1e30, -1e30]), T.tensor([1, 0]), { reduction: 'none' }).value;
    const inf = bceWithLogits(T.tensor([Infinity, -Infinity]), T.tensor([1, 0]), { reduction: 'none' }).value;
    expect(Array.from(inf.toFlat())).toEqual(Array.from(big.toFlat()));
  });

  it('throw where the loss is infinite, naming the index, the logit and the target', () => {
    expect(() => bceWithLogits(T.tensor([0, Infinity]), T.tensor([1, 0.5]))).toThrow('bceWithLogits: logits [2] has Infinity at index [1] where target is 0.5: the loss is infinite there (a logit of +Infinity has a finite loss only where target is 1)');
    expect(() => bceWithLogits(T.tensor([[0, -Infinity]]), T.tensor([[1, 1]]))).toThrow('bceWithLogits: logits [1,2] has -Infinity at index [0,1] where target is 1: the loss is infinite there (a logit of -Infinity has a finite loss only where target is 0 or posWeight is 0)');
    expect(() => bceWithLogits(T.tensor([-Infinity]), T.tensor([0.1]), { posWeight: 2 })).toThrow('bceWithLogits: logits [1] has -Infinity at index [0] where target is 0.1');
  });

  it('throw when the target asks for a gradient (it would be infinite there)', () => {
    expect(() => bceWithLogits(T.tensor([Infinity]), param(T.tensor([1])))).toThrow('bceWithLogits: logits [1] contain ±Infinity and target requires grad');
  });

  it('NaN logits throw, naming the op, the shape and the first bad index (as bce does for a NaN probability)', () => {
    expect(() => bceWithLogits(T.tensor([0.5, NaN]), T.tensor([0, 1]))).toThrow('bceWithLogits: logits [2] has NaN at index [1]; logits must be numbers');
    expect(() => bceWithLogits(param(T.tensor([[0, 1], [NaN, NaN]], [2, 2], 'float64')), T.zeros([2, 2], 'float64'), { reduction: 'none' })).toThrow('bceWithLogits: logits [2,2] has NaN at index [1,0]');
    // A NaN behind a finite weight of 0 is still refused: 0 · NaN is NaN.
    expect(() => bceWithLogits(T.tensor([NaN]), T.tensor([1]), { weight: 0 })).toThrow('bceWithLogits: logits [1] has NaN at index [0]');
  });
});
