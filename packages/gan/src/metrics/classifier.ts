// An image-quality measure for generated Fashion-MNIST, built with this framework alone:
//   - a small MLP classifier 784 → 128 → 64 → 10 (ReLU), trained with softmax cross-entropy
//     and Adam (packages/gan/scripts/train-fashion-classifier.ts; the weights ship in
//     packages/gan/data/fashion-classifier.safetensors);
//   - `fashionFeatures(x)`: its penultimate activations [n, 64], the role Inception-v3's pool
//     features play in FID (Heusel et al. 2017);
//   - `fid(real, fake)`: the Fréchet distance between Gaussians fitted to those features
//     ("FID-like": same formula, a much smaller feature network, so the numbers are not
//     comparable with published FIDs, only with each other at the same sample size);
//   - `classHistogram(x)`: how many samples the classifier puts in each class (a generator
//     that collapses onto a few modes shows up as a lopsided histogram).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as T from '@minigan/tensor';
import { Rng, Tensor, fail, fmtShape } from '@minigan/tensor';
import { Variable, exp, log, mean, mul, neg, noGrad, optim, sub, sum, nn } from '@minigan/autograd';
import { readSafetensors, writeSafetensors } from '../io/safetensors.ts';
import { frechetDistanceFromFeatures } from './frechet.ts';

/** Layer widths of the classifier: 784 pixels → 128 → 64 (the features) → 10 classes. */
export const FASHION_CLASSIFIER_SIZES = [784, 128, 64, 10] as const;

/** The trained weights shipped with the project. */
export const FASHION_CLASSIFIER_FILE = fileURLToPath(new URL('../../data/fashion-classifier.safetensors', import.meta.url));

/** Rows per forward pass when classifying or extracting features (bounds memory, not results). */
const CHUNK = 1000;

/** The classifier, freshly initialised from `rng`: Linear 784→128, ReLU, Linear 128→64, ReLU, Linear 64→10 (logits). */
export function fashionClassifier(rng: Rng): nn.Sequential {
  const [a, b, c, d] = FASHION_CLASSIFIER_SIZES;
  return new nn.Sequential(
    new nn.Linear(a, b, { rng }), new nn.ReLU(), // [B, 784] → [B, 128]
    new nn.Linear(b, c, { rng }), new nn.ReLU(), // [B, 128] → [B, 64]   ← fashionFeatures
    new nn.Linear(c, d, { rng }), // [B, 64] → [B, 10] logits
  );
}

function checkLabels(op: string, labels: ArrayLike<number>, n: number, classes: number): void {
  if (labels.length !== n) fail(op, `got ${labels.length} labels for ${n} rows of logits`);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (!Number.isInteger(l) || l < 0 || l >= classes) fail(op, `label ${String(l)} at index ${i} is outside 0..${classes - 1}`);
  }
}

/**
 * Softmax cross-entropy, `torch.nn.functional.cross_entropy(logits, labels)` (mean over the
 * batch): −(1/B) Σᵢ log softmax(xᵢ)[yᵢ], composed from autograd ops so that backward needs no
 * code of its own. log softmax(x) = z − log Σⱼ e^{zⱼ} with z = x − max(x): the shift keeps exp
 * from overflowing and is held constant, which is exact because log softmax is invariant to it
 * (its gradient through the max is zero). The gradient comes out as (softmax(x) − onehot(y)) / B.
 * logits [B, C], labels: B integers in 0..C−1.
 */
export function crossEntropy(logits: Variable, labels: ArrayLike<number>): Variable {
  const op = 'crossEntropy';
  if (logits.ndim !== 2) fail(op, `expected logits [B, C], got ${fmtShape(logits.shape)}`);
  const [n, c] = logits.shape as [number, number];
  checkLabels(op, labels, n, c);
  const shift = T.max(logits.value, 1, { keepdims: true }); // [B, 1], a constant
  const z = sub(logits, shift); // [B, C]
  const logSumExp = log(sum(exp(z), 1, { keepdims: true })); // [B, 1]
  const logProbs = sub(z, logSumExp); // [B, C] = log softmax(x)
  const onehot = T.zeros([n, c], logits.dtype);
  for (let i = 0; i < n; i++) onehot.data[i * c + labels[i]!] = 1;
  return neg(mean(sum(mul(logProbs, onehot), 1))); // [B, C] → [B] → scalar
}

/** Runs `model` on x [n, 784] in eval mode without a graph, `CHUNK` rows at a time; `upTo` stops before that layer. */
function forwardChunks(op: string, model: nn.Sequential, x: Tensor, upTo = model.length): Tensor {
  if (x.ndim !== 2 || x.shape[1] !== FASHION_CLASSIFIER_SIZES[0]) fail(op, `expected images [n, 784] with values in [0, 1], got ${fmtShape(x.shape)}`);
  const n = x.shape[0]!;
  if (n === 0) fail(op, 'expected at least one image, got [0, 784]');
  const wasTraining = model.training;
  model.eval();
  try {
    const parts: Tensor[] = [];
    for (let s = 0; s < n; s += CHUNK) {
      const rows = x.slice(0, s, Math.min(n, s + CHUNK));
      parts.push(noGrad(() => {
        let h = new Variable(rows.isContiguous() ? rows : rows.contiguous());
        for (let k = 0; k < upTo; k++) h = model.at(k).forward(h);
        return h.value;
      }));
    }
    return parts.length === 1 ? parts[0]! : T.concat(parts, 0);
  } finally {
    if (wasTraining) model.train();
  }
}

/** Logits [n, 10] of images [n, 784]. */
export function classifierLogits(model: nn.Sequential, x: Tensor): Tensor {
  return forwardChunks('classifierLogits', model, x);
}

/** The predicted class (argmax of the logits) of each image [n, 784]. */
export function predictClasses(model: nn.Sequential, x: Tensor): Int32Array {
  const idx = T.argmax(classifierLogits(model, x), 1).toFlat();
  return Int32Array.from(idx);
}

/** Share of images [n, 784] whose predicted class is the label. */
export function classifierAccuracy(model: nn.Sequential, x: Tensor, labels: ArrayLike<number>): number {
  const p = predictClasses(model, x);
  checkLabels('classifierAccuracy', labels, p.length, FASHION_CLASSIFIER_SIZES[3]);
  let right = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === labels[i]) right++;
  return right / p.length;
}

/** Images with labels, e.g. a split from `loadFashionMnist`. */
export interface LabelledImages {
  /** [n, 784], values in [0, 1]. */
  images: Tensor;
  labels: ArrayLike<number>;
}

/** Options of `trainFashionClassifier`. */
export interface TrainClassifierOptions {
  train: LabelledImages;
  /** Evaluated after every epoch when given. */
  test?: LabelledImages;
  /** Decides the initial weights and the order of every epoch. Default 0. */
  seed?: number;
  /** Passes over the training set. Default 10. */
  epochs?: number;
  /** Default 128 (the last, smaller batch of an epoch is used too). */
  batchSize?: number;
  /** Adam learning rate (betas 0.9, 0.999). Default 1e-3. */
  lr?: number;
  /** After every epoch. */
  onEpoch?: (r: ClassifierEpoch) => void;
}

/** What one epoch of classifier training measured. */
export interface ClassifierEpoch {
  epoch: number;
  /** Mean cross-entropy over the epoch's batches. */
  loss: number;
  /** Accuracy on the training batches while training (the model changes during the epoch). */
  trainAccuracy: number;
  /** Accuracy on `test` at the end of the epoch (null without a test set). */
  testAccuracy: number | null;
  seconds: number;
}

/**
 * Trains the classifier with Adam on mini-batches in a new random order each epoch. Everything
 * random comes from `new Rng(seed)`: first the weights, then one permutation per epoch, so the
 * same seed, data and matmul backend give the same weights bit for bit.
 */
export function trainFashionClassifier(o: TrainClassifierOptions): { model: nn.Sequential; history: ClassifierEpoch[] } {
  const op = 'trainFashionClassifier';
  const { images, labels } = o.train;
  if (images.ndim !== 2 || images.shape[1] !== 784) fail(op, `train.images must be [n, 784], got ${fmtShape(images.shape)}`);
  const n = images.shape[0]!;
  checkLabels(op, labels, n, 10);
  const epochs = o.epochs ?? 10, batchSize = o.batchSize ?? 128;
  if (!Number.isInteger(epochs) || epochs < 1) fail(op, `epochs must be a positive integer, got ${String(epochs)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) fail(op, `batchSize must be a positive integer, got ${String(batchSize)}`);
  const rng = new Rng(o.seed ?? 0);
  const model = fashionClassifier(rng);
  const opt = new optim.Adam(model.parameters(), { lr: o.lr ?? 1e-3 });
  const src = images.contiguous().toFlat();
  const history: ClassifierEpoch[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = performance.now();
    model.train();
    const order = rng.permutation(n);
    let lossSum = 0, batches = 0, right = 0;
    for (let s = 0; s < n; s += batchSize) {
      const rows = order.subarray(s, Math.min(n, s + batchSize));
      const b = rows.length;
      const x = new Float32Array(b * 784); // [b, 784]
      const y = new Int32Array(b);
      for (let i = 0; i < b; i++) {
        x.set(src.subarray(rows[i]! * 784, (rows[i]! + 1) * 784), i * 784);
        y[i] = labels[rows[i]!]!;
      }
      const logits = model.forward(new Variable(new Tensor(x, [b, 784]))); // [b, 10]
      const loss = crossEntropy(logits, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      lossSum += loss.item();
      batches++;
      const pred = T.argmax(logits.value, 1).toFlat();
      for (let i = 0; i < b; i++) if (pred[i] === y[i]) right++;
    }
    const testAccuracy = o.test ? classifierAccuracy(model, o.test.images, o.test.labels) : null;
    const rec: ClassifierEpoch = { epoch, loss: lossSum / batches, trainAccuracy: right / n, testAccuracy, seconds: (performance.now() - t0) / 1000 };
    history.push(rec);
    o.onEpoch?.(rec);
  }
  model.eval();
  return { model, history };
}

/** Writes the classifier's weights (PyTorch key names `0.weight` …) and string metadata as safetensors. */
export function saveFashionClassifier(path: string, model: nn.Sequential, metadata: Record<string, string> = {}): void {
  writeSafetensors(path, model.stateDict(), { architecture: FASHION_CLASSIFIER_SIZES.join('-'), ...metadata });
}

/** Loads a classifier written by `saveFashionClassifier` (default: the shipped one), in eval mode, with its metadata. */
export function loadFashionClassifier(path: string = FASHION_CLASSIFIER_FILE): { model: nn.Sequential; metadata: Record<string, string> } {
  if (!existsSync(path)) {
    fail('loadFashionClassifier', `${path}: no such file (re-create it with: npx tsx packages/gan/scripts/train-fashion-classifier.ts)`);
  }
  const { tensors, metadata } = readSafetensors(path);
  const model = fashionClassifier(new Rng(0)); // the weights are overwritten just below
  try {
    model.loadStateDict(tensors);
  } catch (e) {
    fail('loadFashionClassifier', `${path}: not a ${FASHION_CLASSIFIER_SIZES.join('→')} classifier: ${(e as Error).message}`);
  }
  model.eval();
  return { model, metadata };
}

let shipped: nn.Sequential | null = null;

/** The shipped classifier, loaded once and kept. */
export function defaultFashionClassifier(): nn.Sequential {
  shipped ??= loadFashionClassifier().model;
  return shipped;
}

/** The classifier's penultimate activations (after the second ReLU): images [n, 784] → features [n, 64]. */
export function fashionFeatures(x: Tensor, model: nn.Sequential = defaultFashionClassifier()): Tensor {
  return forwardChunks('fashionFeatures', model, x, model.length - 1);
}

/**
 * FID-like score: the Fréchet distance between Gaussians fitted to the classifier features of
 * `real` [n1, 784] and `fake` [n2, 784]. 0 for identical feature statistics; it shrinks with the
 * sample size even for two real sets (the estimate is biased), so compare scores at equal n.
 */
export function fid(real: Tensor, fake: Tensor, model: nn.Sequential = defaultFashionClassifier()): number {
  for (const [what, t] of [['real', real], ['fake', fake]] as const) {
    if (t.ndim === 2 && t.shape[0]! < 2) fail('fid', `${what} needs at least 2 images for a covariance, got ${fmtShape(t.shape)}`);
  }
  return frechetDistanceFromFeatures(fashionFeatures(real, model), fashionFeatures(fake, model));
}

/** How many of the images [n, 784] the classifier puts in each of the 10 classes. */
export function classHistogram(x: Tensor, model: nn.Sequential = defaultFashionClassifier()): number[] {
  const counts = new Array<number>(FASHION_CLASSIFIER_SIZES[3]).fill(0);
  for (const p of predictClasses(model, x)) counts[p]! += 1;
  return counts;
}
