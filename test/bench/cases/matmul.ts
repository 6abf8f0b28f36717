// Matmul cases: GFLOP/s of T.matmul on the current backend (also on 2 threads) and on 'js', and
// of the naive i-j-k triple loop (gemmNaive) on the same shapes, float32. The shapes are the
// course GAN's (batch 128: 784 → 512 in D, 1024 → 784 in G) and their backward forms.
import * as T from '@minigan/tensor';
import { registerCase, type BenchCase } from '../harness.ts';

/** One product C = op(A)·op(B) with op(A) [M, K] and op(B) [K, N]. */
interface Shape {
  bench: string;
  M: number;
  K: number;
  N: number;
  transA: boolean;
  transB: boolean;
  batch?: number;
}

// Bench names are matmul_MxKxN (+ _TN for Aᵀ·B, _NT for A·Bᵀ).
const shapes: Shape[] = [
  { bench: 'matmul_128x64x128', M: 128, K: 64, N: 128, transA: false, transB: false, batch: 128 },
  { bench: 'matmul_128x784x512', M: 128, K: 784, N: 512, transA: false, transB: false, batch: 128 }, // D's first layer
  { bench: 'matmul_128x1024x784', M: 128, K: 1024, N: 784, transA: false, transB: false, batch: 128 }, // G's last layer
  { bench: 'matmul_512x512x512', M: 512, K: 512, N: 512, transA: false, transB: false },
  // Backward of D's first layer Y = X·W with W stored [784, 512]:
  // weight gradient dW = Xᵀ·dY, X [128, 784], dY [128, 512] → [784, 512];
  { bench: 'matmul_784x128x512_TN', M: 784, K: 128, N: 512, transA: true, transB: false, batch: 128 },
  // input gradient dX = dY·Wᵀ, dY [128, 512], W [784, 512] → [128, 784].
  { bench: 'matmul_128x512x784_NT', M: 128, K: 512, N: 784, transA: false, transB: true, batch: 128 },
];

/** Stored operands: A is [M, K] or, for Aᵀ·B, [K, M]; B is [K, N] or, for A·Bᵀ, [N, K]. */
function operands(s: Shape): { a: T.Tensor; b: T.Tensor } {
  const rng = new T.Rng(`bench:${s.bench}`);
  return {
    a: rng.uniform(s.transA ? [s.K, s.M] : [s.M, s.K], -1, 1),
    b: rng.uniform(s.transB ? [s.N, s.K] : [s.K, s.N], -1, 1),
  };
}

const gflops = (s: Shape, seconds: number) => (2 * s.M * s.N * s.K) / seconds / 1e9;

/** T.matmul on a named backend and thread count; the output tensor is allocated by every call, as in an op. */
function backendCase(s: Shape, backend: string, threads = 1): BenchCase {
  const c: BenchCase = {
    bench: s.bench,
    label: `minigan ${backend} ${threads} thread${threads > 1 ? 's' : ''}`,
    unit: 'GFLOP/s',
    run(ctx) {
      const { a, b } = operands(s);
      const opts = { transA: s.transA, transB: s.transB, backend };
      const before = T.getThreads();
      T.setThreads(threads);
      try {
        return ctx.time(() => void T.matmul(a, b, opts)).map((sec) => gflops(s, sec));
      } finally {
        T.setThreads(before);
      }
    },
  };
  if (s.batch !== undefined) c.batch = s.batch;
  return c;
}

/** The baseline: the plain i-j-k loop on the same stored operands, into a fresh output. */
function naiveCase(s: Shape): BenchCase {
  const c: BenchCase = {
    bench: s.bench,
    label: 'naive ijk',
    unit: 'GFLOP/s',
    baseline: true,
    run(ctx) {
      const { a, b } = operands(s);
      const lda = a.shape[1]!, ldb = b.shape[1]!;
      return ctx
        .time(() => {
          const out = new Float32Array(s.M * s.N);
          T.gemmNaive(s.transA, s.transB, s.M, s.N, s.K, a.data, 0, lda, b.data, 0, ldb, out, 0, s.N);
        })
        .map((sec) => gflops(s, sec));
    },
  };
  if (s.batch !== undefined) c.batch = s.batch;
  return c;
}

// The current backend (the default, e.g. 'wasm' where SIMD works), then 'js' if that is a
// different one, then the naive loop.
const backends = [...new Set([T.matmulBackend().current, 'js'])];
for (const s of shapes) {
  for (const be of backends) registerCase(backendCase(s, be));
  // The wasm kernel also on 2 threads (C cut into two blocks of columns or rows).
  if (T.matmulBackend().current === 'wasm') registerCase(backendCase(s, 'wasm', 2));
  registerCase(naiveCase(s));
}
