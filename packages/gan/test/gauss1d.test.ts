import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { Rng } from '@minigan/tensor';
import { GanRun, makeConfig, train } from '@minigan/gan';

// The gauss1d preset must learn N(4, 0.5²) itself, not just its mean: an earlier preset ended
// at mean 4.0 but std 0.2 (partial mode collapse) with D flat at 1/2, which looked like success.
describe('gauss1d preset', () => {
  it('learns the mean and the spread of N(4, 0.5²) (seed 0, default length)', () => {
    const run = GanRun.create(makeConfig('gauss1d', { seed: 0 }));
    train(run);
    const x = run.sample(10_000, new Rng('gauss1d-test')); // [10000, 1]
    expect(Math.abs(T.mean(x).item() - 4)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(T.variance(x).item()) / 0.5 - 1)).toBeLessThan(0.1);
  });
});
