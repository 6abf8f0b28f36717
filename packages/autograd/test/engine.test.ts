import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';

const t64 = (v: T.NestedArray) => T.tensor(v, undefined, 'float64');

describe('backward', () => {
  it('a node used twice: c = a·b, d = Σ(c·c + c) ⇒ ∂d/∂a = (2c + 1)·b, ∂d/∂b = (2c + 1)·a', () => {
    const a = A.param(t64([2, -1]));
    const b = A.param(t64([3, 2]));
    const c = A.mul(a, b).retainGrad(); // c = [6, -2]
    const d = A.sum(A.add(A.mul(c, c), c));
    expect(d.item()).toBe(36 + 6 + 4 - 2);
    d.backward();
    expect(c.grad!.toArray()).toEqual([13, -3]);
    expect(a.grad!.toArray()).toEqual([39, -6]);
    expect(b.grad!.toArray()).toEqual([26, 3]);
  });

  it('x + x gives 2, and gradients accumulate across backward calls until zeroGrad', () => {
    const x = A.param(t64([1, 2, 3]));
    A.sum(A.add(x, x)).backward();
    expect(x.grad!.toArray()).toEqual([2, 2, 2]);
    A.sum(A.mul(x, 3)).backward();
    expect(x.grad!.toArray()).toEqual([5, 5, 5]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('an explicit gradOutput for a non-scalar, and clear errors otherwise', () => {
    const x = A.param(t64([[1, 2], [3, 4]]));
    const y = A.mul(x, x);
    expect(() => y.backward()).toThrow(/^backward: an implicit gradient needs a one-element output, got shape \[2,2\]/);
    expect(() => y.backward(t64([1, 2]))).toThrow(/^backward: gradOutput has shape \[2\], expected \[2,2\]/);
    y.backward(t64([[1, 0], [0, 1]]));
    expect(x.grad!.toArray()).toEqual([[2, 0], [0, 8]]);
    const k = new A.Variable(t64([1]));
    expect(() => k.backward()).toThrow(/^backward: this \[1\] value does not require grad/);
  });

  it('the root gradient is never aliased to the caller\'s gradOutput', () => {
    const x = A.param(t64([1, 2]));
    const g = t64([1, 1]);
    x.backward(g);
    g.data[0] = 5;
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });

  it('20,000 chained adds do not overflow the stack', () => {
    const x = A.param(t64([0.5]));
    let y = x;
    for (let i = 0; i < 20_000; i++) y = A.add(y, 1);
    y.backward();
    expect(y.item()).toBe(20_000.5);
    expect(x.grad!.toArray()).toEqual([1]);
    expect(A.topoSort(y).length).toBe(20_001);
    expect(A.walkGraph(y).length).toBe(40_001); // 20,000 adds, their constants, and x
  });
});

describe('what records nothing', () => {
  it('detach cuts the graph: the detached side is a constant', () => {
    const x = A.param(t64([1, 2]));
    const y = A.mul(x, x);
    const yd = y.detach();
    expect(yd.requiresGrad).toBe(false);
    expect(yd._parents).toEqual([]);
    expect(yd.value).toBe(y.value); // same values, no copy
    const z = A.mul(yd, 3);
    expect(z.requiresGrad).toBe(false);
    expect(z._parents).toEqual([]);
    A.sum(A.mul(x, yd)).backward(); // d/dx (x · const) = const
    expect(x.grad!.toArray()).toEqual([1, 4]);
  });

  it('noGrad records nothing and restores the mode, even after an error', () => {
    const x = A.param(t64([1, 2]));
    const y = A.noGrad(() => {
      expect(A.isGradEnabled()).toBe(false);
      return A.exp(A.mul(x, 2));
    });
    expect(y.requiresGrad).toBe(false);
    expect(y._parents).toEqual([]);
    expect(y._backward).toBeNull();
    expect(A.isGradEnabled()).toBe(true);
    expect(() => A.noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(A.isGradEnabled()).toBe(true);
  });

  it('ops on constants only record nothing (requiresGrad false)', () => {
    const c = new A.Variable(t64([1, 2]));
    const y = A.sigmoid(A.add(c, T.tensor([3, 4], undefined, 'float64')));
    expect(y.requiresGrad).toBe(false);
    expect(y._parents).toEqual([]);
  });

  it('a constant parent gets no gradient computed', () => {
    const w = A.param(t64([[1, 2], [3, 4]]));
    const x = new A.Variable(t64([[1, 0]]));
    A.sum(A.matmul(x, w)).backward();
    expect(x.grad).toBeNull();
    expect(w.grad!.toArray()).toEqual([[1, 1], [0, 0]]);
  });
});

describe('graph printing', () => {
  it('formatGraph shows op names, shapes, constants and shared nodes', () => {
    const w = A.param(t64([[1, 2], [3, 4]]), 'w');
    const x = new A.Variable(t64([[1, 1]]));
    const h = A.matmul(x, w);
    const out = A.mean(A.mul(h, h));
    expect(A.formatGraph(out)).toBe([
      '#0 div []',
      '  #1 sum []',
      '    #2 mul [1,2]',
      '      #3 matmul [1,2]',
      "        #4 leaf [1,2] (const)",
      "        #5 leaf 'w' [2,2]",
      '      #3 matmul [1,2] (shared, see above)',
      '  #6 leaf [] (const)',
    ].join('\n'));
  });
});
