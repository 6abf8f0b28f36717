// The lecture's claims about the BCE cost J = −(1/m) Σ [y·log h + (1 − y)·log(1 − h)], as tests.
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { param } from '@minigan/autograd';
import { bce, bceTerms, bceWithLogits } from '@minigan/loss';
import { expectClose, flat } from './helpers.ts';

const one = (h: number, y: number) => bce(T.tensor([h], [1], 'float64'), T.tensor([y], [1], 'float64')).item();

describe('the lecture, claim by claim', () => {
  it('costs about 0 when prediction and label agree', () => {
    expect(one(0.999, 1)).toBeCloseTo(-Math.log(0.999), 14); // ≈ 0.001
    expect(one(0.001, 0)).toBeCloseTo(-Math.log(0.999), 14);
    expect(one(0.999, 1)).toBeLessThan(0.0011);
    expect(one(1, 1)).toBe(0); // a perfect prediction costs exactly nothing
    expect(one(0, 0)).toBe(0);
  });

  it('costs a lot when they disagree, growing without bound until the clamp at 100', () => {
    expect(one(0.001, 1)).toBeCloseTo(-Math.log(0.001), 12); // ≈ 6.9
    expect(one(0.999, 0)).toBeCloseTo(-Math.log(0.001), 9);
    // The worse the prediction, the larger the cost: strictly increasing as h → 0 for a real example.
    const costs = [0.5, 1e-1, 1e-2, 1e-4, 1e-8, 1e-16, 1e-40].map((h) => one(h, 1));
    for (let i = 1; i < costs.length; i++) expect(costs[i]!).toBeGreaterThan(costs[i - 1]!);
    expect(costs.at(-1)!).toBeCloseTo(-Math.log(1e-40), 10); // ≈ 92.1, still below the clamp
    expect(one(0, 1)).toBe(100); // log 0 = −∞ is clamped at −100, as PyTorch does
    expect(one(1, 0)).toBe(100);
  });

  it('is never negative, and for a soft label y is smallest (= the entropy of y) at h = y', () => {
    const rng = new T.Rng(4);
    const n = 20_000;
    // Predictions and labels anywhere in [0, 1], with exact 0s and 1s mixed in.
    const h = rng.uniform([n], 0, 1, 'float64'), y = rng.uniform([n], 0, 1, 'float64');
    for (let i = 0; i < n; i += 7) { h.data[i] = i % 2; y.data[i + 3] = (i >> 1) % 2; }
    const losses = flat(bce(h, y, { reduction: 'none' }).value);
    const entropy = (p: number) => (p === 0 || p === 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p)));
    let minLoss = Infinity, minGap = Infinity;
    for (let i = 0; i < n; i++) {
      minLoss = Math.min(minLoss, losses[i]!);
      // Gibbs' inequality: the cross-entropy is at least the entropy of the label.
      minGap = Math.min(minGap, losses[i]! - entropy(y.data[i]!));
    }
    expect(minLoss).toBeGreaterThanOrEqual(0);
    expect(minGap).toBeGreaterThanOrEqual(-1e-12); // tiny float slack
    const soft = T.tensor([0.1, 0.5, 0.9], [3], 'float64');
    expectClose(bce(soft, soft, { reduction: 'none' }).value, [0.1, 0.5, 0.9].map(entropy), 1e-14);
  });

  describe('the batch of five: one real example (label 1), four fake ones (label 0)', () => {
    const h = [0.5342240929603577, 0.20482712984085083, 0.6560274362564087, 0.6537524461746216, 0.23810634016990662];
    const y = [1, 0, 0, 0, 0];
    // By hand: only the real example uses log h; the four fakes use log(1 − h).
    const byHand = -(Math.log(h[0]!) + Math.log(1 - h[1]!) + Math.log(1 - h[2]!) + Math.log(1 - h[3]!) + Math.log(1 - h[4]!)) / 5;

    it('has the hand-computed mean cost', () => {
      expect(byHand).toBeCloseTo(0.65117571484, 10);
      const J = bce(T.tensor(h, [5], 'float64'), T.tensor(y, [5], 'float64'));
      expect(J.shape).toEqual([]);
      expect(J.item()).toBeCloseTo(byHand, 15);
      // In float32 the same to float32 precision.
      expect(bce(T.tensor(h), T.tensor(y)).item()).toBeCloseTo(byHand, 6);
    });

    it('splits into the lecture\'s two terms: the real term where y = 1, the fake term where y = 0', () => {
      const { real, fake } = bceTerms(T.tensor(h, [5], 'float64'), T.tensor(y, [5], 'float64'));
      expectClose(real, [Math.log(h[0]!), 0, 0, 0, 0], 1e-15);
      expectClose(fake, [0, ...h.slice(1).map((v) => Math.log(1 - v))], 1e-15);
      for (const v of [...flat(real), ...flat(fake)]) {
        expect(v).toBeLessThanOrEqual(0);
        expect(Object.is(v, -0)).toBe(false); // printed tables show 0, never -0
      }
      // The minus sign and the mean turn the terms into the cost.
      const sum = flat(real).reduce((s, v, i) => s + v + flat(fake)[i]!, 0);
      expect(-sum / 5).toBeCloseTo(byHand, 15);
    });

    it('pushes each prediction the right way (gradient h − y over h(1 − h), over m)', () => {
      const p = param(T.tensor(h, [5], 'float64'));
      bce(p, T.tensor(y, [5], 'float64')).backward();
      const g = flat(p.grad!);
      expect(g[0]!).toBeLessThan(0); // raise the real example's prediction
      for (const v of g.slice(1)) expect(v).toBeGreaterThan(0); // lower the fakes'
      expectClose(g, h.map((v, i) => (v - y[i]!) / (v * (1 - v)) / 5), 1e-14);
    });
  });

  it('terms and loss agree element by element: loss = −(real + fake), clamp included', () => {
    const h = T.tensor([0, 1, 0.3, 0.7, 1e-50, 0.5], [2, 3], 'float64');
    const y = T.tensor([1, 0, 0.2, 1, 1, 0.5], [2, 3], 'float64');
    const { real, fake } = bceTerms(h, y);
    expectClose(bce(h, y, { reduction: 'none' }).value, T.neg(T.add(real, fake)), 1e-15);
    expect(real.get(0, 0)).toBe(-100);
  });

  describe('bce(sigmoid(x), y) and bceWithLogits(x, y)', () => {
    const x = T.linspace(-15, 15, 301, 'float64');
    for (const label of [0, 0.25, 1]) {
      it(`agree wherever both are finite (label ${label}), loss and gradient`, () => {
        const y = T.full(x.shape, label, 'float64');
        const a = bce(T.sigmoid(x), y, { reduction: 'none' }).value;
        const b = bceWithLogits(x, y, { reduction: 'none' }).value;
        expectClose(a, b, 1e-8, 1e-15);
        // The logits gradient is σ(x) − y: the chain rule through the sigmoid, simplified.
        const xv = param(x.clone());
        bceWithLogits(xv, y, { reduction: 'sum' }).backward();
        expectClose(xv.grad!, T.sub(T.sigmoid(x), y), 1e-14, 1e-17);
      });
    }

    it('part ways where probabilities saturate: bce clamps at 100, the logits form stays exact', () => {
      const x = T.tensor([-200, 200], [2], 'float64');
      const y = T.tensor([1, 0], [2], 'float64');
      // log σ(−200) = −200 is clamped at −100; σ(200) rounds to exactly 1, so log(1 − h) = −∞ → −100.
      expectClose(bce(T.sigmoid(x), y, { reduction: 'none' }).value, [100, 100], 0);
      expectClose(bceWithLogits(x, y, { reduction: 'none' }).value, [200, 200], 1e-15);
    });
  });
});
