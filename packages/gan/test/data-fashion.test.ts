import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED_FASHION_MNIST_DIR, SYSTEM_FASHION_MNIST_DIR, encodeIdx, loadFashionMnist, parseIdx, readIdx } from '@minigan/gan';

const tmp = mkdtempSync(join(tmpdir(), 'minigan-idx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh directory under the test's temp dir. */
function dir(name: string): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
}

const ubyte = (shape: number[], fill: (i: number) => number) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return encodeIdx({ type: 'ubyte', shape, data: Uint8Array.from({ length: n }, (_, i) => fill(i)) });
};

describe('IDX reader', () => {
  it('reads raw and gzipped files to the same array, with the header decoded', () => {
    const raw = ubyte([3, 2, 2], (i) => i * 20);
    const a = parseIdx(raw, 'raw');
    const b = parseIdx(gzipSync(raw), 'gz');
    expect(a.type).toBe('ubyte');
    expect(a.shape).toEqual([3, 2, 2]);
    expect(Array.from(a.data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
    expect(b).toEqual(a);
  });

  it('reads big-endian multi-byte element types', () => {
    // int32 [2]: 0x00 0x00 0x0c 0x01, dim 2, then 1 and −2 big-endian.
    const bytes = Uint8Array.of(0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe);
    const a = parseIdx(bytes, 'i32');
    expect(a.type).toBe('int32');
    expect(Array.from(a.data)).toEqual([1, -2]);
  });

  it('names the file and the problem: wrong magic, truncation, corrupt gzip, missing file', () => {
    const png = join(dir('magic'), 'images.png');
    writeFileSync(png, Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a));
    expect(() => readIdx(png)).toThrow(`readIdx: ${png}: wrong magic number at byte 0: got 0x89 0x50 0x4e 0x47, expected 0x00 0x00`);

    const full = ubyte([10, 28, 28], () => 7);
    const cut = join(dir('cut'), 'train-images-idx3-ubyte');
    writeFileSync(cut, full.subarray(0, 1000));
    expect(() => readIdx(cut)).toThrow(`readIdx: ${cut}: truncated file: expected 7856 bytes (header 16 + 10×28×28 ubyte elements), got 1000`);

    const gz = gzipSync(full);
    const cutGz = join(dir('cutgz'), 'train-images-idx3-ubyte.gz');
    writeFileSync(cutGz, gz.subarray(0, gz.length - 20));
    expect(() => readIdx(cutGz)).toThrow(new RegExp(`readIdx: ${cutGz}: the file starts like gzip .* does not decompress`));

    expect(() => readIdx(join(tmp, 'nope.gz'))).toThrow(`readIdx: ${join(tmp, 'nope.gz')}: no such file`);
    expect(() => parseIdx(Uint8Array.of(0, 0, 8), 'tiny')).toThrow('readIdx: tiny: truncated file: expected at least 4 bytes of IDX header, got 3');
  });
});

describe('loadFashionMnist', () => {
  it('loads the bundled subset: [2000, 784] in [0, 1], 200 images per class', () => {
    const fm = loadFashionMnist({ split: 'train', dataDir: BUNDLED_FASHION_MNIST_DIR });
    expect(fm.images.shape).toEqual([2000, 784]);
    expect(fm.images.dtype).toBe('float32');
    expect(fm.labels.length).toBe(2000);
    expect(fm.source).toMatchObject({ kind: 'dataDir', total: 2000 });
    expect(fm.classNames[9]).toBe('Ankle boot');
    const perClass = new Array(10).fill(0);
    for (const l of fm.labels) perClass[l]++;
    expect(perClass).toEqual(new Array(10).fill(200));
    const px = fm.images.toFlat();
    let lo = Infinity, hi = -Infinity, first = 0;
    for (let i = 0; i < px.length; i++) { lo = Math.min(lo, px[i]!); hi = Math.max(hi, px[i]!); }
    for (let i = 0; i < 784; i++) first += px[i]!;
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    // Image 0 of Fashion-MNIST's training set is an ankle boot whose pixels sum to 76247 / 255.
    expect(fm.labels[0]).toBe(9);
    expect(first).toBeCloseTo(76247 / 255, 2);
  });

  it('reads the test split and honours limit', () => {
    const fm = loadFashionMnist({ split: 'test', dataDir: BUNDLED_FASHION_MNIST_DIR, limit: 7 });
    expect(fm.images.shape).toEqual([7, 784]);
    expect(Array.from(fm.labels)).toEqual([9, 2, 1, 1, 6, 1, 4]); // the first labels of t10k
    expect(fm.source.total).toBe(500);
  });

  it('without dataDir uses the system copy if present, else the bundled subset', () => {
    const fm = loadFashionMnist({ split: 'test', limit: 1 });
    expect(fm.source.kind).toBe(existsSync(join(SYSTEM_FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz')) || existsSync(join(SYSTEM_FASHION_MNIST_DIR, 't10k-images-idx3-ubyte')) ? 'system' : 'bundled');
  });

  it('reads raw (not gzipped) files from a data directory', () => {
    const d = dir('raw');
    writeFileSync(join(d, 't10k-images-idx3-ubyte'), ubyte([2, 28, 28], (i) => (i < 784 ? 255 : 0)));
    writeFileSync(join(d, 't10k-labels-idx1-ubyte'), ubyte([2], (i) => i + 3));
    const fm = loadFashionMnist({ split: 'test', dataDir: d });
    expect(fm.images.get(0, 5)).toBe(1);
    expect(fm.images.get(1, 5)).toBe(0);
    expect(Array.from(fm.labels)).toEqual([3, 4]);
  });

  it('errors: missing directory, missing files, image/label count mismatch, bad labels', () => {
    expect(() => loadFashionMnist({ split: 'train', dataDir: join(tmp, 'absent') })).toThrow(`loadFashionMnist: ${join(tmp, 'absent')}: no such directory`);
    const empty = dir('empty');
    expect(() => loadFashionMnist({ split: 'train', dataDir: empty })).toThrow(`loadFashionMnist: ${empty}: missing train-images-idx3-ubyte[.gz] or train-labels-idx1-ubyte[.gz] for the train split`);

    const d = dir('mismatch');
    writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), gzipSync(ubyte([3, 28, 28], () => 0)));
    writeFileSync(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(ubyte([2], () => 1)));
    expect(() => loadFashionMnist({ split: 'train', dataDir: d })).toThrow(
      `loadFashionMnist: image and label counts differ: ${join(d, 'train-images-idx3-ubyte.gz')} has 3 images, ${join(d, 'train-labels-idx1-ubyte.gz')} has 2 labels`,
    );

    const swapped = dir('swapped');
    writeFileSync(join(swapped, 'train-images-idx3-ubyte.gz'), gzipSync(ubyte([3], () => 0)));
    writeFileSync(join(swapped, 'train-labels-idx1-ubyte.gz'), gzipSync(ubyte([3], () => 1)));
    expect(() => loadFashionMnist({ split: 'train', dataDir: swapped })).toThrow(/expected ubyte images of shape \[n,28,28\], got ubyte of shape \[3\]/);

    const badLabel = dir('badlabel');
    writeFileSync(join(badLabel, 'train-images-idx3-ubyte'), ubyte([2, 28, 28], () => 0));
    writeFileSync(join(badLabel, 'train-labels-idx1-ubyte'), ubyte([2], (i) => (i === 1 ? 12 : 0)));
    expect(() => loadFashionMnist({ split: 'train', dataDir: badLabel })).toThrow(/label 12 at index 1 \(byte 9\) is outside 0..9/);
  });

  it('the bundled files are the documented subset (gzipped IDX, small)', () => {
    const bytes = readFileSync(join(BUNDLED_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
    expect(bytes.length).toBeLessThan(1_500_000);
    expect(gunzipSync(bytes).length).toBe(16 + 2000 * 784);
    expect(existsSync(join(BUNDLED_FASHION_MNIST_DIR, 'COPYRIGHT'))).toBe(true);
  });
});
