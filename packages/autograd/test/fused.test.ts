// The fused fast paths (Adam's float32 loop, activation kernels, BatchNorm, bias sums) against
// straightforward references written op by op: results must be bit-identical, because the
// PyTorch parity tests rely on the exact float32 rounding sequence.
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';
import { optim } from '@minigan/autograd';

/** torch.optim.Adam's update written out with a rounding after every operation (float32). */
function adamReference(p: Float32Array, grads: Float32Array[], lr: number, b1: number, b2: number, eps: number, wd: number): Float32Array {
  const r = Math.fround;
  const w = Float32Array.from(p), m = new Float32Array(p.length), v = new Float32Array(p.length);
  grads.forEach((g, t0) => {
    const t = t0 + 1;
    const stepSize = lr / (1 - b1 ** t);
    const bc2 = r(Math.sqrt(1 - b2 ** t));
    for (let k = 0; k < w.length; k++) {
      let gk = g[k]!;
      if (wd !== 0) gk = r(gk + r(r(wd) * w[k]!));
      m[k] = r(r(m[k]! * r(b1)) + r(r(1 - b1) * gk));
      v[k] = r(r(v[k]! * r(b2)) + r(r(r(1 - b2) * gk) * gk));
      const denom = r(r(r(Math.sqrt(v[k]!)) / bc2) + r(eps));
      w[k] = r(w[k]! + r(r(r(-stepSize) * m[k]!) / denom));
    }
  });
  return w;
}

describe('Adam float32 fast path', () => {
  for (const wd of [0, 0.01]) {
    it(`is bit-identical to the op-by-op reference over 5 steps (weight decay ${wd})`, () => {
      const rng = new T.Rng('adam-fused');
      const init = rng.normal([1000]);
      const grads = [0, 1, 2, 3, 4].map(() => rng.normal([1000], 0, 1e-3).data as Float32Array);
      const p = A.param(init.clone());
      const opt = new optim.Adam([p], { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: wd });
      for (const g of grads) {
        p.grad = T.tensor(g, [1000]);
        opt.step();
      }
      const want = adamReference(init.data as Float32Array, grads, 1e-3, 0.9, 0.999, 1e-8, wd);
      expect(Array.from(p.value.data)).toEqual(Array.from(want));
    });
  }
});

describe('Adam.stepIfFinite (the gradient norm and the update in one pass)', () => {
  /** Parameters (float32, one without a gradient; pinned as Linear's, or ordinary) and their gradients. */
  function setup(seed: string, pinned = false) {
    const rng = new T.Rng(seed);
    const shapes = [[300, 40], [300], [7, 300], [7], [5]];
    const params = shapes.map((s) => A.param(pinned ? T.copy_(T.zeros(s, 'float32', { pinned: true }), rng.normal(s)) : rng.normal(s)));
    const grads = shapes.map((s) => rng.normal(s, 0, 1e-2));
    return { params, grads };
  }

  for (const [backend, pinned] of [['wasm', true], ['wasm', false], ['js', false]] as const) {
    it(`equals gradNorm then step(), bit for bit, over 3 steps (${backend} kernels${pinned ? ', pinned parameters' : ''})`, () => {
      T.setKernelBackend(backend);
      try {
        const a = setup('sif'), b = setup('sif', pinned);
        const oa = new optim.Adam(a.params, { lr: 1e-3, weightDecay: 0.01 }), ob = new optim.Adam(b.params, { lr: 1e-3, weightDecay: 0.01 });
        for (let t = 0; t < 3; t++) {
          a.params.forEach((p, i) => { p.grad = i === 4 ? null : a.grads[i]!; });
          b.params.forEach((p, i) => { p.grad = i === 4 ? null : b.grads[i]!; });
          const norm = optim.gradNorm(a.params);
          oa.step();
          const r = ob.stepIfFinite();
          expect(r).toEqual({ gradNorm: norm, stepped: true });
        }
        a.params.forEach((p, i) => expect(Array.from(b.params[i]!.value.toFlat())).toEqual(Array.from(p.value.toFlat())));
      } finally {
        T.setKernelBackend('wasm');
      }
    });
  }

  it('a NaN or infinite gradient changes nothing, keeps no state, and reports the norm gradNorm gives', () => {
    for (const [bad, pinned] of [[NaN, false], [Infinity, false], [NaN, true], [-Infinity, true]] as const) {
      const { params, grads } = setup('bad', pinned);
      const opt = new optim.Adam(params, { lr: 1e-3 });
      params.forEach((p, i) => { p.grad = grads[i]!; });
      grads[2]!.data[3] = bad;
      const before = params.map((p) => Array.from(p.value.toFlat()));
      const r = opt.stepIfFinite();
      expect(r.stepped).toBe(false);
      expect(Object.is(r.gradNorm, optim.gradNorm(params))).toBe(true);
      params.forEach((p, i) => expect(Array.from(p.value.toFlat())).toEqual(before[i]));
      expect(opt.stateDict().state).toEqual({});
    }
  });
});

describe('Sequential fuses Linear + ReLU / LeakyReLU (linearAct)', () => {
  /** The same model twice (same init): a GAN-style MLP with both activations and a BatchNorm block. */
  function model(fuse: boolean): A.nn.Sequential {
    const rng = new T.Rng('seq-fuse');
    const s = new A.nn.Sequential(
      new A.nn.Linear(6, 16, { rng }), new A.nn.LeakyReLU(0.2),
      new A.nn.Linear(16, 16, { rng }), new A.nn.ReLU(),
      new A.nn.Linear(16, 8, { rng }), new A.nn.BatchNorm1d(8), new A.nn.ReLU(),
      new A.nn.Linear(8, 3, { rng }), new A.nn.LeakyReLU(-0.5), // a negative slope is not fused
      new A.nn.Linear(3, 1, { rng }),
    );
    s.fuse = fuse;
    return s;
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`gives the unfused model's output and gradients bit for bit (${dtype})`, () => {
      const x = new T.Rng('seq-x').normal([64, 6], 0, 1, dtype);
      const run = (fuse: boolean) => {
        const m = model(fuse);
        if (dtype === 'float64') for (const p of m.parameters()) p.value = p.value.astype('float64');
        const xin = A.param(x.clone());
        const y = m.forward(xin);
        A.mean(A.mul(y, y)).backward();
        return { y: y.value, grads: [xin, ...m.parameters()].map((p) => p.grad!) , graph: A.walkGraph(y).map((n) => n.op) };
      };
      const fused = run(true), plain = run(false);
      expect(Array.from(fused.y.toFlat())).toEqual(Array.from(plain.y.toFlat()));
      fused.grads.forEach((g, i) => expect(Array.from(g.toFlat()), `grad ${i}`).toEqual(Array.from(plain.grads[i]!.toFlat())));
      expect(fused.graph).toContain('linear+leakyRelu');
      expect(fused.graph).toContain('linear+relu');
      expect(fused.graph).toContain('batchNorm+relu');
      expect(fused.graph).toContain('leakyRelu'); // the negative slope stayed a separate node
      expect(plain.graph).not.toContain('linear+relu');
    });
  }
});
