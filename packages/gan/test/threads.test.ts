// Training results do not depend on how the work is run: on 1 or 2 threads, with the wasm SIMD
// kernels or their JavaScript reference loops, and with every uninitialised output array
// (T.allocEmpty) filled with NaN first, a seeded run gives a bit-identical history, final weights
// and optimizer state.
import { afterEach, describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { GanRun, makeConfig, train, type HistoryRecord, type RunConfig } from '@minigan/gan';
import { runFingerprint as fingerprint } from './digests.ts';

function expectSameHistory(a: readonly HistoryRecord[], b: readonly HistoryRecord[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((r, i) => {
    for (const k of Object.keys(r) as (keyof HistoryRecord)[]) {
      if (!Object.is(r[k], b[i]![k])) expect.fail(`history[${i}].${k}: ${r[k]} vs ${b[i]![k]}`);
    }
  });
}

function run(config: RunConfig, setup: () => void): GanRun {
  setup();
  const r = GanRun.create(config);
  train(r);
  return r;
}

const configs: [string, () => RunConfig][] = [
  ['ring8 (toy 2-D GAN, batch 256)', () => makeConfig('ring8', { steps: 25, batchSize: 256, snapshotEvery: 0, seed: 11 })],
  ['fashion (course GAN with BatchNorm, batch 128)', () => makeConfig('fashion', { steps: 6, batchSize: 128, dataLimit: 256, snapshotEvery: 0, seed: 12 })],
];

describe('training is independent of threads and kernel implementation', () => {
  afterEach(() => {
    T.setThreads(1);
    T.setKernelBackend('wasm');
    T.setPoisonEmpty(false);
  });

  it.each(configs)('%s: 2 threads = 1 thread, bit for bit', (_, config) => {
    const one = run(config(), () => T.setThreads(1));
    const two = run(config(), () => T.setThreads(2));
    expectSameHistory(one.history, two.history);
    expect(fingerprint(two)).toEqual(fingerprint(one));
  });

  it.each(configs)('%s: JavaScript kernels = wasm SIMD kernels, bit for bit', (_, config) => {
    const wasm = run(config(), () => T.setKernelBackend('wasm'));
    const js = run(config(), () => T.setKernelBackend('js'));
    expectSameHistory(wasm.history, js.history);
    expect(fingerprint(js)).toEqual(fingerprint(wasm));
  });

  it.each(configs)('%s: outputs allocated without zeroing are written whole (NaN-poisoned = plain), bit for bit', (_, config) => {
    const plain = run(config(), () => T.setPoisonEmpty(false));
    for (const kernels of ['wasm', 'js'] as const) {
      const poisoned = run(config(), () => { T.setPoisonEmpty(true); T.setKernelBackend(kernels); });
      expectSameHistory(plain.history, poisoned.history);
      expect(fingerprint(poisoned)).toEqual(fingerprint(plain));
    }
  });
});
