// The research options of issue 6, each checked for doing what it says: PacGAN packing, one-sided
// label smoothing, k D steps per G step, and the minimax vs non-saturating generator loss. Each is
// one option in the API (RunConfig / StepOptions) and one flag of `minigan train`; the tests below
// check the maths on hand-made numbers, then that a run built from the config really uses it.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { Rng, type Tensor } from '@minigan/tensor';
import { Variable, noGrad, nn, optim } from '@minigan/autograd';
import {
  GanRun, buildModels, discriminatorLoss, discriminatorStep, generatorLoss, generatorStep, makeConfig, MODEL_PRESETS,
  type GanParts, type RunConfig,
} from '@minigan/gan';
import { TRAIN_FLAGS, UsageError, configFromFlags } from '@minigan/gan/cli';

const sigma = (x: number): number => 1 / (1 + Math.exp(-x));
/** log(1 + eˣ), computed stably (it is −log σ(−x) and −log(1 − σ(x))). */
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const meanOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const flat = (t: Tensor): number[] => Array.from(t.toFlat());

/** A leaf of float64 logits [n, 1] that wants a gradient. */
const logits64 = (xs: readonly number[]): Variable => new Variable(T.tensor(Float64Array.from(xs), [xs.length, 1]), { requiresGrad: true });

/** A module that remembers every input it sees, then applies `inner`. */
class Recorder extends nn.Module {
  readonly seen: Tensor[] = [];
  constructor(readonly inner: nn.Module) {
    super();
    this.registerModule('inner', inner);
  }
  forward(x: Variable): Variable {
    this.seen.push(x.value);
    return this.inner.forward(x);
  }
}

/** A small toy config: tiny batches so every test runs in milliseconds. */
const toy = (o: Partial<RunConfig> = {}): RunConfig => makeConfig('ring8', { steps: 10, batchSize: 6, snapshotEvery: 0, ...o });

/**
 * Replays the first training step of `config` by hand (same seed, so the same initial weights and
 * random stream) up to the G update: returns D's logits on the fake and real batches of the
 * (single) D update, and D's logits — after that update — on G(z_g), the batch G is trained on.
 */
function replayFirstStep(config: RunConfig): { fakeLogits: number[]; realLogits: number[]; gLogits: number[] } {
  const run = GanRun.create(config);
  const c = run.config;
  const n = c.batchSize * c.model.pack;
  const m = c.model.pack;
  const opts = { gLoss: c.gLoss, labelSmoothing: c.labelSmoothing, pack: m };
  // The order trainStep draws in: real batch, z_d, (D update), z_g.
  const real = run.data.next(n, run.rng); // [B·m, 2]
  const zD = run.rng.normal([n, c.model.zDim]); // [B·m, zDim]
  const pack = (x: Tensor): Variable => new Variable(x.reshape(n / m, m * c.model.dataDim)); // [B·m, 2] → [B, 2m]
  const before = noGrad(() => ({
    fake: flat(run.D.forward(pack(run.generate(zD))).value),
    real: flat(run.D.forward(pack(real)).value),
  }));
  discriminatorStep(run.parts, real, zD, opts);
  const zG = run.rng.normal([n, c.model.zDim]);
  // G is still in train mode in the real step; without BatchNorm eval and train modes agree.
  const gLogits = noGrad(() => flat(run.D.forward(pack(run.generate(zG))).value));
  return { fakeLogits: before.fake, realLogits: before.real, gLogits };
}

describe('PacGAN packing (pack m)', () => {
  it("D's input is m·d wide, G's output stays d wide", () => {
    for (const pack of [1, 2, 4]) {
      const { G, D } = buildModels({ ...MODEL_PRESETS.toy2d, gHidden: [8], dHidden: [8], pack }, new Rng(0));
      const first = (D.at(0) as nn.Linear).weight; // [hidden, m·d]
      expect(first.shape).toEqual([8, 2 * pack]);
      const out = (G.at(-1) as nn.Linear).weight; // [d, hidden]
      expect(out.shape).toEqual([2, 8]);
    }
  });

  it('a packed batch is made of m consecutive samples, in the D step and in the G step', () => {
    const m = 3, B = 4;
    const rng = new Rng(1);
    const { G, D: inner } = buildModels({ ...MODEL_PRESETS.toy2d, gHidden: [8], dHidden: [8], pack: m }, rng);
    const D = new Recorder(inner);
    const parts: GanParts = { G, D, optG: new optim.Adam(G.parameters()), optD: new optim.Adam(inner.parameters()) };
    const real = rng.normal([B * m, 2]); // [B·m, 2]
    const zD = rng.normal([B * m, 2]);
    const fake = noGrad(() => G.forward(new Variable(zD)).value); // what D's step will see (G has no BatchNorm)
    discriminatorStep(parts, real, zD, { pack: m });
    expect(D.seen.map((t) => t.shape)).toEqual([[B, m * 2], [B, m * 2]]); // fake pass, real pass
    // Row i of D's input is samples i·m, i·m+1, …, i·m+m−1 side by side: [x₀ y₀ x₁ y₁ x₂ y₂].
    expect(flat(D.seen[0]!)).toEqual(flat(fake));
    expect(flat(D.seen[1]!)).toEqual(flat(real));
    const r = flat(real);
    expect(flat(D.seen[1]!).slice(6, 12)).toEqual(r.slice(6, 12)); // pack 1 = samples 3, 4, 5
    const zG = rng.normal([B * m, 2]);
    const fakeG = noGrad(() => G.forward(new Variable(zG)).value);
    generatorStep(parts, zG, { pack: m });
    expect(D.seen[2]!.shape).toEqual([B, m * 2]);
    expect(flat(D.seen[2]!)).toEqual(flat(fakeG));
  });

  it('a batch that does not split into packs is refused with both numbers', () => {
    const rng = new Rng(2);
    const { G, D } = buildModels({ ...MODEL_PRESETS.toy2d, gHidden: [4], dHidden: [4], pack: 3 }, rng);
    const parts: GanParts = { G, D, optG: new optim.Adam(G.parameters()), optD: new optim.Adam(D.parameters()) };
    expect(() => discriminatorStep(parts, rng.normal([8, 2]), rng.normal([8, 2]), { pack: 3 })).toThrow(/8 rows cannot be packed in groups of 3/);
  });

  it('a run with pack m draws B·m samples per batch and D judges B packs', () => {
    const run = GanRun.create(toy({ batchSize: 5, model: { ...MODEL_PRESETS.toy2d, gHidden: [8], dHidden: [8], pack: 4 } }));
    const drawn: number[] = [];
    const next = run.data.next;
    (run.data as { next: typeof next }).next = (n, rng) => { drawn.push(n); return next(n, rng); };
    const inputs: number[][] = [];
    const forward = run.D.forward;
    run.D.forward = (x) => { inputs.push(x.shape); return forward(x); };
    run.trainStep();
    expect(drawn).toEqual([20]);
    expect(inputs).toEqual([[5, 8], [5, 8], [5, 8]]); // D step: fake, real; G step: fake
  });
});

describe('one-sided label smoothing (s)', () => {
  const fake = [-1.5, 0.2, 2.0];
  const real = [0.7, -0.3, 3.1, 1.2];

  it('D loss = (mean softplus(f) + mean[(1−s)·softplus(−r) + s·softplus(r)]) / 2, by hand', () => {
    for (const s of [0, 0.1, 0.25]) {
      const { loss, fake: lf, real: lr } = discriminatorLoss(logits64(fake), logits64(real), { labelSmoothing: s });
      // bce(x, y) on logits = y·softplus(−x) + (1 − y)·softplus(x); fake targets 0, real 1 − s.
      const wantFake = meanOf(fake.map(softplus));
      const wantReal = meanOf(real.map((x) => (1 - s) * softplus(-x) + s * softplus(x)));
      expect(lf.item()).toBeCloseTo(wantFake, 12);
      expect(lr.item()).toBeCloseTo(wantReal, 12);
      expect(loss.item()).toBeCloseTo((wantFake + wantReal) / 2, 12);
    }
  });

  it('moves only the real targets: loss(s) − loss(0) = s·mean(r)/2, and only the real gradient changes', () => {
    const s = 0.2;
    const f0 = logits64(fake), r0 = logits64(real), f1 = logits64(fake), r1 = logits64(real);
    const l0 = discriminatorLoss(f0, r0).loss;
    const l1 = discriminatorLoss(f1, r1, { labelSmoothing: s }).loss;
    // softplus(x) − softplus(−x) = x, so the real term grows by s·x per example.
    expect(l1.item() - l0.item()).toBeCloseTo((s * meanOf(real)) / 2, 12);
    l0.backward();
    l1.backward();
    // d loss / d rᵢ = (σ(rᵢ) − (1 − s)) / (2·n_real); the fake side is the same with or without s.
    expect(flat(r1.grad!)).toEqual(real.map((x) => expect.closeTo((sigma(x) - (1 - s)) / (2 * real.length), 14)));
    expect(flat(r0.grad!)).toEqual(real.map((x) => expect.closeTo((sigma(x) - 1) / (2 * real.length), 14)));
    expect(flat(f1.grad!)).toEqual(flat(f0.grad!));
    expect(flat(f1.grad!)).toEqual(fake.map((x) => expect.closeTo(sigma(x) / (2 * fake.length), 14)));
  });

  it('out-of-range smoothing is refused', () => {
    expect(() => discriminatorLoss(logits64(fake), logits64(real), { labelSmoothing: 1 })).toThrow(/labelSmoothing must be in \[0, 1\)/);
    expect(() => makeConfig('ring8', { labelSmoothing: -0.1 })).toThrow(/labelSmoothing/);
  });

  it("a run's labelSmoothing reaches the D update: its loss_D is the hand-computed one", () => {
    for (const s of [0, 0.3]) {
      const config = toy({ labelSmoothing: s, seed: 4 });
      const { fakeLogits, realLogits } = replayFirstStep(config);
      const want = (meanOf(fakeLogits.map(softplus)) + meanOf(realLogits.map((x) => (1 - s) * softplus(-x) + s * softplus(x)))) / 2;
      const rec = GanRun.create(config).trainStep();
      expect(rec.lossD).toBeCloseTo(want, 5); // float32 run against a float64 formula
    }
  });
});

describe('k D steps per G step', () => {
  const adamSteps = (o: optim.Adam): number => Number(o.stateDict().state['0']!.step);

  it("D's optimizer steps k times per training step, G's once, each D update on a fresh real batch", () => {
    for (const k of [1, 3]) {
      const run = GanRun.create(toy({ dSteps: k }));
      const batches: Tensor[] = [];
      const next = run.data.next;
      (run.data as { next: typeof next }).next = (n, rng) => { const b = next(n, rng); batches.push(b); return b; };
      run.trainStep();
      expect(adamSteps(run.optD)).toBe(k);
      expect(adamSteps(run.optG)).toBe(1);
      run.trainStep();
      expect(adamSteps(run.optD)).toBe(2 * k);
      expect(adamSteps(run.optG)).toBe(2);
      expect(batches.length).toBe(2 * k);
      if (k > 1) expect(flat(batches[1]!)).not.toEqual(flat(batches[0]!));
      expect(run.history.length).toBe(2); // one history record per training step, not per D update
    }
  });

  it('with k = 2, D has moved twice before G moves: its weights differ from k = 1 after one step, G starts equal', () => {
    const a = GanRun.create(toy({ dSteps: 1, seed: 5 }));
    const b = GanRun.create(toy({ dSteps: 2, seed: 5 }));
    const w = (r: GanRun) => flat((r.D.at(0) as nn.Linear).weight.value);
    expect(w(a)).toEqual(w(b)); // same seed, same init
    a.trainStep();
    b.trainStep();
    expect(w(a)).not.toEqual(w(b));
  });
});

describe('generator loss: non-saturating vs minimax', () => {
  const x = [-6, -1, 0, 0.5, 4];

  it('values: ns = −mean log σ(x) = mean softplus(−x); minimax = mean log(1 − σ(x)) = −mean softplus(x)', () => {
    const ns = generatorLoss(logits64(x), 'ns').item();
    const mm = generatorLoss(logits64(x), 'minimax').item();
    expect(ns).toBeCloseTo(-meanOf(x.map((v) => Math.log(sigma(v)))), 12);
    expect(mm).toBeCloseTo(meanOf(x.map((v) => Math.log(1 - sigma(v)))), 12);
    expect(ns).toBeGreaterThan(0); // G minimises a positive cost…
    expect(mm).toBeLessThan(0); // …or drives a negative one further down
    expect(generatorLoss(logits64(x)).item()).toBe(ns); // ns is the default
  });

  it('gradients: ns gives (σ(x) − 1)/n, minimax gives −σ(x)/n, so minimax saturates where D is sure it is fake', () => {
    const a = logits64(x), b = logits64(x);
    generatorLoss(a, 'ns').backward();
    generatorLoss(b, 'minimax').backward();
    const n = x.length;
    expect(flat(a.grad!)).toEqual(x.map((v) => expect.closeTo((sigma(v) - 1) / n, 14)));
    expect(flat(b.grad!)).toEqual(x.map((v) => expect.closeTo(-sigma(v) / n, 14)));
    // Both push every logit up (negative gradient), but at x = −6 (D confident: fake) minimax's
    // push is σ(−6) ≈ 0.0025 of ns's: the saturation the non-saturating loss was made to avoid.
    const [ga, gb] = [flat(a.grad!), flat(b.grad!)];
    for (let i = 0; i < n; i++) expect(Math.sign(ga[i]!)).toBe(-1);
    expect(gb[0]! / ga[0]!).toBeLessThan(0.003);
    expect(gb[4]! / ga[4]!).toBeGreaterThan(50); // and where D is fooled, minimax pushes harder
  });

  it("a run's gLoss reaches the G update: loss_G is the formula on D's logits of G(z_g)", () => {
    for (const gLoss of ['ns', 'minimax'] as const) {
      const config = toy({ gLoss, seed: 6 });
      const { gLogits } = replayFirstStep(config);
      const want = gLoss === 'ns' ? meanOf(gLogits.map((v) => softplus(-v))) : -meanOf(gLogits.map(softplus));
      const rec = GanRun.create(config).trainStep();
      expect(rec.lossG).toBeCloseTo(want, 5);
    }
  });

  it('the two losses move G differently from the same start, and leave the D update alone', () => {
    const a = GanRun.create(toy({ gLoss: 'ns', seed: 7 }));
    const b = GanRun.create(toy({ gLoss: 'minimax', seed: 7 }));
    a.trainStep();
    b.trainStep();
    const w = (m: nn.Module) => m.parameters().flatMap((p) => flat(p.value));
    expect(w(a.D)).toEqual(w(b.D));
    expect(w(a.G)).not.toEqual(w(b.G));
  });
});

describe('the CLI flags and API options', () => {
  /** Parses an argv as `minigan train` does, then builds the config. */
  const fromArgv = (argv: string[]): RunConfig => configFromFlags(parseArgs({ args: argv, options: TRAIN_FLAGS, strict: true }).values);

  it('defaults: no packing, no smoothing, one D step, non-saturating', () => {
    const c = fromArgv(['--preset', 'ring8']);
    expect([c.model.pack, c.labelSmoothing, c.dSteps, c.gLoss]).toEqual([1, 0, 1, 'ns']);
  });

  it('--pack, --label-smoothing, --d-steps, --g-loss set the config, and the run uses it', () => {
    const c = fromArgv(['--preset', 'ring8', '--pack', '4', '--label-smoothing', '0.1', '--d-steps', '3', '--g-loss', 'minimax', '--batch-size', '8']);
    expect([c.model.pack, c.labelSmoothing, c.dSteps, c.gLoss]).toEqual([4, 0.1, 3, 'minimax']);
    const run = GanRun.create(c);
    expect((run.D.at(0) as nn.Linear).weight.shape[1]).toBe(8); // 4 samples × 2 coordinates
    run.trainStep();
    expect(Number(run.optD.stateDict().state['0']!.step)).toBe(3);
  });

  it("a preset's own packing is kept (grid25 packs pairs) and --pack overrides it", () => {
    const preset = makeConfig('grid25').model.pack;
    expect(preset).toBeGreaterThan(1);
    expect(fromArgv(['--preset', 'grid25']).model.pack).toBe(preset);
    expect(fromArgv(['--preset', 'grid25', '--pack', '1']).model.pack).toBe(1);
    expect((GanRun.create(makeConfig('grid25')).D.at(0) as nn.Linear).weight.shape[1]).toBe(2 * preset);
  });

  it('the same options through the API (makeConfig)', () => {
    const c = makeConfig('grid25', { labelSmoothing: 0.2, dSteps: 2, gLoss: 'minimax', model: { ...MODEL_PRESETS.toy2d, gHidden: [8], dHidden: [8], pack: 2 } });
    expect([c.model.pack, c.labelSmoothing, c.dSteps, c.gLoss]).toEqual([2, 0.2, 2, 'minimax']);
  });

  it('bad values are usage errors that name the flag', () => {
    const bad: [string[], RegExp][] = [
      [['--pack', '0'], /--pack must be an integer ≥ 1/],
      [['--pack', '2.5'], /--pack/],
      [['--label-smoothing', '1'], /--label-smoothing must be a number in \[0, 1\)/],
      [['--label-smoothing', 'x'], /--label-smoothing/],
      [['--d-steps', '0'], /--d-steps must be an integer ≥ 1/],
      [['--g-loss', 'wgan'], /--g-loss must be one of ns, minimax/],
    ];
    for (const [argv, msg] of bad) {
      expect(() => fromArgv(argv)).toThrow(UsageError);
      expect(() => fromArgv(argv)).toThrow(msg);
    }
  });
});
