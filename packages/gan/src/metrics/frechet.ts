// The Fréchet distance between two Gaussians N(μ1, C1) and N(μ2, C2), the formula behind FID
// (Heusel et al. 2017; Dowson & Landau 1982):
//   d² = ‖μ1 − μ2‖² + tr(C1 + C2 − 2 (C1^{1/2} C2 C1^{1/2})^{1/2})
// (C1^{1/2} C2 C1^{1/2} is similar to C1 C2, so its square root has the trace of (C1 C2)^{1/2};
// this form keeps every matrix symmetric, so the symmetric eigen-solver suffices.)
import { Tensor, fail, fmtShape } from '@minigan/tensor';
import { eigh, matmulSquare, sqrtmPsd, toMatrix, toVector, type MatrixLike, type VectorLike } from './linalg.ts';

/** Mean [d] and unbiased covariance [d, d] (divides by n − 1, like `numpy.cov`) of the rows of x [n, d], in float64. */
export function meanCov(x: Tensor): { mean: Float64Array; cov: Float64Array; dim: number } {
  const op = 'meanCov';
  if (x.ndim !== 2) fail(op, `expected features [n, d], got shape ${fmtShape(x.shape)}`);
  const [n, d] = x.shape as [number, number];
  if (n < 2) fail(op, `need at least 2 rows for a covariance, got ${n}`);
  const v = x.toFlat();
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += v[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  // C = Σ_i (x_i − μ)(x_i − μ)ᵀ / (n − 1), accumulated on the upper triangle and mirrored.
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) c[j] = v[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ca = c[a]!;
      if (ca === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b]! += ca * c[b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const s = cov[a * d + b]! / (n - 1);
      cov[a * d + b] = s;
      cov[b * d + a] = s;
    }
  }
  return { mean, cov, dim: d };
}

/** A covariance argument as a row-major Float64Array of d·d numbers. */
function matrixArg(op: string, what: string, m: MatrixLike | Float64Array, d: number): Float64Array {
  if (m instanceof Float64Array) {
    if (m.length !== d * d) fail(op, `${what} has ${m.length} entries, expected ${d}×${d} = ${d * d}`);
    return m;
  }
  const { n, data } = toMatrix(op, what, m);
  if (n !== d) fail(op, `${what} is ${n}×${n}, expected ${d}×${d} to match the means`);
  return data;
}

/** Fréchet distance d² between N(mu1, cov1) and N(mu2, cov2); covariances must be symmetric PSD. */
export function frechetDistance(mu1: VectorLike, cov1: MatrixLike | Float64Array, mu2: VectorLike, cov2: MatrixLike | Float64Array): number {
  const op = 'frechetDistance';
  const m1 = toVector(op, 'mu1', mu1);
  const m2 = toVector(op, 'mu2', mu2);
  const d = m1.length;
  if (m2.length !== d) fail(op, `mu1 has ${d} entries but mu2 has ${m2.length}`);
  const c1 = matrixArg(op, 'cov1', cov1, d);
  const c2 = matrixArg(op, 'cov2', cov2, d);

  let diff = 0;
  for (let i = 0; i < d; i++) diff += (m1[i]! - m2[i]!) ** 2;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += c1[i * d + i]! + c2[i * d + i]!;

  // tr (S1 C2 S1)^{1/2} = Σ √λ_i(S1 C2 S1), with S1 = C1^{1/2}.
  const s1 = sqrtmPsd({ n: d, data: c1 });
  const m = matmulSquare(matmulSquare(s1, c2, d), s1, d);
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) m[i * d + j] = m[j * d + i] = (m[i * d + j]! + m[j * d + i]!) / 2;
  const { values } = eigh({ n: d, data: m });
  let trSqrt = 0;
  for (const l of values) trSqrt += Math.sqrt(Math.max(l, 0));
  // Rounding can make a true 0 come out as −1e-15; the distance is never negative.
  return Math.max(diff + trace - 2 * trSqrt, 0);
}

/** Fréchet distance between the Gaussians fitted to two sets of features [n1, d] and [n2, d] (FID-like). */
export function frechetDistanceFromFeatures(a: Tensor, b: Tensor): number {
  const fa = meanCov(a);
  const fb = meanCov(b);
  if (fa.dim !== fb.dim) fail('frechetDistanceFromFeatures', `feature sizes differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return frechetDistance(fa.mean, fa.cov, fb.mean, fb.cov);
}
