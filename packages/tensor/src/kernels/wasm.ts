// The WebAssembly SIMD matmul backend ('wasm'): float32 only, float64 goes to the TypeScript kernel.
//
// The kernel (asm/assembly/gemm.ts) works in the kernels' shared memory (wasm-runtime.ts). Per call
// this file copies op(A)'s and op(B)'s stored rows in, runs the kernel, and copies C out:
// O(MK + KN + MN) copying against O(MNK) arithmetic. With more than one thread (threads.ts), a
// large product is cut into blocks of C's columns (or rows, when C is taller than wide) that the
// threads claim one at a time; each element of C is computed by the same instructions in the same
// order whichever block it falls in and whichever thread computes it (see the comment at the top
// of gemm.ts), so results are bit-identical for any thread count. Importing this module registers the backend and, when the module validates (i.e.
// WebAssembly SIMD works), makes it the default; `MINIGAN_MATMUL=js|wasm` overrides the choice.
import { fail } from '../errors.ts';
import { registerMatmulBackend, setMatmulBackend } from '../matmul.ts';
import type { TypedArray } from '../tensor.ts';
import { gemmBlocked, type GemmBackend } from './gemm.ts';
import { GEMM_JOB_AT, getThreads, runSharedJob } from './threads.ts';
import { SLOT_BYTES, beginCall, f32, i32, pinnedOffset, runtime, scratchOf, wasmSimdAvailable } from './wasm-runtime.ts';

export { wasmSimdAvailable };

/**
 * Products smaller than this many multiply-adds stay on one thread: handing a block to a worker
 * costs from ~1 µs (it is spinning) to tens of µs (it sleeps, or the machine is busy), and a
 * product of 2^21 multiply-adds takes ~100 µs on one thread.
 */
const PARALLEL_MIN_MACS = 1 << 21;

const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

/** Time spent in the gemm kernel and in copies to and from its memory, while timing is on. */
export interface KernelTiming {
  /** Milliseconds inside the matmul kernel (all threads' blocks, waited for). */
  gemmMs: number;
  /** Milliseconds copying matmul operands in and results out. */
  copyMs: number;
  /** Bytes copied in and out for matmuls. */
  copyBytes: number;
}

let timing: KernelTiming | null = null;

/** Starts (or stops, with false) adding up where matmul time goes; for profiling scripts and the bench. */
export function setKernelTiming(on: boolean): void {
  timing = on ? { gemmMs: 0, copyMs: 0, copyBytes: 0 } : null;
}

/** The totals since `setKernelTiming(true)` (zeros when timing is off). */
export function kernelTiming(): KernelTiming {
  return timing ? { ...timing } : { gemmMs: 0, copyMs: 0, copyBytes: 0 };
}

/**
 * Copies a stored rows×width matrix (row stride ld, from src[off]) to heap[dst]. Returns the row
 * stride of the copy: ld itself when the gaps between rows are small (one contiguous copy of the
 * whole span), else width (row by row, so a narrow view of a wide matrix copies only its part).
 */
function copyIn(heap: Float32Array, src: Float32Array, off: number, rows: number, width: number, ld: number, dst: number): number {
  if (timing) {
    const t0 = performance.now();
    const r = copyInRows(heap, src, off, rows, width, ld, dst);
    timing.copyMs += performance.now() - t0;
    timing.copyBytes += rows * width * 4;
    return r;
  }
  return copyInRows(heap, src, off, rows, width, ld, dst);
}

function copyInRows(heap: Float32Array, src: Float32Array, off: number, rows: number, width: number, ld: number, dst: number): number {
  if (rows === 1 || ld <= 2 * width) {
    heap.set(src.subarray(off, off + (rows - 1) * ld + width), dst);
    return rows === 1 ? width : ld;
  }
  for (let r = 0; r < rows; r++) heap.set(src.subarray(off + r * ld, off + r * ld + width), dst + r * width);
  return width;
}

/** Floats the stored copy made by copyIn takes. */
function copySize(rows: number, width: number, ld: number): number {
  return rows === 1 || ld <= 2 * width ? (rows - 1) * ld + width : rows * width;
}

/**
 * Runs C = op(A)·op(B) on operands already in the memory (byte pointers), on `threads` threads:
 * C's columns (or rows) are cut into blocks at multiples of the kernel's tile, so no two threads
 * write the same tile. Thread 0 (this one) takes the first block.
 */
function gemmInMemory(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  a: number, lda: number, b: number, ldb: number, c: number, ldc: number, threads: number,
): void {
  if (timing) {
    const t0 = performance.now();
    gemmSplit(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, threads);
    timing.gemmMs += performance.now() - t0;
  } else {
    gemmSplit(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, threads);
  }
}

/** Most blocks one job can list (its boundaries fill the rest of the 512-byte slot). */
const MAX_BLOCKS = 100;

let jobView: Int32Array | null = null;
const job = () => (jobView ??= new Int32Array(runtime().memory.buffer, GEMM_JOB_AT, SLOT_BYTES / 4));

/**
 * Below this many multiply-adds a product is cut into T equal blocks, not 2T: each extra block
 * repacks one operand, which cost more than it evened out at the course GAN's sizes (≤ 10^8
 * multiply-adds; measured with a free second core: 1.6–1.8× on 2 threads with equal halves).
 */
const GUIDED_MIN_MACS = 1 << 27;

/**
 * Block boundaries over `total` columns (or rows) for T threads, at multiples of `step`: T large
 * blocks holding 3/4 of the work, then T small ones, so that threads that finish early even out
 * the end, and a thread that starts late costs at most a small block's wait. Small products get
 * T equal blocks: every block repacks the other operand, which costs more than it evens out.
 */
function blockStarts(total: number, T: number, step: number, guided: boolean): number[] {
  const units = Math.ceil(total / step);
  const big = Math.max(1, guided ? Math.floor((3 * units) / (4 * T)) : Math.ceil(units / T));
  const starts: number[] = [];
  let u = 0;
  for (let i = 0; i < T && u < units; i++, u += big) starts.push(u);
  const small = Math.max(1, Math.ceil((units - u) / T));
  for (; u < units && starts.length < MAX_BLOCKS; u += small) starts.push(u);
  return [...starts.map((x) => x * step), total];
}

function gemmSplit(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  a: number, lda: number, b: number, ldb: number, c: number, ldc: number, threads: number,
): void {
  const r = runtime();
  const tA = transA ? 1 : 0, tB = transB ? 1 : 0;
  const T = M * N * K >= PARALLEL_MIN_MACS ? Math.min(threads, Math.ceil(Math.max(M / r.MR, N / r.NR))) : 1;
  if (T <= 1) {
    r.ex.gemm(tA, tB, M, N, K, a, lda, b, ldb, c, ldc, scratchOf(0));
    return;
  }
  // Blocks of C's columns when C is at least as wide as tall, else of its rows.
  const byCols = N >= M;
  const bounds = blockStarts(byCols ? N : M, T, byCols ? r.NR : r.MR, M * N * K >= GUIDED_MIN_MACS);
  const J = job();
  J[1] = 0;
  J[2] = bounds.length - 1;
  J[3] = byCols ? 1 : 0;
  J[4] = tA; J[5] = tB; J[6] = M; J[7] = N; J[8] = K;
  J[9] = a; J[10] = lda; J[11] = b; J[12] = ldb; J[13] = c; J[14] = ldc;
  bounds.forEach((x, i) => { J[16 + i] = x; });
  runSharedJob(J, T, () => r.ex.gemmBlocks(GEMM_JOB_AT, scratchOf(0)), 'matmul');
}

/** C = op(A)·op(B) in float32 through the wasm kernel (else gemmBlocked); same contract as GemmBackend.gemm. */
export function gemmWasm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: TypedArray, aOff: number, lda: number, B: TypedArray, bOff: number, ldb: number,
  C: TypedArray, cOff: number, ldc: number,
): void {
  if (!wasmSimdAvailable || !(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)) {
    gemmBlocked(transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
    return;
  }
  if (M === 0 || N === 0) return;
  if (K === 0) {
    for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
    return;
  }
  const r = runtime();
  // Stored shapes: A is [M, K] or, transposed, [K, M]; B is [K, N] or [N, K].
  const [aRows, aCols] = transA ? [K, M] : [M, K];
  const [bRows, bCols] = transB ? [N, K] : [K, N];
  // Workspace, in floats, each part 16-byte aligned: A | B | C (C padded to whole tiles). A pinned
  // operand (a parameter) is read where it is.
  const aPin = pinnedOffset(A), bPin = pinnedOffset(B);
  const ldcW = roundUp(N, r.NR);
  const [aAt, bAt, cAt] = beginCall(aPin >= 0 ? 0 : copySize(aRows, aCols, lda), bPin >= 0 ? 0 : copySize(bRows, bCols, ldb), roundUp(M, r.MR) * ldcW);
  const heap = f32();
  const ldaW = aPin >= 0 ? lda : copyIn(heap, A, aOff, aRows, aCols, lda, aAt!);
  const ldbW = bPin >= 0 ? ldb : copyIn(heap, B, bOff, bRows, bCols, ldb, bAt!);
  const aPtr = aPin >= 0 ? aPin + aOff * 4 : aAt! * 4;
  const bPtr = bPin >= 0 ? bPin + bOff * 4 : bAt! * 4;
  gemmInMemory(transA, transB, M, N, K, aPtr, ldaW, bPtr, ldbW, cAt! * 4, ldcW, getThreads());
  copyOutRows(cAt!, M, N, ldcW, C, cOff, ldc);
}

/** The WebAssembly SIMD backend (float32; float64 is left to the TypeScript kernel). */
export const wasmBackend: GemmBackend = {
  name: 'wasm',
  supports: (dtype) => wasmSimdAvailable && dtype === 'float32',
  gemm: gemmWasm,
};

if (wasmSimdAvailable) registerMatmulBackend(wasmBackend);

const choice = typeof process === 'object' ? process.env['MINIGAN_MATMUL'] : undefined;
if (choice === 'wasm' && !wasmSimdAvailable) {
  fail('MINIGAN_MATMUL', "asked for 'wasm', but this JavaScript engine has no WebAssembly SIMD (use 'js')");
} else if (choice !== undefined && choice !== '' && choice !== 'js' && choice !== 'wasm') {
  fail('MINIGAN_MATMUL', `expected 'js' or 'wasm', got '${choice}'`);
}
if (choice === 'js') setMatmulBackend('js');
else if (wasmSimdAvailable) setMatmulBackend('wasm');

/** Floats of workspace a contiguous operand needs: none when it is pinned (read in place). */
const need = (a: Float32Array | null) => (a === null || pinnedOffset(a) >= 0 ? 0 : a.length);

/** Copies a contiguous float32 operand to float index `at` unless it is pinned; returns its byte pointer. */
function stageCopy(a: Float32Array, at: number): number {
  const pinned = pinnedOffset(a);
  if (pinned >= 0) return pinned;
  const t0 = timing ? performance.now() : 0;
  f32().set(a, at);
  if (timing) {
    timing.copyMs += performance.now() - t0;
    timing.copyBytes += a.length * 4;
  }
  return at * 4;
}

/** Rows narrower than this are copied element by element: a subarray and a set per row cost more. */
const NARROW = 32;

/**
 * Copies rows × n floats of the memory (from float index `at`, row stride ld) into out (from
 * index outOff, row stride outLd): one copy when both are contiguous, else row by row.
 */
function copyRowsOut(heap: Float32Array, at: number, ld: number, rows: number, n: number, out: Float32Array, outOff: number, outLd: number): void {
  if (ld === n && outLd === n) out.set(heap.subarray(at, at + rows * n), outOff);
  else if (n < NARROW) {
    // A narrow result (a GAN's 1- or 2-wide output layer): the loop beats 2 calls per row. It
    // moves the bits as int32, as the copies above do (a NaN keeps its payload).
    const src = i32(), dst = new Int32Array(out.buffer, out.byteOffset, out.length);
    for (let i = 0; i < rows; i++) {
      const s = at + i * ld, d = outOff + i * outLd;
      for (let j = 0; j < n; j++) dst[d + j] = src[s + j]!;
    }
  } else {
    for (let i = 0; i < rows; i++) out.set(heap.subarray(at + i * ld, at + i * ld + n), outOff + i * outLd);
  }
}

/**
 * Copies rows × n of a padded [rows, ld] matrix at float index `at` of the memory into out (from
 * outOff, row stride outLd; contiguous by default), counted in the copy timing.
 */
function copyOutRows(at: number, rows: number, n: number, ld: number, out: Float32Array, outOff = 0, outLd = n): void {
  const t0 = timing ? performance.now() : 0;
  copyRowsOut(f32(), at, ld, rows, n, out, outOff, outLd);
  if (timing) {
    timing.copyMs += performance.now() - t0;
    timing.copyBytes += rows * n * 4;
  }
}

/**
 * A Linear layer's forward in the wasm memory: y = x·wᵀ + b for contiguous float32 x [B, in],
 * w [out, in], b [out] (or null), into y [B, out]. The same kernels as `matmul(x, w, { transB })`
 * followed by `kernels.addRowVector`, with one copy of each operand and of the result.
 */
export function linearWasm(x: Float32Array, w: Float32Array, b: Float32Array | null, B: number, nIn: number, nOut: number, y: Float32Array): void {
  linearInMemory(x, w, b, B, nIn, nOut, null, y);
}

/** `linearWasm` with an optional activation applied before the result leaves the wasm memory. */
function linearInMemory(
  x: Float32Array, w: Float32Array, b: Float32Array | null, B: number, nIn: number, nOut: number, act: FusedActivation | null, y: Float32Array,
): void {
  const r = runtime();
  const ldc = roundUp(nOut, r.NR);
  const [xAt, wAt, bAt, cAt] = beginCall(need(x), need(w), need(b), roundUp(B, r.MR) * ldc);
  const px = stageCopy(x, xAt!), pw = stageCopy(w, wAt!);
  const pb = b ? stageCopy(b, bAt!) : 0;
  const c = cAt!;
  if (nIn === 0) f32().fill(0, c, c + B * ldc);
  else gemmInMemory(false, true, B, nOut, nIn, px, nIn, pw, nIn, c * 4, ldc, getThreads());
  if (b) r.ex.addRowVector(c * 4, B, nOut, ldc, pb);
  // Element-wise over the whole padded block (the padding columns are never read back).
  if (act?.kind === 'relu') r.ex.relu(c * 4, c * 4, B * ldc);
  else if (act?.kind === 'leakyRelu') r.ex.leakyRelu(c * 4, c * 4, B * ldc, act.slope);
  copyOutRows(c, B, nOut, ldc, y);
}

/**
 * A Linear layer's backward in the wasm memory, from the upstream gradient g [B, out]:
 *   dx = g·w [B, in],  dw = gᵀ·x [out, in],  db = Σ_batch g [out]
 * (each output only if its array is given). The same kernels as the two matmuls and the row
 * sum, with g copied in once for all three.
 */
export function linearBackwardWasm(
  g: Float32Array, x: Float32Array, w: Float32Array, B: number, nIn: number, nOut: number,
  dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null,
): void {
  const r = runtime();
  const threads = getThreads();
  const ld = roundUp(nIn, r.NR);
  const [gAt, wAt, dxAt, xAt, dwAt, accAt, dbAt] = beginCall(
    need(g), dx ? need(w) : 0, dx ? roundUp(B, r.MR) * ld : 0, dw ? need(x) : 0, dw ? roundUp(nOut, r.MR) * ld : 0, db ? 2 * nOut : 0, db ? nOut : 0);
  const pg = stageCopy(g, gAt!);
  if (dx) {
    const pw = stageCopy(w, wAt!), c = dxAt!;
    if (nOut === 0) f32().fill(0, c, c + B * ld);
    else gemmInMemory(false, false, B, nIn, nOut, pg, nOut, pw, nIn, c * 4, ld, threads);
    copyOutRows(c, B, nIn, ld, dx);
  }
  if (dw) {
    const px = stageCopy(x, xAt!), c = dwAt!;
    if (B === 0) f32().fill(0, c, c + nOut * ld);
    else gemmInMemory(true, false, nOut, nIn, B, pg, nOut, px, nIn, c * 4, ld, threads);
    copyOutRows(c, nOut, nIn, ld, dw);
  }
  if (db) {
    r.ex.sumRows(pg, B, nOut, nOut, accAt! * 4, dbAt! * 4);
    db.set(f32().subarray(dbAt!, dbAt! + nOut));
  }
}

/** The activation fused after a Linear layer (LeakyReLU with a slope ≥ 0, so y > 0 exactly where x·wᵀ + b > 0). */
export type FusedActivation = { kind: 'relu' } | { kind: 'leakyRelu'; slope: number };

/**
 * `linearWasm` followed by the activation, in the same session: y = act(x·wᵀ + b), the
 * pre-activation never leaving the wasm memory. The same kernels as `linear` then `relu` /
 * `leakyRelu`, so the same values.
 */
export function linearActWasm(
  x: Float32Array, w: Float32Array, b: Float32Array | null, B: number, nIn: number, nOut: number, act: FusedActivation, y: Float32Array,
): void {
  linearInMemory(x, w, b, B, nIn, nOut, act, y);
}

/**
 * The backward of `linearActWasm` from the upstream gradient g and the saved output y: the
 * activation's backward (masked by y > 0, which is the pre-activation's sign) into the wasm
 * memory, then dx, dw, db from it as `linearBackwardWasm` computes them.
 */
export function linearActBackwardWasm(
  g: Float32Array, y: Float32Array, x: Float32Array, w: Float32Array, B: number, nIn: number, nOut: number, act: FusedActivation,
  dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null,
): void {
  const r = runtime();
  const threads = getThreads();
  const ld = roundUp(nIn, r.NR);
  const n = B * nOut;
  const [gAt, yAt, gzAt, wAt, dxAt, xAt, dwAt, accAt, dbAt] = beginCall(
    need(g), need(y), n, dx ? need(w) : 0, dx ? roundUp(B, r.MR) * ld : 0, dw ? need(x) : 0, dw ? roundUp(nOut, r.MR) * ld : 0, db ? 2 * nOut : 0, db ? nOut : 0);
  const pg = stageCopy(g, gAt!), py = stageCopy(y, yAt!), pz = gzAt! * 4;
  if (act.kind === 'relu') r.ex.reluBackward(pg, py, pz, n);
  else r.ex.leakyReluBackward(pg, py, pz, n, act.slope);
  if (dx) {
    const pw = stageCopy(w, wAt!), c = dxAt!;
    gemmInMemory(false, false, B, nIn, nOut, pz, nOut, pw, nIn, c * 4, ld, threads);
    copyOutRows(c, B, nIn, ld, dx);
  }
  if (dw) {
    const px = stageCopy(x, xAt!), c = dwAt!;
    gemmInMemory(true, false, nOut, nIn, B, pz, nOut, px, nIn, c * 4, ld, threads);
    copyOutRows(c, nOut, nIn, ld, dw);
  }
  if (db) {
    r.ex.sumRows(pz, B, nOut, nOut, accAt! * 4, dbAt! * 4);
    db.set(f32().subarray(dbAt!, dbAt! + nOut));
  }
}
