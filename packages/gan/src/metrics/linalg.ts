// Small dense linear algebra in float64 for the metrics: the eigen-decomposition of a symmetric
// matrix by the cyclic Jacobi method, and the square root of a symmetric positive semi-definite
// matrix built from it. Matrices are row-major Float64Arrays of n·n numbers.
import { Tensor, fail, fmtShape } from '@minigan/tensor';

/** A row-major n×n float64 matrix. */
export interface FlatMatrix {
  n: number;
  data: Float64Array;
}
/** A square matrix as a Tensor [n, n], nested rows, or a row-major FlatMatrix. */
export type MatrixLike = Tensor | readonly (readonly number[])[] | FlatMatrix;
/** A vector as a Tensor [n] or an array. */
export type VectorLike = Tensor | readonly number[] | Float64Array | Float32Array;

/** Copies a matrix into a row-major Float64Array, checking that it is square. */
export function toMatrix(op: string, what: string, a: MatrixLike): FlatMatrix {
  if (a instanceof Tensor) {
    if (a.ndim !== 2 || a.shape[0] !== a.shape[1]) fail(op, `${what} must be a square matrix [n, n], got shape ${fmtShape(a.shape)}`);
    return { n: a.shape[0]!, data: Float64Array.from(a.toFlat()) };
  }
  if (!Array.isArray(a)) {
    const { n, data } = a as FlatMatrix;
    if (!(data instanceof Float64Array) || data.length !== n * n) fail(op, `${what}: a flat matrix of n = ${n} needs ${n * n} float64 entries, got ${data?.length}`);
    return { n, data: Float64Array.from(data) };
  }
  const rows = a as readonly (readonly number[])[];
  const n = rows.length;
  const data = new Float64Array(n * n);
  rows.forEach((row, i) => {
    if (row.length !== n) fail(op, `${what} must be a square matrix: row ${i} has ${row.length} entries, expected ${n}`);
    for (let j = 0; j < n; j++) data[i * n + j] = row[j]!;
  });
  return { n, data };
}

/** Copies a vector into a Float64Array. */
export function toVector(op: string, what: string, v: VectorLike): Float64Array {
  if (v instanceof Tensor) {
    if (v.ndim !== 1) fail(op, `${what} must be a vector [n], got shape ${fmtShape(v.shape)}`);
    return Float64Array.from(v.toFlat());
  }
  return Float64Array.from(v);
}

/** The result of `eigh`: ascending eigenvalues and the matching unit eigenvectors as columns. */
export interface Eigh {
  /** λ_0 ≤ λ_1 ≤ … ≤ λ_{n−1}. */
  values: Float64Array;
  /** Row-major n×n matrix V whose column i is the eigenvector of λ_i: A = V diag(λ) Vᵀ. */
  vectors: Float64Array;
  /** Jacobi sweeps used. */
  sweeps: number;
}

/**
 * Eigen-decomposition of a symmetric matrix (NumPy's `eigh`), by cyclic Jacobi rotations in
 * float64. Each rotation J in the (p, q) plane zeroes a_pq of A ← Jᵀ A J; sweeps over all p < q
 * repeat until the off-diagonal part is negligible (convergence is quadratic). V accumulates
 * the rotations. Cost about 6n³ flops a sweep, 5–10 sweeps: fine up to a few hundred.
 */
export function eigh(a: MatrixLike, { maxSweeps = 100 }: { maxSweeps?: number } = {}): Eigh {
  const op = 'eigh';
  const { n, data } = toMatrix(op, 'the matrix', a);
  let norm = 0;
  for (let i = 0; i < n * n; i++) {
    if (!Number.isFinite(data[i]!)) fail(op, `the matrix has a non-finite entry ${data[i]} at [${Math.floor(i / n)},${i % n}]`);
    norm += data[i]! * data[i]!;
  }
  // Symmetric up to rounding: use (A + Aᵀ) / 2, refuse anything clearly not symmetric.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const x = data[i * n + j]!;
      const y = data[j * n + i]!;
      if (Math.abs(x - y) > 1e-8 * (Math.abs(x) + Math.abs(y)) + 1e-12 * Math.sqrt(norm)) {
        fail(op, `the matrix is not symmetric: a[${i},${j}] = ${x} but a[${j},${i}] = ${y}`);
      }
      data[i * n + j] = data[j * n + i] = (x + y) / 2;
    }
  }
  const A = data;
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  const tol = (1e-14 * Math.sqrt(norm)) ** 2; // stop when ‖offdiag(A)‖_F ≤ 1e-14 ‖A‖_F

  let sweeps = 0;
  for (;;) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * A[p * n + q]! ** 2;
    if (off <= tol || off === 0) break;
    if (sweeps >= maxSweeps) fail(op, `did not converge in ${maxSweeps} sweeps (off-diagonal norm ${Math.sqrt(off)})`);
    sweeps++;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        // Below the rounding of both diagonal entries the rotation changes nothing: drop a_pq.
        const app = Math.abs(A[p * n + p]!);
        const aqq = Math.abs(A[q * n + q]!);
        if (sweeps > 3 && Math.abs(apq) * 1e17 < app && Math.abs(apq) * 1e17 < aqq) {
          A[p * n + q] = A[q * n + p] = 0;
          continue;
        }
        // tan φ = t is the smaller root of t² + 2θt − 1 = 0, θ = (a_qq − a_pp) / (2 a_pq):
        // it makes the new a_pq = (c² − s²) a_pq + cs (a_pp − a_qq) vanish, with |φ| ≤ π/4.
        const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // Columns p, q of A ← A J, then rows p, q of A ← Jᵀ A.
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + q] = A[q * n + p] = 0; // zero by construction; remove the rounding residue
        // V ← V J.
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }

  const order = [...Array(n).keys()].sort((i, j) => A[i * n + i]! - A[j * n + j]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = A[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src]!;
  });
  return { values, vectors, sweeps };
}

/**
 * The symmetric square root S (S·S = A) of a symmetric positive semi-definite matrix:
 * S = V diag(√max(λ, 0)) Vᵀ. Eigenvalues below zero by rounding are clamped to 0.
 */
export function sqrtmPsd(a: MatrixLike): Float64Array {
  const { values, vectors: V } = eigh(a);
  const n = values.length;
  const r = values.map((l) => Math.sqrt(Math.max(l, 0)));
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += V[i * n + k]! * r[k]! * V[j * n + k]!;
      S[i * n + j] = S[j * n + i] = s;
    }
  }
  return S;
}

/** Row-major product of two n×n matrices. */
export function matmulSquare(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return out;
}
