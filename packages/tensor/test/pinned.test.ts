// Pinned tensors (storage in the wasm kernels' memory): ordinary tensors in every respect, read in
// place by the kernels with the same results as copied operands, and their blocks are reused
// once the storage is garbage-collected.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';

const rng = new T.Rng('pinned');
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A pinned copy of t. */
function pinned(t: T.Tensor): T.Tensor {
  return T.copy_(T.zeros(t.shape, 'float32', { pinned: true }), t);
}

describe('pinned tensors', () => {
  it('are zeroed float32 tensors that behave as any other; float64 is never pinned', () => {
    const p = T.zeros([3, 4], 'float32', { pinned: true });
    expect(T.isPinned(p)).toBe(true);
    expect(p.toArray()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    T.copy_(p, T.arange(12).reshape(3, 4));
    expect(T.sum(p).item()).toBe(66);
    expect(p.transpose().get(3, 2)).toBe(11);
    expect(T.isPinned(T.zeros([3], 'float64', { pinned: true }))).toBe(false);
    expect(T.isPinned(T.zeros([3]))).toBe(false);
  });

  it('give the kernels the results of ordinary operands, bit for bit (matmul forms, linear, Adam)', () => {
    for (const [tA, tB] of [[false, false], [true, false], [false, true]] as const) {
      const a = rng.uniform(tA ? [300, 130] : [130, 300], -1, 1), b = rng.uniform(tB ? [70, 300] : [300, 70], -1, 1);
      const want = T.matmul(a, b, { transA: tA, transB: tB });
      expect(bits(T.matmul(pinned(a), pinned(b), { transA: tA, transB: tB }).data).equals(bits(want.data))).toBe(true);
      expect(bits(T.matmul(pinned(a).slice(0, 0, tA ? 300 : 130), b, { transA: tA, transB: tB }).data).equals(bits(want.data))).toBe(true);
    }
    const x = rng.uniform([64, 50], -1, 1), w = rng.uniform([40, 50], -1, 1), bias = rng.uniform([40], -1, 1), g = rng.normal([64, 40]);
    expect(bits(T.linear(x, pinned(w), pinned(bias)).data).equals(bits(T.linear(x, w, bias).data))).toBe(true);
    const r0 = T.linearBackward(g, x, w, { dx: true, dw: true, db: true });
    const r1 = T.linearBackward(pinned(g), pinned(x), pinned(w), { dx: true, dw: true, db: true });
    for (const k of ['dx', 'dw', 'db'] as const) expect(bits(r1[k]!.data).equals(bits(r0[k]!.data))).toBe(true);
    // Adam: pinned parameters and moments are updated in place, as the copied path updates ordinary ones.
    const n = 40000;
    const p0 = rng.normal([n]).data as Float32Array, grad = rng.normal([n], 0, 1e-3).data as Float32Array;
    const run = (pin: boolean) => {
      const mk = () => (pin ? T.zeros([n], 'float32', { pinned: true }).data as Float32Array : new Float32Array(n));
      const p = mk(), m = mk(), s = mk();
      p.set(p0);
      for (let t = 1; t <= 3; t++) T.kernels.adamF32(p, grad, m, s, { weightDecay: 0, beta1: 0.9, beta2: 0.999, bc2Sqrt: Math.sqrt(1 - 0.999 ** t), eps: 1e-8, negStepSize: -1e-3 / (1 - 0.9 ** t) });
      return [p, m, s];
    };
    const [a, b] = [run(false), run(true)];
    a.forEach((arr, k) => expect(bits(b[k]!).equals(bits(arr))).toBe(true));
  });

  it('a block is reused, zeroed, after its storage is garbage-collected', () => {
    // Finalizers run between event-loop turns after a collection: needs --expose-gc, so in a child process.
    const script = [
      "import * as T from '@minigan/tensor';",
      'const make = () => { const t = T.zeros([1000], "float32", { pinned: true }); t.data.fill(7); return t.data.byteOffset; };',
      'const at = make();',
      'globalThis.gc();',
      'await new Promise((r) => setTimeout(r, 50));',
      'globalThis.gc();',
      'await new Promise((r) => setTimeout(r, 50));',
      'const again = T.zeros([1000], "float32", { pinned: true });',
      'console.log(again.data.byteOffset === at, again.data.every((v) => v === 0));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: packageDir, timeout: 30_000, encoding: 'utf8' });
    expect(out.trim()).toBe('true true');
  });
});
