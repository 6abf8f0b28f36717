// Kernels of the training step besides matmul, on flat contiguous arrays: ReLU and LeakyReLU
// forward and backward, a Linear layer's bias add and bias gradient, BatchNorm's statistics,
// forward and backward, and Adam's float32 update (exported together as `T.kernels`). Each is a
// plain JavaScript loop — the reference, the float64 path and the path for small arrays — and,
// for float32, a WebAssembly SIMD kernel (asm/assembly/*.ts) that gives the same bits for every
// input (see the comments there for why); test/ops.test.ts checks them against each other.
//
// The wasm path copies its inputs into the kernels' memory, runs, and copies the result out: a
// few memcpy's against a loop that is 5–20× faster than the JavaScript one (no branches, four
// floats per instruction). Inputs that already live there (pinned arrays: parameters, optimizer
// state) are read in place, and kernels never write into an input that is not their own copy,
// except Adam, which updates its pinned state in place as it should.
//
// With more than one thread (setThreads), the large kernels — Adam and the gradient norm, the
// BatchNorm passes, the sigmoid, the weights' finiteness check — are cut into rows of a table
// (chunks of elements, blocks of channels) that all threads take from (runRowJob, threads.ts).
// Every row gives the same values on any thread, so results do not depend on the thread count.
import { fail } from '../errors.ts';
import type { TypedArray } from '../tensor.ts';
import { getThreads, runRowJob } from './threads.ts';
import { beginCall, f32, f64, i32, pinnedOffset, runtime, wasmSimdAvailable } from './wasm-runtime.ts';

/** Which implementation the kernels of this file use: 'wasm' (default where it runs) or 'js'. */
export type KernelBackend = 'wasm' | 'js';

let backend: KernelBackend = wasmSimdAvailable ? 'wasm' : 'js';

/** Chooses the implementation of the element-wise, BatchNorm and Adam kernels (both give the same bits). */
export function setKernelBackend(name: KernelBackend): void {
  if (name !== 'wasm' && name !== 'js') fail('setKernelBackend', `expected 'wasm' or 'js', got '${String(name)}'`);
  if (name === 'wasm' && !wasmSimdAvailable) fail('setKernelBackend', 'this JavaScript engine has no WebAssembly SIMD');
  backend = name;
}

/** The implementation in use ('wasm' or 'js'). */
export function kernelBackend(): KernelBackend {
  return backend;
}

/** Below this many elements a JavaScript loop beats copying into wasm memory and back. */
const WASM_MIN = 1024;

/** Whether to take the wasm path: float32 data, big enough, and the wasm backend chosen. */
const useWasm = (n: number, a: TypedArray): a is Float32Array => backend === 'wasm' && n >= WASM_MIN && a instanceof Float32Array;

/**
 * Starts a wasm call: each Float32Array or Float64Array item is copied into the workspace (a
 * pinned Float32Array is used where it is), each number reserves that many bytes (16-aligned).
 * Returns the byte pointers, in order.
 */
function stage(...items: (Float32Array | Float64Array | number)[]): number[] {
  const sizes = items.map((it) => (typeof it === 'number' ? Math.ceil(it / 4) : it instanceof Float64Array ? 2 * it.length : pinnedOffset(it) >= 0 ? 0 : it.length));
  const at = beginCall(...sizes);
  const ptrs: number[] = [];
  items.forEach((it, k) => {
    if (typeof it === 'number') ptrs.push(at[k]! * 4);
    else if (it instanceof Float64Array) {
      f64().set(it, at[k]! >>> 1);
      ptrs.push(at[k]! * 4);
    } else {
      const pinned = pinnedOffset(it);
      if (pinned >= 0) ptrs.push(pinned);
      else {
        f32().set(it, at[k]!);
        ptrs.push(at[k]! * 4);
      }
    }
  });
  return ptrs;
}

// ---------------------------------------------------------------- row tables (asm/assembly/parallel.ts)

/** Kinds of rows, and the bytes of one row (16 words), as in asm/assembly/parallel.ts. */
const ROW_ADAM = 1, ROW_SUMSQ = 2, ROW_SIGMOID = 3, ROW_BN_FORWARD = 4, ROW_BN_BACKWARD = 5, ROW_ALL_FINITE = 6;
const ROW_BYTES = 64;

/**
 * Below this many elements a kernel runs on one thread: waking a worker costs from ~1 µs (it is
 * spinning) to tens of µs, and 32K elements take 20–200 µs.
 */
const PARALLEL_MIN = 32768;
/** Elements per row of an element-wise kernel's table. */
const ELEMENT_CHUNK = 8192;
/** Channels per row of a BatchNorm table (N·32 elements: ~10 µs of work at N = 128). */
const BN_CHANNELS = 32;

/** Threads for a kernel over n elements: all of them when n is large, else 1. */
const threadsFor = (n: number) => (n >= PARALLEL_MIN ? getThreads() : 1);

/** Writes the first i32 words of row `i` of the table at byte `table`. */
function putWords(table: number, i: number, words: readonly number[]): void {
  i32().set(words, (table >>> 2) + i * (ROW_BYTES >>> 2));
}

/** Runs `n` elements of an element-wise kernel (`kind`, rows x, y, n) through a table on `threads` threads. */
function elementRows(kind: number, px: number, py: number, n: number, table: number, threads: number): void {
  const rows = Math.ceil(n / ELEMENT_CHUNK);
  for (let i = 0; i < rows; i++) {
    const k0 = i * ELEMENT_CHUNK;
    putWords(table, i, [px + 4 * k0, py + 4 * k0, Math.min(ELEMENT_CHUNK, n - k0)]);
  }
  runRowJob(kind, table, rows, threads);
}

/** Floats a table of element-wise rows over n elements takes. */
const elementTable = (n: number) => Math.ceil(n / ELEMENT_CHUNK) * (ROW_BYTES >>> 2);

/** Rows of a table that cuts arrays of these lengths into chunks of NORM_BLOCK elements. */
const chunkCount = (lengths: readonly number[]) => lengths.reduce((s, n) => s + Math.ceil(n / NORM_BLOCK), 0);

/**
 * Calls fn(row, k, offset, n) for each chunk of NORM_BLOCK elements of arrays of these lengths,
 * array after array (chunk `row` of the table is elements offset … offset + n of array k).
 */
function forEachChunk(lengths: readonly number[], fn: (row: number, k: number, offset: number, n: number) => void): void {
  let r = 0;
  lengths.forEach((len, k) => {
    for (let o = 0; o < len; o += NORM_BLOCK) fn(r++, k, o, Math.min(NORM_BLOCK, len - o));
  });
}

/** Fills rows [x, n] (ROW_SUMSQ, ROW_ALL_FINITE) over the chunks of arrays at byte pointers `ptrs`. */
function pointerRows(table: number, ptrs: readonly number[], lengths: readonly number[]): void {
  forEachChunk(lengths, (r, k, o, n) => putWords(table, r, [ptrs[k]! + 4 * o, n]));
}

/** Σ over `rows` rows of the f64 results (byte 56 of each row) of a ROW_SUMSQ table, added to acc in row order. */
function sumRowResults(table: number, rows: number, acc: number): number {
  const h = f64();
  for (let i = 0; i < rows; i++) acc += h[(table + i * ROW_BYTES + 56) >>> 3]!;
  return acc;
}

/** Copies n floats from byte pointer p of the memory into out. */
function copyOut(p: number, out: Float32Array): void {
  out.set(f32().subarray(p >>> 2, (p >>> 2) + out.length));
}

// ---------------------------------------------------------------- add, sub, mul

/** Which element-wise operation `binaryF32` runs. */
export type BinaryOp = 'add' | 'sub' | 'mul';

/**
 * out = a ∘ b for same-length float32 arrays (∘ = +, −, ×), on the wasm path only: returns false
 * (doing nothing) when the arrays are small, not all float32, or the js backend is chosen, and the
 * caller then runs its own loop (ndarray-ops), which gives the same values.
 */
export function binaryF32(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray): boolean {
  const n = out.length;
  if (!(useWasm(n, out) && a instanceof Float32Array && b instanceof Float32Array)) return false;
  // A pinned out is written in place (lane by lane, so out may be a or b).
  const outAt = pinnedOffset(out);
  const [pa, pb, po] = stage(a, b, outAt >= 0 ? 0 : 4 * n);
  runtime().ex[op](pa!, pb!, outAt >= 0 ? outAt : po!, n);
  if (outAt < 0) copyOut(po!, out);
  return true;
}

// ---------------------------------------------------------------- ReLU, LeakyReLU

/** y = max(x, 0) (NaN stays NaN, −0 becomes +0). */
export function relu(x: TypedArray, y: TypedArray): void {
  const n = x.length;
  if (useWasm(n, x) && y instanceof Float32Array) {
    const [px, py] = stage(x, 4 * n);
    runtime().ex.relu(px!, py!, n);
    copyOut(py!, y);
    return;
  }
  for (let i = 0; i < n; i++) { const v = x[i]!; y[i] = v > 0 ? v : v === v ? 0 : v; }
}

/** dx = g where the ReLU's output y > 0, else 0. */
export function reluBackward(g: TypedArray, y: TypedArray, dx: TypedArray): void {
  const n = g.length;
  if (useWasm(n, g) && y instanceof Float32Array && dx instanceof Float32Array) {
    const [pg, py, pd] = stage(g, y, 4 * n);
    runtime().ex.reluBackward(pg!, py!, pd!, n);
    copyOut(pd!, dx);
    return;
  }
  for (let i = 0; i < n; i++) dx[i] = y[i]! > 0 ? g[i]! : 0;
}

/** y = x where x > 0, else x·slope (the product in double, rounded to float32 on store). */
export function leakyRelu(x: TypedArray, y: TypedArray, slope: number): void {
  const n = x.length;
  if (useWasm(n, x) && y instanceof Float32Array) {
    const [px, py] = stage(x, 4 * n);
    runtime().ex.leakyRelu(px!, py!, n, slope);
    copyOut(py!, y);
    return;
  }
  for (let i = 0; i < n; i++) { const v = x[i]!; y[i] = v > 0 ? v : v * slope; }
}

/** dx = g where the input x > 0, else g·slope. */
export function leakyReluBackward(g: TypedArray, x: TypedArray, dx: TypedArray, slope: number): void {
  const n = g.length;
  if (useWasm(n, g) && x instanceof Float32Array && dx instanceof Float32Array) {
    const [pg, px, pd] = stage(g, x, 4 * n);
    runtime().ex.leakyReluBackward(pg!, px!, pd!, n, slope);
    copyOut(pd!, dx);
    return;
  }
  for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? g[i]! : g[i]! * slope;
}

// ---------------------------------------------------------------- sigmoid

/**
 * y = σ(x) = 1 / (1 + e^−x), computed without overflow: for x < 0 as e^x / (1 + e^x). The wasm
 * kernel evaluates e^x with fdlibm's algorithm, which is what V8's Math.exp is, so the values agree.
 */
export function sigmoid(x: TypedArray, y: TypedArray): void {
  const n = x.length;
  if (useWasm(n, x) && y instanceof Float32Array) {
    // ~6 ns an element (a careful e^x): worth sharing between threads.
    const threads = threadsFor(n);
    const [px, py, tab] = stage(x, 4 * n, threads > 1 ? 4 * elementTable(n) : 0);
    if (threads > 1) elementRows(ROW_SIGMOID, px!, py!, n, tab!, threads);
    else runtime().ex.sigmoid(px!, py!, n);
    copyOut(py!, y);
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    // For v < 0 use e^v / (1 + e^v) so that e^−v never overflows.
    if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
    else { const e = Math.exp(v); y[i] = e / (1 + e); }
  }
}

/** dx = g·y·(1 − y) from the sigmoid's output y (no second exp, finite where e^−x overflows). */
export function sigmoidBackward(g: TypedArray, y: TypedArray, dx: TypedArray): void {
  const n = g.length;
  if (useWasm(n, g) && y instanceof Float32Array && dx instanceof Float32Array) {
    const [pg, py, pd] = stage(g, y, 4 * n);
    runtime().ex.sigmoidBackward(pg!, py!, pd!, n);
    copyOut(pd!, dx);
    return;
  }
  for (let i = 0; i < n; i++) { const s = y[i]!; dx[i] = g[i]! * s * (1 - s); }
}

/** e^x by the wasm kernels' port of fdlibm (for tests: it must equal Math.exp bit for bit). */
export function expFdlibm(x: number): number {
  return runtime().ex.expScalar(x);
}

// ---------------------------------------------------------------- bias add and bias gradient

/** y[i, j] += b[j] for the rows × n matrix y (contiguous), in place. */
export function addRowVector(y: TypedArray, rows: number, n: number, b: TypedArray): void {
  if (useWasm(rows * n, y) && b instanceof Float32Array) {
    const [py, pb] = stage(y.subarray(0, rows * n), b.subarray(0, n));
    // addRowVector works in place: on the copy of y, or on a pinned y itself (then no copy back).
    runtime().ex.addRowVector(py!, rows, n, n, pb!);
    if (pinnedOffset(y) < 0) copyOut(py!, y.subarray(0, rows * n));
    return;
  }
  for (let i = 0; i < rows; i++) for (let j = 0, o = i * n; j < n; j++) y[o + j] = y[o + j]! + b[j]!;
}

/** out[j] = Σ_i x[i, j] over the rows × n matrix x, accumulated in double in row order. */
export function sumRows(x: TypedArray, rows: number, n: number, out: TypedArray): void {
  if (useWasm(rows * n, x) && out instanceof Float32Array) {
    const [px, acc, po] = stage(x.subarray(0, rows * n), 8 * n, 4 * n);
    runtime().ex.sumRows(px!, rows, n, n, acc!, po!);
    copyOut(po!, out.subarray(0, n));
    return;
  }
  const acc = new Float64Array(n);
  for (let i = 0; i < rows; i++) {
    const base = i * n;
    for (let j = 0; j < n; j++) acc[j]! += x[base + j]!;
  }
  out.set(acc);
}

// ---------------------------------------------------------------- BatchNorm over [N, C]

/**
 * Batch statistics of x [N, C]: mean and Σ (x − mean)² per channel in double (sums over n in
 * order, from +0), and invstd = 1 / √(varSum/N + eps).
 */
export function bnStats(x: TypedArray, N: number, C: number, eps: number, mean: Float64Array, varSum: Float64Array, invstd: Float64Array): void {
  if (useWasm(N * C, x)) {
    const [px, pm, pv, pi] = stage(x.subarray(0, N * C), 8 * C, 8 * C, 8 * C);
    runtime().ex.bnStats(px!, N, C, C, eps, pm!, pv!, pi!);
    const h = f64();
    mean.set(h.subarray(pm! >>> 3, (pm! >>> 3) + C));
    varSum.set(h.subarray(pv! >>> 3, (pv! >>> 3) + C));
    invstd.set(h.subarray(pi! >>> 3, (pi! >>> 3) + C));
    return;
  }
  mean.fill(0);
  varSum.fill(0);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) mean[c]! += x[n * C + c]!;
  for (let c = 0; c < C; c++) mean[c] = mean[c]! / N;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) { const d = x[n * C + c]! - mean[c]!; varSum[c]! += d * d; }
  }
  for (let c = 0; c < C; c++) invstd[c] = 1 / Math.sqrt(varSum[c]! / N + eps);
}

/** y = ((x − mean)·invstd)·γ + β over x [N, C] in double, rounded once; γ, β null: none; then max(y, 0) if `thenRelu`. */
export function bnForward(
  x: TypedArray, y: TypedArray, N: number, C: number, mean: Float64Array, invstd: Float64Array,
  gamma: TypedArray | null, beta: TypedArray | null, thenRelu = false,
): void {
  if (useWasm(N * C, x) && y instanceof Float32Array && (gamma === null || gamma instanceof Float32Array) && (beta === null || beta instanceof Float32Array)) {
    // A missing γ or β is ones or zeros: h·1 = h and h + 0 are what the loop below computes.
    const [px, py, pg, pb, pm, pi, tab] = stage(x.subarray(0, N * C), 4 * N * C, gamma ?? new Float32Array(C).fill(1), beta ?? new Float32Array(C), mean, invstd, bnTable(C));
    bnForwardRows(px!, py!, N, C, 0, pm!, 0, pi!, pg!, pb!, thenRelu, tab!);
    copyOut(py!, y.subarray(0, N * C));
    return;
  }
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const i = n * C + c;
      const h = (x[i]! - mean[c]!) * invstd[c]!;
      y[i] = (gamma ? h * gamma[c]! : h) + (beta ? beta[c]! : 0);
    }
  }
  if (thenRelu) reluJs(y.subarray(0, N * C), y);
}

/** The JavaScript ReLU loop (also in place). */
function reluJs(x: TypedArray, y: TypedArray): void {
  const n = x.length;
  for (let i = 0; i < n; i++) { const v = x[i]!; y[i] = v > 0 ? v : v === v ? 0 : v; }
}

/**
 * BatchNorm's backward from the upstream gradient g and the input x [N, C]: sumG = Σ_n g and
 * sumGX = Σ_n g·x̂ per channel (x̂ = (x − mean)·invstd), and, when dx is given,
 * dx = scale·((g − sumG/N) − x̂·(sumGX/N)) with batch statistics, or scale·g with running ones.
 * With `reluY` (the output of a ReLU fused after the normalisation), g is first masked to 0
 * where reluY ≤ 0: the ReLU's backward.
 */
export function bnBackward(
  g: TypedArray, x: TypedArray, dx: TypedArray | null, N: number, C: number,
  mean: Float64Array, invstd: Float64Array, scale: Float64Array, batch: boolean, sumG: Float64Array, sumGX: Float64Array,
  reluY: TypedArray | null = null,
): void {
  if (useWasm(N * C, g) && x instanceof Float32Array && (dx === null || dx instanceof Float32Array) && (reluY === null || reluY instanceof Float32Array)) {
    const [pg0, py, pg1, px, pd, pm, pi, ps, psg, psgx, tab] = stage(g.subarray(0, N * C), reluY ? reluY.subarray(0, N * C) : 0, reluY ? 4 * N * C : 0,
      x.subarray(0, N * C), dx ? 4 * N * C : 0, mean, invstd, scale, 8 * C, 8 * C, bnTable(C));
    const ex = runtime().ex;
    // A ReLU after the normalisation: its backward first (g where the output y > 0, else 0).
    if (reluY) ex.reluBackward(pg0!, py!, pg1!, N * C);
    const pg = reluY ? pg1! : pg0!;
    const threads = threadsFor(N * C);
    if (threads > 1) {
      // Blocks of channels: row i takes channels c0 … c0 + 32 of every matrix and vector.
      const rows = channelRows(C, (i, c0, n) => {
        const f = 4 * c0, d = 8 * c0;
        putWords(tab!, i, [pg + f, px! + f, dx ? pd! + f : 0, N, n, C, pm! + d, pi! + d, ps! + d, batch ? 1 : 0, psg! + d, psgx! + d]);
      });
      runRowJob(ROW_BN_BACKWARD, tab!, rows, threads);
    } else {
      ex.bnBackward(pg, px!, dx ? pd! : 0, N, C, C, pm!, pi!, ps!, batch ? 1 : 0, psg!, psgx!);
    }
    const h = f64();
    sumG.set(h.subarray(psg! >>> 3, (psg! >>> 3) + C));
    sumGX.set(h.subarray(psgx! >>> 3, (psgx! >>> 3) + C));
    if (dx) copyOut(pd!, dx.subarray(0, N * C));
    return;
  }
  if (reluY) {
    const gm = g instanceof Float64Array ? new Float64Array(N * C) : new Float32Array(N * C);
    for (let i = 0; i < N * C; i++) gm[i] = reluY[i]! > 0 ? g[i]! : 0;
    g = gm;
  }
  sumG.fill(0);
  sumGX.fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const i = n * C + c;
      const h = (x[i]! - mean[c]!) * invstd[c]!;
      sumG[c]! += g[i]!;
      sumGX[c]! += g[i]! * h;
    }
  }
  if (!dx) return;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const i = n * C + c;
      if (batch) {
        const h = (x[i]! - mean[c]!) * invstd[c]!;
        dx[i] = scale[c]! * (g[i]! - sumG[c]! / N - h * (sumGX[c]! / N));
      } else {
        dx[i] = scale[c]! * g[i]!;
      }
    }
  }
}

/** Bytes of a BatchNorm row table over C channels (reserved with the operands; unused on one thread). */
const bnTable = (C: number) => Math.ceil(C / BN_CHANNELS) * ROW_BYTES;

/** Calls fn(row, c0, n) for each block of BN_CHANNELS channels (c0 … c0 + n) of C; returns the number of blocks. */
function channelRows(C: number, fn: (row: number, c0: number, n: number) => void): number {
  const rows = Math.ceil(C / BN_CHANNELS);
  for (let i = 0; i < rows; i++) fn(i, i * BN_CHANNELS, Math.min(BN_CHANNELS, C - i * BN_CHANNELS));
  return rows;
}

/**
 * BatchNorm's forward in the wasm memory (byte pointers): batch statistics first when `pv` (the
 * varSum vector) is not 0, then y = ((x − mean)·invstd)·γ + β and the fused ReLU; on all threads
 * for large inputs, each taking blocks of channels (rows of `tab`).
 */
function bnForwardRows(
  px: number, py: number, N: number, C: number, eps: number, pm: number, pv: number, pi: number, pg: number, pb: number,
  relu: boolean, tab: number,
): void {
  const threads = threadsFor(N * C);
  if (threads <= 1) {
    const ex = runtime().ex;
    if (pv !== 0) ex.bnStats(px, N, C, C, eps, pm, pv, pi);
    ex.bnForward(px, py, N, C, C, pm, pi, pg, pb, relu ? 1 : 0);
    return;
  }
  const rows = channelRows(C, (i, c0, n) => {
    const f = 4 * c0, d = 8 * c0;
    putWords(tab, i, [px + f, py + f, N, n, C, pm + d, pv === 0 ? 0 : pv + d, pi + d, pg + f, pb + f, relu ? 1 : 0, pv === 0 ? 0 : 1]);
    f64()[(tab + i * ROW_BYTES + 56) >>> 3] = eps;
  });
  runRowJob(ROW_BN_FORWARD, tab, rows, threads);
}

/**
 * Training-mode forward: `bnStats` then `bnForward` with those statistics (and the fused ReLU if
 * `thenRelu`), in one session of the wasm memory (x copied in once).
 */
export function bnForwardBatch(
  x: TypedArray, y: TypedArray, N: number, C: number, eps: number, mean: Float64Array, varSum: Float64Array, invstd: Float64Array,
  gamma: TypedArray | null, beta: TypedArray | null, thenRelu = false,
): void {
  if (useWasm(N * C, x) && y instanceof Float32Array && (gamma === null || gamma instanceof Float32Array) && (beta === null || beta instanceof Float32Array)) {
    const [px, py, pg, pb, pm, pv, pi, tab] = stage(x.subarray(0, N * C), 4 * N * C, gamma ?? new Float32Array(C).fill(1), beta ?? new Float32Array(C), 8 * C, 8 * C, 8 * C, bnTable(C));
    bnForwardRows(px!, py!, N, C, eps, pm!, pv!, pi!, pg!, pb!, thenRelu, tab!);
    const h = f64();
    mean.set(h.subarray(pm! >>> 3, (pm! >>> 3) + C));
    varSum.set(h.subarray(pv! >>> 3, (pv! >>> 3) + C));
    invstd.set(h.subarray(pi! >>> 3, (pi! >>> 3) + C));
    copyOut(py!, y.subarray(0, N * C));
    return;
  }
  bnStats(x, N, C, eps, mean, varSum, invstd);
  bnForward(x, y, N, C, mean, invstd, gamma, beta, thenRelu);
}


// ---------------------------------------------------------------- Adam

/** Adam's hyper-parameters for one update, in double (as PyTorch computes them in Python). */
export interface AdamStepF32 {
  weightDecay: number;
  beta1: number;
  beta2: number;
  /** √(1 − β₂ᵗ). */
  bc2Sqrt: number;
  eps: number;
  /** −lr / (1 − β₁ᵗ). */
  negStepSize: number;
}

/** Elements per wasm call: four arrays of 64 KB stay in L2 between the copies and the kernel. */
const ADAM_CHUNK = 16384;

/** Copies a chunk into the workspace unless it is pinned; returns its byte pointer. */
function chunkPtr(a: Float32Array, k0: number, k1: number, at: number): number {
  const pinned = pinnedOffset(a);
  if (pinned >= 0) return pinned + k0 * 4;
  f32().set(a.subarray(k0, k1), at);
  return at * 4;
}

/**
 * One Adam update of float32 storage in place (p parameters, g gradients, m and s the moments),
 * every operation rounded to float32 as PyTorch's kernel does. Per element k:
 *   g ← g + λ·p (if λ ≠ 0);  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + ((1 − β₂)·g)·g;
 *   p ← p + (−step·m) / (√v / √(1 − β₂ᵗ) + eps).
 * Hyper-parameters arrive in double and are rounded to float32 here.
 */
export function adamF32(p: Float32Array, g: Float32Array, m: Float32Array, s: Float32Array, h: AdamStepF32): void {
  const fr = Math.fround;
  const wd = fr(h.weightDecay), b1 = fr(h.beta1), b2 = fr(h.beta2), omb1 = fr(1 - h.beta1), omb2 = fr(1 - h.beta2);
  const bc2s = fr(h.bc2Sqrt), e = fr(h.eps), negStep = fr(h.negStepSize);
  const n = p.length;
  if (backend === 'wasm' && n >= WASM_MIN) {
    // Pinned arrays (parameters, the optimizer's moments) are updated where they are; the others
    // go through the workspace chunk by chunk and are copied back.
    const ex = runtime().ex;
    const c = Math.min(n, ADAM_CHUNK);
    const [ap, ag, am, as] = beginCall(c, c, c, c);
    for (let k0 = 0; k0 < n; k0 += ADAM_CHUNK) {
      const k1 = Math.min(n, k0 + ADAM_CHUNK);
      const pp = chunkPtr(p, k0, k1, ap!), pg = chunkPtr(g, k0, k1, ag!);
      const pm = chunkPtr(m, k0, k1, am!), ps = chunkPtr(s, k0, k1, as!);
      ex.adam(pp, pg, pm, ps, k1 - k0, wd, b1, b2, omb1, omb2, bc2s, e, negStep);
      if (pinnedOffset(p) < 0) copyOut(pp, p.subarray(k0, k1));
      if (pinnedOffset(m) < 0) copyOut(pm, m.subarray(k0, k1));
      if (pinnedOffset(s) < 0) copyOut(ps, s.subarray(k0, k1));
    }
    return;
  }
  if (wd === 0) {
    for (let k = 0; k < n; k++) {
      const gk = g[k]!;
      const mk = fr(fr(m[k]! * b1) + fr(omb1 * gk));
      const sk = fr(fr(s[k]! * b2) + fr(fr(omb2 * gk) * gk));
      m[k] = mk;
      s[k] = sk;
      const denom = fr(fr(fr(Math.sqrt(sk)) / bc2s) + e);
      p[k] = fr(p[k]! + fr(fr(negStep * mk) / denom));
    }
    return;
  }
  for (let k = 0; k < n; k++) {
    const pk = p[k]!;
    const gk = fr(g[k]! + fr(wd * pk));
    const mk = fr(fr(m[k]! * b1) + fr(omb1 * gk));
    const sk = fr(fr(s[k]! * b2) + fr(fr(omb2 * gk) * gk));
    m[k] = mk;
    s[k] = sk;
    const denom = fr(fr(fr(Math.sqrt(sk)) / bc2s) + e);
    p[k] = fr(pk + fr(fr(negStep * mk) / denom));
  }
}

// ---------------------------------------------------------------- the gradient norm's sum of squares

/**
 * Elements per block of the norm's sum (see `sumSquares`). Part of the definition of the value,
 * not a tuning knob: changing it changes the last bits of every gradient norm.
 */
export const NORM_BLOCK = 16384;

/**
 * acc + Σ a_k² in double, in a fixed order that lets threads share the work: a is cut into
 * blocks of NORM_BLOCK elements; in a block, lane j (0 … 3) adds the squares of its elements
 * j, j + 4, j + 8, … from +0, the block's sum is (s₀ + s₁) + (s₂ + s₃), and the block sums are
 * added to acc in order. The wasm kernel (asm/assembly/norm.ts) does the same additions. NaN or
 * ∞ when any element is (a float32 squared cannot overflow a double).
 */
export function sumSquares(a: TypedArray, acc = 0): number {
  const n = a.length;
  if (useWasm(n, a)) {
    const rows = chunkCount([n]);
    const [pa, tab] = stage(a, rows * ROW_BYTES);
    pointerRows(tab!, [pa!], [n]);
    runRowJob(ROW_SUMSQ, tab!, rows, threadsFor(n));
    return sumRowResults(tab!, rows, acc);
  }
  for (let b0 = 0; b0 < n; b0 += NORM_BLOCK) {
    const b1 = Math.min(n, b0 + NORM_BLOCK);
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let k = b0;
    for (; k + 4 <= b1; k += 4) {
      const x0 = a[k]!, x1 = a[k + 1]!, x2 = a[k + 2]!, x3 = a[k + 3]!;
      s0 += x0 * x0; s1 += x1 * x1; s2 += x2 * x2; s3 += x3 * x3;
    }
    if (k < b1) s0 += a[k]! * a[k]!;
    if (k + 1 < b1) s1 += a[k + 1]! * a[k + 1]!;
    if (k + 2 < b1) s2 += a[k + 2]! * a[k + 2]!;
    acc += (s0 + s1) + (s2 + s3);
  }
  return acc;
}

/** One parameter's part of `adamNormPinned`: pinned p, m, s, its gradient and its step's hyper-parameters. */
export interface AdamItemF32 {
  p: Float32Array;
  g: Float32Array;
  m: Float32Array;
  s: Float32Array;
  h: AdamStepF32;
}

/**
 * Adam over several parameters whose values and moments are pinned, with the gradient norm: the
 * gradients are copied into the kernels' memory (a pinned one is read where it is), their sum of
 * squares taken (`sumSquares`' order, parameter after parameter); if it is not finite, some
 * gradient holds a NaN or ∞ and nothing is updated (`finite` false); else every parameter is
 * updated in place and `sum` is the sum of squares. Both passes run in chunks of NORM_BLOCK elements on all threads. Returns null when the
 * wasm path does not apply (the caller then takes `sumSquares` and `adamF32` one parameter at a time).
 */
export function adamNormPinned(items: readonly AdamItemF32[]): { finite: boolean; sum: number } | null {
  if (backend !== 'wasm' || items.length === 0) return null;
  for (const it of items) {
    if (pinnedOffset(it.p) < 0 || pinnedOffset(it.m) < 0 || pinnedOffset(it.s) < 0 || !(it.g instanceof Float32Array)) return null;
  }
  const lengths = items.map((it) => it.g.length);
  const rows = chunkCount(lengths);
  const total = lengths.reduce((a, n) => a + n, 0);
  // Gradients are read in place when pinned (a Linear layer's weight gradient), else copied in.
  const gAt = items.map((it) => pinnedOffset(it.g));
  const at = beginCall(...lengths.map((n, k) => (gAt[k]! >= 0 ? 0 : n)), rows * (ROW_BYTES >>> 2), rows * (ROW_BYTES >>> 2));
  const heap = f32();
  items.forEach((it, k) => {
    if (gAt[k]! < 0) {
      heap.set(it.g, at[k]!);
      gAt[k] = at[k]! * 4;
    }
  });
  const sq = at[items.length]! * 4, tab = at[items.length + 1]! * 4;
  const threads = threadsFor(total);
  // Pass 1: the sum of squares, chunk by chunk (read only).
  pointerRows(sq, gAt, lengths);
  runRowJob(ROW_SUMSQ, sq, rows, threads);
  const sum = sumRowResults(sq, rows, 0);
  if (!Number.isFinite(sum)) return { finite: false, sum: NaN };
  // Pass 2: the update, the same chunks (hyper-parameters rounded to float32 as they are stored).
  const hf = f32();
  const hyper = items.map(({ h }) => [h.weightDecay, h.beta1, h.beta2, 1 - h.beta1, 1 - h.beta2, h.bc2Sqrt, h.eps, h.negStepSize]);
  forEachChunk(lengths, (r, k, o, n) => {
    const it = items[k]!;
    putWords(tab, r, [pinnedOffset(it.p) + 4 * o, gAt[k]! + 4 * o, pinnedOffset(it.m) + 4 * o, pinnedOffset(it.s) + 4 * o, n]);
    hf.set(hyper[k]!, ((tab + r * ROW_BYTES) >>> 2) + 5);
  });
  runRowJob(ROW_ADAM, tab, rows, threads);
  return { finite: true, sum };
}

/**
 * Whether every element is finite (no NaN, no ±∞). Order does not matter here, so four
 * independent accumulators of x − x (0 for a finite x, NaN otherwise) keep the loop fast;
 * pinned float32 arrays go through the same sum as a wasm SIMD pass.
 */
export function allFinite(a: TypedArray): boolean {
  const n = a.length;
  // A pinned float32 array (a parameter) is read in place by the SIMD pass: no copy.
  if (backend === 'wasm' && a instanceof Float32Array && n > 0) {
    const at = pinnedOffset(a);
    if (at >= 0) return runtime().ex.allFinite(at, n) === 1;
  }
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = a[i]!, x1 = a[i + 1]!, x2 = a[i + 2]!, x3 = a[i + 3]!;
    s0 += x0 - x0; s1 += x1 - x1; s2 += x2 - x2; s3 += x3 - x3;
  }
  for (; i < n; i++) { const x = a[i]!; s0 += x - x; }
  return s0 + s1 + s2 + s3 === 0;
}

/**
 * Whether every element of every array is finite: `allFinite` over each, with the pinned float32
 * ones (parameters) checked in place in chunks on all threads.
 */
export function allFiniteAll(arrays: readonly TypedArray[]): boolean {
  const pinned: Float32Array[] = [];
  for (const a of arrays) {
    if (backend === 'wasm' && a instanceof Float32Array && a.length > 0 && pinnedOffset(a) >= 0) pinned.push(a);
    else if (!allFinite(a)) return false;
  }
  if (pinned.length === 0) return true;
  const lengths = pinned.map((a) => a.length);
  const rows = chunkCount(lengths);
  const [tab] = stage(rows * ROW_BYTES);
  pointerRows(tab!, pinned.map((a) => pinnedOffset(a)), lengths);
  const total = lengths.reduce((s, n) => s + n, 0);
  runRowJob(ROW_ALL_FINITE, tab!, rows, threadsFor(total));
  const w = i32();
  for (let i = 0; i < rows; i++) if (w[((tab! + i * ROW_BYTES) >>> 2) + 15] !== 1) return false;
  return true;
}
