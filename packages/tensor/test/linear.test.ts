// T.linear and T.linearBackward: the fused wasm sessions give exactly what the composition of
// matmul, the bias add and the row sum gives (the same kernels), on 1 and 2 threads; shapes are checked.
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';

const rng = new T.Rng('linear');
const bits = (t: T.Tensor | null) => Buffer.from(t!.toFlat().buffer, t!.toFlat().byteOffset, t!.toFlat().byteLength);

describe('T.linear / T.linearBackward', () => {
  afterEach(() => T.setThreads(1));

  it.each([[128, 784, 512], [256, 2, 128], [256, 128, 1], [3, 5, 7], [128, 1024, 784]])('B=%i in=%i out=%i: fused = composed, bit for bit, on 1 and 2 threads', (B, nIn, nOut) => {
    const x = rng.uniform([B, nIn], -1, 1), w = rng.uniform([nOut, nIn], -1, 1), b = rng.uniform([nOut], -1, 1);
    const g = rng.normal([B, nOut]);
    const y0 = T.matmul(x, w, { transB: true });
    T.kernels.addRowVector(y0.data, B, nOut, b.data);
    const dx0 = T.matmul(g, w), dw0 = T.matmul(g, x, { transA: true }), db0 = T.sum(g, 0);
    for (const threads of [1, 2]) {
      T.setThreads(threads);
      expect(bits(T.linear(x, w, b)).equals(bits(y0))).toBe(true);
      expect(bits(T.linear(x, w)).equals(bits(T.matmul(x, w, { transB: true })))).toBe(true);
      const r = T.linearBackward(g, x, w, { dx: true, dw: true, db: true });
      expect(bits(r.dx).equals(bits(dx0)) && bits(r.dw).equals(bits(dw0)) && bits(r.db).equals(bits(db0))).toBe(true);
      const some = T.linearBackward(g, x, w, { dx: false, dw: true, db: false });
      expect(some.dx === null && some.db === null && bits(some.dw).equals(bits(dw0))).toBe(true);
    }
  });

  it('takes views and float64 through the composed path', () => {
    const x = rng.uniform([6, 10], -1, 1).slice(1, 2, 7); // [6, 5] view
    const w = rng.uniform([4, 5], -1, 1);
    const y = T.linear(x, w, T.zeros([4]));
    expect(bits(y).equals(bits(T.matmul(x, w, { transB: true })))).toBe(true);
    const x64 = x.astype('float64'), w64 = w.astype('float64');
    expect(T.linear(x64, w64).dtype).toBe('float64');
  });

  it('names the shapes when they do not fit', () => {
    expect(() => T.linear(T.zeros([2, 3]), T.zeros([4, 5]))).toThrow('linear: input [2,3] does not fit weight [4,5]: expected input [B,5]');
    expect(() => T.linear(T.zeros([2, 3]), T.zeros([4, 3]), T.zeros([5]))).toThrow('linear: bias [5] does not fit weight [4,3]: expected [4]');
    expect(() => T.linearBackward(T.zeros([2, 5]), T.zeros([2, 3]), T.zeros([4, 3]), { dx: true, dw: true, db: true })).toThrow('linearBackward: gradient [2,5] does not fit input [2,3] and weight [4,3]');
  });
});

describe('T.linearAct / T.linearActBackward (Linear + ReLU or LeakyReLU in one pass)', () => {
  afterEach(() => T.setThreads(1));
  const acts: T.FusedActivation[] = [{ kind: 'relu' }, { kind: 'leakyRelu', slope: 0.2 }, { kind: 'leakyRelu', slope: 0 }];

  it.each([[256, 128, 128], [128, 784, 512], [5, 3, 7], [256, 2, 128]])('B=%i in=%i out=%i: = linear then the activation, bit for bit (values and gradients)', (B, nIn, nOut) => {
    const x = rng.uniform([B, nIn], -1, 1), w = rng.uniform([nOut, nIn], -1, 1), b = rng.uniform([nOut], -1, 1), g = rng.normal([B, nOut]);
    for (const act of acts) {
      const z = T.linear(x, w, b);
      const y0 = act.kind === 'relu' ? T.relu(z) : T.leakyRelu(z, act.slope);
      const gz = new T.Tensor(new Float32Array(B * nOut), [B, nOut]);
      if (act.kind === 'relu') T.kernels.reluBackward(g.data, y0.data, gz.data);
      else T.kernels.leakyReluBackward(g.data, z.data, gz.data, act.slope); // the unfused backward reads z
      const r0 = T.linearBackward(gz, x, w, { dx: true, dw: true, db: true });
      for (const threads of [1, 2]) {
        T.setThreads(threads);
        const y = T.linearAct(x, w, b, act);
        expect(bits(y).equals(bits(y0)), `${act.kind} y`).toBe(true);
        const r = T.linearActBackward(g, y, x, w, act, { dx: true, dw: true, db: true });
        for (const k of ['dx', 'dw', 'db'] as const) expect(bits(r[k]).equals(bits(r0[k])), `${act.kind} ${k}`).toBe(true);
      }
    }
  });

  it('refuses a negative slope (the backward could not read the sign from the output)', () => {
    expect(() => T.linearAct(T.zeros([2, 3]), T.zeros([4, 3]), null, { kind: 'leakyRelu', slope: -0.1 })).toThrow('linearAct: the fused LeakyReLU needs a finite slope ≥ 0');
  });
});
