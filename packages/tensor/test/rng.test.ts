// Rng: reproducible streams, exact state round-trips, distribution checks with stated
// tolerances, and validity of int / shuffle / permutation.
//
// Tolerances: a statistic estimated from n samples has a standard error (SE); each check allows
// 5 SE, so a correct generator fails one with probability below 1e-6 — and the seeds are
// fixed, so the tests are deterministic anyway.
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { valuesOf } from './helpers.ts';

const draws = (r: T.Rng) => [r.random(), r.int(1000), r.randn(), ...valuesOf(r.uniform([3], -1, 1)), ...valuesOf(r.normal([3]))];

/** Sample mean and unbiased variance. */
function moments(x: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const mean = s / x.length;
  let q = 0;
  for (let i = 0; i < x.length; i++) q += (x[i]! - mean) ** 2;
  return { mean, variance: q / (x.length - 1) };
}

describe('reproducibility', () => {
  it('the same seed gives the same stream; different seeds differ', () => {
    expect(draws(new T.Rng(42))).toEqual(draws(new T.Rng(42)));
    expect(draws(new T.Rng('run-a'))).toEqual(draws(new T.Rng('run-a')));
    expect(draws(new T.Rng(42))).not.toEqual(draws(new T.Rng(43)));
    expect(valuesOf(new T.Rng(1).normal([100]))).not.toEqual(valuesOf(new T.Rng(2).normal([100])));
  });

  it('state() / fromState() continue the exact stream, through JSON', () => {
    const r = new T.Rng(7);
    r.normal([13]); // odd count: one uniform pair is half-used
    r.uniform([5]);
    const s = r.state();
    expect(r.state()).toEqual(s); // taking the state does not advance the stream
    const copy = T.Rng.fromState(JSON.parse(JSON.stringify(s)) as T.RngState);
    expect(draws(copy)).toEqual(draws(r));
    expect(copy.state()).toEqual(r.state());
    expect(s.algorithm).toBe('alea');
  });

  it('fork() gives a deterministic independent stream', () => {
    const a = new T.Rng(5), b = new T.Rng(5);
    const fa = a.fork(), fb = b.fork();
    expect(draws(fa)).toEqual(draws(fb));
    expect(draws(a)).toEqual(draws(b));
    expect(draws(new T.Rng(5).fork())).not.toEqual(draws(new T.Rng(5)));
  });
});

describe('distributions (100k samples, 5 standard errors)', () => {
  const n = 100_000;

  for (const dtype of ['float32', 'float64'] as const) {
    it(`normal(mean 2, std 3) has the right mean, variance and 1σ mass (${dtype})`, () => {
      const x = new T.Rng(123).normal([n], 2, 3, dtype);
      expect(x.dtype).toBe(dtype);
      const { mean, variance } = moments(x.data);
      // SE of the mean: σ/√n = 0.0095; of the variance (normal data): σ²·√(2/(n−1)) = 0.040.
      expect(Math.abs(mean - 2)).toBeLessThan(5 * (3 / Math.sqrt(n)));
      expect(Math.abs(variance - 9)).toBeLessThan(5 * 9 * Math.sqrt(2 / (n - 1)));
      // Shape, not just moments: P(|x − μ| < σ) = 0.682689; SE = √(p(1−p)/n) = 0.00147.
      let inside = 0;
      for (const v of x.data) if (Math.abs(v - 2) < 3) inside++;
      expect(Math.abs(inside / n - 0.682689)).toBeLessThan(5 * Math.sqrt((0.682689 * 0.317311) / n));
    });
  }

  it('randn() one at a time is standard normal too', () => {
    const r = new T.Rng(9);
    const x = Float64Array.from({ length: n }, () => r.randn());
    const { mean, variance } = moments(x);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / (n - 1)));
  });

  it('uniform(lo, hi) stays in [lo, hi) with mean (lo+hi)/2 and variance (hi−lo)²/12', () => {
    const x = new T.Rng(321).uniform([n], -1, 3, 'float64');
    expect(x.data.every((v) => v >= -1 && v < 3)).toBe(true);
    const { mean, variance } = moments(x.data);
    // SE of the mean: √(16/12/n) = 0.0037; of the variance: √((μ₄ − σ⁴)/n) with μ₄ = w⁴/80.
    expect(Math.abs(mean - 1)).toBeLessThan(5 * Math.sqrt(16 / 12 / n));
    expect(Math.abs(variance - 16 / 12)).toBeLessThan(5 * Math.sqrt((256 / 80 - (16 / 12) ** 2) / n));
    expect(new T.Rng(1).uniform([2, 3]).shape).toEqual([2, 3]);
    expect(valuesOf(new T.Rng(1).uniform([4], 5, 5))).toEqual([5, 5, 5, 5]);
  });

  it('float32 uniform never rounds up to hi', () => {
    // Alea's next output is frac(2091639·s0 + c·2⁻³²): this state makes it 1 − 2⁻³², which
    // rounds to 1 in float32. The draw must be rejected, not returned as hi.
    const r = T.Rng.fromState({ algorithm: 'alea', c: 2 ** 32 - 1, s0: 0, s1: 0.5, s2: 0.25 });
    const u = r.uniform([1], 0, 1);
    expect(u.get(0)).toBeLessThan(1);
  });

  it('int(n) is uniform on 0..n−1', () => {
    const r = new T.Rng(77);
    const counts = new Array(6).fill(0);
    const m = 60_000;
    for (let i = 0; i < m; i++) {
      const k = r.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
      counts[k]++;
    }
    // Each count is Binomial(m, 1/6): SE = √(m·(1/6)·(5/6)) ≈ 91.
    const se = Math.sqrt((m * 5) / 36);
    for (const c of counts) expect(Math.abs(c - m / 6)).toBeLessThan(5 * se);
    expect(new T.Rng(1).int(1)).toBe(0);
  });
});

describe('shuffle and permutation', () => {
  it('permutation(n) holds each of 0..n−1 once and depends on the seed', () => {
    const p = new T.Rng(3).permutation(100);
    expect(p).toBeInstanceOf(Int32Array);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    expect([...p]).not.toEqual([...Array(100).keys()]);
    expect([...new T.Rng(3).permutation(100)]).toEqual([...p]);
    expect([...new T.Rng(4).permutation(100)]).not.toEqual([...p]);
    expect(new T.Rng(3).permutation(0).length).toBe(0);
    expect([...new T.Rng(3).permutation(1)]).toEqual([0]);
  });

  it('shuffle permutes in place, arrays and typed arrays', () => {
    const a = ['a', 'b', 'c', 'd', 'e'];
    const r = new T.Rng(8);
    expect(r.shuffle(a)).toBe(a);
    expect([...a].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const f = new Float32Array([1, 2, 3, 4]);
    r.shuffle(f);
    expect([...f].sort()).toEqual([1, 2, 3, 4]);
  });

  it('all 6 orders of 3 items are equally likely (Fisher–Yates without bias)', () => {
    const r = new T.Rng(2024);
    const counts = new Map<string, number>();
    const m = 60_000;
    for (let i = 0; i < m; i++) {
      const key = r.shuffle([0, 1, 2]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const se = Math.sqrt((m * 5) / 36);
    for (const c of counts.values()) expect(Math.abs(c - m / 6)).toBeLessThan(5 * se);
  });
});
