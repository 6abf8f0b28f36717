import type { TypedArray } from '../tensor.ts';

/**
 * A matrix-multiply backend. It computes C = op(A)·op(B) for row-major storage:
 * op(A) is [M, K] — A is stored [M, K] (row stride lda) or, when transA, [K, M];
 * op(B) is [K, N] — B is stored [K, N] (row stride ldb) or, when transB, [N, K].
 * C is [M, N] with row stride ldc and is overwritten.
 */
export interface GemmBackend {
  readonly name: string;
  /** Whether this backend takes arrays of this element type (else the reference is used). */
  supports(dtype: 'float32' | 'float64'): boolean;
  gemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: TypedArray, aOff: number, lda: number,
    B: TypedArray, bOff: number, ldb: number,
    C: TypedArray, cOff: number, ldc: number,
  ): void;
}

/** Reference: the plain i-j-k triple loop (a dot product per element), for tests and the benchmark's baseline. */
export function gemmNaive(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: TypedArray, aOff: number, lda: number, B: TypedArray, bOff: number, ldb: number,
  C: TypedArray, cOff: number, ldc: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[aOff + k * lda + i]! : A[aOff + i * lda + k]!;
        const b = transB ? B[bOff + j * ldb + k]! : B[bOff + k * ldb + j]!;
        s += a * b;
      }
      C[cOff + i * ldc + j] = s;
    }
  }
}

const MR = 4; // rows of C per register tile
const NR = 4; // columns of C per register tile
const KC = 256; // depth of one packed block: an A panel (4·256 floats = 4 KB) stays in L1

/**
 * Packs op(A)[i0 : i0+4, k0 : k0+kc] into `dst` as kc groups of 4 (k-major), zero-padding rows
 * past M. The transposed form differs only here, so the kernel below never sees a transpose.
 */
function packA(transA: boolean, A: TypedArray, aOff: number, lda: number, M: number, i0: number, k0: number, kc: number, dst: TypedArray): void {
  const rows = Math.min(MR, M - i0);
  for (let r = 0; r < MR; r++) {
    if (r >= rows) {
      for (let k = 0; k < kc; k++) dst[k * MR + r] = 0;
    } else if (transA) {
      let p = aOff + k0 * lda + i0 + r;
      for (let k = 0; k < kc; k++, p += lda) dst[k * MR + r] = A[p]!;
    } else {
      let p = aOff + (i0 + r) * lda + k0;
      for (let k = 0; k < kc; k++, p++) dst[k * MR + r] = A[p]!;
    }
  }
}

/** Packs op(B)[k0 : k0+kc, all N] as ⌈N/4⌉ panels of kc×4 (k-major), zero-padding columns past N. */
function packB(transB: boolean, B: TypedArray, bOff: number, ldb: number, N: number, k0: number, kc: number, dst: TypedArray): void {
  const panels = Math.ceil(N / NR);
  for (let jp = 0; jp < panels; jp++) {
    const base = jp * kc * NR;
    for (let c = 0; c < NR; c++) {
      const j = jp * NR + c;
      if (j >= N) {
        for (let k = 0; k < kc; k++) dst[base + k * NR + c] = 0;
      } else if (transB) {
        let p = bOff + j * ldb + k0;
        for (let k = 0; k < kc; k++, p++) dst[base + k * NR + c] = B[p]!;
      } else {
        let p = bOff + k0 * ldb + j;
        for (let k = 0; k < kc; k++, p += ldb) dst[base + k * NR + c] = B[p]!;
      }
    }
  }
}

const edge = new Float64Array(16);
let scratch32A = new Float32Array(0), scratch32B = new Float32Array(0);
let scratch64A = new Float64Array(0), scratch64B = new Float64Array(0);

/**
 * The readable TypeScript kernel: K is cut into blocks of 256; for each block B is packed once
 * into 4-column panels and each 4-row panel of A is packed, then a 4×4 tile of C is kept in 16
 * local variables (registers) while k runs, so each loaded value is used 4 times.
 */
export function gemmBlocked(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: TypedArray, aOff: number, lda: number, B: TypedArray, bOff: number, ldb: number,
  C: TypedArray, cOff: number, ldc: number,
): void {
  if (K === 0) {
    for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
    return;
  }
  const f64 = C instanceof Float64Array;
  const panelsN = Math.ceil(N / NR);
  const needB = panelsN * NR * Math.min(KC, K);
  const needA = MR * Math.min(KC, K);
  let Ap: TypedArray, Bp: TypedArray;
  if (f64) {
    if (scratch64B.length < needB) scratch64B = new Float64Array(needB);
    if (scratch64A.length < needA) scratch64A = new Float64Array(needA);
    Ap = scratch64A; Bp = scratch64B;
  } else {
    if (scratch32B.length < needB) scratch32B = new Float32Array(needB);
    if (scratch32A.length < needA) scratch32A = new Float32Array(needA);
    Ap = scratch32A; Bp = scratch32B;
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    const first = k0 === 0;
    packB(transB, B, bOff, ldb, N, k0, kc, Bp);
    for (let i0 = 0; i0 < M; i0 += MR) {
      packA(transA, A, aOff, lda, M, i0, k0, kc, Ap);
      const rows = Math.min(MR, M - i0);
      for (let jp = 0; jp < panelsN; jp++) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        let pb = jp * kc * NR;
        let pa = 0;
        for (let k = 0; k < kc; k++, pa += MR, pb += NR) {
          const a0 = Ap[pa]!, a1 = Ap[pa + 1]!, a2 = Ap[pa + 2]!, a3 = Ap[pa + 3]!;
          const b0 = Bp[pb]!, b1 = Bp[pb + 1]!, b2 = Bp[pb + 2]!, b3 = Bp[pb + 3]!;
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        const j0 = jp * NR;
        const cols = Math.min(NR, N - j0);
        if (rows === MR && cols === NR) {
          let p = cOff + i0 * ldc + j0;
          if (first) {
            C[p] = c00; C[p + 1] = c01; C[p + 2] = c02; C[p + 3] = c03; p += ldc;
            C[p] = c10; C[p + 1] = c11; C[p + 2] = c12; C[p + 3] = c13; p += ldc;
            C[p] = c20; C[p + 1] = c21; C[p + 2] = c22; C[p + 3] = c23; p += ldc;
            C[p] = c30; C[p + 1] = c31; C[p + 2] = c32; C[p + 3] = c33;
          } else {
            C[p] = C[p]! + c00; C[p + 1] = C[p + 1]! + c01; C[p + 2] = C[p + 2]! + c02; C[p + 3] = C[p + 3]! + c03; p += ldc;
            C[p] = C[p]! + c10; C[p + 1] = C[p + 1]! + c11; C[p + 2] = C[p + 2]! + c12; C[p + 3] = C[p + 3]! + c13; p += ldc;
            C[p] = C[p]! + c20; C[p + 1] = C[p + 1]! + c21; C[p + 2] = C[p + 2]! + c22; C[p + 3] = C[p + 3]! + c23; p += ldc;
            C[p] = C[p]! + c30; C[p + 1] = C[p + 1]! + c31; C[p + 2] = C[p + 2]! + c32; C[p + 3] = C[p + 3]! + c33;
          }
        } else {
          // Edge tile: only the rows/columns inside C are written.
          edge[0] = c00; edge[1] = c01; edge[2] = c02; edge[3] = c03;
          edge[4] = c10; edge[5] = c11; edge[6] = c12; edge[7] = c13;
          edge[8] = c20; edge[9] = c21; edge[10] = c22; edge[11] = c23;
          edge[12] = c30; edge[13] = c31; edge[14] = c32; edge[15] = c33;
          for (let r = 0; r < rows; r++) {
            const p = cOff + (i0 + r) * ldc + j0;
            for (let c = 0; c < cols; c++) C[p + c] = (first ? 0 : C[p + c]!) + edge[r * 4 + c]!;
          }
        }
      }
    }
  }
}

/** The TypeScript backend (float32 and float64). */
export const jsBackend: GemmBackend = {
  name: 'js',
  supports: () => true,
  gemm: gemmBlocked,
};
