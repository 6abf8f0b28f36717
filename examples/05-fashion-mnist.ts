// examples/05-fashion-mnist.ts — the course GAN on Fashion-MNIST: sample grids over training,
// the FID-like score and the classifier's class histogram.
//
//   npx tsx examples/05-fashion-mnist.ts                       writes runs/examples/05-fashion-mnist/
//   npx tsx examples/05-fashion-mnist.ts --data-dir /usr/share/datasets/fashion-mnist --steps 5000
//
// The lecture's GAN: G turns 64 numbers of noise into a 28×28 image through four blocks of
// Linear + BatchNorm + ReLU (64 → 128 → 256 → 512 → 1024) and a Linear + Sigmoid to 784 pixels;
// D reads the 784 pixels through Linear + LeakyReLU(0.2) blocks (784 → 512 → 256 → 128) and
// gives one logit. Both are trained with the BCE cost of the lecture (01-bce), D once and G once
// per step, with Adam (lr 2e-4, betas 0.5/0.999: the DCGAN settings). At intervals the same 64
// noise vectors go through G, so the grids show one set of samples changing over training.
//
// How good are the images? A classifier trained with this framework (87.9% on the test set) is
// the yardstick: the FID-like score is the Fréchet distance between its penultimate features
// of generated and of real test images, and next to it stands the floor, the score of real
// training images against the same test images. The classifier's class histogram of the
// samples shows which kinds of clothing G draws (and which it dropped).
//
// Data: --data-dir DIR, else /usr/share/datasets/fashion-mnist where present, else the 2,000
// training images shipped in packages/gan/data/fashion-mnist.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '@minigan/tensor';
import {
  FASHION_MNIST_CLASSES, GanRun, discriminatorStep, evaluateRun, fashionReference, generatorStep, imageEvalSize, imageGrid, imageMetrics, lineChart, lrFactor, makeConfig,
  shippedClassifierAccuracy, writeChart, writePng, writeReport, type HistoryRecord, type ImageMetrics,
} from '@minigan/gan';
import { exampleArgs, intFlag, usageError } from './lib/args.ts';
import { banner, num, pct, printTable, say, stopwatch } from './lib/print.ts';

// -------------------------------------------------------------------------------------------
// Config
// -------------------------------------------------------------------------------------------
const NAME = '05-fashion-mnist';
const preset = makeConfig('fashion');
const args = exampleArgs({
  name: NAME,
  about: 'The course GAN on Fashion-MNIST: sample grids from fixed noise over training, loss and D curves, the FID-like score against real test images (with the real-vs-real floor) and the class histogram of the samples.',
  steps: preset.steps,
  extra: { 'data-dir': { type: 'string' }, 'snapshot-every': { type: 'string' }, 'eval-n': { type: 'string' } },
  help: {
    'data-dir': 'directory with the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist, else the bundled 2,000 images)',
    'snapshot-every': `grid and FID-like score every N steps (default ${preset.snapshotEvery})`,
    'eval-n': 'images per set for the FID-like score (default 2,500, at most the smaller split: 500 for the bundled subset)',
  },
});
const cfg = makeConfig('fashion', {
  seed: args.seed, steps: args.steps,
  snapshotEvery: intFlag(NAME, 'snapshot-every', args.extra['snapshot-every'], preset.snapshotEvery, 1),
  ...(args.extra['data-dir'] !== undefined ? { dataDir: args.extra['data-dir'] } : {}),
});
const EVAL_N_WANTED = intFlag(NAME, 'eval-n', args.extra['eval-n'], preset.evalSamples, 2); // images per set for the score
const PROGRESS_COLS = 10; // fixed-noise samples per row of the progress picture
const LOG_LINES = 10; // progress lines printed during training
const clock = stopwatch();
mkdirSync(args.out, { recursive: true });

// -------------------------------------------------------------------------------------------
// (1) The data: 28×28 greyscale images of clothing, pixels scaled to [0, 1]
// -------------------------------------------------------------------------------------------
banner(1, 'The data: Fashion-MNIST, 28×28 greyscale images of clothing in 10 classes');
let run: GanRun;
try {
  // GanRun draws everything from the one seed in a fixed order: G's weights, D's weights, the 64
  // fixed noise vectors for the grids, then every noise batch and the data order of each epoch.
  run = GanRun.create(cfg);
} catch (e) {
  usageError(NAME, (e as Error).message);
}
const { G, D, optG, optD } = run;
const data = run.data.images!;
const nTrain = data.images.shape[0]!;
const counts = FASHION_MNIST_CLASSES.map((_, c) => data.labels.filter((l) => l === c).length);
say(`${nTrain.toLocaleString('en-US')} training images from ${data.source.kind === 'bundled' ? `the subset shipped with minigan (${data.source.dir})` : data.source.dir}.`,
  `Each is a row of 784 numbers in [0, 1] (0 black, 1 white); per class: ${FASHION_MNIST_CLASSES.map((c, i) => `${c} ${counts[i]}`).join(', ')}.`,
  `An epoch is ${Math.floor(nTrain / cfg.batchSize)} batches of ${cfg.batchSize}; ${cfg.steps} steps are ${num((cfg.steps * cfg.batchSize) / nTrain, 1)} epochs.`);
writePng(join(args.out, 'real.png'), imageGrid(data.images.slice(0, 0, 64), { rows: 8, cols: 8, scale: 2 }));
say('real.png: the first 64 of them.');

// -------------------------------------------------------------------------------------------
// (2) The models
// -------------------------------------------------------------------------------------------
banner(2, 'The models: G (noise → image) and D (image → logit), the course GAN');
say(`G = ${G.toString().replace(/\n/g, '\n    ')}`, '', `D = ${D.toString().replace(/\n/g, '\n    ')}`, '',
  `G: [B, ${cfg.model.zDim}] → [B, 784], ${G.numParameters().toLocaleString('en-US')} parameters; D: [B, 784] → [B, 1], ${D.numParameters().toLocaleString('en-US')} parameters.`,
  `Adam, lr ${cfg.lrD} (both), betas (${cfg.betas.join(', ')}); batch ${cfg.batchSize}; ${cfg.steps} steps; seed ${cfg.seed}.`,
  'BatchNorm normalises each of G\'s hidden features over the batch while training; for pictures and scores',
  'G runs in eval mode, with the running averages of those statistics instead.');

// -------------------------------------------------------------------------------------------
// (3) The yardstick: a classifier's view of real and generated images
// -------------------------------------------------------------------------------------------
banner(3, 'The yardstick: FID-like score and class histogram from a Fashion-MNIST classifier');
const evalN = imageEvalSize(run, EVAL_N_WANTED); // ≤ the smaller split
const ref = fashionReference(evalN, cfg.dataDir);
const acc = shippedClassifierAccuracy();
const scoreRng = new T.Rng(`${cfg.seed}:scores`); // separate stream: scoring never changes training
const score = (): ImageMetrics => imageMetrics(run.sample(evalN, scoreRng), ref);
const untrained = score();
say(`The classifier (784 → 128 → 64 → 10, trained with this framework${acc ? `, ${pct(acc.accuracy)} right on ${acc.images.toLocaleString('en-US')} test images` : ''}) turns each`,
  'image into 64 features (its penultimate layer). The FID-like score fits a Gaussian to the features of',
  `${evalN.toLocaleString('en-US')} generated images and one to ${evalN.toLocaleString('en-US')} real test images and measures the Fréchet distance between them:`,
  '    d² = ‖μ₁ − μ₂‖² + tr(C₁ + C₂ − 2 (C₁^½ C₂ C₁^½)^½)',
  'Lower is better. Even two real sets differ a little, and the estimate is biased upwards at small sizes, so',
  'the floor is measured at the same size:', '');
printTable(['images compared', 'FID-like score'], [[`${evalN} real training vs ${evalN} real test (the floor)`, num(ref.floor, 2)], [`${evalN} from the untrained G vs the same test images`, num(untrained.fid, 2)]]);

// -------------------------------------------------------------------------------------------
// (4) Training
// -------------------------------------------------------------------------------------------
banner(4, `Training for ${cfg.steps} steps`);
say('Each step: (1) D sees a batch of real images and a batch of G\'s and is nudged to call the first real (1)',
  'and the second fake (0); (2) G makes a fresh batch and is nudged so that D calls it real.',
  `Every ${cfg.snapshotEvery} steps: the fixed-noise grid and the FID-like score.`, '');
const history: HistoryRecord[] = run.history;
interface Snap { step: number; grid: string; metrics: ImageMetrics; images: T.Tensor }
const snaps: Snap[] = [];
function snapshot(step: number, metrics: ImageMetrics): void {
  const images = run.generate(run.fixedNoise); // [64, 784], G in eval mode
  const grid = `samples-step-${String(step).padStart(5, '0')}.png`;
  writePng(join(args.out, grid), imageGrid(images, { rows: 8, cols: 8, scale: 2 }));
  snaps.push({ step, grid, metrics, images });
}
snapshot(0, untrained);
const every = Math.max(1, Math.floor(cfg.steps / LOG_LINES));
const B = cfg.batchSize;
const trainClock = stopwatch();
for (let step = 1; step <= cfg.steps; step++) {
  const f = lrFactor(cfg, step); // 1 unless the config decays the learning rates
  optD.lr = cfg.lrD * f;
  optG.lr = cfg.lrG * f;
  // (1) Update D: maximise log D(x) + log(1 − D(G(z))), i.e. minimise (bce(D(G(z)), 0) + bce(D(x), 1)) / 2
  let d = { lossD: NaN, dReal: NaN, dFake: NaN, gradNormD: NaN };
  for (let k = 0; k < cfg.dSteps; k++) {
    const real = run.data.next(B, run.rng); // [B, 784], the next batch of this epoch's order
    const zD = run.rng.normal([B, cfg.model.zDim]); // [B, 64]
    d = discriminatorStep({ G, D, optG, optD }, real, zD, { step });
  }
  // (2) Update G: maximise log D(G(z)), i.e. minimise bce(D(G(z)), 1) (non-saturating; see 06-saturation)
  const zG = run.rng.normal([B, cfg.model.zDim]); // [B, 64]
  const g = generatorStep({ G, D, optG, optD }, zG, { step });
  // Book-keeping as in run.trainStep(): the step counter and the history (evaluation reads both).
  run.step = step;
  run.history.push({ step, lossD: d.lossD, lossG: g.lossG, dReal: d.dReal, dFake: d.dFake, gradNormD: d.gradNormD, gradNormG: g.gradNormG, skipped: 0 });
  // The last score is the evaluation `minigan train --preset fashion` prints at its end (same samples too).
  if (step === cfg.steps) snapshot(step, evaluateRun(run, { n: evalN }).image!);
  else if (step % cfg.snapshotEvery === 0) snapshot(step, score());
  if (step % every === 0 || step === 1) {
    const s = trainClock.seconds();
    const last = snaps[snaps.length - 1]!;
    say(`step ${String(step).padStart(5)}  loss_D ${num(d.lossD)}  loss_G ${num(g.lossG)}  D(x) ${num(d.dReal, 3)}  D(G(z)) ${num(d.dFake, 3)}  FID@${last.step} ${num(last.metrics.fid, 1)}  ${num(s, 0)} s, ${num(((cfg.steps - step) * s) / step, 0)} s to go`);
  }
}
const trainSeconds = trainClock.seconds();

// -------------------------------------------------------------------------------------------
// (5) What G learned
// -------------------------------------------------------------------------------------------
banner(5, 'What G learned');
const final = snaps[snaps.length - 1]!.metrics;
printTable(['step', 'FID-like score'], snaps.map((s) => [String(s.step), num(s.metrics.fid, 2)]));
say('', `Floor (real vs real, ${evalN} images each): ${num(ref.floor, 2)}.`, '');
const total = (c: readonly number[]) => c.reduce((a, b) => a + b, 0);
printTable(['class', 'generated', 'real test'], FASHION_MNIST_CLASSES.map((c, i) => [c, pct(final.classHistogram[i]! / total(final.classHistogram)), pct(final.realClassHistogram[i]! / total(final.realClassHistogram))]));
const rare = FASHION_MNIST_CLASSES.filter((_, i) => final.classHistogram[i]! / total(final.classHistogram) < 0.02);
const words: string[] = [
  `The FID-like score fell from ${num(untrained.fid, 1)} (untrained G) to ${num(final.fid, 1)}; two sets of real images score ${num(ref.floor, 2)}.`,
  rare.length === 0
    ? 'The classifier finds every class among the samples (each at least 2%).'
    : `Among the samples the classifier rarely sees (< 2% each): ${rare.join(', ')}.\nG has not learned ${rare.length === 1 ? 'that class' : 'those classes'} (yet), or draws ${rare.length === 1 ? 'it' : 'them'} too poorly to be recognised.`,
];
// What the grids look like at a given score: calibrated by eye on this course GAN's grids (600
// steps on the bundled subset: ≈ 63, speckled silhouettes; 5,000 steps on the full set: ≈ 15).
const look =
  final.fid >= 200 ? 'grey fog and blobs: hardly a garment shape yet.'
  : final.fid >= 40 ? 'silhouettes of clothing (tops, trousers, bags,\nshoes) filled with speckled noise, not yet clean garments.'
  : final.fid >= 12 ? 'recognisable garments (pullovers, T-shirts,\ntrousers, dresses, sneakers, boots), still grainy, some smeared.'
  : 'clean garments; compare them with real.png.';
words.push(`At this score the grids typically show ${look}`, 'Look at samples-final.png and progress.png.');
if (final.fid >= 40) {
  words.push('A longer run gets further: 5,000 steps on the full set (--data-dir DIR --steps 5000, about 10–20 minutes',
    'on one core) reached a score of about 15 (floor 0.38 at 2,500 images) with recognisable, still grainy clothing.');
}
say('', ...words, '', `Training took ${num(trainSeconds, 0)} s (${num((1000 * trainSeconds) / Math.max(1, cfg.steps), 0)} ms per step, scoring included).`);

// -------------------------------------------------------------------------------------------
// (6) Pictures and the report
// -------------------------------------------------------------------------------------------
banner(6, 'Pictures and the report');
// The progress picture: one row per snapshot after step 0 (the untrained G paints every pixel
// ≈ σ(0) = 0.5, a flat grey), the same PROGRESS_COLS noise vectors in every row.
const shown = snaps.length > 1 ? snaps.slice(1) : snaps;
const rows = shown.map((s) => s.images.slice(0, 0, PROGRESS_COLS)); // each [10, 784]
writePng(join(args.out, 'progress.png'), imageGrid(T.concat(rows, 0), { rows: rows.length, cols: PROGRESS_COLS, scale: 2 }));
writePng(join(args.out, 'samples-final.png'), imageGrid(snaps[snaps.length - 1]!.images, { rows: 8, cols: 8, scale: 2 }));
const stepsX = history.map((h) => h.step);
writeChart(join(args.out, 'losses'), await lineChart({ title: 'Losses (ln 2 ≈ 0.693 is the equilibrium value of loss_D)', x: stepsX, series: { loss_D: history.map((h) => h.lossD), loss_G: history.map((h) => h.lossG), 'ln 2': stepsX.map(() => Math.LN2) }, yLabel: 'loss' }));
writeChart(join(args.out, 'd-outputs'), await lineChart({ title: 'D(x) on real and D(G(z)) on generated batches', x: stepsX, series: { 'D(x)': history.map((h) => h.dReal), 'D(G(z))': history.map((h) => h.dFake) }, yLabel: 'probability' }));
writeChart(join(args.out, 'fid'), await lineChart({ title: `FID-like score (${evalN} images per set; log scale)`, x: snaps.map((s) => s.step), series: { generated: snaps.map((s) => s.metrics.fid), 'real vs real': snaps.map(() => ref.floor) }, yLabel: 'FID-like', logY: true }));
const report = writeReport(args.out, {
  title: '05 — The course GAN on Fashion-MNIST',
  intro: `G (noise, 64 numbers → 784 pixels) and D (784 pixels → logit) of the course GAN, trained for ${cfg.steps} steps on ${nTrain.toLocaleString('en-US')} images. Made by \`${args.command}\` in ${num(clock.seconds(), 0)} s.\n\n${words.join(' ').replace(/\n/g, ' ')}`,
  config: { preset: cfg.preset, steps: cfg.steps, seed: cfg.seed, batchSize: cfg.batchSize, lr: cfg.lrD, betas: cfg.betas, G: `${cfg.model.zDim} → ${cfg.model.gHidden.join(' → ')} → 784 (BatchNorm + ReLU, Sigmoid)`, D: `784 → ${cfg.model.dHidden.join(' → ')} → 1 (LeakyReLU ${cfg.model.dSlope})`, data: data.source.dir, 'training images': nTrain },
  metrics: { 'FID-like score': final.fid, 'real-vs-real floor': ref.floor, 'untrained G': untrained.fid, 'images per set': evalN, 'training time (s)': Number(trainSeconds.toFixed(0)) },
  sections: [
    { heading: 'Samples over training', text: `Each row: the same ${PROGRESS_COLS} noise vectors through G, at steps ${shown.map((s) => s.step).join(', ')} (top to bottom). Before training G paints every pixel a flat grey (σ(0) = 0.5).`, image: 'progress.png' },
    { heading: 'The last grid, and real images', text: 'Left: 64 samples from the fixed noise at the end. Right: the first 64 training images.', images: ['samples-final.png', 'real.png'] },
    { heading: 'FID-like score over training', text: `Fréchet distance between the classifier features of ${evalN} generated and ${evalN} real test images; the floor is the same score for ${evalN} real training images.`, image: 'fid.png' },
    { heading: 'Classes of the samples', text: 'The classifier’s predicted class of the generated and of the real test images.', table: { columns: ['class', 'generated', 'real test'], rows: FASHION_MNIST_CLASSES.map((c, i) => [c, pct(final.classHistogram[i]! / total(final.classHistogram)), pct(final.realClassHistogram[i]! / total(final.realClassHistogram))]) } },
    { heading: 'Losses', image: 'losses.png' },
    { heading: 'What D thinks', image: 'd-outputs.png' },
    { heading: 'Every grid', images: snaps.map((s) => s.grid) },
  ],
});
say(`Pictures: progress.png, samples-final.png, real.png, ${snaps.length} grids, fid.png, losses.png, d-outputs.png in ${args.out}`, `Report: ${report.markdown} and ${report.html}`, `Done in ${num(clock.seconds(), 0)} s.`);
