// examples/03-gan-1d.ts — a GAN learns a 1-D Gaussian: the GAN paper's figure 1, step by step.
//
//   npx tsx examples/03-gan-1d.ts                  writes runs/examples/03-gan-1d/
//   npx tsx examples/03-gan-1d.ts --steps 3000 --seed 1
//
// The data are numbers drawn from N(4, 0.5²). The generator G turns noise z ~ N(0, 1) into
// numbers; the discriminator D says how likely a number is to be real. Each training step
// (1) updates D to tell real from generated better, then (2) updates G to fool the new D.
// Snapshots over training draw what Goodfellow et al. (2014) drew in their figure 1: the data
// density (black), the generator's density (green) and D's curve (blue, dashed) — which should
// flatten towards 1/2 as the two densities meet — and how G maps z to x. Uses the `gauss1d`
// preset (the same models and settings as `minigan train --preset gauss1d`).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '@minigan/tensor';
import { Rng, Tensor } from '@minigan/tensor';
import { Variable, noGrad, optim } from '@minigan/autograd';
import {
  buildModels, discriminatorStep, generatorStep, histogram1d, lineChart, makeConfig, toySampler, toyMetrics, writeChart, writeReport, type HistoryRecord,
} from '@minigan/gan';
import { exampleArgs } from './lib/args.ts';
import { banner, num, printTable, say, stopwatch } from './lib/print.ts';

// -------------------------------------------------------------------------------------------
// Config
// -------------------------------------------------------------------------------------------
const args = exampleArgs({ name: '03-gan-1d', about: 'A GAN learns N(4, 0.5²); snapshots of histograms and D over training (figure 1 of the GAN paper).', steps: 1500 });
const cfg = makeConfig('gauss1d', { seed: args.seed, steps: args.steps });
const OUT = args.out;
const SNAPSHOTS = 5; // pictures after 1/5, 2/5, … of training, plus one before it
const SNAP_SAMPLES = 5000; // real and generated numbers per histogram
const LOG_LINES = 10; // progress lines printed during training
const clock = stopwatch();
mkdirSync(OUT, { recursive: true });

// -------------------------------------------------------------------------------------------
// (1) The data: p_data = N(4, 0.5²)
// -------------------------------------------------------------------------------------------
banner(1, 'The data: real numbers drawn from N(4, 0.5²)');
const target = toySampler(cfg.data)!; // the gauss1d preset's distribution
const look = target.sample(10_000, new Rng(`${args.seed}:look`)); // [10000, 1]
const mean = (t: Tensor) => T.mean(t).item();
const std = (t: Tensor) => Math.sqrt(T.variance(t).item());
say(`10,000 real samples: mean ${num(mean(look), 3)}, standard deviation ${num(std(look), 3)} (the target: 4 and 0.5).`);

// -------------------------------------------------------------------------------------------
// (2) The models and their optimizers
// -------------------------------------------------------------------------------------------
// One seed decides everything: G's weights, then D's, then every noise and data batch.
banner(2, 'The models: G maps noise z to a number x, D maps x to a logit (its opinion "real")');
const rng = new Rng(cfg.seed);
const { G, D } = buildModels(cfg.model, rng); // G: [B, 1] → [B, 1]; D: [B, 1] → [B, 1] logits
const optG = new optim.Adam(G.parameters(), { lr: cfg.lrG, betas: cfg.betas, eps: cfg.eps });
const optD = new optim.Adam(D.parameters(), { lr: cfg.lrD, betas: cfg.betas, eps: cfg.eps });
const parts = { G, D, optG, optD };
say(`G = ${G.toString().replace(/\n/g, '\n    ')}`, '', `D = ${D.toString().replace(/\n/g, '\n    ')}`, '',
  `${G.numParameters()} + ${D.numParameters()} parameters; Adam, lr ${cfg.lrD}, betas (${cfg.betas.join(', ')}); batch ${cfg.batchSize}; ${cfg.steps} steps; seed ${cfg.seed}.`);

// -------------------------------------------------------------------------------------------
// Snapshots: the data density, G's density, D's curve, and G's map z → x
// -------------------------------------------------------------------------------------------
// Drawn from a separate Rng so that looking at the models never changes their training.
interface Snapshot { step: number; real: Tensor; fake: Tensor; dCurve: { x: number[]; y: number[] }; map: { z: number[]; x: number[] } }
const snapshots: Snapshot[] = [];
const X_GRID = T.linspace(0, 8, 200).toFlat(); // where D's curve is drawn
const Z_GRID = T.linspace(-3, 3, 61).toFlat(); // noise values whose image G(z) is drawn
const snapRng = new Rng(`${cfg.seed}:snapshots`);
const run1d = (m: typeof G, v: ArrayLike<number>) => noGrad(() => m.forward(new Variable(new Tensor(Float32Array.from(v), [v.length, 1]))).value); // [n, 1] → [n, 1]
function snapshot(step: number): void {
  const fake = run1d(G, snapRng.normal([SNAP_SAMPLES]).toFlat()); // G(z), z ~ N(0, 1)
  const dOut = T.sigmoid(run1d(D, X_GRID)); // D(x) = σ(logit)
  snapshots.push({
    step, real: target.sample(SNAP_SAMPLES, snapRng), fake,
    dCurve: { x: Array.from(X_GRID), y: Array.from(dOut.toFlat()) },
    map: { z: Array.from(Z_GRID), x: Array.from(run1d(G, Z_GRID).toFlat()) },
  });
}
snapshot(0);

// -------------------------------------------------------------------------------------------
// (3) Training: each step updates D, then G
// -------------------------------------------------------------------------------------------
banner(3, `Training for ${cfg.steps} steps`);
say('Each step: (1) D sees a real batch and a generated batch and is nudged to call the first real (1) and',
  'the second fake (0); (2) G makes a fresh batch and is nudged so that D calls it real.', '');
const history: HistoryRecord[] = [];
const every = Math.max(1, Math.floor(cfg.steps / LOG_LINES));
const snapEvery = Math.max(1, Math.floor(cfg.steps / SNAPSHOTS));
for (let step = 1; step <= cfg.steps; step++) {
  // (1) Update D: maximise log D(x) + log(1 − D(G(z)))
  const real = target.sample(cfg.batchSize, rng); // [B, 1]
  const zD = rng.normal([cfg.batchSize, cfg.model.zDim]); // [B, 1]
  const d = discriminatorStep(parts, real, zD, { step });
  // (2) Update G: maximise log D(G(z)) (the non-saturating loss; see 06-saturation)
  const zG = rng.normal([cfg.batchSize, cfg.model.zDim]); // [B, 1]
  const g = generatorStep(parts, zG, { step });
  history.push({ step, lossD: d.lossD, lossG: g.lossG, dReal: d.dReal, dFake: d.dFake, gradNormD: d.gradNormD, gradNormG: g.gradNormG, skipped: 0 });
  if (step % every === 0 || step === 1) say(`step ${String(step).padStart(5)}  loss_D ${num(d.lossD)}  loss_G ${num(g.lossG)}  D(x) ${num(d.dReal, 3)}  D(G(z)) ${num(d.dFake, 3)}`);
  if (step % snapEvery === 0 && snapshots.length <= SNAPSHOTS) snapshot(step);
}
if (snapshots[snapshots.length - 1]!.step !== cfg.steps) snapshot(cfg.steps);
const trainSeconds = clock.seconds();

// -------------------------------------------------------------------------------------------
// (4) What G learned
// -------------------------------------------------------------------------------------------
banner(4, 'What G learned');
const final = run1d(G, new Rng(`${cfg.seed}:eval`).normal([10_000]).toFlat()); // [10000, 1]
const metrics = toyMetrics(final, target);
const lastD = snapshots[snapshots.length - 1]!.dCurve.y;
const dNearData = lastD.filter((_, i) => Math.abs(X_GRID[i]! - 4) <= 1); // D on 4 ± 2σ
const dRange = [Math.min(...dNearData), Math.max(...dNearData)];
printTable(['', 'mean', 'standard deviation'], [['target', num(4, 3), num(0.5, 3)], ['generated (10,000)', num(mean(final), 3), num(std(final), 3)]]);
say('', `${(100 * metrics.highQuality).toFixed(1)}% of the generated numbers lie within 3σ of 4 (for the target itself: 99.7%).`,
  `On 4 ± 1, D now says ${num(dRange[0]!, 3)} … ${num(dRange[1]!, 3)}: near 1/2, it can no longer tell real from generated there.`,
  `Training took ${trainSeconds.toFixed(1)} s.`);

// -------------------------------------------------------------------------------------------
// (5) Pictures and the report
// -------------------------------------------------------------------------------------------
banner(5, 'Pictures and the report');
const images: string[] = [];
for (const s of snapshots) {
  const name = `hist-step-${String(s.step).padStart(5, '0')}`;
  writeChart(join(OUT, name), await histogram1d({ title: `step ${s.step}`, real: s.real, fake: s.fake, dCurve: s.dCurve, width: 420, height: 220 }));
  images.push(`${name}.png`);
}
const mapSeries: Record<string, number[]> = {};
for (const s of snapshots) mapSeries[`step ${s.step}`] = s.map.x;
writeChart(join(OUT, 'g-map'), await lineChart({ title: 'How G maps noise to numbers: x = G(z)', x: Array.from(Z_GRID), series: mapSeries, xLabel: 'z (noise, N(0, 1))', yLabel: 'x = G(z)' }));
const steps = history.map((h) => h.step);
writeChart(join(OUT, 'losses'), await lineChart({ title: 'Losses (ln 2 ≈ 0.693 is the equilibrium value of loss_D)', x: steps, series: { loss_D: history.map((h) => h.lossD), loss_G: history.map((h) => h.lossG), 'ln 2': steps.map(() => Math.LN2) }, yLabel: 'loss' }));
writeChart(join(OUT, 'd-outputs'), await lineChart({ title: 'D(x) on real and D(G(z)) on generated batches', x: steps, series: { 'D(x)': history.map((h) => h.dReal), 'D(G(z))': history.map((h) => h.dFake) }, yLabel: 'probability' }));
const report = writeReport(OUT, {
  title: '03 — A GAN learns a 1-D Gaussian',
  intro: `The data are numbers from N(4, 0.5²). G (noise z ~ N(0, 1) → number) and D (number → logit) are trained against each other for ${cfg.steps} steps: each step updates D once, then G once. Made by \`${args.command}\` in ${clock.seconds().toFixed(1)} s.`,
  config: { preset: cfg.preset, steps: cfg.steps, seed: cfg.seed, batchSize: cfg.batchSize, lr: cfg.lrD, betas: cfg.betas, 'G': `1 → ${cfg.model.gHidden.join(' → ')} → 1 (ReLU)`, 'D': `1 → ${cfg.model.dHidden.join(' → ')} → 1 (LeakyReLU ${cfg.model.dSlope})`, 'generator loss': 'non-saturating' },
  metrics: { 'generated mean': mean(final), 'generated std': std(final), 'target mean': 4, 'target std': 0.5, 'within 3σ of the mode': `${(100 * metrics.highQuality).toFixed(1)}%`, 'D on 4 ± 1 (min … max)': `${num(dRange[0]!, 3)} … ${num(dRange[1]!, 3)}`, 'training time (s)': Number(trainSeconds.toFixed(1)) },
  sections: [
    { heading: 'Snapshots over training (figure 1 of the GAN paper)', text: 'Black: the data density. Green: the generator’s density (histograms of 5,000 samples each). Blue, dashed, right axis: D’s curve D(x). At first D separates the two clouds; as G’s density moves onto the data, D flattens towards 1/2.', images },
    { heading: 'How G maps noise to numbers', text: 'G(z) on a grid of z, at each snapshot: the map learns to squeeze N(0, 1) into N(4, 0.5²), which an increasing line x = 4 + 0.5 z would do exactly.', image: 'g-map.png' },
    { heading: 'Losses', image: 'losses.png' },
    { heading: 'What D thinks', image: 'd-outputs.png' },
  ],
});
say(`Pictures: ${images.length} snapshots, g-map.png, losses.png, d-outputs.png in ${OUT}`, `Report: ${report.markdown} and ${report.html}`, `Done in ${clock.seconds().toFixed(1)} s.`);
