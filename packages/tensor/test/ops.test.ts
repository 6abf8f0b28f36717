// The kernels of kernels/ops.ts (T.kernels): the WebAssembly SIMD path gives the JavaScript loop's
// result bit for bit — on random data, at sizes around the SIMD width and the wasm threshold, and
// on special values (±0, NaN, ±∞, subnormals, the largest floats) — on one thread and on two
// (large kernels are then cut into rows that both threads take from).
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';

const rng = new T.Rng('ops');

/** Random float32 values, with about one in eight replaced by a special value. */
function values(n: number, scale = 1): Float32Array {
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3.4e38, -3.4e38, 1e-45, 1, -1];
  const a = rng.normal([n], 0, scale).data as Float32Array;
  for (let i = 0; i < n; i++) if (rng.random() < 0.125) a[i] = special[rng.int(special.length)]!;
  return a;
}

/** Finite random values (for kernels whose callers never see non-finite inputs, e.g. BatchNorm's sums). */
function finite(n: number, scale = 1): Float32Array {
  return rng.normal([n], 0, scale).data as Float32Array;
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * Runs fn under both backends on copies of its inputs; returns both outputs' bytes. The wasm
 * side also runs on two threads, which must give the same bytes as one.
 */
function both<R extends ArrayBufferView[]>(fn: () => R): [R, R] {
  T.setKernelBackend('js');
  const js = fn();
  T.setKernelBackend('wasm');
  const wasm = fn();
  T.setThreads(2);
  try {
    const wasm2 = fn();
    wasm.forEach((a, k) => expect(bytes(wasm2[k]!).equals(bytes(a)), `output ${k} differs between 1 and 2 threads`).toBe(true));
  } finally {
    T.setThreads(1);
  }
  return [js, wasm];
}

function expectSame(js: ArrayBufferView[], wasm: ArrayBufferView[], what: string): void {
  js.forEach((a, k) => expect(bytes(wasm[k]!).equals(bytes(a)), `${what}: output ${k} differs`).toBe(true));
}

// Sizes: below the wasm threshold (JS on both sides), and above it with every remainder mod 4.
const sizes = [7, 1024, 1025, 1026, 1027, 4099, 32768];

describe('float32 kernels: wasm = js bit for bit', () => {
  afterEach(() => T.setKernelBackend('wasm'));

  it('is wasm by default here', () => {
    expect(T.kernelBackend()).toBe('wasm');
    expect(() => T.setKernelBackend('cuda' as T.KernelBackend)).toThrow("setKernelBackend: expected 'wasm' or 'js', got 'cuda'");
  });

  it.each(sizes)('add, sub, mul of same-shaped tensors (T.add …, and in place), n = %i', (n) => {
    const a = T.tensor(values(n), [n]), b = T.tensor(values(n), [n]);
    const [js, wasm] = both(() => {
      const out = T.zeros([n]);
      T.add_(out, out, a); // in place: out += a
      return [T.add(a, b).data, T.sub(a, b).data, T.mul(a, b).data, T.mul_(out, out, b).data];
    });
    expectSame(js, wasm, `binary n=${n}`);
  });

  it.each([1027, 32768])('add, sub, mul into a pinned tensor (written in place, also when it is an operand), n = %i', (n) => {
    const a0 = values(n), b0 = values(n);
    const [js, wasm] = both(() => {
      const out = T.zeros([n], 'float32', { pinned: true }), acc = T.zeros([n], 'float32', { pinned: true });
      (acc.data as Float32Array).set(a0);
      T.add_(out, T.tensor(a0, [n]), T.tensor(b0, [n]));
      T.mul_(acc, acc, T.tensor(b0, [n])); // acc ← acc · b
      T.sub_(acc, acc, out); // acc ← acc − out
      return [Float32Array.from(out.data as Float32Array), Float32Array.from(acc.data as Float32Array)];
    });
    expectSame(js, wasm, `pinned binary n=${n}`);
  });

  it('the kernels\' exp (fdlibm) is Math.exp bit for bit, on 2 million arguments and the edge cases', () => {
    const special = [0, -0, 1, -1, Math.LN2 / 2, -Math.LN2 / 2, 1.5 * Math.LN2, -1.5 * Math.LN2, 2 ** -28, -(2 ** -28), 2 ** -30,
      -700, -708.39, -709, -745.13, -745.2, -1000, 709.78, 710, Infinity, -Infinity, NaN, 1e-310, -1e-310, 5e-324];
    let bad = 0;
    const check = (x: number) => { if (!Object.is(T.kernels.expFdlibm(x), Math.exp(x)) && bad++ < 5) console.log('exp mismatch at', x); };
    special.forEach(check);
    const u = rng.uniform([2_000_000], 0, 1).data;
    for (let i = 0; i < u.length; i++) {
      const r = u[i]!;
      check(i % 4 === 0 ? -r * 760 : i % 4 === 1 ? (r - 0.5) * 4 : i % 4 === 2 ? (r - 0.5) * 1e-7 : r * 720);
    }
    expect(bad).toBe(0);
  });

  it.each([...sizes, 100_000])('sigmoid and its backward (σ of float32 inputs of every size), n = %i', (n) => {
    // Inputs across exp's ranges: |x| < 2^-28, ≤ ln2/2, around 3·ln2/2, large, beyond −700, and specials.
    const x = values(n, 4);
    for (let i = 0; i < n; i += 7) x[i] = [1e-9, -3e-9, 0.3, -0.34, 1.04, -1.03, 30, -88, 750, -800][(i / 7) % 10]!;
    const g = values(n);
    const [js, wasm] = both(() => {
      const y = new Float32Array(n), dx = new Float32Array(n);
      T.kernels.sigmoid(x, y);
      T.kernels.sigmoidBackward(g, y, dx);
      return [y, dx];
    });
    expectSame(js, wasm, `sigmoid n=${n}`);
  });

  it.each(sizes)('relu and its backward, n = %i', (n) => {
    const x = values(n), g = values(n);
    const [js, wasm] = both(() => {
      const y = new Float32Array(n), dx = new Float32Array(n);
      T.kernels.relu(x, y);
      T.kernels.reluBackward(g, y, dx);
      return [y, dx];
    });
    expectSame(js, wasm, `relu n=${n}`);
    // The definition itself, on a few values.
    const y = new Float32Array(4);
    T.kernels.relu(Float32Array.of(-0, 2, -3, NaN), y);
    expect(Object.is(y[0], 0) && y[1] === 2 && y[2] === 0 && Number.isNaN(y[3])).toBe(true);
  });

  it.each(sizes)('leakyRelu and its backward (slope 0.2 and 0.01, products in double), n = %i', (n) => {
    for (const slope of [0.2, 0.01]) {
      const x = values(n), g = values(n);
      const [js, wasm] = both(() => {
        const y = new Float32Array(n), dx = new Float32Array(n);
        T.kernels.leakyRelu(x, y, slope);
        T.kernels.leakyReluBackward(g, x, dx, slope);
        return [y, dx];
      });
      expectSame(js, wasm, `leakyRelu n=${n} slope=${slope}`);
    }
  });

  it.each([[1, 7], [3, 1000], [256, 128], [128, 1024], [5, 1027], [300, 2]])('bias add and bias gradient over [%i, %i]', (rows, n) => {
    const y0 = values(rows * n), b = values(n), g = finite(rows * n);
    const [js, wasm] = both(() => {
      const y = Float32Array.from(y0), db = new Float32Array(n);
      T.kernels.addRowVector(y, rows, n, b);
      T.kernels.sumRows(g, rows, n, db);
      return [y, db];
    });
    expectSame(js, wasm, `rows ${rows}×${n}`);
  });

  it.each([[128, 128], [128, 1024], [64, 7], [3, 513], [256, 3], [129, 301]])('BatchNorm statistics, forward and backward over [%i, %i]', (N, C) => {
    const x = finite(N * C, 3), g = finite(N * C, 1e-2);
    const gamma = finite(C), beta = finite(C);
    for (const affine of [true, false]) {
      for (const batch of [true, false]) {
        const [js, wasm] = both(() => {
          const mean = new Float64Array(C), varSum = new Float64Array(C), invstd = new Float64Array(C);
          T.kernels.bnStats(x, N, C, 1e-5, mean, varSum, invstd);
          if (!batch) for (let c = 0; c < C; c++) { mean[c] = c / C; invstd[c] = 1 / Math.sqrt(1 + c + 1e-5); }
          const y = new Float32Array(N * C);
          T.kernels.bnForward(x, y, N, C, mean, invstd, affine ? gamma : null, affine ? beta : null);
          const scale = Float64Array.from(invstd, (v, c) => (affine ? gamma[c]! : 1) * v);
          const sumG = new Float64Array(C), sumGX = new Float64Array(C), dx = new Float32Array(N * C);
          T.kernels.bnBackward(g, x, dx, N, C, mean, invstd, scale, batch, sumG, sumGX);
          const mean3 = new Float64Array(C), varSum3 = new Float64Array(C), invstd3 = new Float64Array(C), y3 = new Float32Array(N * C);
          T.kernels.bnForwardBatch(x, y3, N, C, 1e-5, mean3, varSum3, invstd3, affine ? gamma : null, affine ? beta : null);
          // With the fused ReLU: forward (batch and given statistics) and the masked backward.
          const y4 = new Float32Array(N * C), y5 = new Float32Array(N * C), dx4 = new Float32Array(N * C);
          T.kernels.bnForwardBatch(x, y4, N, C, 1e-5, new Float64Array(C), new Float64Array(C), new Float64Array(C), affine ? gamma : null, affine ? beta : null, true);
          T.kernels.bnForward(x, y5, N, C, mean, invstd, affine ? gamma : null, affine ? beta : null, true);
          const sumG4 = new Float64Array(C), sumGX4 = new Float64Array(C);
          T.kernels.bnBackward(g, x, dx4, N, C, mean, invstd, scale, batch, sumG4, sumGX4, y5);
          const sumG2 = new Float64Array(C), sumGX2 = new Float64Array(C);
          T.kernels.bnBackward(g, x, null, N, C, mean, invstd, scale, batch, sumG2, sumGX2);
          return [mean, varSum, invstd, y, sumG, sumGX, dx, sumG2, sumGX2, mean3, varSum3, invstd3, y3, y4, y5, dx4, sumG4, sumGX4];
        });
        expectSame(js, wasm, `BatchNorm [${N},${C}] affine=${affine} batch=${batch}`);
      }
    }
  });

  it.each([7, 1027, 4099, 16384, 16384 * 2 + 5, 100_003])('sumSquares (the gradient norm\'s sum) follows its block and lane order, n = %i', (n) => {
    const g = finite(n, 1e-2);
    const [js, wasm] = both(() => [Float64Array.of(T.kernels.sumSquares(g, 0.25))]);
    expectSame(js, wasm, `sumSquares n=${n}`);
    // The definition, written out: blocks of 16384; in a block, lane j sums the squares of the
    // elements at offsets ≡ j (mod 4); the block's sum is (s0 + s1) + (s2 + s3); blocks in order.
    let want = 0.25;
    for (let b0 = 0; b0 < n; b0 += T.kernels.NORM_BLOCK) {
      const lane = [0, 0, 0, 0];
      for (let k = b0; k < Math.min(n, b0 + T.kernels.NORM_BLOCK); k++) lane[(k - b0) % 4]! += g[k]! * g[k]!;
      want += (lane[0]! + lane[1]!) + (lane[2]! + lane[3]!);
    }
    expect((wasm[0] as Float64Array)[0]).toBe(want);
    // And it is the plain sum of squares up to rounding.
    let seq = 0.25;
    for (let k = 0; k < n; k++) seq += g[k]! * g[k]!;
    expect(Math.abs(want - seq)).toBeLessThanOrEqual(seq * n * 2 ** -52);
    // A NaN or an infinity anywhere makes it non-finite.
    for (const bad of [NaN, Infinity, -Infinity]) {
      const h = Float32Array.from(g);
      h[n - 1] = bad;
      expect(Number.isFinite(T.kernels.sumSquares(h))).toBe(false);
    }
  });

  it.each([[7, 1027], [16384 * 2 + 5, 300], [200_000, 64]])('Adam with the gradient norm over pinned parameters (%i and %i) = sumSquares then adamF32, on 1 and 2 threads', (n1, n2) => {
    const h = { weightDecay: 0.01, beta1: 0.9, beta2: 0.999, bc2Sqrt: Math.sqrt(1 - 0.999), eps: 1e-8, negStepSize: -1e-3 / (1 - 0.9) };
    const p0 = [finite(n1), finite(n2)], g = [finite(n1, 1e-2), finite(n2, 1e-2)];
    const pinned = (a: Float32Array) => {
      const t = T.zeros([a.length], 'float32', { pinned: true });
      (t.data as Float32Array).set(a);
      return t.data as Float32Array;
    };
    // Reference: the JavaScript loops, parameter by parameter, on ordinary arrays.
    T.setKernelBackend('js');
    let want = 0;
    const ref = [0, 1].map((k) => {
      const p = Float32Array.from(p0[k]!), m = new Float32Array(p.length), s = new Float32Array(p.length);
      want = T.kernels.sumSquares(g[k]!, want);
      T.kernels.adamF32(p, g[k]!, m, s, h);
      return [p, m, s];
    });
    T.setKernelBackend('wasm');
    for (const threads of [1, 2]) {
      T.setThreads(threads);
      try {
        // The first gradient pinned (read in place), the second an ordinary array (copied in).
        const items = [0, 1].map((k) => ({ p: pinned(p0[k]!), g: k === 0 ? pinned(g[k]!) : g[k]!, m: pinned(new Float32Array(p0[k]!.length)), s: pinned(new Float32Array(p0[k]!.length)), h }));
        const r = T.kernels.adamNormPinned(items)!;
        expect(r).toEqual({ finite: true, sum: want });
        items.forEach((it, k) => expectSame(ref[k]!, [it.p, it.m, it.s], `adam ${threads} thread(s), parameter ${k}`));
        // A non-finite gradient: nothing moves.
        const bad = Float32Array.from(g[1]!);
        bad[n2 >> 1] = NaN;
        const before = items.map((it) => [Float32Array.from(it.p), Float32Array.from(it.m), Float32Array.from(it.s)]);
        expect(T.kernels.adamNormPinned([items[0]!, { ...items[1]!, g: bad }])).toEqual({ finite: false, sum: NaN });
        items.forEach((it, k) => expectSame(before[k]!, [it.p, it.m, it.s], `adam skipped, parameter ${k}`));
      } finally {
        T.setThreads(1);
      }
    }
  });

  it('allFinite finds a NaN or an infinity anywhere', () => {
    const a = finite(1001);
    expect(T.kernels.allFinite(a)).toBe(true);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 500, 1000]) {
        const b = Float32Array.from(a);
        b[at] = bad;
        expect(T.kernels.allFinite(b)).toBe(false);
      }
    }
    expect(T.kernels.allFinite(new Float64Array([1e308, -1e308]))).toBe(true);
  });

  it('allFinite reads a pinned array in place (the SIMD pass) with the same answers', () => {
    const t = T.zeros([1003], 'float32', { pinned: true });
    expect(T.isPinned(t)).toBe(true);
    const a = t.toFlat() as Float32Array;
    a.set(finite(1003));
    expect(T.kernels.allFinite(a)).toBe(true);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 3, 999, 1002]) { // in the SIMD body and in the scalar tail
        const keep = a[at]!;
        a[at] = bad;
        expect(T.kernels.allFinite(a)).toBe(false);
        a[at] = keep;
      }
    }
    expect(T.kernels.allFinite(a)).toBe(true);
  });

  it('allFiniteAll checks pinned and ordinary arrays together, on 1 and 2 threads, and finds any bad element', () => {
    const big = T.zeros([100_003], 'float32', { pinned: true }).toFlat() as Float32Array;
    big.set(finite(100_003));
    const small = T.zeros([5], 'float32', { pinned: true }).toFlat() as Float32Array;
    const plain = finite(2000), wide = new Float64Array([1e300, -1e300]);
    for (const threads of [1, 2]) {
      T.setThreads(threads);
      try {
        expect(T.kernels.allFiniteAll([big, small, plain, wide])).toBe(true);
        expect(T.kernels.allFiniteAll([])).toBe(true);
        for (const [arr, at] of [[big, 0], [big, 16384], [big, 100_002], [small, 4], [plain, 1999]] as const) {
          for (const bad of [NaN, Infinity, -Infinity]) {
            const keep = arr[at]!;
            arr[at] = bad;
            expect(T.kernels.allFiniteAll([big, small, plain, wide]), `${bad} at ${at} of ${arr.length}`).toBe(false);
            arr[at] = keep;
          }
        }
      } finally {
        T.setThreads(1);
      }
    }
  });

  it.each([7, 1027, 16384 * 2 + 5])('Adam over %i parameters, 3 steps, with and without weight decay', (n) => {
    for (const weightDecay of [0, 0.01]) {
      const p0 = values(n), grads = [0, 1, 2].map(() => finite(n, 1e-3));
      grads[1]![0] = 0;
      grads[2]![1] = -0;
      const [js, wasm] = both(() => {
        const p = Float32Array.from(p0), m = new Float32Array(n), s = new Float32Array(n);
        grads.forEach((g, t0) => {
          const t = t0 + 1;
          T.kernels.adamF32(p, g, m, s, { weightDecay, beta1: 0.5, beta2: 0.999, bc2Sqrt: Math.sqrt(1 - 0.999 ** t), eps: 1e-8, negStepSize: -2e-4 / (1 - 0.5 ** t) });
        });
        return [p, m, s];
      });
      expectSame(js, wasm, `Adam n=${n} wd=${weightDecay}`);
    }
  });
});
