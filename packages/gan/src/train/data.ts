// Where a run's real batches come from: a toy sampler (infinite, drawn from the run's Rng) or a
// finite dataset of images (shuffled per epoch from the run's Rng, position kept in checkpoints).
import type { Rng, Tensor } from '@minigan/tensor';
import { gaussian1d, grid2d, mixture1d, ring2d, type ToySampler } from '../data/toy.ts';
import { TensorDataset, type TensorDatasetState } from '../data/dataset.ts';
import { loadFashionMnist, type FashionMnist } from '../data/fashion.ts';
import { readCsv } from '../data/csv.ts';
import { ConfigError, type DataName, type RunConfig } from './config.ts';

/** A source of real batches. */
export interface DataSource {
  readonly name: DataName;
  /** Dimension of one example. */
  readonly dim: number;
  /** The toy distribution, for toy data (metrics and plots use its modes). */
  readonly sampler: ToySampler | null;
  /** The image set, for Fashion-MNIST. */
  readonly images: FashionMnist | null;
  /** Every real example [N, dim], for a finite set of points (data 'csv'). */
  readonly points: Tensor | null;
  /** The next real batch of `n` rows. */
  next(n: number, rng: Rng): Tensor;
  /** Position to store in a checkpoint (null for samplers, which have none). */
  state(): TensorDatasetState | null;
  loadState(s: TensorDatasetState | null): void;
}

/** The toy distribution of a data name (null for image data). */
export function toySampler(name: DataName): ToySampler | null {
  switch (name) {
    case 'ring8': return ring2d();
    case 'grid25': return grid2d();
    case 'gauss1d': return gaussian1d();
    case 'mixture1d': return mixture1d({ means: [-3, 0, 3], stds: 0.4, weights: [0.3, 0.4, 0.3] });
    default: return null;
  }
}

/** Makes the data source a config asks for. */
export function makeDataSource(c: RunConfig): DataSource {
  const sampler = toySampler(c.data);
  if (sampler) {
    return {
      name: c.data, dim: sampler.dim, sampler, images: null, points: null,
      next: (n, rng) => sampler.sample(n, rng),
      state: () => null,
      loadState: () => {},
    };
  }
  if (c.data === 'csv') {
    // The rows of a CSV file as a finite dataset, shuffled per epoch like the images.
    const { x, file } = readCsv(c.dataFile!);
    return datasetSource(c, x, { images: null, points: x }, (rows) =>
      `at most ${Math.floor(rows / c.model.pack)}${c.model.pack > 1 ? ` with pack ${c.model.pack}` : ''} (${file} has ${rows} points)`);
  }
  const images = loadFashionMnist({ split: 'train', ...(c.dataDir ? { dataDir: c.dataDir } : {}), ...(c.dataLimit > 0 ? { limit: c.dataLimit } : {}) });
  return datasetSource(c, images.images, { images, points: null }, (rows) => {
    const from = `${rows} images in ${images.source.dir}${c.dataLimit > 0 && images.source.total > rows ? ` after dataLimit ${c.dataLimit}` : ''}`;
    return c.model.pack > 1 ? `at most ${Math.floor(rows / c.model.pack)} with pack ${c.model.pack} (batchSize × pack rows per batch; the training set has ${from})` : `at most ${rows} (the training set has ${from})`;
  });
}

/**
 * A finite set of examples x [N, dim] in batches of batchSize · pack rows, reshuffled each epoch;
 * `allowed(N)` says which batch sizes fit when the configured one does not.
 */
function datasetSource(c: RunConfig, x: Tensor, kind: Pick<DataSource, 'images' | 'points'>, allowed: (rows: number) => string): DataSource {
  const rows = x.shape[0]!;
  if (c.batchSize * c.model.pack > rows) throw new ConfigError('batchSize', c.batchSize, allowed(rows));
  const ds = new TensorDataset(x, { batchSize: c.batchSize * c.model.pack, shuffle: true, dropLast: true });
  return {
    name: c.data, dim: x.shape[1]!, sampler: null, ...kind,
    next: (_n, rng) => ds.nextBatch(rng),
    state: () => ds.state(),
    loadState: (s) => { if (s) ds.loadState(s); },
  };
}
