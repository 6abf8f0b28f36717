// The WebAssembly SIMD matmul backend: equal to the naive triple loop within float32 rounding for
// every transpose form, views, edge sizes and empty dimensions; deterministic; registered as the
// default; and its committed binary is what the AssemblyScript sources compile to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as T from '@minigan/tensor';
import { compileGemmWasm, embeddedBytes, generatedPath, packageDir } from '../asm/build.ts';

const rng = new T.Rng(7);

/** Uniform float32 values in [-1, 1). */
function randomArray(n: number): Float32Array {
  return rng.uniform([n], -1, 1).data as Float32Array;
}

interface Case {
  transA: boolean; transB: boolean; M: number; N: number; K: number;
  aOff: number; lda: number; bOff: number; ldb: number; cOff: number; ldc: number;
}

/** Operands for one case: A, B and C stored with the given offsets and leading dimensions. */
function operands(c: Case) {
  const [aRows, aCols] = c.transA ? [c.K, c.M] : [c.M, c.K];
  const [bRows, bCols] = c.transB ? [c.N, c.K] : [c.K, c.N];
  expect(c.lda).toBeGreaterThanOrEqual(aCols);
  expect(c.ldb).toBeGreaterThanOrEqual(bCols);
  const A = randomArray(c.aOff + aRows * c.lda);
  const B = randomArray(c.bOff + bRows * c.ldb);
  return { A, B };
}

/** A C buffer whose every element is a sentinel, so writes outside the [M, N] view show. */
function sentinelC(c: Case): Float32Array {
  return new Float32Array(c.cOff + c.M * c.ldc + 5).fill(-777);
}

/**
 * Runs the wasm backend and checks it against gemmNaive element by element. The tolerance is
 * float32 rounding of a K-term dot product: |c − c_ref| ≤ 1e-5 · Σ_k |a_ik·b_kj| (a relative
 * bound that stays meaningful when the sum cancels). Elements of C outside the view stay untouched.
 */
function checkCase(c: Case): void {
  const { A, B } = operands(c);
  const C = sentinelC(c);
  T.wasmBackend.gemm(c.transA, c.transB, c.M, c.N, c.K, A, c.aOff, c.lda, B, c.bOff, c.ldb, C, c.cOff, c.ldc);
  const ref = sentinelC(c);
  T.gemmNaive(c.transA, c.transB, c.M, c.N, c.K, A, c.aOff, c.lda, B, c.bOff, c.ldb, ref, c.cOff, c.ldc);
  const scale = sentinelC(c);
  T.gemmNaive(c.transA, c.transB, c.M, c.N, c.K, A.map(Math.abs), c.aOff, c.lda, B.map(Math.abs), c.bOff, c.ldb, scale, c.cOff, c.ldc);
  let bad = 0;
  let first = '';
  for (let i = 0; i < C.length; i++) {
    const inView = i >= c.cOff && i < c.cOff + c.M * c.ldc && (i - c.cOff) % c.ldc < c.N;
    const ok = inView ? Math.abs(C[i]! - ref[i]!) <= 1e-5 * scale[i]! + 1e-30 : C[i] === -777;
    if (!ok && bad++ === 0) first = `at ${i} (${inView ? 'in' : 'outside'} the view): got ${C[i]}, expected ${inView ? ref[i] : -777}`;
  }
  expect(bad, `${JSON.stringify(c)}: ${bad} bad elements, first ${first}`).toBe(0);
}

/** A dense case: leading dimensions equal to widths, no offsets. */
function dense(transA: boolean, transB: boolean, M: number, N: number, K: number): Case {
  return { transA, transB, M, N, K, aOff: 0, lda: transA ? M : K, bOff: 0, ldb: transB ? K : N, cOff: 0, ldc: N };
}

const forms: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const formName = ([a, b]: [boolean, boolean]) => `${a ? 'Aᵀ' : 'A'}·${b ? 'Bᵀ' : 'B'}`;

describe('wasm matmul backend', () => {
  it('is available here, float32 only', () => {
    expect(T.wasmSimdAvailable).toBe(true);
    expect(T.wasmBackend.supports('float32')).toBe(true);
    expect(T.wasmBackend.supports('float64')).toBe(false);
  });

  describe.each(forms)('%s', (tA, tB) => {
    const name = formName([tA, tB]);
    it(`${name}: every combination of sizes 1, 3, 17, 129`, () => {
      const sizes = [1, 3, 17, 129];
      for (const M of sizes) for (const N of sizes) for (const K of sizes) checkCase(dense(tA, tB, M, N, K));
    });

    it(`${name}: non-square shapes across the kernel's block edges (MC 128, KC 256, NC 512)`, () => {
      // 600 > NC and 300, 513 > KC exercise more than one column block and the K-slice accumulation.
      for (const [M, N, K] of [[129, 600, 300], [5, 9, 513], [130, 7, 2], [2, 520, 33], [64, 64, 257]] as const) {
        checkCase(dense(tA, tB, M, N, K));
      }
    });

    it(`${name}: views — offsets and leading dimensions wider than the rows`, () => {
      for (const [M, N, K] of [[17, 33, 19], [129, 20, 40], [3, 1, 300]] as const) {
        const [aCols, bCols] = [tA ? M : K, tB ? K : N];
        // Small gaps (copied as one span) and a wide parent (copied row by row).
        checkCase({ transA: tA, transB: tB, M, N, K, aOff: 3, lda: aCols + 5, bOff: 11, ldb: bCols + 1, cOff: 2, ldc: N + 3 });
        checkCase({ transA: tA, transB: tB, M, N, K, aOff: 7, lda: 3 * aCols + 1, bOff: 1, ldb: 4 * bCols, cOff: 9, ldc: 3 * N });
      }
    });

    it(`${name}: K = 0 gives zeros, M = 0 or N = 0 writes nothing`, () => {
      for (const [M, N, K] of [[3, 5, 0], [0, 5, 4], [4, 0, 6], [0, 0, 0]] as const) {
        checkCase({ ...dense(tA, tB, M, N, K), cOff: 1, ldc: N + 2, lda: Math.max(tA ? M : K, 1), ldb: Math.max(tB ? K : N, 1) });
      }
      const C = new Float32Array(6).fill(5);
      T.wasmBackend.gemm(tA, tB, 2, 3, 0, new Float32Array(0), 0, tA ? 2 : 1, new Float32Array(0), 0, tB ? 1 : 3, C, 0, 3);
      expect([...C]).toEqual([0, 0, 0, 0, 0, 0]);
    });
  });

  it('computes exact products of small integers exactly', () => {
    // 2×3 · 3×2 by hand: [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]] = [[58,64],[139,154]].
    const C = new Float32Array(4);
    T.wasmBackend.gemm(false, false, 2, 2, 3, Float32Array.of(1, 2, 3, 4, 5, 6), 0, 3, Float32Array.of(7, 8, 9, 10, 11, 12), 0, 2, C, 0, 2);
    expect([...C]).toEqual([58, 64, 139, 154]);
  });

  it('is deterministic: the same inputs give bit-identical outputs, also after the memory grew', () => {
    const c = dense(false, true, 129, 77, 600);
    const { A, B } = operands(c);
    const run = () => {
      const C = new Float32Array(c.M * c.N);
      T.wasmBackend.gemm(c.transA, c.transB, c.M, c.N, c.K, A, 0, c.lda, B, 0, c.ldb, C, 0, c.ldc);
      return C;
    };
    const first = run();
    expect(run()).toEqual(first);
    // A bigger product grows the wasm memory (detaching the old views); the small one still matches.
    checkCase(dense(false, false, 1000, 8, 1000)); // A alone is 4 MB
    expect(run()).toEqual(first);
  });

  it('leaves float64 to the TypeScript kernel', () => {
    const A = Float64Array.from({ length: 12 }, (_, i) => i / 7);
    const B = Float64Array.from({ length: 20 }, (_, i) => 1 - i / 9);
    const C = new Float64Array(15), ref = new Float64Array(15);
    T.wasmBackend.gemm(false, false, 3, 5, 4, A, 0, 4, B, 0, 5, C, 0, 5);
    T.gemmBlocked(false, false, 3, 5, 4, A, 0, 4, B, 0, 5, ref, 0, 5);
    expect(C).toEqual(ref);
  });
});

describe('wasm backend in matmul', () => {
  afterEach(() => {
    T.setMatmulBackend('wasm');
    vi.unstubAllEnvs();
  });

  it('is registered and is the default; js stays selectable', () => {
    const env = process.env['MINIGAN_MATMUL'];
    expect(T.matmulBackend()).toEqual({ current: env === 'js' ? 'js' : 'wasm', available: ['js', 'wasm'] });
    T.setMatmulBackend('js');
    expect(T.matmulBackend().current).toBe('js');
  });

  it('gives matmul on transposed and sliced tensor views the js backend’s values within float32 rounding', () => {
    const a = rng.uniform([40, 70], -1, 1);
    const b = rng.uniform([70, 50], -1, 1);
    const cases: [T.Tensor, T.Tensor, T.MatmulOptions][] = [
      [a, b, {}],
      [a.transpose(), b, { transA: true }], // a.T is a view: transA of a view of a
      [a, b.transpose(), { transB: true }],
      [a.slice(0, 5, 30), b.slice(1, 3, 47), {}], // row slice of a, column slice of b
    ];
    for (const [x, y, opts] of cases) {
      const w = T.matmul(x, y, { ...opts, backend: 'wasm' });
      const j = T.matmul(x, y, { ...opts, backend: 'js' });
      expect(w.shape).toEqual(j.shape);
      const diff = T.max(T.abs(T.sub(w, j))).item() as number;
      expect(diff).toBeLessThan(1e-5 * 70);
    }
  });

  it('MINIGAN_MATMUL=js selects js on import; a bad value is an error naming the variable', async () => {
    vi.stubEnv('MINIGAN_MATMUL', 'js');
    vi.resetModules();
    const viaJs = await import('@minigan/tensor');
    expect(viaJs.matmulBackend()).toEqual({ current: 'js', available: ['js', 'wasm'] });
    vi.stubEnv('MINIGAN_MATMUL', 'fortran');
    vi.resetModules();
    await expect(import('@minigan/tensor')).rejects.toThrow("MINIGAN_MATMUL: expected 'js' or 'wasm', got 'fortran'");
    vi.resetModules();
  });
});

describe('committed wasm binary', () => {
  it('is byte for byte what asc builds from asm/assembly/index.ts (npx tsx asm/build.ts)', () => {
    const committed = embeddedBytes(readFileSync(join(packageDir, generatedPath), 'utf8'));
    const rebuilt = compileGemmWasm();
    expect(rebuilt.length).toBeGreaterThan(0);
    expect(Buffer.from(rebuilt).equals(Buffer.from(committed)), `${generatedPath} is stale: run npx tsx asm/build.ts in packages/tensor`).toBe(true);
  });
});
