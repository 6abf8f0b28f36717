import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';
import { optim } from '@minigan/autograd';

const t64 = (v: T.NestedArray) => T.tensor(v, undefined, 'float64');
const withGrad = (p: A.Variable, g: T.NestedArray) => { p.grad = t64(g); return p; };

describe('SGD', () => {
  it('momentum and weight decay by hand: d = g + λp; b = d, then μb + d; p −= lr·b', () => {
    const p = A.param(t64([1, -2]));
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 });
    withGrad(p, [0.5, 0.5]);
    opt.step(); // d = [0.6, 0.3]; b = d; p = [0.94, -2.03]
    expect(p.value.get(0)).toBeCloseTo(0.94, 15);
    expect(p.value.get(1)).toBeCloseTo(-2.03, 15);
    opt.step(); // d = [0.594, 0.297]; b = [1.134, 0.567]
    expect(p.value.get(0)).toBeCloseTo(0.94 - 0.1134, 15);
    expect(p.value.get(1)).toBeCloseTo(-2.03 - 0.0567, 15);
  });

  it('nesterov uses d + μb, dampening scales the new gradient', () => {
    const p = A.param(t64([0]));
    const opt = new optim.SGD([p], { lr: 1, momentum: 0.5, nesterov: true });
    withGrad(p, [1]);
    opt.step(); // b = 1, d = 1 + 0.5 = 1.5
    opt.step(); // b = 0.5 + 1 = 1.5, d = 1 + 0.75
    expect(p.value.toArray()).toEqual([-1.5 - 1.75]);
    const q = A.param(t64([0]));
    const o2 = new optim.SGD([q], { lr: 1, momentum: 0.5, dampening: 0.5 });
    withGrad(q, [1]);
    o2.step(); // b = 1 (no dampening on the first step, as PyTorch)
    o2.step(); // b = 0.5 + 0.5 = 1
    expect(q.value.toArray()).toEqual([-2]);
    expect(() => new optim.SGD([q], { lr: 1, nesterov: true })).toThrow(/^SGD: nesterov momentum needs momentum > 0 and dampening 0/);
    expect(() => new optim.SGD([q], { lr: -1 })).toThrow(/^SGD: lr must be a number in \[0, ∞\], got -1/);
  });
});

describe('Adam', () => {
  it('first step moves each weight by lr·g/(|g| + eps) (bias corrections cancel)', () => {
    const p = A.param(t64([1, 1, 1]));
    const opt = new optim.Adam([p], { lr: 0.01 });
    withGrad(p, [3, -0.5, 0]);
    opt.step();
    expect(p.value.get(0)).toBeCloseTo(1 - 0.01 * 3 / (3 + 1e-8), 15);
    expect(p.value.get(1)).toBeCloseTo(1 + 0.01 * 0.5 / (0.5 + 1e-8), 15);
    expect(p.value.get(2)).toBe(1);
  });

  it('second step by hand, with L2 weight decay added to the gradient (not AdamW)', () => {
    const p = A.param(t64([2]));
    const [b1, b2, lr, eps, wd] = [0.5, 0.9, 0.1, 1e-3, 0.25];
    const opt = new optim.Adam([p], { lr, betas: [b1, b2], eps, weightDecay: wd });
    let w = 2, m = 0, v = 0;
    for (let t = 1; t <= 2; t++) {
      withGrad(p, [1]);
      opt.step();
      const g = 1 + wd * w;
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      w -= (lr / (1 - b1 ** t)) * m / (Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps);
    }
    expect(p.value.get(0)).toBeCloseTo(w, 14);
    expect(() => new optim.Adam([p], { betas: [1, 0.9] })).toThrow(/^Adam: betas\[0\] must be a number in \[0, 1\)/);
  });

  it('skips parameters without a gradient (their step count stays 0)', () => {
    const a = A.param(t64([1])), b = A.param(t64([1]));
    const opt = new optim.Adam([a, b]);
    withGrad(a, [1]);
    opt.step();
    expect(b.value.toArray()).toEqual([1]);
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
  });
});

describe('optimizers and the tensors they touch', () => {
  it('never write into .grad, even when several parameters share one gradient tensor', () => {
    const a = A.param(t64([1, 2])), b = A.param(t64([3, 4]));
    A.sum(A.add(a, b)).backward();
    expect(a.grad).toBe(b.grad); // add's backward hands the same tensor to both inputs
    for (const opt of [new optim.SGD([a, b], { lr: 0.1, momentum: 0.9, weightDecay: 0.5 }), new optim.Adam([a, b], { weightDecay: 0.5 })]) {
      opt.step();
      opt.step();
      expect(a.grad!.toArray()).toEqual([1, 1]);
    }
  });

  it('update parameters in place, so earlier views see the new values', () => {
    const p = A.param(t64([[1, 2], [3, 4]]));
    const storage = p.value;
    const row = p.value.slice(0, 1, 2);
    const opt = new optim.SGD([p], { lr: 1 });
    withGrad(p, [[1, 1], [1, 1]]);
    opt.step();
    expect(p.value).toBe(storage);
    expect(row.toArray()).toEqual([[2, 3]]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it('reject what they cannot update in place', () => {
    const p = A.param(t64([[1, 2], [3, 4]]));
    expect(() => new optim.SGD([], { lr: 1 })).toThrow(/^SGD: got an empty parameter list/);
    expect(() => new optim.SGD([p, p], { lr: 1 })).toThrow(/^SGD: parameter 1 \(\[2,2\]\) appears twice/);
    expect(() => new optim.Adam([A.param(p.value.transpose())])).toThrow(/^Adam: parameter 0 \(\[2,2\]\) is a non-contiguous view/);
    expect(() => new optim.Adam([A.mul(p, 2)])).toThrow(/^Adam: parameter 0 \(\[2,2\]\) is not a leaf/);
  });
});

describe('optimizer state dicts', () => {
  const run = (make: (ps: A.Variable[]) => optim.Optimizer) => {
    const ps = [A.param(t64([1, 2, 3])), A.param(t64([[0.5], [-0.5]]))];
    const opt = make(ps);
    const grads = (k: number) => { withGrad(ps[0]!, [k, -k, 1]); withGrad(ps[1]!, [[k / 2], [1]]); };
    return { ps, opt, grads };
  };

  for (const [name, make] of [
    ['Adam', (ps: A.Variable[]) => new optim.Adam(ps, { lr: 0.05, betas: [0.5, 0.99], weightDecay: 0.01 })],
    ['SGD', (ps: A.Variable[]) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, weightDecay: 0.01 })],
  ] as const) {
    it(`${name}: save after two steps, load into a fresh optimizer, continue identically`, () => {
      const a = run(make);
      for (const k of [1, 2]) { a.grads(k); a.opt.step(); }
      const sd = a.opt.stateDict();
      const b = run(make);
      b.ps.forEach((p, i) => T.copy_(p.value, a.ps[i]!.value));
      b.opt.loadStateDict(sd);
      for (const run_ of [a, b]) { run_.grads(3); run_.opt.step(); }
      b.ps.forEach((p, i) => expect(p.value.toArray()).toEqual(a.ps[i]!.value.toArray()));
      // The saved state is a snapshot: stepping on did not change it.
      const key = name === 'Adam' ? 'exp_avg' : 'momentum_buffer';
      expect(sd.state['0']![key]).not.toBe(b.opt.stateDict().state['0']![key]);
      expect((sd.state['0']![key] as T.Tensor).toArray()).not.toEqual((a.opt.stateDict().state['0']![key] as T.Tensor).toArray());
      expect(sd.param_groups[0]!.params).toEqual([0, 1]);
    });
  }

  it('Adam state dict uses PyTorch names and is checked on load', () => {
    const { opt, grads } = run((ps) => new optim.Adam(ps));
    grads(1);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state['0']!)).toEqual(['step', 'exp_avg', 'exp_avg_sq']);
    expect(sd.state['0']!['step']).toBe(1);
    expect(sd.param_groups[0]).toMatchObject({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 });
    const bad = { ...sd, state: { ...sd.state, '1': { ...sd.state['1']!, exp_avg: T.zeros([2]) } } };
    expect(() => opt.loadStateDict(bad)).toThrow(/^Adam.loadStateDict: state\['1'\].exp_avg has shape \[2\], expected \[2,1\]/);
    const few = { ...sd, param_groups: [{ ...sd.param_groups[0]!, params: [0] }] };
    expect(() => opt.loadStateDict(few)).toThrow(/^Adam.loadStateDict: the state dict is for 1 parameters, this optimizer has 2/);
  });
});
