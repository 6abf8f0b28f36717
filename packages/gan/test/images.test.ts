import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import {
  BUNDLED_FASHION_MNIST_DIR, GanRun, classHistogram, evaluateRun, fashionReference, fid, formatClassHistogram, formatMetrics, imageEvalSize, imageMetrics,
  loadFashionMnist, makeConfig, maxReferenceSize, shippedClassifierAccuracy,
} from '@minigan/gan';

// Always the shipped subset (2,000 train + 500 test images), whether or not the full set is installed.
const DIR = BUNDLED_FASHION_MNIST_DIR;
const test = loadFashionMnist({ split: 'test', dataDir: DIR });
const trainSplit = loadFashionMnist({ split: 'train', dataDir: DIR });

describe('image metrics: FID-like score against real test images, real-vs-real floor, class histograms', () => {
  it('the reference is the first n test images; its floor is the score of the first n training images', () => {
    const ref = fashionReference(200, DIR);
    expect(ref.n).toBe(200);
    expect(ref.test.shape).toEqual([200, 784]);
    expect(Array.from(ref.test.toFlat())).toEqual(Array.from(test.images.slice(0, 0, 200).toFlat()));
    expect(ref.floor).toBeCloseTo(fid(test.images.slice(0, 0, 200), trainSplit.images.slice(0, 0, 200)), 10);
    expect(ref.floor).toBeGreaterThan(0);
    expect(ref.classHistogram).toEqual(classHistogram(test.images.slice(0, 0, 200)));
    expect(ref.source).toBe(DIR);
    expect(fashionReference(200, DIR)).toBe(ref); // cached
  });

  it('real images score like the floor, noise far above it; the histogram counts the samples', () => {
    const ref = fashionReference(200, DIR);
    const same = imageMetrics(test.images.slice(0, 0, 200), ref);
    expect(same.fid).toBeLessThan(1e-6);
    const other = imageMetrics(trainSplit.images.slice(0, 200, 400), ref); // other real images
    expect(other.fid).toBeLessThan(3 * ref.floor);
    const noise = imageMetrics(new T.Rng(3).uniform([200, 784]), ref);
    expect(noise.fid).toBeGreaterThan(10 * ref.floor);
    expect(noise.fidFloor).toBe(ref.floor);
    expect(noise.classHistogram.reduce((a, b) => a + b, 0)).toBe(200);
    expect(noise.realClassHistogram).toEqual(ref.classHistogram);
  });

  it('refuses sets of different sizes and references larger than the data', () => {
    const ref = fashionReference(100, DIR);
    expect(() => imageMetrics(test.images.slice(0, 0, 99), ref)).toThrow('imageMetrics: got 99 generated images for a reference of 100');
    expect(() => imageMetrics(T.zeros([100, 10]), ref)).toThrow('imageMetrics: expected generated images [n, 784], got [100,10]');
    expect(maxReferenceSize(DIR)).toBe(500);
    expect(() => fashionReference(501, DIR)).toThrow(/asked for 501 real images per set, but .* holds only 500 test and 2000 training images/);
    expect(() => fashionReference(1, DIR)).toThrow('fashionReference: n must be an integer ≥ 2');
  });

  it('formats a class histogram as shares', () => {
    expect(formatClassHistogram([1, 1, 2, 0, 0, 0, 0, 0, 0, 0])).toBe('T-shirt/top 25%, Trouser 25%, Pullover 50%, Dress 0%, Coat 0%, Sandal 0%, Shirt 0%, Sneaker 0%, Bag 0%, Ankle boot 0%');
    expect(shippedClassifierAccuracy()!.accuracy).toBeGreaterThan(0.85);
  });

  it('evaluateRun of a Fashion-MNIST run reports them, capped at the smaller split', () => {
    const run = GanRun.create(makeConfig('fashion', { dataDir: DIR, dataLimit: 64, batchSize: 16, steps: 1, evalSamples: 120 }));
    expect(imageEvalSize(run)).toBe(120);
    expect(imageEvalSize(run, 10_000)).toBe(500);
    const m = evaluateRun(run);
    expect(m.toy).toBeNull();
    expect(m.image!.n).toBe(120);
    expect(m.image!.fidFloor).toBe(fashionReference(120, DIR).floor);
    expect(m.image!.fid).toBeGreaterThan(m.image!.fidFloor); // an untrained G is no real image
    expect(formatMetrics(m)).toMatch(/FID-like score +\d+\.\d\d \(120 generated vs 120 real test images/);
  });
});
