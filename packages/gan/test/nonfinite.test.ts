// Diverging training: whatever goes NaN or infinite first (the real batch, G(z), D's output, a
// loss, a gradient, a weight after an update) stops the run at that step with a message naming
// the step, the update and the quantity, and leaves the weights and the last checkpoint as they
// were; onNonFinite 'skip' skips such a step instead, counts it, and gives up when it never ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { mul, nn, optim, sqrt, type Variable } from '@minigan/autograd';
import { GanRun, MAX_SKIPPED_IN_A_ROW, NonFiniteError, generatorStep, makeConfig, mlpDiscriminator, readCheckpointState, train, type RunConfig } from '@minigan/gan';
import { moduleDigest as digest } from './digests.ts';

const tmp = mkdtempSync(join(tmpdir(), 'minigan-nonfinite-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const toy = (o: Partial<RunConfig> = {}): RunConfig => makeConfig('ring8', { steps: 20, batchSize: 16, snapshotEvery: 0, ...o });


/** The error `f` throws, which must be a NonFiniteError. */
function nonFinite(f: () => unknown): NonFiniteError {
  try {
    f();
  } catch (e) {
    if (e instanceof NonFiniteError) return e;
    throw e;
  }
  return expect.fail('expected a NonFiniteError');
}

/** Makes the data source return a batch with NaN at [row, col] on the given calls (0-based). */
function poisonBatches(run: GanRun, calls: (i: number) => boolean, row = 3, col = 1): void {
  const next = run.data.next.bind(run.data);
  let i = 0;
  run.data.next = (n, rng) => {
    const x = next(n, rng);
    if (calls(i++)) x.set(NaN, row, col);
    return x;
  };
}

describe("onNonFinite 'stop' (the default)", () => {
  it('a NaN injected into a D weight stops the next step, names it, moves no weight and keeps the last checkpoint', () => {
    const dir = join(tmp, 'stop-weight');
    const run = GanRun.create(toy({ checkpointEvery: 5 }));
    train(run, { until: 5, checkpointDir: dir });
    const goodD = digest(run.D), goodG = digest(run.G);
    // Poison one weight of D's last layer, as a bug or a bit flip would.
    const w = (run.D.at(4) as nn.Linear).weight.value;
    w.set(NaN, 0, 7);
    const poisonedD = digest(run.D);
    const err = nonFinite(() => train(run, { checkpointDir: dir }));
    expect(err.step).toBe(6);
    expect(err.model).toBe('D');
    expect(err.quantity).toBe("D's output (logit) on the generated batch");
    expect(Number.isNaN(err.value)).toBe(true);
    expect(err.message).toMatch(/^training diverged at step 6: D's output \(logit\) on the generated batch is NaN at index \[0,0\] in the D update, so D's weights were not updated$/);
    // Nothing moved: D is exactly as poisoned, G exactly as after step 5.
    expect(digest(run.D)).toBe(poisonedD);
    expect(digest(run.G)).toBe(goodG);
    expect(run.step).toBe(5);
    // The checkpoint on disk is still step 5, with the good weights.
    expect(readCheckpointState(dir).state.step).toBe(5);
    const back = GanRun.load(dir);
    expect(digest(back.D)).toBe(goodD);
    expect(digest(back.G)).toBe(goodG);
  });

  it('a NaN in the real batch is named with its index, before D sees it', () => {
    const run = GanRun.create(toy());
    poisonBatches(run, (i) => i === 2); // the third D update, i.e. step 3
    train(run, { until: 2 });
    const before = digest(run.D);
    const err = nonFinite(() => train(run));
    expect([err.step, err.model, err.quantity, err.index]).toEqual([3, 'D', 'the real batch x', [3, 1]]);
    expect(digest(run.D)).toBe(before);
    expect(run.history.length).toBe(2);
  });

  it('a huge learning rate that overflows a weight is caught right after that update', () => {
    // Adam's first step moves each weight by about lr; 1e39 is beyond float32's 3.4e38.
    const run = GanRun.create(toy({ lrD: 1e39 }));
    const err = nonFinite(() => train(run));
    expect(err.step).toBe(1);
    expect(err.model).toBe('D');
    expect(err.afterUpdate).toBe(true);
    expect(err.quantity).toMatch(/^D's weight '\d\.(weight|bias)'$/);
    expect(Math.abs(err.value)).toBe(Infinity);
    expect(err.message).toMatch(/^training diverged at step 1: the D update made D's weight '\d\.(weight|bias)' -?Infinity at index \[[\d,]+\]$/);
  });

  it('a large learning rate that overflows D\'s output is caught at the step it happens', () => {
    // lr 1e30 leaves the weights finite (≈ 1e30) but their products overflow float32 in the
    // next forward pass: G's update, in the same step, is the first to see it.
    const run = GanRun.create(toy({ lrD: 1e30 }));
    const err = nonFinite(() => train(run));
    expect([err.step, err.model, err.quantity]).toEqual([1, 'G', "D's output (logit) on G(z)"]);
  });

  it('a gradient that is not finite (loss finite) names the first parameter it reaches', () => {
    // G = Linear → |·| computed as √(x·x) → Linear, with hidden unit 3 switched off (weights and
    // bias 0). Its output is exactly 0, so the forward pass and the loss are finite, but the
    // backward of √ at 0 is ∞, times 2x = 0 gives NaN, which flows into row 3 of G's first layer.
    class Abs extends nn.Module {
      forward(x: Variable): Variable { return sqrt(mul(x, x)); }
    }
    const rng = new T.Rng(1);
    const first = new nn.Linear(2, 8, { rng });
    first.weight.value.set(0, 3, 0);
    first.weight.value.set(0, 3, 1);
    first.bias!.value.set(0, 3);
    const G = new nn.Sequential(first, new Abs(), new nn.Linear(8, 2, { rng }));
    const D = mlpDiscriminator({ inDim: 2, hidden: [8], rng });
    const parts = { G, D, optG: new optim.Adam(G.parameters(), { lr: 1e-3 }), optD: new optim.Adam(D.parameters(), { lr: 1e-3 }) };
    const before = digest(G);
    const err = nonFinite(() => generatorStep(parts, rng.normal([16, 2]), { step: 4 }));
    expect([err.step, err.model, err.quantity, err.index]).toEqual([4, 'G', "the gradient of G's '0.weight'", [3, 0]]);
    expect(Number.isNaN(err.value)).toBe(true);
    expect(digest(G)).toBe(before);
    // The same step without the dead unit is fine: the test is about the NaN, not the setup.
    first.weight.value.set(0.5, 3, 0);
    expect(generatorStep(parts, rng.normal([16, 2]), { step: 5 }).skipped).toBe(false);
  });
});

describe("onNonFinite 'skip'", () => {
  it('skips a step with a NaN batch, counts it in the history, and trains on', () => {
    const run = GanRun.create(toy({ onNonFinite: 'skip' }));
    poisonBatches(run, (i) => i === 4); // step 5
    let dBefore = '', dAfter = '';
    train(run, {
      onStep: (r, rr) => {
        if (r.step === 4) dBefore = digest(rr.D);
        if (r.step === 5) dAfter = digest(rr.D);
      },
    });
    expect(run.step).toBe(20);
    expect(run.skipped).toBe(1);
    expect(run.history.map((r) => r.skipped)).toEqual(Array.from({ length: 20 }, (_, i) => (i < 4 ? 0 : 1)));
    // The skipped D update left D alone; the step's own G update still ran.
    expect(dAfter).toBe(dBefore);
    const r5 = run.history[4]!;
    expect(Number.isNaN(r5.lossD) && Number.isNaN(r5.gradNormD)).toBe(true);
    expect(Number.isFinite(r5.lossG)).toBe(true);
    expect(run.history.slice(5).every((r) => Number.isFinite(r.lossD) && Number.isFinite(r.lossG))).toBe(true);
  });

  it(`gives up after ${MAX_SKIPPED_IN_A_ROW} skipped steps in a row, with the reason`, () => {
    const run = GanRun.create(toy({ onNonFinite: 'skip', steps: 200 }));
    poisonBatches(run, (i) => i >= 10); // every step from step 11 on
    const err = nonFinite(() => train(run));
    expect(err.step).toBe(10 + MAX_SKIPPED_IN_A_ROW);
    expect(err.quantity).toBe('the real batch x');
    expect(err.message).toContain(`${MAX_SKIPPED_IN_A_ROW} steps in a row were skipped`);
    expect(run.skipped).toBe(MAX_SKIPPED_IN_A_ROW);
  });

  it('cannot skip a weight that an update made infinite: that stops the run under skip too', () => {
    const run = GanRun.create(toy({ onNonFinite: 'skip', lrG: 1e39 }));
    const err = nonFinite(() => train(run));
    expect([err.step, err.model, err.afterUpdate]).toEqual([1, 'G', true]);
  });
});
