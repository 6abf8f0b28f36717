// Mode-collapse metrics for the toy mixtures, as defined by VEEGAN (Srivastava et al. 2017) and
// PacGAN (Lin et al. 2018), computed on 2,500 generated samples by default:
//   - high-quality share: the fraction of samples within 3σ of their nearest mode centre;
//   - modes covered: the number of modes that are the nearest mode of ≥ 1 high-quality sample;
//   - reverse KL: KL(p_gen ‖ p_real) = Σ_k p_gen(k) log(p_gen(k) / p_real(k)) between the mode
//     histogram of the high-quality generated samples and the real one.
import { Tensor, fail, fmtShape } from '@minigan/tensor';

/** The number of generated samples the toy metrics use by default (as in PacGAN). */
export const TOY_METRIC_SAMPLES = 2500;

/** What the metrics need to know about the real distribution (every `ToySampler` is one). */
export interface ToyTarget {
  /** Mode centres [k, d]. */
  modes(): Tensor;
  /** Standard deviation of each mode (length k). */
  readonly stds: readonly number[];
  /** Probability of each mode (length k): the real mode histogram. */
  readonly weights: readonly number[];
}

/** Options of `toyMetrics`. */
export interface ToyMetricsOptions {
  /** A sample is high-quality within `threshold`·σ of its nearest mode (default 3). */
  threshold?: number;
  /**
   * Real samples [m, d] to build the real mode histogram from (its high-quality samples, with
   * the smoothing described at `reverseKl`) instead of the exact mode weights.
   */
  real?: Tensor;
}

/** The toy metrics of one set of samples. */
export interface ToyMetrics {
  /** Samples evaluated. */
  n: number;
  /** Share of high-quality samples, in [0, 1]. */
  highQuality: number;
  /** Number of high-quality samples. */
  highQualityCount: number;
  /** Modes that are the nearest mode of at least one high-quality sample. */
  modesCovered: number;
  /** Number of modes k. */
  numModes: number;
  /** KL(p_gen ‖ p_real) over modes, in nats (Infinity when no sample is high-quality). */
  reverseKl: number;
  /** High-quality samples assigned to each mode (length k). */
  modeCounts: number[];
}

/**
 * Assigns each row of x [n, d] to its nearest mode (Euclidean) and counts, per mode, the rows
 * within threshold·σ_k of it. Rows with a non-finite value are never high-quality.
 */
export function modeCounts(x: Tensor, target: ToyTarget, threshold = 3): { counts: number[]; highQuality: number; n: number } {
  const op = 'toyMetrics';
  const modes = target.modes();
  if (modes.ndim !== 2) fail(op, `modes must be [k, d], got shape ${fmtShape(modes.shape)}`);
  const [k, d] = modes.shape as [number, number];
  if (x.ndim !== 2 || x.shape[1] !== d) fail(op, `samples must be [n, ${d}] to match ${k} modes of dimension ${d}, got shape ${fmtShape(x.shape)}`);
  if (target.stds.length !== k) fail(op, `target has ${k} modes but ${target.stds.length} stds`);
  if (!(threshold > 0)) fail(op, `threshold must be positive, got ${threshold}`);
  const n = x.shape[0]!;
  const v = x.toFlat();
  const c = modes.toFlat();
  const counts = new Array<number>(k).fill(0);
  let hq = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let arg = -1;
    for (let m = 0; m < k; m++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (v[i * d + j]! - c[m * d + j]!) ** 2;
      if (s < best) {
        best = s;
        arg = m;
      }
    }
    if (arg < 0) continue; // NaN coordinates: no nearest mode
    const r = threshold * target.stds[arg]!;
    if (best <= r * r) {
      counts[arg]! += 1;
      hq += 1;
    }
  }
  return { counts, highQuality: hq, n };
}

/**
 * KL(p ‖ q) = Σ_k p_k log(p_k / q_k) in nats, with p = genCounts / Σ genCounts.
 * Empty bins of p contribute 0 (the limit of p log p as p → 0), so no smoothing is needed on
 * the generated side: a generator that misses modes is not penalised infinitely, which is why
 * the reverse direction is the one used for mode collapse. q is used as given when it is a
 * probability vector (the sampler's mode weights, all > 0); pass `{ qCounts }` to build q from
 * counts instead, then every bin gets a pseudo-count of ½ (q_k = (c_k + ½) / (Σc + k/2),
 * the Krichevsky–Trofimov estimate), so an empty real bin gives a large but finite term.
 * Returns Infinity when Σ genCounts = 0 (p is undefined: nothing to compare).
 */
export function reverseKl(genCounts: readonly number[], real: { q: readonly number[] } | { qCounts: readonly number[] }): number {
  const k = genCounts.length;
  const raw = 'q' in real ? real.q : real.qCounts;
  if (raw.length !== k) fail('reverseKl', `${k} generated bins but ${raw.length} real ones`);
  let q: number[];
  if ('q' in real) q = [...real.q];
  else {
    const total = real.qCounts.reduce((a, b) => a + b, 0);
    q = real.qCounts.map((c) => (c + 0.5) / (total + k / 2));
  }
  const nGen = genCounts.reduce((a, b) => a + b, 0);
  if (nGen === 0) return Infinity;
  let kl = 0;
  for (let i = 0; i < k; i++) {
    const p = genCounts[i]! / nGen;
    if (p === 0) continue;
    if (!(q[i]! > 0)) return Infinity; // generated mass where the real distribution has none
    kl += p * Math.log(p / q[i]!);
  }
  return kl;
}

/**
 * The toy metrics (high-quality share, modes covered, reverse KL) of generated samples
 * x [n, d] against a target mixture. Call it with `TOY_METRIC_SAMPLES` (2,500) samples for
 * numbers comparable with VEEGAN and PacGAN.
 */
export function toyMetrics(x: Tensor, target: ToyTarget, { threshold = 3, real }: ToyMetricsOptions = {}): ToyMetrics {
  const { counts, highQuality, n } = modeCounts(x, target, threshold);
  const kl = real === undefined ? reverseKl(counts, { q: target.weights }) : reverseKl(counts, { qCounts: modeCounts(real, target, threshold).counts });
  return {
    n,
    highQuality: n === 0 ? 0 : highQuality / n,
    highQualityCount: highQuality,
    modesCovered: counts.filter((c) => c > 0).length,
    numModes: counts.length,
    reverseKl: kl,
    modeCounts: counts,
  };
}
