// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28×28 greyscale images of clothing in 10 classes,
// in MNIST's IDX format. Read from a directory the user names, else from the system-wide copy,
// else from the small subset that ships in packages/gan/data/fashion-mnist.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, fail } from '@minigan/tensor';
import { readIdx } from './idx.ts';

/** The ten Fashion-MNIST classes, indexed by label. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Where the full dataset is looked for when no `dataDir` is given. */
export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The subset shipped with the project (2,000 train + 500 test images; see its README). */
export const BUNDLED_FASHION_MNIST_DIR = fileURLToPath(new URL('../../data/fashion-mnist', import.meta.url));

/** Options of `loadFashionMnist`. */
export interface FashionMnistOptions {
  /** `train` (60,000 in the full set) or `test` (10,000). */
  split: 'train' | 'test';
  /** A directory holding the IDX files (gzipped or not); an error if it is missing. */
  dataDir?: string;
  /** Read only the first `limit` examples. */
  limit?: number;
}

/** A split of Fashion-MNIST in memory. */
export interface FashionMnist {
  split: 'train' | 'test';
  /** [n, 784] float32, pixel / 255, so in [0, 1]; row i is image i in row-major order. */
  images: Tensor;
  /** n labels in 0..9. */
  labels: Uint8Array;
  classNames: readonly string[];
  /** Where the data came from. */
  source: {
    kind: 'dataDir' | 'system' | 'bundled';
    dir: string;
    imagesFile: string;
    labelsFile: string;
    /** Examples in the files (before `limit`). */
    total: number;
  };
}

const PREFIX = { train: 'train', test: 't10k' } as const;

/** The image and label file of a split in `dir`, preferring `.gz`; null when a file is absent. */
function findFiles(dir: string, split: 'train' | 'test'): { imagesFile: string; labelsFile: string } | null {
  const pick = (base: string) => [`${base}.gz`, base].map((f) => join(dir, f)).find((p) => existsSync(p));
  const imagesFile = pick(`${PREFIX[split]}-images-idx3-ubyte`);
  const labelsFile = pick(`${PREFIX[split]}-labels-idx1-ubyte`);
  return imagesFile && labelsFile ? { imagesFile, labelsFile } : null;
}

/**
 * Loads a split of Fashion-MNIST from `dataDir`, else from /usr/share/datasets/fashion-mnist
 * if it holds the split, else from the subset shipped with the project.
 */
export function loadFashionMnist({ split, dataDir, limit }: FashionMnistOptions): FashionMnist {
  const op = 'loadFashionMnist';
  if (split !== 'train' && split !== 'test') fail(op, `split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) fail(op, `limit must be a positive integer, got ${String(limit)}`);

  let kind: FashionMnist['source']['kind'];
  let dir: string;
  let files: { imagesFile: string; labelsFile: string } | null;
  if (dataDir !== undefined) {
    kind = 'dataDir';
    dir = dataDir;
    if (!existsSync(dir)) fail(op, `${dir}: no such directory (expected the Fashion-MNIST IDX files there)`);
    if (!statSync(dir).isDirectory()) fail(op, `${dir}: is a file, expected a directory holding the Fashion-MNIST IDX files`);
    files = findFiles(dir, split);
    if (!files) {
      const p = PREFIX[split];
      fail(op, `${dir}: missing ${p}-images-idx3-ubyte[.gz] or ${p}-labels-idx1-ubyte[.gz] for the ${split} split`);
    }
  } else {
    files = existsSync(SYSTEM_FASHION_MNIST_DIR) ? findFiles(SYSTEM_FASHION_MNIST_DIR, split) : null;
    if (files) {
      kind = 'system';
      dir = SYSTEM_FASHION_MNIST_DIR;
    } else {
      kind = 'bundled';
      dir = BUNDLED_FASHION_MNIST_DIR;
      files = findFiles(dir, split);
      if (!files) fail(op, `${dir}: the bundled subset is missing its ${split} files (was packages/gan/data deleted?)`);
    }
  }

  const { imagesFile, labelsFile } = files;
  const img = readIdx(imagesFile);
  if (img.type !== 'ubyte' || img.shape.length !== 3 || img.shape[1] !== 28 || img.shape[2] !== 28) {
    fail(op, `${imagesFile}: expected ubyte images of shape [n,28,28], got ${img.type} of shape [${img.shape.join(',')}]`);
  }
  const lab = readIdx(labelsFile);
  if (lab.type !== 'ubyte' || lab.shape.length !== 1) {
    fail(op, `${labelsFile}: expected ubyte labels of shape [n], got ${lab.type} of shape [${lab.shape.join(',')}]`);
  }
  const total = img.shape[0]!;
  if (lab.shape[0] !== total) fail(op, `image and label counts differ: ${imagesFile} has ${total} images, ${labelsFile} has ${lab.shape[0]} labels`);

  const n = Math.min(total, limit ?? total);
  const pixels = img.data as Uint8Array;
  const x = new Float32Array(n * 784); // [n, 784], pixel / 255
  for (let i = 0; i < n * 784; i++) x[i] = pixels[i]! / 255;
  const labels = new Uint8Array((lab.data as Uint8Array).subarray(0, n));
  for (let i = 0; i < n; i++) {
    if (labels[i]! > 9) fail(op, `${labelsFile}: label ${labels[i]} at index ${i} (byte ${8 + i}) is outside 0..9`);
  }
  return {
    split,
    images: new Tensor(x, [n, 784]),
    labels,
    classNames: FASHION_MNIST_CLASSES,
    source: { kind, dir, imagesFile, labelsFile, total },
  };
}
