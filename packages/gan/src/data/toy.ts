// Toy distributions of the GAN literature: a 1-D Gaussian and mixtures (the GAN paper's
// figure 1), a ring of 8 and a grid of 25 2-D Gaussians (the mode-collapse benchmarks of
// Unrolled GAN, VEEGAN and PacGAN). Each sampler knows its modes, so the toy metrics can
// assign generated samples to them.
import * as T from '@minigan/tensor';
import { Tensor, Rng, fail } from '@minigan/tensor';

/** A mixture of isotropic Gaussians that can be sampled and whose modes are known. */
export interface ToySampler {
  /** A short name for reports and file names, e.g. `ring8`. */
  readonly name: string;
  /** Dimension d of each sample. */
  readonly dim: number;
  /** The common standard deviation of every mode, when all modes share one. */
  readonly std?: number;
  /** Standard deviation of each mode (length k). */
  readonly stds: readonly number[];
  /** Probability of each mode (length k, sums to 1). */
  readonly weights: readonly number[];
  /** `n` samples as a [n, d] float32 tensor, drawing only from `rng`. */
  sample(n: number, rng: Rng): Tensor;
  /** The mode centres as a [k, d] float32 tensor. */
  modes(): Tensor;
}

function checkPositive(op: string, what: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(op, `${what} must be a positive finite number, got ${String(v)}`);
}

function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) fail(op, `n must be a non-negative integer, got ${String(n)}`);
}

/**
 * A mixture of k isotropic Gaussians in d dimensions: centres [k, d], per-mode std and weight.
 * Sampling draws all n mode indices first (one uniform each, inverse CDF over the weights),
 * then one [n, d] block of standard normals, so the stream a seed produces is easy to reason
 * about: x_i = centre[m_i] + std[m_i] · ε_i.
 */
class GaussianMixture implements ToySampler {
  readonly dim: number;
  readonly std?: number;
  private readonly cdf: Float64Array;

  constructor(
    readonly name: string,
    private readonly centres: Float64Array, // [k, d] row-major
    readonly stds: readonly number[],
    readonly weights: readonly number[],
  ) {
    const k = stds.length;
    this.dim = centres.length / k;
    if (stds.every((s) => s === stds[0])) this.std = stds[0]!;
    this.cdf = new Float64Array(k);
    let acc = 0;
    for (let i = 0; i < k; i++) {
      acc += weights[i]!;
      this.cdf[i] = acc;
    }
    this.cdf[k - 1] = 1; // guard against rounding: the last mode takes whatever is left
  }

  sample(n: number, rng: Rng): Tensor {
    checkCount(`${this.name}.sample`, n);
    const k = this.stds.length;
    const d = this.dim;
    const mode = new Int32Array(n);
    if (k > 1) {
      // Equal weights: one rng.int(k) per sample; otherwise invert the CDF of one uniform.
      const uniformWeights = this.weights.every((w) => w === this.weights[0]);
      for (let i = 0; i < n; i++) {
        if (uniformWeights) mode[i] = rng.int(k);
        else {
          const u = rng.random();
          let m = 0;
          while (m < k - 1 && u >= this.cdf[m]!) m++;
          mode[i] = m;
        }
      }
    }
    const eps = rng.normal([n, d]); // [n, d] standard normals
    const out = eps.data;
    for (let i = 0; i < n; i++) {
      const m = mode[i]!;
      const s = this.stds[m]!;
      for (let j = 0; j < d; j++) out[i * d + j] = this.centres[m * d + j]! + s * out[i * d + j]!;
    }
    return eps;
  }

  modes(): Tensor {
    return T.tensor(Float32Array.from(this.centres), [this.stds.length, this.dim]);
  }
}

/** One 1-D Gaussian N(mean, std²), by default N(4, 0.5²) (like the GAN paper's figure 1). */
export function gaussian1d({ mean = 4, std = 0.5 }: { mean?: number; std?: number } = {}): ToySampler {
  if (!Number.isFinite(mean)) fail('gaussian1d', `mean must be finite, got ${mean}`);
  checkPositive('gaussian1d', 'std', std);
  return new GaussianMixture('gaussian1d', Float64Array.of(mean), [std], [1]);
}

/** A 1-D mixture of Gaussians; weights default to equal and are normalised to sum to 1. */
export function mixture1d({ means, stds, weights }: { means: readonly number[]; stds: readonly number[] | number; weights?: readonly number[] }): ToySampler {
  const op = 'mixture1d';
  if (!Array.isArray(means) || means.length === 0) fail(op, `means must be a non-empty array, got ${JSON.stringify(means)}`);
  const k = means.length;
  means.forEach((m, i) => { if (!Number.isFinite(m)) fail(op, `means[${i}] must be finite, got ${m}`); });
  const s = typeof stds === 'number' ? new Array<number>(k).fill(stds) : [...stds];
  if (s.length !== k) fail(op, `stds has ${s.length} entries, expected ${k} (one per mean)`);
  s.forEach((v, i) => checkPositive(op, `stds[${i}]`, v));
  const w = weights ? [...weights] : new Array<number>(k).fill(1);
  if (w.length !== k) fail(op, `weights has ${w.length} entries, expected ${k} (one per mean)`);
  w.forEach((v, i) => { if (!Number.isFinite(v) || v < 0) fail(op, `weights[${i}] must be a finite number ≥ 0, got ${v}`); });
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0)) fail(op, 'weights must not all be zero');
  return new GaussianMixture('mixture1d', Float64Array.from(means), s, w.map((v) => v / total));
}

/**
 * `modes` Gaussians evenly spaced on a circle of `radius`, equal weights (PacGAN's ring:
 * 8 modes, radius 1, std 0.01). Mode k sits at angle 2πk / modes.
 */
export function ring2d({ modes = 8, radius = 1, std = 0.01 }: { modes?: number; radius?: number; std?: number } = {}): ToySampler {
  if (!Number.isInteger(modes) || modes < 1) fail('ring2d', `modes must be a positive integer, got ${modes}`);
  checkPositive('ring2d', 'radius', radius);
  checkPositive('ring2d', 'std', std);
  const c = new Float64Array(modes * 2);
  for (let k = 0; k < modes; k++) {
    const a = (2 * Math.PI * k) / modes;
    c[2 * k] = radius * Math.cos(a);
    c[2 * k + 1] = radius * Math.sin(a);
  }
  return new GaussianMixture(`ring${modes}`, c, new Array(modes).fill(std), new Array(modes).fill(1 / modes));
}

/**
 * A side × side grid of Gaussians centred on the origin, `spacing` apart, equal weights
 * (PacGAN's grid: 5 × 5, spacing 2, so means in {−4,−2,0,2,4}², std 0.05). Mode i·side + j
 * sits at (x_i, y_j) with x_i = (i − (side−1)/2) · spacing.
 */
export function grid2d({ side = 5, spacing = 2, std = 0.05 }: { side?: number; spacing?: number; std?: number } = {}): ToySampler {
  if (!Number.isInteger(side) || side < 1) fail('grid2d', `side must be a positive integer, got ${side}`);
  checkPositive('grid2d', 'spacing', spacing);
  checkPositive('grid2d', 'std', std);
  const k = side * side;
  const c = new Float64Array(k * 2);
  const half = (side - 1) / 2;
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      c[2 * (i * side + j)] = (i - half) * spacing;
      c[2 * (i * side + j) + 1] = (j - half) * spacing;
    }
  }
  return new GaussianMixture(`grid${k}`, c, new Array(k).fill(std), new Array(k).fill(1 / k));
}
