// Image-quality figures of a Fashion-MNIST generator, from the shipped classifier:
//   - the FID-like score: the Fréchet distance between the classifier's penultimate features of
//     n generated images and of n real test images (images the GAN never trained on);
//   - its floor: the same score for n real *training* images against the same n test images,
//     i.e. two disjoint real sets of the same size. The estimate is biased upwards at small n
//     (at n = 500 two real sets score ≈ 2–3, at n = 10,000 ≈ 0.1), so a generator's score only
//     means something next to the floor at the same n;
//   - the classifier's class histogram of the generated images, next to the test images' one (a
//     generator that drops classes shows gaps there even when its images look sharp).
import { Tensor, fail, fmtShape } from '@minigan/tensor';
import type { nn } from '@minigan/autograd';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '../data/fashion.ts';
import { classHistogram, defaultFashionClassifier, fid, loadFashionClassifier } from './classifier.ts';

/** Real images a generator is compared with, and what two real sets score against each other. */
export interface FashionReference {
  /** Images per set (generated sets must have the same size). */
  n: number;
  /** The first n test images [n, 784]: the reference of every score. */
  test: Tensor;
  /** FID-like score of the first n training images against `test`: the floor at this n. */
  floor: number;
  /** The classifier's class histogram of `test`. */
  classHistogram: number[];
  /** Where the images came from, for reports ("bundled subset", a directory). */
  source: string;
}

/** Image metrics of a set of generated images. */
export interface ImageMetrics {
  /** Generated and real images per set. */
  n: number;
  /** FID-like score of the generated images against the real test images (lower is better; 0 = same feature statistics). */
  fid: number;
  /** The same score for real training images against the same test images (the floor at this n). */
  fidFloor: number;
  /** Predicted classes of the generated images (10 counts, class order of FASHION_MNIST_CLASSES). */
  classHistogram: number[];
  /** Predicted classes of the real test images. */
  realClassHistogram: number[];
  /** Where the real images came from. */
  source: string;
}

const cache = new Map<string, FashionReference>();

/**
 * The reference for scores at size `n` (at most the size of the smaller split: 500 for the
 * bundled subset, 10,000 for the full set), read from `dataDir` or the default location like
 * `loadFashionMnist`. Cached per (n, dataDir), with the default classifier.
 */
export function fashionReference(n: number, dataDir: string | null = null, model: nn.Sequential = defaultFashionClassifier()): FashionReference {
  if (!Number.isInteger(n) || n < 2) fail('fashionReference', `n must be an integer ≥ 2 (a covariance needs two images), got ${String(n)}`);
  const key = `${n}\u0000${dataDir ?? ''}`;
  const useCache = model === defaultFashionClassifier();
  const hit = useCache ? cache.get(key) : undefined;
  if (hit) return hit;
  const dir = dataDir ? { dataDir } : {};
  const test = loadFashionMnist({ split: 'test', ...dir, limit: n });
  const train = loadFashionMnist({ split: 'train', ...dir, limit: n });
  const m = Math.min(test.images.shape[0]!, train.images.shape[0]!);
  if (m < n) fail('fashionReference', `asked for ${n} real images per set, but ${test.source.dir} holds only ${test.source.total} test and ${train.source.total} training images`);
  const ref: FashionReference = {
    n,
    test: test.images,
    floor: fid(test.images, train.images, model),
    classHistogram: classHistogram(test.images, model),
    source: test.source.kind === 'bundled' ? `the bundled subset (${test.source.dir})` : test.source.dir,
  };
  if (useCache) cache.set(key, ref);
  return ref;
}

/** The largest n a reference can have with this data: the smaller of the two splits. */
export function maxReferenceSize(dataDir: string | null = null): number {
  const dir = dataDir ? { dataDir } : {};
  const test = loadFashionMnist({ split: 'test', ...dir, limit: 1 });
  const train = loadFashionMnist({ split: 'train', ...dir, limit: 1 });
  return Math.min(test.source.total, train.source.total);
}

/** FID-like score, its floor and the class histograms of generated images [n, 784] against `ref`. */
export function imageMetrics(fake: Tensor, ref: FashionReference, model: nn.Sequential = defaultFashionClassifier()): ImageMetrics {
  if (fake.ndim !== 2 || fake.shape[1] !== 784) fail('imageMetrics', `expected generated images [n, 784], got ${fmtShape(fake.shape)}`);
  if (fake.shape[0] !== ref.n) fail('imageMetrics', `got ${fake.shape[0]} generated images for a reference of ${ref.n}: scores are only comparable at equal sizes`);
  return {
    n: ref.n,
    fid: fid(ref.test, fake, model),
    fidFloor: ref.floor,
    classHistogram: classHistogram(fake, model),
    realClassHistogram: ref.classHistogram,
    source: ref.source,
  };
}

/** A class histogram as "T-shirt/top 12%, Trouser 9%, …" (shares of the total). */
export function formatClassHistogram(counts: readonly number[]): string {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c, i) => `${FASHION_MNIST_CLASSES[i]} ${total > 0 ? Math.round((100 * c) / total) : 0}%`).join(', ');
}

let shippedAccuracy: number | null | undefined;
let shippedImages = NaN;

/** The shipped classifier's accuracy on the test set it was measured on (its metadata), or null. */
export function shippedClassifierAccuracy(): { accuracy: number; images: number } | null {
  if (shippedAccuracy === undefined) {
    const md = loadFashionClassifier().metadata;
    shippedAccuracy = md.test_accuracy !== undefined ? Number(md.test_accuracy) : null;
    shippedImages = Number(md.test_images ?? NaN);
  }
  return shippedAccuracy === null || !Number.isFinite(shippedAccuracy) ? null : { accuracy: shippedAccuracy, images: shippedImages };
}
