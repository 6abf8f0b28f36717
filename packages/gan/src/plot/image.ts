// A grid of greyscale images (generated Fashion-MNIST samples) as a PNG, encoded by pngjs.
import pngjs from 'pngjs';
import { Tensor, fail, fmtShape } from '@minigan/tensor';

/** Options of `imageGrid`. */
export interface ImageGridOptions {
  rows: number;
  cols: number;
  /** Pixels per image pixel (default 2). */
  scale?: number;
  /** Image height and width (default 28 × 28; the rows of `images` hold height·width values). */
  imageHeight?: number;
  imageWidth?: number;
  /** Gap between images in output pixels (default 2), drawn in mid grey. */
  gap?: number;
}

/**
 * Tiles images [n, h·w] with values in [0, 1] (0 black, 1 white; values outside are clamped)
 * row by row into a rows × cols grid and returns PNG bytes. Cells past n stay grey; a NaN
 * pixel is drawn magenta so that a diverged generator is visible at a glance.
 */
export function imageGrid(images: Tensor, { rows, cols, scale = 2, imageHeight = 28, imageWidth = 28, gap = 2 }: ImageGridOptions): Uint8Array {
  const op = 'imageGrid';
  for (const [k, v] of Object.entries({ rows, cols, scale, imageHeight, imageWidth })) {
    if (!Number.isInteger(v) || v < 1) fail(op, `${k} must be a positive integer, got ${String(v)}`);
  }
  if (!Number.isInteger(gap) || gap < 0) fail(op, `gap must be a non-negative integer, got ${String(gap)}`);
  const hw = imageHeight * imageWidth;
  if (images.ndim !== 2 || images.shape[1] !== hw) fail(op, `images must be [n, ${hw}] (${imageHeight}×${imageWidth} each), got shape ${fmtShape(images.shape)}`);
  const n = Math.min(images.shape[0]!, rows * cols);
  const v = images.toFlat();
  const cellW = imageWidth * scale;
  const cellH = imageHeight * scale;
  const width = cols * cellW + (cols + 1) * gap;
  const height = rows * cellH + (rows + 1) * gap;
  const png = new pngjs.PNG({ width, height, colorType: 6 });
  const px = png.data; // RGBA, row-major
  px.fill(128);
  for (let i = 3; i < px.length; i += 4) px[i] = 255;
  for (let k = 0; k < n; k++) {
    const top = gap + Math.floor(k / cols) * (cellH + gap);
    const left = gap + (k % cols) * (cellW + gap);
    for (let r = 0; r < imageHeight; r++) {
      for (let c = 0; c < imageWidth; c++) {
        const x = v[k * hw + r * imageWidth + c]!;
        const nan = Number.isNaN(x);
        const g = nan ? 0 : Math.round(255 * Math.min(1, Math.max(0, x)));
        for (let dy = 0; dy < scale; dy++) {
          let o = ((top + r * scale + dy) * width + left + c * scale) * 4;
          for (let dx = 0; dx < scale; dx++, o += 4) {
            px[o] = nan ? 255 : g;
            px[o + 1] = nan ? 0 : g;
            px[o + 2] = nan ? 255 : g;
          }
        }
      }
    }
  }
  return new Uint8Array(pngjs.PNG.sync.write(png));
}
