import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { TOY_METRIC_SAMPLES, eigh, frechetDistance, frechetDistanceFromFeatures, grid2d, meanCov, mixture1d, reverseKl, ring2d, sqrtmPsd, toyMetrics } from '@minigan/gan';

const ring = ring2d(); // 8 modes on the unit circle, σ = 0.01, so 3σ = 0.03
const c45 = Math.SQRT1_2;

describe('toy metrics (VEEGAN / PacGAN definitions)', () => {
  it('hand-made samples: high-quality share, modes covered, reverse KL', () => {
    const x = T.tensor([
      [1, 0], [1, 0], // mode 0, exactly on it
      [0, 1], // mode 2
      [1.02, 0], // 0.02 from mode 0: within 3σ
      [1.04, 0], // 0.04 from mode 0: outside 3σ
      [0.5, 0.5], // nearest mode 1 at (0.71, 0.71), 0.29 away
    ]);
    const m = toyMetrics(x, ring);
    expect(m.n).toBe(6);
    expect(m.highQualityCount).toBe(4);
    expect(m.highQuality).toBeCloseTo(4 / 6, 12);
    expect(m.modesCovered).toBe(2);
    expect(m.numModes).toBe(8);
    expect(m.modeCounts).toEqual([3, 0, 1, 0, 0, 0, 0, 0]);
    // p_gen = (3/4, 1/4) on modes 0 and 2, p_real = 1/8 everywhere.
    expect(m.reverseKl).toBeCloseTo(0.75 * Math.log(6) + 0.25 * Math.log(2), 12);
  });

  it('one sample per mode: KL 0; all in one mode: KL log 8; none high-quality: KL ∞', () => {
    const perMode = T.tensor(Array.from({ length: 8 }, (_, k) => [Math.cos((2 * Math.PI * k) / 8), Math.sin((2 * Math.PI * k) / 8)]));
    const a = toyMetrics(perMode, ring);
    expect([a.highQuality, a.modesCovered]).toEqual([1, 8]);
    expect(a.reverseKl).toBeCloseTo(0, 12);

    const collapsed = toyMetrics(T.tensor([[c45, c45], [c45, c45 + 0.01], [c45 - 0.01, c45]]), ring);
    expect([collapsed.highQuality, collapsed.modesCovered]).toEqual([1, 1]);
    expect(collapsed.modeCounts[1]).toBe(3);
    expect(collapsed.reverseKl).toBeCloseTo(Math.log(8), 12);

    const far = toyMetrics(T.tensor([[0, 0], [3, 3], [NaN, 1]]), ring);
    expect([far.highQuality, far.modesCovered, far.reverseKl]).toEqual([0, 0, Infinity]);
  });

  it('uses each mode’s own σ and the mixture weights', () => {
    const mix = mixture1d({ means: [0, 10], stds: [0.1, 1], weights: [3, 1] });
    // 0.25 is 2.5σ from mode 0 (HQ); 2.5 is nearest to mode 0 but 25σ away; 8 is 2σ from mode 1.
    const m = toyMetrics(T.tensor([[0.25], [2.5], [8]]), mix);
    expect(m.modeCounts).toEqual([1, 1]);
    expect(m.highQualityCount).toBe(2);
    // p = (1/2, 1/2), q = (3/4, 1/4)
    expect(m.reverseKl).toBeCloseTo(0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25), 12);
  });

  it('real samples: 98.9% high quality (P(χ²₂ ≤ 9) = 1 − e^{−4.5}), every mode, KL near 0', () => {
    for (const target of [ring, grid2d()]) {
      const m = toyMetrics(target.sample(TOY_METRIC_SAMPLES, new T.Rng(9)), target);
      const p = 1 - Math.exp(-4.5);
      expect(Math.abs(m.highQuality - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / TOY_METRIC_SAMPLES));
      expect(m.modesCovered).toBe(m.numModes);
      // E[KL] of an empirical histogram ≈ (k − 1) / (2n): 0.0014 for the ring, 0.0048 for the grid.
      expect(m.reverseKl).toBeLessThan(0.02);
    }
  });

  it('real histogram from samples: ½ pseudo-count per bin', () => {
    // q = ((1 + ½) / 2, (0 + ½) / 2) = (3/4, 1/4); p = (1/2, 1/2)
    expect(reverseKl([2, 2], { qCounts: [1, 0] })).toBeCloseTo(0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(2), 12);
    const realHalf = T.tensor([[1, 0], [1, 0], [0, 1], [0, 1]]); // modes 0 and 2, two each
    const m = toyMetrics(T.tensor([[1, 0], [0, 1]]), ring, { real: realHalf });
    // q_k = (c_k + ½) / (4 + 4): 2.5/8 on modes 0 and 2; p = ½ each
    expect(m.reverseKl).toBeCloseTo(Math.log(0.5 / (2.5 / 8)), 12);
  });

  it('rejects samples of the wrong dimension', () => {
    expect(() => toyMetrics(T.zeros([4, 3]), ring)).toThrow('toyMetrics: samples must be [n, 2] to match 8 modes of dimension 2, got shape [4,3]');
  });
});

/** Max |a − b| over two arrays. */
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('symmetric eigen-solver (Jacobi)', () => {
  it('a 2×2 and the 3×3 second-difference matrix, eigenvalues by hand', () => {
    const a = eigh([[2, 1], [1, 2]]);
    expect(Array.from(a.values)).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
    // eigenvector of 3 is ±(1, 1)/√2
    expect(Math.abs(a.vectors[1]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(a.vectors[1]! * a.vectors[3]!).toBeCloseTo(0.5, 14);
    const b = eigh([[2, -1, 0], [-1, 2, -1], [0, -1, 2]]);
    expect(maxDiff(b.values, [2 - Math.SQRT2, 2, 2 + Math.SQRT2])).toBeLessThan(1e-14);
  });

  it('random symmetric 12×12: A V = V Λ and Vᵀ V = I to 1e-12', () => {
    const n = 12;
    const r = new T.Rng(4).normal([n, n], 0, 1, 'float64').toFlat();
    const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => r[i * n + j]! + r[j * n + i]!));
    const { values, vectors: V, sweeps } = eigh(A);
    expect(sweeps).toBeLessThan(15);
    for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < n; c++) {
        let av = 0;
        let vtv = 0;
        for (let k = 0; k < n; k++) {
          av += A[i]![k]! * V[k * n + c]!;
          vtv += V[k * n + i]! * V[k * n + c]!;
        }
        expect(Math.abs(av - values[c]! * V[i * n + c]!)).toBeLessThan(1e-12);
        expect(Math.abs(vtv - (i === c ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('sqrtmPsd: S·S = A; refuses a non-symmetric matrix', () => {
    const A = [[4, 2, 0], [2, 3, 1], [0, 1, 2]];
    const S = sqrtmPsd(A);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += S[i * 3 + k]! * S[k * 3 + j]!;
        expect(s).toBeCloseTo(A[i]![j]!, 12);
      }
    }
    expect(() => eigh([[1, 2], [3, 1]])).toThrow('eigh: the matrix is not symmetric: a[0,1] = 2 but a[1,0] = 3');
  });
});

describe('Fréchet distance', () => {
  it('1-D: (μ1 − μ2)² + (σ1 − σ2)²', () => {
    expect(frechetDistance([0], [[4]], [3], [[1]])).toBeCloseTo(9 + (2 - 1) ** 2, 12);
  });

  it('diagonal and commuting covariances: Σ (√a − √b)² plus the mean term', () => {
    expect(frechetDistance([1, 2, 3], [[4, 0, 0], [0, 9, 0], [0, 0, 1]], [1, 0, 3], [[1, 0, 0], [0, 4, 0], [0, 0, 1]])).toBeCloseTo(4 + 1 + 1, 12);
    // C1 = R diag(4, 1) Rᵀ, C2 = R diag(9, 16) Rᵀ with R a rotation by 30°: d² = (2−3)² + (1−4)² = 10
    const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
    const rot = (a: number, b: number) => [[a * c * c + b * s * s, (a - b) * c * s], [(a - b) * c * s, a * s * s + b * c * c]];
    expect(frechetDistance([0, 0], rot(4, 1), [0, 0], rot(9, 16))).toBeCloseTo(10, 12);
  });

  it('non-commuting, one singular: C1 = diag(4, 1), C2 = (1,1)(1,1)ᵀ gives 7 − 2√5', () => {
    // S1 C2 S1 = (S1 v)(S1 v)ᵀ with S1 v = (2, 1): one eigenvalue |S1 v|² = 5, the other 0.
    expect(frechetDistance([0, 0], [[4, 0], [0, 1]], [0, 0], [[1, 1], [1, 1]])).toBeCloseTo(7 - 2 * Math.sqrt(5), 12);
    // C1 = I, C2 = [[2,1],[1,2]]: tr √C2 = √3 + 1, d² = 2 + 4 − 2(√3 + 1)
    expect(frechetDistance([0, 0], [[1, 0], [0, 1]], [0, 0], [[2, 1], [1, 2]])).toBeCloseTo(4 - 2 * Math.sqrt(3), 12);
  });

  it('from features: 0 for identical sets, meanCov by hand, unbiased covariance', () => {
    const x = T.tensor([[1, 2], [3, 6], [5, 10]]);
    const { mean, cov } = meanCov(x);
    expect(Array.from(mean)).toEqual([3, 6]);
    expect(Array.from(cov)).toEqual([4, 8, 8, 16]);
    const f = new T.Rng(1).normal([200, 6]);
    expect(frechetDistanceFromFeatures(f, f)).toBeLessThan(1e-10);
    // Shifting every feature by 1 adds exactly d = 6 (same covariance).
    expect(frechetDistanceFromFeatures(f, T.add(f, 1))).toBeCloseTo(6, 4);
  });

  it('errors name what does not fit', () => {
    expect(() => frechetDistance([0, 0], [[1, 0], [0, 1]], [0], [[1]])).toThrow('frechetDistance: mu1 has 2 entries but mu2 has 1');
    expect(() => frechetDistance([0, 0], [[1, 0], [0, 1]], [0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])).toThrow('frechetDistance: cov2 is 3×3, expected 2×2 to match the means');
  });
});
