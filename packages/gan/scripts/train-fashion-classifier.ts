// Trains the Fashion-MNIST classifier behind `fashionFeatures` / `fid` / `classHistogram` and
// writes its weights to packages/gan/data/fashion-classifier.safetensors.
//
//   npx tsx packages/gan/scripts/train-fashion-classifier.ts [--seed 0] [--epochs 10]
//       [--batch-size 128] [--lr 0.001] [--data-dir DIR] [--out FILE]
//
// Data: --data-dir, else /usr/share/datasets/fashion-mnist (60,000 + 10,000 images; Debian's
// dataset-fashion-mnist package), else the bundled 2,000 + 500 subset (expect a lower accuracy).
// One seed decides the initial weights and every epoch's order, so re-running with the same
// seed, data and matmul backend writes the same weights bit for bit.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { matmulBackend } from '@minigan/tensor';
import { loadFashionMnist } from '../src/data/fashion.ts';
import { FASHION_CLASSIFIER_FILE, FASHION_CLASSIFIER_SIZES, saveFashionClassifier, trainFashionClassifier } from '../src/metrics/classifier.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '0' },
    epochs: { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '128' },
    lr: { type: 'string', default: '0.001' },
    'data-dir': { type: 'string' },
    out: { type: 'string', default: FASHION_CLASSIFIER_FILE },
  },
});
const num = (k: string, v: string): number => {
  const x = Number(v);
  if (!Number.isFinite(x)) throw new Error(`train-fashion-classifier: --${k} must be a number, got '${v}'`);
  return x;
};
const seed = num('seed', values.seed), epochs = num('epochs', values.epochs), batchSize = num('batch-size', values['batch-size']), lr = num('lr', values.lr);
const dataDir = values['data-dir'];
const train = loadFashionMnist({ split: 'train', ...(dataDir ? { dataDir } : {}) });
const test = loadFashionMnist({ split: 'test', ...(dataDir ? { dataDir } : {}) });
console.log(`Training a ${FASHION_CLASSIFIER_SIZES.join(' → ')} MLP on ${train.images.shape[0]} images (${train.source.kind}: ${train.source.dir}), testing on ${test.images.shape[0]}.`);
console.log(`seed ${seed}, ${epochs} epochs, batch ${batchSize}, Adam lr ${lr}, matmul backend '${matmulBackend().current}'`);

const { model, history } = trainFashionClassifier({
  train, test, seed, epochs, batchSize, lr,
  onEpoch: (r) => console.log(`  epoch ${String(r.epoch).padStart(2)}  loss ${r.loss.toFixed(4)}  train acc ${(100 * r.trainAccuracy).toFixed(2)}%  test acc ${(100 * r.testAccuracy!).toFixed(2)}%  (${r.seconds.toFixed(1)} s)`),
});
const last = history[history.length - 1]!;
const out = resolve(values.out);
saveFashionClassifier(out, model, {
  seed: String(seed), epochs: String(epochs), batch_size: String(batchSize), lr: String(lr),
  optimizer: 'Adam(betas=0.9,0.999)', loss: 'softmax cross-entropy',
  train_images: String(train.images.shape[0]), test_images: String(test.images.shape[0]), data: train.source.kind,
  test_accuracy: last.testAccuracy!.toFixed(4), matmul_backend: matmulBackend().current,
  command: 'npx tsx packages/gan/scripts/train-fashion-classifier.ts' + (seed !== 0 ? ` --seed ${seed}` : '') + (epochs !== 10 ? ` --epochs ${epochs}` : ''),
});
console.log(`Test accuracy ${(100 * last.testAccuracy!).toFixed(2)}%. Wrote ${out}`);
