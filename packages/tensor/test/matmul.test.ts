// matmul and its transposed forms against a naive triple loop, on shapes made of 1, 3, 17 and
// 129 (every combination), non-square and K-blocked shapes, views as inputs, float32 and
// float64, batched 3-D, matmul_ into a buffer, and the raw kernels with leading dimensions.
//
// Exactness: test data are multiples of 1/8 in [-2, 2], so every product is a multiple of 1/64
// and every partial sum (|s| ≤ 4K ≪ 2¹⁸) is exactly representable in float32. Any correct
// backend therefore matches the reference exactly, whatever its summation order.
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { expectClose, grid, valuesOf } from './helpers.ts';

/** op(t) as a plain row-major array read with get(): [rows, cols] of t or of tᵀ. */
function logical(t: T.Tensor, trans: boolean): { rows: number; cols: number; v: Float64Array } {
  const [r, c] = [t.shape[0]!, t.shape[1]!];
  const rows = trans ? c : r, cols = trans ? r : c;
  const v = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) v[i * cols + j] = trans ? t.get(j, i) : t.get(i, j);
  return { rows, cols, v };
}

/** The reference: C[i][j] = Σ_k op(A)[i][k] · op(B)[k][j], a plain triple loop in double. */
function refMatmul(a: T.Tensor, b: T.Tensor, transA = false, transB = false): { shape: number[]; values: number[]; absSum: number[] } {
  const A = logical(a, transA), B = logical(b, transB);
  const [M, K, N] = [A.rows, A.cols, B.cols];
  const values: number[] = [], absSum: number[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0, s1 = 0;
      for (let k = 0; k < K; k++) {
        const p = A.v[i * K + k]! * B.v[k * N + j]!;
        s += p;
        s1 += Math.abs(p);
      }
      values.push(s);
      absSum.push(s1);
    }
  }
  return { shape: [M, N], values, absSum };
}

type Kind = 'contiguous' | 'transposed' | 'sliced' | 'strided' | 'broadcast';
const kinds: Kind[] = ['contiguous', 'transposed', 'sliced', 'strided', 'broadcast'];

/** A [rows, cols] tensor of grid values laid out as `kind` (all read the same through get()). */
function operand(rows: number, cols: number, kind: Kind, dtype: T.DType, seed: number): T.Tensor {
  switch (kind) {
    case 'contiguous': return grid([rows, cols], dtype, seed);
    // Stored [cols, rows], viewed transposed: strides [1, rows].
    case 'transposed': return grid([cols, rows], dtype, seed).T;
    // The middle of a larger matrix: offset > 0, row stride > cols.
    case 'sliced': return grid([rows + 3, cols + 5], dtype, seed).slice(0, 2, rows + 2).slice(1, 1, cols + 1);
    // Every other column: no unit stride, so it must be copied before the kernel.
    case 'strided': return grid([rows, 2 * cols], dtype, seed).slice(1, 0, 2 * cols, 2);
    // One row repeated (row stride 0).
    case 'broadcast': return grid([1, cols], dtype, seed).broadcastTo([rows, cols]);
  }
}

const forms = [
  { name: 'A·B', transA: false, transB: false },
  { name: 'Aᵀ·B', transA: true, transB: false },
  { name: 'A·Bᵀ', transA: false, transB: true },
  { name: 'Aᵀ·Bᵀ', transA: true, transB: true },
] as const;

/** Checks matmul(a, b, form) on backend `backend` (undefined: the current one) exactly. */
function check(M: number, N: number, K: number, form: (typeof forms)[number], kindA: Kind, kindB: Kind, dtype: T.DType, backend?: string): void {
  const seed = M * 1000003 + N * 1009 + K;
  const a = form.transA ? operand(K, M, kindA, dtype, seed) : operand(M, K, kindA, dtype, seed);
  const b = form.transB ? operand(N, K, kindB, dtype, seed + 1) : operand(K, N, kindB, dtype, seed + 1);
  const opts: T.MatmulOptions = { transA: form.transA, transB: form.transB };
  if (backend) opts.backend = backend;
  const c = T.matmul(a, b, opts);
  const want = refMatmul(a, b, form.transA, form.transB);
  const what = `${form.name} M=${M} N=${N} K=${K} ${kindA}/${kindB} ${dtype} ${backend ?? 'current'}`;
  expect(c.shape, what).toEqual(want.shape);
  expect(c.dtype, what).toBe(dtype);
  expect(valuesOf(c), what).toEqual(want.values);
}

const dims = [1, 3, 17, 129];
const backendsUnderTest = [...new Set(['js', T.matmulBackend().current])];

describe.each(backendsUnderTest)('matmul on backend %s vs the naive loop', (backend) => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`every M, N, K in {1, 3, 17, 129}, all four forms, ${dtype}`, () => {
      for (const M of dims) for (const N of dims) for (const K of dims) {
        for (const form of forms) check(M, N, K, form, 'contiguous', 'contiguous', dtype, backend);
      }
    });
  }

  it('non-square shapes and K beyond one 256-deep block', () => {
    const shapes = [[5, 7, 300], [64, 33, 513], [2, 1000, 3], [130, 2, 257], [4, 4, 256], [33, 65, 129]] as const;
    for (const [M, N, K] of shapes) {
      for (const form of forms) {
        check(M, N, K, form, 'contiguous', 'contiguous', 'float32', backend);
        check(M, N, K, form, 'contiguous', 'contiguous', 'float64', backend);
      }
    }
  });

  it('views as inputs: transposed, sliced, strided and broadcast operands', () => {
    const shapes = [[17, 3, 129], [129, 17, 3], [3, 129, 17], [1, 129, 1], [17, 17, 17]] as const;
    let i = 0;
    for (const [M, N, K] of shapes) {
      for (const form of forms) {
        for (const kindA of kinds) {
          // Pair each A layout with a rotating B layout (all 25 pairs appear over the loop).
          const kindB = kinds[i++ % kinds.length]!;
          check(M, N, K, form, kindA, kindB, i % 2 ? 'float32' : 'float64', backend);
        }
      }
    }
  });

  it('random normal data: float32 within the worst-case rounding bound, float64 to 1e-13', () => {
    const rng = new T.Rng(11);
    for (const [M, N, K] of [[129, 17, 129], [64, 48, 784]] as const) {
      for (const dtype of ['float32', 'float64'] as const) {
        const a = rng.normal([M, K], 0, 1, dtype);
        const b = rng.normal([N, K], 0, 1, dtype);
        const c = T.matmul(a, b, { transB: true, backend });
        const want = refMatmul(a, b, false, true);
        // |ĉ − c| ≤ γ_K · Σ|a||b| with γ_K ≈ K·u (u = 2⁻²⁴ or 2⁻⁵³): holds for any order.
        const u = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
        const got = valuesOf(c);
        for (let i = 0; i < got.length; i++) {
          const bound = (K + 2) * u * want.absSum[i]!;
          expect(Math.abs(got[i]! - want.values[i]!), `${dtype} element ${i}`).toBeLessThanOrEqual(bound);
        }
      }
    }
  });
});

describe('matmul details', () => {
  it('a hand-computed product and its transposed forms', () => {
    const a = T.tensor([[1, 2, 3], [4, 5, 6]]); // [2, 3]
    const b = T.tensor([[7, 8], [9, 10], [11, 12]]); // [3, 2]
    expect(T.matmul(a, b).toArray()).toEqual([[58, 64], [139, 154]]);
    expect(T.matmul(a.T, a).toArray()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    expect(T.matmul(a, a, { transA: true }).toArray()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    expect(T.matmul(a, a, { transB: true }).toArray()).toEqual([[14, 32], [32, 77]]);
    expect(T.matmul(b, a, { transA: true, transB: true }).toArray()).toEqual([[58, 139], [64, 154]]);
  });

  it('mixed dtypes give float64; a zero inner dimension gives zeros; empty outputs', () => {
    const c = T.matmul(T.tensor([[1, 2]]), T.tensor([[3], [4]], undefined, 'float64'));
    expect(c.dtype).toBe('float64');
    expect(c.toArray()).toEqual([[11]]);
    expect(T.matmul(T.zeros([2, 0]), T.zeros([0, 3])).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(T.matmul(T.zeros([0, 4]), T.zeros([4, 3])).shape).toEqual([0, 3]);
    expect(T.matmul(T.zeros([2, 4]), T.zeros([4, 0])).shape).toEqual([2, 0]);
  });

  it('matmul_ overwrites (does not accumulate into) the output buffer', () => {
    const a = grid([5, 7], 'float32', 1), b = grid([7, 3], 'float32', 2);
    const out = T.full([5, 3], 123);
    const r = T.matmul_(out, a, b);
    expect(r).toBe(out);
    expect(valuesOf(out)).toEqual(refMatmul(a, b).values);
    const at = grid([7, 5], 'float32', 3), bt = grid([3, 7], 'float32', 4); // stored transposed
    T.matmul_(out, at, bt, { transA: true, transB: true });
    expect(valuesOf(out)).toEqual(refMatmul(at, bt, true, true).values);
    // K = 0 clears the buffer.
    T.matmul_(out, T.zeros([5, 0]), T.zeros([0, 3]));
    expect(valuesOf(out)).toEqual(Array(15).fill(0));
  });

  it('the js backend is registered and can be chosen per call and globally', () => {
    const { current, available } = T.matmulBackend();
    expect(available).toContain('js');
    const a = grid([3, 4], 'float32', 5), b = grid([4, 2], 'float32', 6);
    expect(valuesOf(T.matmul(a, b, { backend: 'js' }))).toEqual(refMatmul(a, b).values);
    T.setMatmulBackend('js');
    try {
      expect(T.matmulBackend().current).toBe('js');
      expect(valuesOf(T.matmul(a, b))).toEqual(refMatmul(a, b).values);
    } finally {
      T.setMatmulBackend(current);
    }
  });
});

describe('batched 3-D matmul', () => {
  const slice = (t: T.Tensor, i: number) => t.slice(0, i, i + 1).squeeze(0);
  for (const dtype of ['float32', 'float64'] as const) {
    it(`[B,M,K]·[B,K,N], shared 2-D operands and transposed forms, ${dtype}`, () => {
      const B = 3, M = 17, K = 5, N = 4;
      const a = grid([B, M, K], dtype, 1);
      const b = grid([B, K, N], dtype, 2);
      const w = grid([K, N], dtype, 3);
      const c = T.matmul(a, b);
      expect(c.shape).toEqual([B, M, N]);
      for (let i = 0; i < B; i++) expect(valuesOf(slice(c, i))).toEqual(refMatmul(slice(a, i), slice(b, i)).values);
      // 3-D · shared 2-D, and 2-D · 3-D.
      const cw = T.matmul(a, w);
      for (let i = 0; i < B; i++) expect(valuesOf(slice(cw, i))).toEqual(refMatmul(slice(a, i), w).values);
      const x = grid([M, K], dtype, 4);
      const xb = T.matmul(x, b);
      expect(xb.shape).toEqual([B, M, N]);
      for (let i = 0; i < B; i++) expect(valuesOf(slice(xb, i))).toEqual(refMatmul(x, slice(b, i)).values);
      // Transposed forms per batch element: a is [B, K, M] with transA, b is [B, N, K] with transB.
      const at = grid([B, K, M], dtype, 5), bt = grid([B, N, K], dtype, 6);
      const ct = T.matmul(at, bt, { transA: true, transB: true });
      expect(ct.shape).toEqual([B, M, N]);
      for (let i = 0; i < B; i++) expect(valuesOf(slice(ct, i))).toEqual(refMatmul(slice(at, i), slice(bt, i), true, true).values);
      // A permuted 3-D view as input (no copy needed for the kernel).
      const av = grid([B, K, M], dtype, 7).permute(0, 2, 1); // [B, M, K]
      const cv = T.matmul(av, b);
      for (let i = 0; i < B; i++) expect(valuesOf(slice(cv, i))).toEqual(refMatmul(slice(av, i), slice(b, i)).values);
    });
  }

  it('batch of 0', () => {
    expect(T.matmul(T.zeros([0, 2, 3]), T.zeros([0, 3, 4])).shape).toEqual([0, 2, 4]);
    expect(T.matmul(T.zeros([0, 2, 3]), T.zeros([3, 4])).shape).toEqual([0, 2, 4]);
  });
});

describe('raw kernels with leading dimensions and offsets', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`gemmBlocked equals gemmNaive and writes only inside C (${dtype})`, () => {
      const rng = new T.Rng(3);
      for (const [M, N, K] of [[7, 9, 13], [4, 4, 4], [1, 5, 300], [33, 1, 2]] as const) {
        for (const form of forms) {
          // Storage with padding: leading dimensions 3 wider than needed and an offset of 2.
          const [ar, ac] = form.transA ? [K, M] : [M, K];
          const [br, bc] = form.transB ? [N, K] : [K, N];
          const lda = ac + 3, ldb = bc + 3, ldc = N + 3, off = 2;
          const A = rng.uniform([off + ar * lda], -1, 1, dtype).data;
          const B = rng.uniform([off + br * ldb], -1, 1, dtype).data;
          const C1 = T.full([off + M * ldc], 7, dtype).data;
          const C2 = T.full([off + M * ldc], 7, dtype).data;
          T.gemmBlocked(form.transA, form.transB, M, N, K, A, off, lda, B, off, ldb, C1, off, ldc);
          T.gemmNaive(form.transA, form.transB, M, N, K, A, off, lda, B, off, ldb, C2, off, ldc);
          for (let p = 0; p < C1.length; p++) {
            const inside = p >= off && (p - off) % ldc < N;
            if (!inside) expect(C1[p], `padding at ${p}`).toBe(7);
          }
          expectClose(C1, Array.from(C2), dtype === 'float32' ? 1e-6 : 1e-13, dtype === 'float32' ? 1e-6 : 1e-13);
        }
      }
    });
  }
});
