// Reproducibility by construction: one seed decides everything, and a run stopped, saved, loaded
// and continued is the same run, bit for bit (history, weights, optimizer state, RNG).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GanRun, makeConfig, train, type HistoryRecord, type RunConfig } from '@minigan/gan';
import { runFingerprint as fingerprint } from './digests.ts';

const tmp = mkdtempSync(join(tmpdir(), 'minigan-resume-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(tmp, `run${dirs++}`);

/** Exact comparison of two histories, field by field (Object.is: no tolerance, −0 ≠ +0). */
function expectSameHistory(a: readonly HistoryRecord[], b: readonly HistoryRecord[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((r, i) => {
    const s = b[i]!;
    expect(Object.keys(r).sort()).toEqual(Object.keys(s).sort());
    for (const k of Object.keys(r) as (keyof HistoryRecord)[]) {
      if (!Object.is(r[k], s[k])) expect.fail(`history[${i}].${k}: ${r[k]} vs ${s[k]}`);
    }
  });
}

/** Trains `config` straight through; and again stopped at each of `stops`, saved, loaded, continued. */
function uninterruptedAndResumed(config: RunConfig, stops: readonly number[]): { a: GanRun; b: GanRun } {
  const a = GanRun.create(config);
  train(a);
  const dir = freshDir();
  let b = GanRun.create(config);
  for (const k of stops) {
    train(b, { until: k, checkpointDir: dir });
    expect(b.step).toBe(k);
    b = GanRun.load(dir); // a fresh object: nothing survives but what the checkpoint holds
    expect(b.step).toBe(k);
  }
  train(b);
  return { a, b };
}

describe('reproducibility', () => {
  const toy = (o: Partial<RunConfig> = {}): RunConfig => makeConfig('ring8', { steps: 30, batchSize: 64, snapshotEvery: 0, ...o });

  it('the same seed and config give a bit-identical history and final weights', () => {
    const a = GanRun.create(toy({ seed: 3 }));
    const b = GanRun.create(toy({ seed: 3 }));
    train(a);
    train(b);
    expect(a.history.length).toBe(30);
    expectSameHistory(a.history, b.history);
    expect(fingerprint(a)).toEqual(fingerprint(b));
  });

  it('a different seed gives a different history (the comparison above can fail)', () => {
    const a = GanRun.create(toy({ seed: 3 }));
    const b = GanRun.create(toy({ seed: 4 }));
    train(a, { until: 3 });
    train(b, { until: 3 });
    expect(a.history[0]!.lossD).not.toBe(b.history[0]!.lossD);
  });

  it('ring8: stopped at step 11, saved, loaded and continued equals the uninterrupted run', () => {
    const { a, b } = uninterruptedAndResumed(toy({ seed: 5 }), [11]);
    expectSameHistory(a.history, b.history);
    expect(fingerprint(b)).toEqual(fingerprint(a));
  });

  it('resume is exact with every option on: k D steps, label smoothing, minimax, packing, lr decay across the stop, two stops', () => {
    const c = toy({ seed: 6, steps: 24, dSteps: 2, labelSmoothing: 0.1, gLoss: 'minimax', lrDecayFrom: 0.25, lrDecayTo: 0.1, logEvery: 2 });
    c.model.pack = 2;
    const { a, b } = uninterruptedAndResumed(c, [7, 16]);
    expect(a.history.length).toBe(12);
    expectSameHistory(a.history, b.history);
    expect(fingerprint(b)).toEqual(fingerprint(a));
    // The schedule really ran: the last step's learning rate is the decayed one.
    expect(b.optG.lr).toBeCloseTo(c.lrG * 0.1, 12);
  });

  it('a changed config after loading shows up: continuing with more steps goes on from the checkpoint', () => {
    const dir = freshDir();
    // A constant learning rate (the ring8 preset decays it over its second half, and a decay that
    // depends on `steps` makes a 14-step run differ from a 10-step one from the first decayed step).
    const constLr = { lrDecayFrom: 1, lrDecayTo: 1 };
    const r = GanRun.create(toy({ seed: 7, steps: 10, ...constLr }));
    train(r, { checkpointDir: dir });
    const more = GanRun.load(dir, { steps: 14 });
    expect(more.step).toBe(10);
    train(more);
    expect(more.history.map((h) => h.step)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    const straight = GanRun.create(toy({ seed: 7, steps: 14, ...constLr }));
    train(straight);
    expectSameHistory(straight.history, more.history);
  });

  it('Fashion-MNIST (course GAN, finite data): the dataset position and epoch order resume exactly', () => {
    // 96 images in batches of 16: 6 batches per epoch, so 10 steps cross an epoch boundary and
    // the stops at 4 (mid-epoch) and 6 (at the boundary) test both places.
    const c = makeConfig('fashion', { steps: 10, batchSize: 16, dataLimit: 96, snapshotEvery: 0 });
    const { a, b } = uninterruptedAndResumed(c, [4, 6]);
    expectSameHistory(a.history, b.history);
    expect(fingerprint(b)).toEqual(fingerprint(a));
    const pos = b.data.state();
    expect(pos).not.toBeNull();
    expect(pos!.epoch).toBe(1);
    expect(pos!.cursor).toBe(4 * 16);
    expect(a.data.state()).toEqual(pos);
  });
});
