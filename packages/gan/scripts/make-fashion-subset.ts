// Makes the Fashion-MNIST subset shipped in packages/gan/data/fashion-mnist from a full copy.
//
//   npx tsx packages/gan/scripts/make-fashion-subset.ts [SOURCE_DIR]
//
// SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist, then /work/shared/data/fashion-mnist.
// The subset is class-balanced and keeps the original order: the first 200 images of each class
// of the training set (2,000 images) and the first 50 of each class of the test set (500), as
// gzipped IDX files, plus the dataset's COPYRIGHT file. Running it twice gives identical bytes.
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeIdx, readIdx } from '../src/data/idx.ts';

const PER_CLASS = { train: 200, t10k: 50 } as const;
const candidates = [process.argv[2], '/usr/share/datasets/fashion-mnist', '/work/shared/data/fashion-mnist'].filter((d): d is string => !!d);
const source = candidates.find((d) => existsSync(join(d, 'train-images-idx3-ubyte.gz')));
if (!source) throw new Error(`make-fashion-subset: no Fashion-MNIST found in ${candidates.join(', ')}`);
const out = fileURLToPath(new URL('../data/fashion-mnist', import.meta.url));
mkdirSync(out, { recursive: true });

for (const prefix of ['train', 't10k'] as const) {
  const images = readIdx(join(source, `${prefix}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(source, `${prefix}-labels-idx1-ubyte.gz`));
  const px = images.data as Uint8Array;
  const lb = labels.data as Uint8Array;
  // Walk the set in order, keeping an image while its class still has room.
  const taken = new Array<number>(10).fill(0);
  const keep: number[] = [];
  for (let i = 0; i < lb.length && keep.length < 10 * PER_CLASS[prefix]; i++) {
    const c = lb[i]!;
    if (taken[c]! < PER_CLASS[prefix]) {
      taken[c]! += 1;
      keep.push(i);
    }
  }
  const subImages = new Uint8Array(keep.length * 784);
  const subLabels = new Uint8Array(keep.length);
  keep.forEach((src, i) => {
    subImages.set(px.subarray(src * 784, (src + 1) * 784), i * 784);
    subLabels[i] = lb[src]!;
  });
  const imgBytes = gzipSync(encodeIdx({ type: 'ubyte', shape: [keep.length, 28, 28], data: subImages }), { level: 9 });
  const labBytes = gzipSync(encodeIdx({ type: 'ubyte', shape: [keep.length], data: subLabels }), { level: 9 });
  writeFileSync(join(out, `${prefix}-images-idx3-ubyte.gz`), imgBytes);
  writeFileSync(join(out, `${prefix}-labels-idx1-ubyte.gz`), labBytes);
  console.log(`${prefix}: kept ${keep.length} of ${lb.length} (last source index ${keep[keep.length - 1]}); images ${imgBytes.length} bytes, labels ${labBytes.length} bytes gzipped`);
}
copyFileSync(join(source, 'COPYRIGHT'), join(out, 'COPYRIGHT'));
chmodSync(join(out, 'COPYRIGHT'), 0o644); // the source copy may be read-only
console.log(`wrote ${out} from ${source}`);
