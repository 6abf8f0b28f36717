// Replays the PyTorch GAN fixtures (gan_toy_ring: a small MLP GAN on ring data; gan_course_bn: a
// course-style G with BatchNorm1d in train mode) through the library's own `ganStep`: the same
// initial weights, real batches and noise must give PyTorch's losses, D outputs and final weights.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { optim, type nn } from '@minigan/autograd';
import { ganStep, mlpDiscriminator, mlpGenerator, readSafetensors, splitModels } from '@minigan/gan';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Json { shape: number[]; data: number[] }
interface Fixture {
  name: string;
  z_dim: number;
  data_dim: number;
  batch: number;
  G: string;
  D: string;
  optimizer: { name: string; lr: number; betas: [number, number]; eps: number };
  init: Record<string, Json>;
  final: Record<string, Json>;
  steps: { real: Json; z_d: Json; z_g: Json; loss_d: number; loss_g: number; d_real_mean: number; d_fake_mean: number }[];
}

const load = (name: string): Fixture => JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as Fixture;
const toTensor = (j: Json): T.Tensor => T.tensor(Float32Array.from(j.data), j.shape);
const toStateDict = (o: Record<string, Json>): Record<string, T.Tensor> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, toTensor(v)]));

/** |a − b| ≤ tol·max(|b|, tiny): relative error, with an absolute floor for values near zero. */
function expectRel(a: number, b: number, tol: number, what: string): void {
  expect(Math.abs(a - b), `${what}: got ${a}, PyTorch ${b}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(b), 1e-3));
}

/** The worst |a − b| / max(|b|, 1e-3) over a state dict against the fixture's (keys in `skip` left out). */
function worstRel(sd: Record<string, T.Tensor>, ref: Record<string, Json>, prefix: string, skip: ReadonlySet<string>): { key: string; err: number } {
  let worst = { key: '', err: 0 };
  for (const [k, j] of Object.entries(ref)) {
    if (!k.startsWith(`${prefix}.`) || skip.has(k)) continue;
    const t = sd[k.slice(prefix.length + 1)];
    expect(t, `${k} missing from the state dict`).toBeDefined();
    expect(t!.shape, k).toEqual(j.shape);
    const v = t!.toFlat();
    j.data.forEach((b, i) => {
      const err = Math.abs(v[i]! - b) / Math.max(Math.abs(b), 1e-3);
      if (err > worst.err) worst = { key: `${k}[${i}]`, err };
    });
  }
  return worst;
}

/** Builds G and D as the fixture describes them (the builders; the fixture's text checks the match). */
function buildFor(fx: Fixture, hiddenG: number[], hiddenD: number[], batchNorm: boolean, outActivation: 'none' | 'sigmoid'): { G: nn.Sequential; D: nn.Sequential } {
  const rng = new T.Rng(0); // overwritten by the fixture's init below
  const G = mlpGenerator({ zDim: fx.z_dim, hidden: hiddenG, outDim: fx.data_dim, batchNorm, outActivation, rng });
  const D = mlpDiscriminator({ inDim: fx.data_dim, hidden: hiddenD, slope: 0.2, rng });
  // The PyTorch text of the modules must match the fixture's: same layers, sizes, eps, momentum.
  expect(G.toString()).toBe(fx.G);
  expect(D.toString()).toBe(fx.D);
  return { G, D };
}

/**
 * Keys whose value is decided by rounding noise: the bias of a Linear right before a BatchNorm1d
 * has a gradient of exactly 0 in exact arithmetic (BatchNorm subtracts the batch mean, so a
 * constant shift of its input changes nothing), so both PyTorch and we see float32 noise of
 * ~1e-9 there, which Adam (dividing by √v) turns into steps of up to lr. The BatchNorm's
 * running_mean averages that bias in. These are compared with an absolute bound of lr per step.
 */
function noiseDrivenKeys(prefix: string, m: nn.Sequential): Set<string> {
  const out = new Set<string>();
  const layers = m.children();
  layers.forEach((l, i) => {
    if (l.constructor.name === 'Linear' && layers[i + 1]?.constructor.name === 'BatchNorm1d') {
      out.add(`${prefix}.${i}.bias`);
      out.add(`${prefix}.${i + 1}.running_mean`);
    }
  });
  return out;
}

/** Replays every step through `ganStep` and checks the per-step numbers and the final weights. */
function replay(fx: Fixture, G: nn.Sequential, D: nn.Sequential): void {
  expect(fx.optimizer.name).toBe('adam');
  const hyper = { lr: fx.optimizer.lr, betas: fx.optimizer.betas, eps: fx.optimizer.eps };
  const parts = { G, D, optG: new optim.Adam(G.parameters(), hyper), optD: new optim.Adam(D.parameters(), hyper) };
  G.train();
  D.train();
  fx.steps.forEach((s, i) => {
    const r = ganStep(parts, toTensor(s.real), toTensor(s.z_d), toTensor(s.z_g), { step: i + 1 });
    expectRel(r.lossD, s.loss_d, 1e-5, `${fx.name} step ${i + 1} loss_d`);
    expectRel(r.lossG, s.loss_g, 1e-5, `${fx.name} step ${i + 1} loss_g`);
    expectRel(r.dReal, s.d_real_mean, 1e-5, `${fx.name} step ${i + 1} d_real_mean`);
    expectRel(r.dFake, s.d_fake_mean, 1e-5, `${fx.name} step ${i + 1} d_fake_mean`);
    expect(r.skipped).toBe(false);
  });
  for (const [prefix, m] of [['G', G], ['D', D]] as const) {
    const sd = m.stateDict();
    const nRef = Object.keys(fx.final).filter((k) => k.startsWith(`${prefix}.`)).length;
    expect(Object.keys(sd).length, `${prefix} state dict size`).toBe(nRef);
    const noisy = noiseDrivenKeys(prefix, m);
    const w = worstRel(sd, fx.final, prefix, noisy);
    expect(w.err, `${fx.name} final ${w.key}`).toBeLessThanOrEqual(1e-4);
    const bound = fx.steps.length * fx.optimizer.lr;
    for (const k of noisy) {
      const v = sd[k.slice(prefix.length + 1)]!.toFlat();
      fx.final[k]!.data.forEach((b, i) => expect(Math.abs(v[i]! - b), `${k}[${i}]`).toBeLessThanOrEqual(bound));
    }
  }
}

describe('GAN parity with PyTorch (the library step replays the fixtures)', () => {
  it('gan_toy_ring: MLP GAN on ring data, 5 steps, init from the JSON', () => {
    const fx = load('gan_toy_ring');
    const { G, D } = buildFor(fx, [16, 16], [16, 16], false, 'none');
    const { G: g0, D: d0 } = splitModels(toStateDict(fx.init), 'gan_toy_ring.json');
    G.loadStateDict(g0);
    D.loadStateDict(d0);
    replay(fx, G, D);
  });

  it('gan_toy_ring: the same replay with init read from the independent safetensors file', () => {
    const fx = load('gan_toy_ring');
    const { G, D } = buildFor(fx, [16, 16], [16, 16], false, 'none');
    const st = readSafetensors(join(fixtures, 'gan_toy_ring.init.safetensors'));
    const { G: g0, D: d0 } = splitModels(st.tensors, 'gan_toy_ring.init.safetensors');
    G.loadStateDict(g0);
    D.loadStateDict(d0);
    replay(fx, G, D);
  });

  it('gan_course_bn: G with BatchNorm1d (train mode, running statistics updated), Adam betas 0.9', () => {
    const fx = load('gan_course_bn');
    const { G, D } = buildFor(fx, [32, 64], [64, 32], true, 'sigmoid');
    const { G: g0, D: d0 } = splitModels(toStateDict(fx.init), 'gan_course_bn.json');
    G.loadStateDict(g0);
    D.loadStateDict(d0);
    replay(fx, G, D);
  });

  it('the pre-BatchNorm biases really get no gradient (why they are compared loosely)', () => {
    const fx = load('gan_course_bn');
    const { G, D } = buildFor(fx, [32, 64], [64, 32], true, 'sigmoid');
    const { G: g0, D: d0 } = splitModels(toStateDict(fx.init), 'x');
    G.loadStateDict(g0);
    D.loadStateDict(d0);
    const hyper = { lr: fx.optimizer.lr, betas: fx.optimizer.betas, eps: fx.optimizer.eps };
    const parts = { G, D, optG: new optim.Adam(G.parameters(), hyper), optD: new optim.Adam(D.parameters(), hyper) };
    const s = fx.steps[0]!;
    ganStep(parts, toTensor(s.real), toTensor(s.z_d), toTensor(s.z_g));
    const named = Object.fromEntries(G.namedParameters());
    const maxAbs = (k: string) => Math.max(...Array.from(named[k]!.grad!.toFlat(), Math.abs));
    expect([...noiseDrivenKeys('G', G)].filter((k) => k.endsWith('bias')).sort()).toEqual(['G.0.bias', 'G.3.bias']);
    // Relative to the weight gradient of the same layer, the bias gradient is float32 noise.
    expect(maxAbs('0.bias')).toBeLessThan(1e-5 * maxAbs('0.weight'));
    expect(maxAbs('3.bias')).toBeLessThan(1e-5 * maxAbs('3.weight'));
    expect(maxAbs('6.bias')).toBeGreaterThan(1e-3 * maxAbs('6.weight')); // no BatchNorm after the last Linear
  });

  it('a wrong step would be caught: replaying with the noise of D and G swapped misses loss_g', () => {
    // Guards against a replay that cannot fail: the fixture's z_d ≠ z_g matter for loss_g.
    const fx = load('gan_toy_ring');
    const { G, D } = buildFor(fx, [16, 16], [16, 16], false, 'none');
    const { G: g0, D: d0 } = splitModels(toStateDict(fx.init), 'x');
    G.loadStateDict(g0);
    D.loadStateDict(d0);
    const hyper = { lr: fx.optimizer.lr, betas: fx.optimizer.betas, eps: fx.optimizer.eps };
    const parts = { G, D, optG: new optim.Adam(G.parameters(), hyper), optD: new optim.Adam(D.parameters(), hyper) };
    const s = fx.steps[0]!;
    const r = ganStep(parts, toTensor(s.real), toTensor(s.z_g), toTensor(s.z_d));
    expect(Math.abs(r.lossG - s.loss_g) / s.loss_g).toBeGreaterThan(1e-5); // the tolerance of the replay
  });
});
