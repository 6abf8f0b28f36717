// What a run leaves in its directory besides checkpoints: history.csv, samples, metrics,
// snapshots during training (pictures of samples and of D), and report.md / report.html.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '@minigan/tensor';
import { Rng, Tensor, fail, fmtShape } from '@minigan/tensor';
import { toyMetrics, type ToyMetrics } from '../metrics/toy.ts';
import { fashionReference, formatClassHistogram, imageMetrics, maxReferenceSize, shippedClassifierAccuracy, type ImageMetrics } from '../metrics/images.ts';
import { FASHION_MNIST_CLASSES } from '../data/fashion.ts';
import { lineChart, scatterHeatmap, histogram1d } from '../plot/charts.ts';
import { imageGrid } from '../plot/image.ts';
import { writeChart, writePng } from '../plot/render.ts';
import { writeReport, type ReportSection } from '../plot/report.ts';
import { atomicWriteFile } from '../io/atomic.ts';
import type { GanRun, HistoryRecord } from './run.ts';

/** Final metrics of a run: the toy metrics for toy data, the FID-like score and class histogram for images. */
export interface RunMetrics {
  step: number;
  data: string;
  toy: ToyMetrics | null;
  /** Fashion-MNIST: FID-like score against real test images, its real-vs-real floor, class histograms. */
  image: ImageMetrics | null;
  /** Mean σ(D(x)) and σ(D(G(z))) of the last history record. */
  lastDReal: number | null;
  lastDFake: number | null;
}

/**
 * The number of images the image metrics of a run compare: `n` (default: the config's
 * evalSamples), at most the size of the smaller data split (500 with the bundled subset).
 */
export function imageEvalSize(run: GanRun, n?: number, dataDir: string | null = run.config.dataDir): number {
  return Math.min(n ?? run.config.evalSamples, maxReferenceSize(dataDir));
}

/**
 * Evaluates a run on `n` fresh samples (default: the config's evalSamples, 2,500; for images at
 * most the size of the smaller data split, see `imageEvalSize`). Images are compared with the
 * real images in `dataDir` (default: where the run's own data came from).
 */
export function evaluateRun(run: GanRun, opts: { n?: number; rng?: Rng; dataDir?: string | null } = {}): RunMetrics {
  const rng = opts.rng ?? run.evalRng('metrics');
  const last = run.history[run.history.length - 1];
  const sampler = run.data.sampler;
  const toy = sampler ? toyMetrics(run.sample(opts.n ?? run.config.evalSamples, rng), sampler) : null;
  let image: ImageMetrics | null = null;
  if (run.data.images) {
    const dataDir = opts.dataDir === undefined ? run.config.dataDir : opts.dataDir;
    const n = imageEvalSize(run, opts.n, dataDir);
    image = imageMetrics(run.sample(n, rng), fashionReference(n, dataDir));
  }
  return { step: run.step, data: run.config.data, toy, image, lastDReal: last?.dReal ?? null, lastDFake: last?.dFake ?? null };
}

/** A few readable lines of metrics. */
export function formatMetrics(m: RunMetrics): string {
  const lines = [`Metrics at step ${m.step} (${m.data}):`];
  if (m.toy) {
    lines.push(`  modes covered        ${m.toy.modesCovered} / ${m.toy.numModes}`);
    lines.push(`  high-quality samples ${(100 * m.toy.highQuality).toFixed(1)}% of ${m.toy.n} (within 3σ of a mode)`);
    lines.push(`  reverse KL           ${m.toy.reverseKl.toFixed(4)} nats (generated vs real mode histogram)`);
  }
  if (m.image) {
    const n = m.image.n.toLocaleString('en-US');
    lines.push(`  FID-like score       ${m.image.fid.toFixed(2)} (${n} generated vs ${n} real test images, classifier features; lower is better)`);
    lines.push(`  real-vs-real floor   ${m.image.fidFloor.toFixed(2)} (${n} real training vs the same ${n} test images)`);
    lines.push(`  classes of samples   ${formatClassHistogram(m.image.classHistogram)}`);
    lines.push(`  classes of real      ${formatClassHistogram(m.image.realClassHistogram)}`);
  }
  if (m.lastDReal !== null) lines.push(`  D(x) ${m.lastDReal.toFixed(3)}, D(G(z)) ${(m.lastDFake ?? NaN).toFixed(3)} (last step)`);
  return lines.join('\n');
}

const HISTORY_COLUMNS = ['step', 'lossD', 'lossG', 'dReal', 'dFake', 'gradNormD', 'gradNormG', 'skipped'] as const;

/** Writes the history as CSV (one row per logged step). */
export function writeHistoryCsv(path: string, history: readonly HistoryRecord[]): void {
  const rows = history.map((r) => HISTORY_COLUMNS.map((k) => String(r[k])).join(','));
  atomicWriteFile(path, [HISTORY_COLUMNS.join(','), ...rows].join('\n') + '\n');
}

/** Writes samples [n, d] as CSV with columns x (1-D), x,y (2-D) or x0..x{d−1}. */
export function writeSamplesCsv(path: string, x: Tensor): void {
  if (x.ndim !== 2) fail('writeSamplesCsv', `expected samples [n, d], got ${fmtShape(x.shape)}`);
  const [n, d] = x.shape as [number, number];
  const head = d === 1 ? ['x'] : d === 2 ? ['x', 'y'] : Array.from({ length: d }, (_, i) => `x${i}`);
  const v = x.toFlat();
  const lines = [head.join(',')];
  for (let i = 0; i < n; i++) lines.push(Array.from(v.subarray(i * d, (i + 1) * d), (a) => String(a)).join(','));
  atomicWriteFile(path, lines.join('\n') + '\n');
}

/** Writes images [n, 784] as a PNG grid (8 columns). */
export function writeImageGrid(path: string, x: Tensor): void {
  const n = x.shape[0]!;
  const cols = Math.min(8, n);
  writePng(path, imageGrid(x, { rows: Math.ceil(n / cols), cols, scale: 2 }));
}

/** A 2-D snapshot: real and generated points and D on a grid. */
interface Snap2d { step: number; real: Tensor; fake: Tensor; grid: { xs: number[]; ys: number[]; values: Float32Array | Float64Array } }
/** A 1-D snapshot: samples and D's curve. */
interface Snap1d { step: number; real: Tensor; fake: Tensor; curve: { x: number[]; y: number[] } }

const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/** n rows of x [N, d] drawn uniformly with replacement → [n, d]. */
function randomRows(x: Tensor, n: number, rng: Rng): Tensor {
  const d = x.shape[1]!, v = x.toFlat(), out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rng.int(x.shape[0]!);
    for (let k = 0; k < d; k++) out[i * d + k] = v[r * d + k]!;
  }
  return new Tensor(out, [n, d]);
}

/** The plotting window of a toy data set: its modes, padded. */
function extent(modes: Tensor, pad: number): { lo: number[]; hi: number[] } {
  const lo = T.min(modes, 0).toFlat(), hi = T.max(modes, 0).toFlat();
  return { lo: Array.from(lo, (v) => v - pad), hi: Array.from(hi, (v) => v + pad) };
}

/**
 * Collects snapshots while training (synchronously, from a separate Rng so training is not
 * disturbed) and renders pictures and the report at the end.
 */
export function snapshotter(out: string, run: GanRun): { onSnapshot: (run: GanRun) => void; finish: (m: RunMetrics, seconds: number) => Promise<string> } {
  const plots = join(out, 'plots');
  mkdirSync(plots, { recursive: true });
  const snaps2d: Snap2d[] = [], snaps1d: Snap1d[] = [];
  const grids: string[] = [];
  const fids: { step: number; fid: number }[] = [];
  const sampler = run.data.sampler;
  // Images: the FID-like score at every snapshot, on as many images as the final evaluation.
  const fidN = run.data.images ? imageEvalSize(run) : 0;
  // Real points to draw and the window to draw them in: the toy distribution's modes, or the
  // range of a CSV's points (padded by a tenth of it).
  const points = run.data.points;
  const dim = run.data.dim;
  const realRows = (n: number, rng: Rng): Tensor => (sampler ? sampler.sample(n, rng) : randomRows(points!, n, rng));
  const window = (pad: number): { lo: number[]; hi: number[] } => {
    if (sampler) return extent(sampler.modes(), pad + (dim === 2 ? 3 : 4) * Math.max(...sampler.stds));
    const lo = T.min(points!, 0).toFlat(), hi = T.max(points!, 0).toFlat();
    const margin = (k: number) => Math.max(0.1 * (hi[k]! - lo[k]!), 1e-3 + 1e-3 * Math.abs(hi[k]!));
    return { lo: Array.from(lo, (v, k) => v - margin(k)), hi: Array.from(hi, (v, k) => v + margin(k)) };
  };
  const take = (r: GanRun): void => {
    const rng = r.evalRng('snapshot');
    if ((sampler || points) && dim === 2) {
      const { lo, hi } = window(0.6);
      const xs = linspace(lo[0]!, hi[0]!, 60), ys = linspace(lo[1]!, hi[1]!, 60);
      const pts = new Float32Array(xs.length * ys.length * 2);
      let p = 0;
      for (const y of ys) for (const x of xs) { pts[p++] = x; pts[p++] = y; }
      const values = r.discriminate(new Tensor(pts, [xs.length * ys.length, 2])).toFlat();
      snaps2d.push({ step: r.step, real: realRows(500, rng), fake: r.sample(500, rng), grid: { xs, ys, values } });
    } else if ((sampler || points) && dim === 1) {
      const { lo, hi } = window(1);
      const x = linspace(lo[0]!, hi[0]!, 200);
      const y = Array.from(r.discriminate(new Tensor(Float32Array.from(x), [x.length, 1])).toFlat());
      snaps1d.push({ step: r.step, real: realRows(5000, rng), fake: r.sample(5000, rng), curve: { x, y } });
    } else if (run.data.images) {
      const file = `samples-step-${String(r.step).padStart(6, '0')}.png`;
      writeImageGrid(join(plots, file), r.generate(r.fixedNoise));
      grids.push(file);
      fids.push({ step: r.step, fid: imageMetrics(r.sample(fidN, rng), fashionReference(fidN, r.config.dataDir)).fid });
    } // points of 3 or more dimensions: the curves only
  };
  if (run.step === 0) take(run); // the picture before training
  return {
    onSnapshot: take,
    finish: async (m, seconds) => {
      if (run.config.snapshotEvery === 0 || run.step % run.config.snapshotEvery !== 0) take(run);
      const sections: ReportSection[] = [];
      const h = run.history;
      const x = h.map((r) => r.step);
      const rel = (f: string) => `plots/${f}`;
      const chart = async (name: string, c: Promise<{ svg: string; png: Uint8Array }>) => { writeChart(join(plots, name), await c); return rel(`${name}.svg`); };
      if (h.length > 0) {
        sections.push({ heading: 'Losses', text: 'loss_D = (bce(D(G(z)), 0) + bce(D(x), 1)) / 2 and loss_G at every logged step. At the equilibrium of the GAN game D cannot tell real from fake and loss_D approaches log 2 ≈ 0.693.', image: await chart('losses', lineChart({ title: 'Losses', x, series: { loss_D: h.map((r) => r.lossD), loss_G: h.map((r) => r.lossG) }, xLabel: 'step', yLabel: 'loss' })) });
        sections.push({ heading: 'What D thinks', text: 'Mean D(x) on real and D(G(z)) on generated batches (probabilities). Both drift towards 0.5 when G fools D.', image: await chart('d-outputs', lineChart({ title: 'D(x) and D(G(z))', x, series: { 'D(x)': h.map((r) => r.dReal), 'D(G(z))': h.map((r) => r.dFake) }, xLabel: 'step', yLabel: 'probability' })) });
        sections.push({ heading: 'Gradient norms', text: 'L2 norm of all parameter gradients of each model before its update (log scale).', image: await chart('grad-norms', lineChart({ title: 'Gradient norms', x, series: { D: h.map((r) => r.gradNormD), G: h.map((r) => r.gradNormG) }, xLabel: 'step', yLabel: '‖∇‖', logY: true })) });
      }
      if (snaps2d.length) {
        const imgs: string[] = [];
        for (const s of snaps2d) imgs.push(await chart(`scatter-step-${String(s.step).padStart(6, '0')}`, scatterHeatmap({ title: `step ${s.step}`, real: s.real, fake: s.fake, grid: s.grid })));
        sections.push({ heading: 'Samples over training', text: 'Real points (green) and generated points (purple) over the discriminator’s output D(x): green where D says real, purple where it says fake.', images: imgs });
      }
      if (snaps1d.length) {
        const imgs: string[] = [];
        for (const s of snaps1d) imgs.push(await chart(`hist-step-${String(s.step).padStart(6, '0')}`, histogram1d({ title: `step ${s.step}`, real: s.real, fake: s.fake, dCurve: s.curve })));
        sections.push({ heading: 'Samples over training', text: 'Histograms of real and generated samples with D’s curve, as in figure 1 of the GAN paper.', images: imgs });
      }
      if (grids.length) sections.push({ heading: 'Samples from fixed noise', text: 'The same 64 noise vectors through G at intervals of training.', images: grids.map(rel) });
      if (m.image) {
        const im = m.image;
        const n = im.n.toLocaleString('en-US');
        const text = `The FID-like score is the Fréchet distance between Gaussians fitted to the penultimate features (64 numbers per image) of the shipped Fashion-MNIST classifier, for ${n} generated images and ${n} real test images from ${im.source}. It is ${im.fid.toFixed(2)} here; two real sets of the same size (${n} training images against the same test images) score ${im.fidFloor.toFixed(2)}, the floor. The score is biased upwards at small sizes, so compare scores only at the same size, and next to the floor. It is not comparable with published FIDs, which use Inception-v3 features.`;
        if (fids.length > 1) {
          sections.push({ heading: 'FID-like score over training', text, image: await chart('fid', lineChart({ title: `FID-like score (${n} images per set)`, x: fids.map((f) => f.step), series: { generated: fids.map((f) => f.fid), 'real vs real': fids.map(() => im.fidFloor) }, xLabel: 'step', yLabel: 'FID-like', logY: true })) });
        } else sections.push({ heading: 'FID-like score', text });
        const total = (c: readonly number[]) => c.reduce((a, b) => a + b, 0);
        const pct = (c: number, t: number) => `${(100 * c / Math.max(1, t)).toFixed(1)}%`;
        const tg = total(im.classHistogram), tr = total(im.realClassHistogram);
        const acc = shippedClassifierAccuracy();
        sections.push({
          heading: 'Classes of the samples',
          text: `The classifier's predicted class for ${n} generated and ${n} real test images. A generator that drops classes (mode collapse) leaves gaps here.${acc ? ` The classifier is right on ${(100 * acc.accuracy).toFixed(1)}% of ${acc.images.toLocaleString('en-US')} real test images, so even the real column is not exactly 10% per class.` : ''}`,
          table: { columns: ['class', 'generated', 'real test'], rows: FASHION_MNIST_CLASSES.map((c, i) => [c, pct(im.classHistogram[i]!, tg), pct(im.realClassHistogram[i]!, tr)]) },
        });
      }
      const metrics: Record<string, string | number | boolean | null> = { step: m.step, 'wall time (s)': Number(seconds.toFixed(1)) };
      if (m.toy) Object.assign(metrics, { 'modes covered': `${m.toy.modesCovered} / ${m.toy.numModes}`, 'high-quality samples': `${(100 * m.toy.highQuality).toFixed(1)}%`, 'reverse KL (nats)': m.toy.reverseKl });
      if (m.image) Object.assign(metrics, { 'FID-like score': m.image.fid, 'real-vs-real floor': m.image.fidFloor, 'images per set': m.image.n });
      if (m.lastDReal !== null) Object.assign(metrics, { 'D(x), last step': m.lastDReal, 'D(G(z)), last step': m.lastDFake });
      const r = writeReport(out, { title: `minigan run: ${run.config.preset}`, intro: `A GAN trained on ${run.data.points ? `the ${run.data.points.shape[0]} points of ${run.config.dataFile}` : run.config.data} for ${run.step} steps with seed ${run.config.seed}.`, config: run.config as unknown as Record<string, unknown>, metrics, sections });
      writeFileSync(join(out, 'history.json'), JSON.stringify(h));
      return r.html;
    },
  };
}
