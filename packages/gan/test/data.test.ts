import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { gaussian1d, mixture1d, ring2d, grid2d, TensorDataset, type ToySampler } from '@minigan/gan';

/** Index of the nearest mode of each row of `x` ([n, d]) among `modes` ([k, d]). */
function nearest(x: T.Tensor, modes: T.Tensor): { mode: number[]; dist: number[] } {
  const [n, d] = x.shape as [number, number];
  const k = modes.shape[0]!;
  const mode: number[] = [];
  const dist: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let arg = -1;
    for (let m = 0; m < k; m++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x.get(i, j) - modes.get(m, j)) ** 2;
      if (s < best) { best = s; arg = m; }
    }
    mode.push(arg);
    dist.push(Math.sqrt(best));
  }
  return { mode, dist };
}

function counts(mode: number[], k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const m of mode) c[m]! += 1;
  return c;
}

describe('toy samplers', () => {
  it('ring2d: 8 modes on the unit circle at angles 2πk/8, std 0.01 by default', () => {
    const ring = ring2d();
    expect(ring.name).toBe('ring8');
    expect(ring.dim).toBe(2);
    expect(ring.std).toBe(0.01);
    const m = ring.modes();
    expect(m.shape).toEqual([8, 2]);
    expect(m.dtype).toBe('float32');
    expect(m.get(0, 0)).toBeCloseTo(1, 6);
    expect(m.get(0, 1)).toBeCloseTo(0, 6);
    expect(m.get(2, 0)).toBeCloseTo(0, 6);
    expect(m.get(2, 1)).toBeCloseTo(1, 6);
    expect(m.get(5, 0)).toBeCloseTo(-Math.SQRT1_2, 6);
    expect(m.get(5, 1)).toBeCloseTo(-Math.SQRT1_2, 6);
  });

  it('grid2d: 25 modes with means in {−4,−2,0,2,4}², std 0.05 by default', () => {
    const grid = grid2d();
    expect(grid.name).toBe('grid25');
    expect(grid.std).toBe(0.05);
    const m = grid.modes();
    expect(m.shape).toEqual([25, 2]);
    const pts = new Set<string>();
    for (let i = 0; i < 25; i++) pts.add(`${m.get(i, 0)},${m.get(i, 1)}`);
    const want = new Set<string>();
    for (const a of [-4, -2, 0, 2, 4]) for (const b of [-4, -2, 0, 2, 4]) want.add(`${a},${b}`);
    expect(pts).toEqual(want);
  });

  it('samples sit around their modes with the right spread and equal mode frequencies', () => {
    for (const s of [ring2d(), grid2d()] as ToySampler[]) {
      const n = 20_000;
      const x = s.sample(n, new T.Rng(1));
      expect(x.shape).toEqual([n, 2]);
      expect(x.dtype).toBe('float32');
      const { mode, dist } = nearest(x, s.modes());
      // For an isotropic 2-D Gaussian, E|x − μ|² = 2σ².
      const ms = dist.reduce((a, b) => a + b * b, 0) / n;
      expect(Math.sqrt(ms / 2) / s.std!).toBeCloseTo(1, 1);
      const k = s.modes().shape[0]!;
      const sd = Math.sqrt((n * (1 / k) * (1 - 1 / k)));
      for (const c of counts(mode, k)) expect(Math.abs(c - n / k)).toBeLessThan(5 * sd);
    }
  });

  it('gaussian1d has the requested mean and std', () => {
    const g = gaussian1d({ mean: -3, std: 2 });
    expect(g.modes().toArray()).toEqual([[-3]]);
    const x = g.sample(40_000, new T.Rng(5));
    expect(x.shape).toEqual([40_000, 1]);
    expect(T.mean(x).item()).toBeCloseTo(-3, 1);
    expect(Math.sqrt(T.variance(x).item())).toBeCloseTo(2, 1);
  });

  it('mixture1d follows the weights and per-mode stds', () => {
    const mix = mixture1d({ means: [-5, 0, 5], stds: [0.1, 0.2, 0.3], weights: [1, 2, 1] });
    expect(mix.weights).toEqual([0.25, 0.5, 0.25]);
    expect(mix.std).toBeUndefined();
    const n = 40_000;
    const x = mix.sample(n, new T.Rng(3));
    const { mode, dist } = nearest(x, mix.modes());
    const c = counts(mode, 3);
    [0.25, 0.5, 0.25].forEach((w, k) => expect(Math.abs(c[k]! - n * w)).toBeLessThan(5 * Math.sqrt(n * w * (1 - w))));
    for (let k = 0; k < 3; k++) {
      const d = dist.filter((_, i) => mode[i] === k);
      const rms = Math.sqrt(d.reduce((a, b) => a + b * b, 0) / d.length);
      expect(rms / mix.stds[k]!).toBeCloseTo(1, 1);
    }
  });

  it('draws only from the Rng it is given: same seed, same samples', () => {
    const s = ring2d();
    const a = s.sample(100, new T.Rng(42)).toArray();
    expect(s.sample(100, new T.Rng(42)).toArray()).toEqual(a);
    expect(s.sample(100, new T.Rng(43)).toArray()).not.toEqual(a);
  });

  it('rejects bad parameters with the sampler name', () => {
    expect(() => ring2d({ std: 0 })).toThrow(/ring2d: std must be a positive/);
    expect(() => grid2d({ side: 2.5 })).toThrow(/grid2d: side must be a positive integer/);
    expect(() => mixture1d({ means: [0, 1], stds: [1] })).toThrow(/mixture1d: stds has 1 entries, expected 2/);
    expect(() => ring2d().sample(-1, new T.Rng(0))).toThrow(/ring8.sample: n must be/);
  });
});

/** The values of column 0 of a batch: with x[i] = i they are the row indices served. */
const rowsOf = (b: T.Tensor) => Array.from(b.toFlat().filter((_, i) => i % 2 === 0));

describe('TensorDataset', () => {
  // Row i of x is [i, 10 i], so a batch tells which rows it holds.
  const N = 10;
  const x = T.tensor(Array.from({ length: N }, (_, i) => [i, 10 * i]));

  it('serves every row once per epoch, the last batch smaller, then starts a new epoch', () => {
    const ds = new TensorDataset(x, { batchSize: 3 });
    const rng = new T.Rng(0);
    expect(ds.batchesPerEpoch).toBe(4);
    const sizes: number[] = [];
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      const b = ds.nextBatch(rng);
      expect(b.shape[1]).toBe(2);
      // the second column stays with its row
      for (let r = 0; r < b.shape[0]!; r++) expect(b.get(r, 1)).toBe(10 * b.get(r, 0));
      sizes.push(b.shape[0]!);
      seen.push(...rowsOf(b));
      expect(ds.epoch).toBe(0);
    }
    expect(sizes).toEqual([3, 3, 3, 1]);
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(N).keys()]);
    ds.nextBatch(rng);
    expect(ds.epoch).toBe(1);
    expect(ds.cursor).toBe(3);
  });

  it('orders each epoch by rng.permutation(N), a new one every epoch', () => {
    const ds = new TensorDataset(x, { batchSize: 5 });
    const rng = new T.Rng(7);
    const ref = new T.Rng(7);
    for (let e = 0; e < 3; e++) {
      const got = [...rowsOf(ds.nextBatch(rng)), ...rowsOf(ds.nextBatch(rng))];
      expect(got).toEqual(Array.from(ref.permutation(N)));
    }
  });

  it('dropLast skips the short batch; shuffle: false keeps the order', () => {
    const ds = new TensorDataset(x, { batchSize: 3, shuffle: false, dropLast: true });
    const rng = new T.Rng(0);
    expect(ds.batchesPerEpoch).toBe(3);
    const got = [0, 1, 2, 3].map(() => rowsOf(ds.nextBatch(rng)));
    expect(got).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 1, 2]]);
    expect(ds.epoch).toBe(1);
  });

  it('resumes exactly from a saved position and Rng state (through JSON)', () => {
    const full = new TensorDataset(x, { batchSize: 4 });
    const rng = new T.Rng(11);
    const batches = Array.from({ length: 9 }, () => rowsOf(full.nextBatch(rng)));

    const first = new TensorDataset(x, { batchSize: 4 });
    const r1 = new T.Rng(11);
    for (let i = 0; i < 4; i++) first.nextBatch(r1); // stop mid-epoch (epoch 1, cursor 4)
    const saved = JSON.parse(JSON.stringify({ data: first.state(), rng: r1.state() }));
    expect(saved.data.epoch).toBe(1);
    expect(saved.data.cursor).toBe(4);

    const resumed = new TensorDataset(x, { batchSize: 4 });
    resumed.loadState(saved.data);
    const r2 = T.Rng.fromState(saved.rng);
    const rest = Array.from({ length: 5 }, () => rowsOf(resumed.nextBatch(r2)));
    expect(rest).toEqual(batches.slice(4));
  });

  it('gives clear errors for bad sizes and foreign states', () => {
    expect(() => new TensorDataset(x, { batchSize: 11 })).toThrow(/TensorDataset: batchSize 11 is larger than the dataset \(10 rows/);
    expect(() => new TensorDataset(x, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
    const ds = new TensorDataset(x, { batchSize: 2 });
    const other = new TensorDataset(T.zeros([12, 2]), { batchSize: 2 });
    expect(() => ds.loadState(other.state())).toThrow(/state is for a dataset of 12 rows, this one has 10/);
    expect(() => ds.loadState({ size: 10, batchSize: 2, epoch: 0, cursor: 2, permutation: [0, 0, 1, 2, 3, 4, 5, 6, 7, 8] })).toThrow(/not a permutation of 0..9: entry 1 is 0/);
  });
});
