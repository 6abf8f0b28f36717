// Gradients of the fused ops against central differences (float64), for the input and the
// target, with every reduction, weights, posWeight and an upstream gradient; and how the ops
// sit in the graph (constants, noGrad, accumulation).
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import { Variable, mul, noGrad, param } from '@minigan/autograd';
import { bce, bceWithLogits, type BceWithLogitsOptions, type Reduction } from '@minigan/loss';
import { expectClose, numericGrad } from './helpers.ts';

type Loss = (a: Variable | Tensor, b: Variable | Tensor, o: BceWithLogitsOptions) => Variable;
const reductions: Reduction[] = ['mean', 'sum', 'none'];

/**
 * Checks d(Σ loss·u)/d(input) and d(Σ loss·u)/d(target) for a fixed random upstream u (u is
 * one number for mean/sum), comparing the fused backward with central differences.
 */
function checkGrads(loss: Loss, input: Tensor, target: Tensor, opts: BceWithLogitsOptions, reduction: Reduction): void {
  const o = { ...opts, reduction };
  const rng = new T.Rng(11);
  const shape = reduction === 'none' ? input.shape : [];
  const u = rng.uniform(shape, 0.5, 2, 'float64');
  const scalarOf = () => {
    const l = loss(input, target, o).value;
    return T.sum(T.mul(l, u)).item();
  };
  const x = param(input), y = param(target);
  loss(x, y, o).backward(u);
  expectClose(x.grad!, numericGrad(scalarOf, input), 1e-6, 1e-9);
  expectClose(y.grad!, numericGrad(scalarOf, target), 1e-6, 1e-9);
}

describe('bce gradients', () => {
  const rng = new T.Rng(1);
  const pred = rng.uniform([6, 3], 0.05, 0.95, 'float64'); // away from the clamps
  const soft = rng.uniform([6, 3], 0, 1, 'float64');
  const weight = rng.uniform([3], 0.2, 2, 'float64');
  for (const reduction of reductions) {
    it(`match central differences (${reduction}, soft labels, weight [3])`, () => {
      checkGrads(bce, pred, soft, { weight }, reduction);
      checkGrads(bce, pred, soft, {}, reduction);
    });
  }
});

describe('bceWithLogits gradients', () => {
  const rng = new T.Rng(2);
  const logits = rng.uniform([5, 4], -6, 6, 'float64');
  const soft = rng.uniform([5, 4], 0, 1, 'float64');
  const weight = rng.uniform([5, 1], 0.2, 2, 'float64');
  const posWeight = rng.uniform([4], 0.3, 3, 'float64');
  for (const reduction of reductions) {
    it(`match central differences (${reduction}: plain, weight [5,1], posWeight [4], both)`, () => {
      checkGrads(bceWithLogits, logits, soft, {}, reduction);
      checkGrads(bceWithLogits, logits, soft, { weight }, reduction);
      checkGrads(bceWithLogits, logits, soft, { posWeight }, reduction);
      checkGrads(bceWithLogits, logits, soft, { weight, posWeight: 2.5 }, reduction);
    });
  }

  it('uses PyTorch\'s closed form: (p·y + 1 − y)·σ(x) − p·y, over n for the mean', () => {
    const x = param(logits.clone());
    bceWithLogits(x, soft, { posWeight }).backward();
    const p = posWeight.broadcastTo(logits.shape);
    const py = T.mul(p, soft);
    const expected = T.div(T.sub(T.mul(T.sub(T.add(py, 1), soft), T.sigmoid(logits)), py), logits.size);
    expectClose(x.grad!, expected, 1e-14);
  });
});

describe('in the graph', () => {
  const h = T.tensor([0.2, 0.9, 0.6], [3], 'float64');
  const y = T.tensor([0, 1, 1], [3], 'float64');

  it('records nothing when no input requires grad, or under noGrad', () => {
    const a = bce(h, y);
    expect(a).toBeInstanceOf(Variable);
    expect(a.requiresGrad).toBe(false);
    expect(a._parents.length).toBe(0);
    const b = noGrad(() => bceWithLogits(param(h), y));
    expect(b.requiresGrad).toBe(false);
    expect(b._parents.length).toBe(0);
  });

  it('is one node: the op is bce / bceWithLogits with the input and the target as parents', () => {
    const x = param(h);
    const l = bce(x, y);
    expect(l._op).toBe('bce');
    expect(l._parents[0]).toBe(x);
    expect(bceWithLogits(x, y)._op).toBe('bceWithLogits');
  });

  it('gives no gradient to a target that is a plain Tensor or a Variable without requiresGrad', () => {
    const x = param(h), t = new Variable(y);
    bce(x, t).backward();
    expect(t.grad).toBeNull();
    expect(x.grad).not.toBeNull();
  });

  it('scales with the upstream gradient and accumulates across uses', () => {
    const x1 = param(h), x2 = param(h);
    mul(bce(x1, y), 3).backward();
    bce(x2, y).backward();
    expectClose(x1.grad!, T.mul(x2.grad!, 3), 1e-15);
    // A second loss on the same prediction adds to its gradient (the GAN's two D terms do this).
    const x3 = param(h);
    bce(x3, y).backward();
    bceWithLogits(x3, y).backward();
    const gLogits = param(h);
    bceWithLogits(gLogits, y).backward();
    expectClose(x3.grad!, T.add(x2.grad!, gLogits.grad!), 1e-15);
  });

  it('works on 0-d tensors and keeps a [B, 1] shape with reduction none', () => {
    const x = param(T.scalar(0.25, 'float64'));
    const l = bce(x, T.scalar(1, 'float64'));
    expect(l.shape).toEqual([]);
    expect(l.item()).toBeCloseTo(-Math.log(0.25), 15);
    l.backward();
    expect(x.grad!.item()).toBeCloseTo(-4, 12); // (0.25 − 1) / (0.25 · 0.75)
    const col = bceWithLogits(T.zeros([4, 1]), T.ones([4, 1]), { reduction: 'none' });
    expect(col.shape).toEqual([4, 1]);
    expectClose(col.value, [Math.LN2, Math.LN2, Math.LN2, Math.LN2], 1e-7);
  });

  it('computes in the prediction\'s dtype and returns the target gradient in the target\'s', () => {
    const x = param(T.tensor([0.3, 0.8], [2], 'float32'));
    const t = param(T.tensor([0, 1], [2], 'float64'));
    const l = bce(x, t);
    expect(l.dtype).toBe('float32');
    l.backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(t.grad!.dtype).toBe('float64');
    // dℓ/dy = log(1 − x) − log x, over 2 for the mean
    expectClose(t.grad!, [Math.log(0.7 / 0.3) / 2, Math.log(0.2 / 0.8) / 2], 1e-6);
  });
});
