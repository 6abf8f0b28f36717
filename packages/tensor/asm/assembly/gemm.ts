// WebAssembly SIMD float32 matrix multiply for @minigan/tensor (AssemblyScript source).
//
// C = op(A)·op(B), all row-major float32 in this module's memory, pointers in bytes:
//   op(A) is [M, K]: A is stored [M, K] with row stride lda, or [K, M] when transA;
//   op(B) is [K, N]: B is stored [K, N] with row stride ldb, or [N, K] when transB;
//   C is [M', N'] with row stride ldc, where M' = M rounded up to MR and ldc ≥ N rounded up to
//   NR: the kernel writes whole 4×8 tiles, the padding is scratch that the caller never reads.
//
// The method is the classic Goto/BLIS one, the same as the readable TypeScript kernel
// (src/kernels/gemm.ts) with wider tiles:
//   for each block of NC columns of C, for each slice of KC along K:
//     pack op(B)[slice, block] into panels of 8 columns (k-major, zero-padded);
//     for each block of MC rows: pack op(A)[rows, slice] into panels of 4 rows (k-major);
//       for each 8-column panel, for each 4-row panel: the 4×8 micro-kernel.
// The transposed forms differ only in the pack routines, so the micro-kernel never sees one.
//
// The micro-kernel keeps a 4×8 tile of C in 8 v128 registers; per step of k it loads one row
// of 8 values of the B panel (2 × v128.load), broadcasts each of the 4 values of the A panel
// (v128.load32_splat) and does 8 f32x4.mul + f32x4.add. More than ~8 accumulators make V8
// spill registers (see TOOLING.md item 12). mul and add are separate roundings (no FMA in
// baseline wasm SIMD). Each element of C is the sum, in k order, of each KC-slice's products,
// those slice sums added to C in slice order: the order depends on K only, not on M, N or where
// the element sits, so results are deterministic, and splitting C's rows or columns between
// threads would give bit-identical results.
//
// Build: see ../build.ts (entry index.ts; `--enable simd,threads --runtime stub --noAssert -O3`, shared memory).

import { enterJob, leaveJob } from './job';

/** Rows of C per micro-tile. */
const MR: i32 = 4;
/** Columns of C per micro-tile (two v128 of float32). */
const NR: i32 = 8;
/** Depth of one packed slice: a B micro-panel (KC·8 floats = 8 KB) stays in L1. */
const KC: i32 = 256;
/** Rows of one packed A block: MC·KC floats = 128 KB, kept in L2. */
const MC: i32 = 128;
/** Columns of one packed B block: KC·NC floats = 512 KB, kept in L2. */
const NC: i32 = 512;

/** Bytes of scratch the caller must reserve at `work` for the packed blocks. */
export function scratchBytes(): i32 {
  return (MC * KC + KC * NC) * 4;
}

/** The tile sizes, so the caller pads C as the kernel expects: MR·65536 + NR. */
export function tileShape(): i32 {
  return (MR << 16) | NR;
}

/** 4×4 transpose of the rows r0..r3 into columns, written at dst, dst+step, dst+2·step, dst+3·step. */
@inline
function transpose4Store(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const u0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); // r0[0] r1[0] r0[1] r1[1]
  const u1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5); // r2[0] r3[0] r2[1] r3[1]
  const u2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7); // r0[2] r1[2] r0[3] r1[3]
  const u3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7); // r2[2] r3[2] r2[3] r3[3]
  v128.store(dst, v128.shuffle<f32>(u0, u1, 0, 1, 4, 5));
  v128.store(dst + step, v128.shuffle<f32>(u0, u1, 2, 3, 6, 7));
  v128.store(dst + 2 * step, v128.shuffle<f32>(u2, u3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, v128.shuffle<f32>(u2, u3, 2, 3, 6, 7));
}

/**
 * Gathers `width` consecutive-k rows of a "k is the fast axis" matrix into a k-major panel:
 * dst[k·width + r] = src_r[k] for r < rows (src_r = src + r·ld floats), 0 for rows ≤ r < width.
 * `width` is 4 (A panels) or 8 (B panels, as two 4-wide halves written with a stride).
 * This is the transposing pack: op(A) untransposed, or op(B) with transB.
 */
function packTransposing(src: usize, ld: i32, rows: i32, kc: i32, dst: usize, width: i32): void {
  const ldb = <usize>ld << 2;
  const rowStep = <usize>width << 2; // bytes from one k to the next in the panel
  for (let h = 0; h < width; h += 4) {
    const n = min(4, rows - h); // rows present in this 4-wide half (may be ≤ 0)
    const s0 = src + <usize>h * ldb;
    const d0 = dst + (<usize>h << 2);
    if (n === 4) {
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const p = s0 + (<usize>k << 2);
        transpose4Store(v128.load(p), v128.load(p + ldb), v128.load(p + 2 * ldb), v128.load(p + 3 * ldb),
          d0 + <usize>k * rowStep, rowStep);
      }
      for (; k < kc; k++) {
        const p = s0 + (<usize>k << 2);
        const d = d0 + <usize>k * rowStep;
        store<f32>(d, load<f32>(p));
        store<f32>(d, load<f32>(p + ldb), 4);
        store<f32>(d, load<f32>(p + 2 * ldb), 8);
        store<f32>(d, load<f32>(p + 3 * ldb), 12);
      }
    } else {
      // Edge of the matrix: fewer than 4 rows left, the rest of the panel is zero.
      for (let k = 0; k < kc; k++) {
        const d = d0 + <usize>k * rowStep;
        v128.store(d, f32x4.splat(0));
        for (let r = 0; r < n; r++) store<f32>(d + (<usize>r << 2), load<f32>(s0 + <usize>r * ldb + (<usize>k << 2)));
      }
    }
  }
}

/**
 * Copies a matrix whose columns are already the panel's fast axis: dst[k·width + c] = src[k·ld + c]
 * for c < cols, 0 for cols ≤ c < width. This is op(A) with transA, or op(B) untransposed.
 */
function packDirect(src: usize, ld: i32, cols: i32, kc: i32, dst: usize, width: i32): void {
  const ldb = <usize>ld << 2;
  const rowStep = <usize>width << 2;
  if (cols === width) {
    if (width === 8) {
      for (let k = 0; k < kc; k++) {
        const p = src + <usize>k * ldb;
        const d = dst + <usize>k * rowStep;
        v128.store(d, v128.load(p));
        v128.store(d, v128.load(p, 16), 16);
      }
    } else {
      for (let k = 0; k < kc; k++) v128.store(dst + <usize>k * rowStep, v128.load(src + <usize>k * ldb));
    }
    return;
  }
  for (let k = 0; k < kc; k++) {
    const p = src + <usize>k * ldb;
    const d = dst + <usize>k * rowStep;
    for (let c = 0; c < width; c += 4) v128.store(d + (<usize>c << 2), f32x4.splat(0));
    for (let c = 0; c < cols; c++) store<f32>(d + (<usize>c << 2), load<f32>(p + (<usize>c << 2)));
  }
}

/** Packs op(A)[i0 : i0+mc, p0 : p0+kc] into ⌈mc/4⌉ panels of kc×4 (k-major) at dst. */
function packA(transA: bool, a: usize, lda: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const d = dst + <usize>(ir * kc) * 4;
    if (transA) {
      // A is [K, M]: row k of the panel is A[p0 + k, i0+ir : i0+ir+4].
      packDirect(a + (<usize>p0 * lda + i0 + ir) * 4, lda, rows, kc, d, MR);
    } else {
      // A is [M, K]: the panel's 4 rows are rows i0+ir.. of A, read along k.
      packTransposing(a + (<usize>(i0 + ir) * lda + p0) * 4, lda, rows, kc, d, MR);
    }
  }
}

/** Packs op(B)[p0 : p0+kc, j0 : j0+nc] into ⌈nc/8⌉ panels of kc×8 (k-major) at dst. */
function packB(transB: bool, b: usize, ldb: i32, j0: i32, nc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const d = dst + <usize>(jr * kc) * 4;
    if (transB) {
      // B is [N, K]: the panel's 8 columns are rows j0+jr.. of B, read along k.
      packTransposing(b + (<usize>(j0 + jr) * ldb + p0) * 4, ldb, cols, kc, d, NR);
    } else {
      // B is [K, N]: row k of the panel is B[p0 + k, j0+jr : j0+jr+8].
      packDirect(b + (<usize>p0 * ldb + j0 + jr) * 4, ldb, cols, kc, d, NR);
    }
  }
}

/**
 * The 4×8 micro-kernel: C[0:4, 0:8] (=|+=) Σ_k Apanel[k, 0:4]ᵀ · Bpanel[k, 0:8].
 * ap: kc×4 floats, bp: kc×8 floats, c: the tile's top-left, ldcBytes: C's row stride in bytes.
 */
@inline
function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += 16;
    bp += 32;
  }
  const c1 = c + ldcBytes, c2 = c + 2 * ldcBytes, c3 = c + 3 * ldcBytes;
  if (accumulate) {
    // A later K slice: add this slice's partial sums to what earlier slices left in C.
    c00 = f32x4.add(v128.load(c), c00); c01 = f32x4.add(v128.load(c, 16), c01);
    c10 = f32x4.add(v128.load(c1), c10); c11 = f32x4.add(v128.load(c1, 16), c11);
    c20 = f32x4.add(v128.load(c2), c20); c21 = f32x4.add(v128.load(c2, 16), c21);
    c30 = f32x4.add(v128.load(c3), c30); c31 = f32x4.add(v128.load(c3, 16), c31);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c1, c10); v128.store(c1, c11, 16);
  v128.store(c2, c20); v128.store(c2, c21, 16);
  v128.store(c3, c30); v128.store(c3, c31, 16);
}

/**
 * C = op(A)·op(B) (see the top of this file for the layout). K ≥ 1, M, N ≥ 1.
 * `work` points at scratchBytes() of scratch for the packed blocks.
 */
export function gemm(
  transA: bool, transB: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, work: usize,
): void {
  const ap = work;
  const bp = work + <usize>(MC * KC) * 4;
  const ldcBytes = <usize>ldc << 2;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const accumulate = pc > 0;
      packB(transB, b, ldb, jc, nc, pc, kc, bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(transA, a, lda, ic, mc, pc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const bpanel = bp + <usize>(jr * kc) * 4;
          const crow = c + (<usize>ic * ldc + jc + jr) * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            kernel4x8(kc, ap + <usize>(ir * kc) * 4, bpanel, crow + <usize>ir * ldcBytes, ldcBytes, accumulate);
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------- one product on several threads
//
// A shared job cuts C into blocks of columns (or rows) at multiples of the tile; each thread that
// joins claims blocks one at a time with an atomic add until none is left. A thread that the OS
// runs late finds the blocks taken and leaves; the others do its share. Which thread computes a
// block never changes the block's values (see the top of this file).
//
// Job (i32 words at `job`):
//   0 state: bit 16 set while the job is open; low 16 bits count the threads inside
//   1 next block to claim      2 block count      3 byCols (1: blocks of columns, 0: of rows)
//   4 transA  5 transB  6 M  7 N  8 K  9 a  10 lda  11 b  12 ldb  13 c  14 ldc
//   16 … 16 + count: block boundaries (first column or row of each block, then the end)

/** Joins the job at `job` if it is still open and computes blocks until none is left. */
export function gemmBlocks(job: usize, work: usize): void {
  if (!enterJob(job)) return;
  const count = load<i32>(job, 8);
  const byCols = load<i32>(job, 12) != 0;
  const transA = load<i32>(job, 16) != 0, transB = load<i32>(job, 20) != 0;
  const M = load<i32>(job, 24), N = load<i32>(job, 28), K = load<i32>(job, 32);
  const a = <usize>load<i32>(job, 36), lda = load<i32>(job, 40);
  const b = <usize>load<i32>(job, 44), ldb = load<i32>(job, 48);
  const c = <usize>load<i32>(job, 52), ldc = load<i32>(job, 56);
  for (;;) {
    const k = atomic.add<i32>(job + 4, 1);
    if (k >= count) break;
    const s = load<i32>(job + 64 + (<usize>k << 2)), e = load<i32>(job + 68 + (<usize>k << 2));
    if (byCols) {
      // Columns s … e of op(B) and of C.
      const bOff = transB ? <usize>s * <usize>ldb * 4 : <usize>s * 4;
      gemm(transA, transB, M, e - s, K, a, lda, b + bOff, ldb, c + <usize>s * 4, ldc, work);
    } else {
      // Rows s … e of op(A) and of C.
      const aOff = transA ? <usize>s * 4 : <usize>s * <usize>lda * 4;
      gemm(transA, transB, e - s, N, K, a + aOff, lda, b, ldb, c + <usize>s * <usize>ldc * 4, ldc, work);
    }
  }
  leaveJob(job);
}
