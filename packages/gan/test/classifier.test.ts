import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { gradcheck, param } from '@minigan/autograd';
import {
  BUNDLED_FASHION_MNIST_DIR, FASHION_CLASSIFIER_FILE, classHistogram, classifierAccuracy, crossEntropy, defaultFashionClassifier, fashionFeatures, fid,
  loadFashionClassifier, loadFashionMnist, predictClasses, saveFashionClassifier, trainFashionClassifier, writeSafetensors,
} from '@minigan/gan';

// Always the shipped subset (50 test images per class), whether or not the full set is installed:
// the classifier was trained on the full training split only, so these are unseen images.
const test = loadFashionMnist({ split: 'test', dataDir: BUNDLED_FASHION_MNIST_DIR });
const tmp = mkdtempSync(join(tmpdir(), 'minigan-classifier-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('crossEntropy (softmax cross-entropy from autograd ops)', () => {
  const logits = T.tensor([[2, -1, 0.5], [0, 0, 0], [-3, 4, 1]], undefined, 'float64'); // [3, 3]
  const labels = [0, 2, 1];

  it('equals −mean log softmax(x)[y], computed by hand', () => {
    let want = 0;
    for (let i = 0; i < 3; i++) {
      const row = [0, 1, 2].map((j) => logits.get(i, j));
      want -= row[labels[i]!]! - Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    }
    expect(crossEntropy(param(logits.clone()), labels).item()).toBeCloseTo(want / 3, 14);
    // Uniform logits give log C.
    expect(crossEntropy(param(T.zeros([4, 10], 'float64')), [0, 3, 5, 9]).item()).toBeCloseTo(Math.log(10), 14);
  });

  it('has the gradient (softmax(x) − onehot(y)) / B and passes gradcheck', () => {
    const x = param(logits.clone());
    crossEntropy(x, labels).backward();
    for (let i = 0; i < 3; i++) {
      const e = [0, 1, 2].map((j) => Math.exp(logits.get(i, j)));
      const s = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < 3; j++) expect(x.grad!.get(i, j)).toBeCloseTo((e[j]! / s - (j === labels[i] ? 1 : 0)) / 3, 14);
    }
    expect(gradcheck((v) => crossEntropy(v!, labels), [logits]).ok).toBe(true);
  });

  it('stays finite for huge logits (the max is subtracted first)', () => {
    const x = param(T.tensor([[1000, 0], [0, -1000]], undefined, 'float64'));
    const loss = crossEntropy(x, [1, 0]);
    expect(loss.item()).toBeCloseTo(500, 10); // row 0: −log softmax = 1000; row 1: ≈ 0
    loss.backward();
    expect(Array.from(x.grad!.toFlat())).toEqual([0.5, -0.5, 0, 0]);
  });

  it('rejects labels outside 0..C−1 and mismatched counts', () => {
    expect(() => crossEntropy(param(logits.clone()), [0, 3, 1])).toThrow('crossEntropy: label 3 at index 1 is outside 0..2');
    expect(() => crossEntropy(param(logits.clone()), [0, 1])).toThrow('crossEntropy: got 2 labels for 3 rows of logits');
    expect(() => crossEntropy(param(T.zeros([3], 'float64')), [0, 1, 2])).toThrow('crossEntropy: expected logits [B, C], got [3]');
  });
});

describe('the shipped Fashion-MNIST classifier', () => {
  it('loads from packages/gan/data with its metadata', () => {
    const { model, metadata } = loadFashionClassifier();
    expect(model.numParameters()).toBe(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
    expect(metadata.architecture).toBe('784-128-64-10');
    expect(Number(metadata.test_accuracy)).toBeGreaterThanOrEqual(0.85);
    expect(FASHION_CLASSIFIER_FILE.endsWith(join('packages', 'gan', 'data', 'fashion-classifier.safetensors'))).toBe(true);
  });

  it('classifies the bundled test images with ≥ 80% accuracy, each class found', () => {
    const model = defaultFashionClassifier();
    expect(classifierAccuracy(model, test.images, test.labels)).toBeGreaterThanOrEqual(0.8);
    // 50 images per class: a working classifier puts roughly 50 in each.
    const hist = classHistogram(test.images);
    expect(hist.reduce((a, b) => a + b, 0)).toBe(500);
    for (const c of hist) expect(c).toBeGreaterThan(30);
    expect(Array.from(predictClasses(model, test.images.slice(0, 0, 3)))).toHaveLength(3);
  });

  it('features are the 64 penultimate ReLU activations', () => {
    const f = fashionFeatures(test.images.slice(0, 0, 20));
    expect(f.shape).toEqual([20, 64]);
    expect(T.min(f).item()).toBeGreaterThanOrEqual(0);
    expect(T.max(f).item()).toBeGreaterThan(0);
    expect(() => fashionFeatures(T.zeros([2, 100]))).toThrow('fashionFeatures: expected images [n, 784] with values in [0, 1], got [2,100]');
  });

  it('fid: 0 for the same set, small for two real sets, large for noise', () => {
    const a = test.images.slice(0, 0, 250), b = test.images.slice(0, 250, 500);
    const noise = new T.Rng(1).uniform([250, 784]);
    expect(fid(a, a)).toBeLessThan(1e-6);
    const realReal = fid(a, b);
    const realNoise = fid(a, noise);
    expect(realReal).toBeLessThan(40);
    expect(realNoise).toBeGreaterThan(10 * realReal);
    expect(fid(b, a)).toBeCloseTo(realReal, 6); // symmetric
  });
});

describe('trainFashionClassifier', () => {
  const train = loadFashionMnist({ split: 'train', dataDir: BUNDLED_FASHION_MNIST_DIR }); // 2,000 images

  it('learns something in one epoch, and the same seed gives the same weights', () => {
    const seen: number[] = [];
    const a = trainFashionClassifier({ train, test, seed: 3, epochs: 1, batchSize: 50, onEpoch: (r) => seen.push(r.epoch) });
    const b = trainFashionClassifier({ train, seed: 3, epochs: 1, batchSize: 50 });
    expect(seen).toEqual([1]);
    expect(a.history[0]!.testAccuracy).toBeGreaterThan(0.5); // chance is 0.1
    expect(b.history[0]!.testAccuracy).toBeNull();
    const wa = a.model.stateDict(), wb = b.model.stateDict();
    for (const k of Object.keys(wa)) expect(Array.from(wb[k]!.toFlat())).toEqual(Array.from(wa[k]!.toFlat()));
    expect(a.history[0]!.loss).toBeCloseTo(b.history[0]!.loss, 12);
  });

  it('round-trips through safetensors', () => {
    const { model } = trainFashionClassifier({ train, seed: 1, epochs: 1, batchSize: 250 });
    const file = join(tmp, 'c.safetensors');
    saveFashionClassifier(file, model, { note: 'test' });
    const back = loadFashionClassifier(file);
    expect(back.metadata).toMatchObject({ note: 'test', architecture: '784-128-64-10' });
    expect(Array.from(predictClasses(back.model, test.images))).toEqual(Array.from(predictClasses(model, test.images)));
  });

  it('says what is wrong with a missing or foreign weights file', () => {
    expect(() => loadFashionClassifier(join(tmp, 'nope.safetensors'))).toThrow(/nope\.safetensors: no such file \(re-create it with: npx tsx packages\/gan\/scripts\/train-fashion-classifier\.ts\)/);
    const bad = join(tmp, 'bad.safetensors');
    writeSafetensors(bad, { '0.weight': T.zeros([10, 784]) });
    expect(() => loadFashionClassifier(bad)).toThrow(/bad\.safetensors: not a 784→128→64→10 classifier: loadStateDict: /);
  });
});
