// examples/03-gan-1d.ts — a GAN learns a 1-D Gaussian: the GAN paper's figure 1, step by step.
//
//   npx tsx examples/03-gan-1d.ts                  writes runs/examples/03-gan-1d/
//   npx tsx examples/03-gan-1d.ts --steps 3000 --seed 1
//   npx tsx examples/03-gan-1d.ts --d-steps 1 --lr-g 1e-3 --z-dim 1     the old settings: partial collapse
//
// The data are numbers drawn from N(4, 0.5²). The generator G turns noise z ~ N(0, I) into
// numbers; the discriminator D says how likely a number is to be real. Each training step
// (1) updates D k times to tell real from generated better, then (2) updates G once to fool the
// new D. Snapshots over training draw what Goodfellow et al. (2014) drew in their figure 1: the
// data density, the generator's density and D's curve, plus a quantile–quantile plot that shows
// at a glance whether G's spread is right. At the end the example compares G's mean and
// standard deviation with the target's and says plainly whether G learned the distribution.
// Uses the `gauss1d` preset: with the same seed, `minigan train --preset gauss1d` trains the
// very same models on the very same batches.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '@minigan/tensor';
import { Rng, Tensor } from '@minigan/tensor';
import {
  GanRun, discriminatorStep, generatorStep, histogram1d, lineChart, lrFactor, makeConfig, writeChart, writeReport, type HistoryRecord,
} from '@minigan/gan';
import { exampleArgs, intFlag, usageError } from './lib/args.ts';
import { banner, num, printTable, say, stopwatch } from './lib/print.ts';

// -------------------------------------------------------------------------------------------
// Config
// -------------------------------------------------------------------------------------------
const args = exampleArgs({
  name: '03-gan-1d',
  about: 'A GAN learns N(4, 0.5²); snapshots of histograms and D over training (figure 1 of the GAN paper), and an honest comparison of the learned mean and spread with the target.',
  steps: 2000,
  extra: { 'd-steps': { type: 'string' }, 'lr-g': { type: 'string' }, 'z-dim': { type: 'string' } },
  help: { 'd-steps': 'D updates per G update (default: the preset\'s 3)', 'lr-g': 'G\'s learning rate (default: the preset\'s 2e-4; D\'s is 1e-3)', 'z-dim': 'noise dimension (default: the preset\'s 4)' },
});
const preset = makeConfig('gauss1d');
const lrG = args.extra['lr-g'] === undefined ? preset.lrG : Number(args.extra['lr-g']);
if (!(lrG > 0 && Number.isFinite(lrG))) usageError('03-gan-1d', `--lr-g must be a positive number, got '${args.extra['lr-g']}'`);
const cfg = makeConfig('gauss1d', {
  seed: args.seed, steps: args.steps, lrG,
  dSteps: intFlag('03-gan-1d', 'd-steps', args.extra['d-steps'], preset.dSteps, 1),
  model: { ...preset.model, zDim: intFlag('03-gan-1d', 'z-dim', args.extra['z-dim'], preset.model.zDim, 1) },
});
const TARGET = { mean: 4, std: 0.5 }; // what the gauss1d data are drawn from
const SNAPSHOTS = 5; // pictures after 1/5, 2/5, … of training, plus one before it
const SNAP_SAMPLES = 5000; // real and generated numbers per histogram
const EVAL_SAMPLES = 10_000; // generated numbers for the final statistics
const LOG_LINES = 10; // progress lines printed during training
const STD_TOLERANCE = 0.1; // |std/0.5 − 1| below this counts as "the right spread"
const clock = stopwatch();
mkdirSync(args.out, { recursive: true });

// -------------------------------------------------------------------------------------------
// (1) The data: p_data = N(4, 0.5²)
// -------------------------------------------------------------------------------------------
banner(1, 'The data: real numbers drawn from N(4, 0.5²)');
// GanRun builds everything a run needs from the seed, in a fixed order: G's weights, D's
// weights, 64 fixed noise vectors (for `minigan`'s pictures), the optimizers; then every batch
// of noise and data comes from the same `run.rng`. This notebook writes the training loop out
// by hand but draws from that stream in the same order as `run.trainStep()`.
const run = GanRun.create(cfg);
const { G, D, optG, optD } = run;
const target = run.data.sampler!; // the gauss1d preset's distribution
const mean = (t: Tensor) => T.mean(t).item();
const std = (t: Tensor) => Math.sqrt(T.variance(t).item());
const look = target.sample(EVAL_SAMPLES, new Rng(`${args.seed}:look`)); // [10000, 1]
say(`10,000 real samples: mean ${num(mean(look), 3)}, standard deviation ${num(std(look), 3)} (the target: ${TARGET.mean} and ${TARGET.std}).`);

// -------------------------------------------------------------------------------------------
// (2) The models and their optimizers
// -------------------------------------------------------------------------------------------
banner(2, `The models: G maps noise z (${cfg.model.zDim} numbers) to a number x, D maps x to a logit`);
say(`G = ${G.toString().replace(/\n/g, '\n    ')}`, '', `D = ${D.toString().replace(/\n/g, '\n    ')}`, '',
  `${G.numParameters()} + ${D.numParameters()} parameters; Adam, betas (${cfg.betas.join(', ')}); batch ${cfg.batchSize}; ${cfg.steps} steps; seed ${cfg.seed}.`,
  `D takes ${cfg.dSteps} step${cfg.dSteps > 1 ? 's' : ''} at lr ${cfg.lrD} for each step of G at lr ${cfg.lrG}${cfg.lrDecayFrom < 1 ? `; both rates fall linearly to ${cfg.lrDecayTo}× from step ${Math.floor(cfg.lrDecayFrom * cfg.steps)} on` : ''}.`,
  '',
  'Why D gets more and larger steps than G: G learns from D\'s gradient, so that gradient is only as',
  'good as D\'s current picture of the two densities. The data sit at x ≈ 4, where few of a fresh D\'s',
  'LeakyReLU kinks are, so D notices a wrong mean at once but a wrong width only slowly. If G moves as',
  'fast as D, it settles on a narrow bump (std ≈ 0.2) before D has learned to see the difference —',
  'try --d-steps 1 --lr-g 1e-3 --z-dim 1 (the earlier settings) to watch that happen.');

// -------------------------------------------------------------------------------------------
// Snapshots: the data density, G's density, D's curve, and quantiles of G against the data
// -------------------------------------------------------------------------------------------
// Drawn from a separate Rng so that looking at the models never changes their training.
interface Snapshot { step: number; real: Tensor; fake: Tensor; dCurve: { x: number[]; y: number[] } }
const snapshots: Snapshot[] = [];
const X_GRID = T.linspace(0, 8, 201).reshape([201, 1]); // where D's curve is drawn: [201, 1]
const snapRng = new Rng(`${cfg.seed}:snapshots`);
function snapshot(step: number): void {
  snapshots.push({
    step,
    real: target.sample(SNAP_SAMPLES, snapRng), // [5000, 1]
    fake: run.sample(SNAP_SAMPLES, snapRng), // G(z), z ~ N(0, I): [5000, zDim] → [5000, 1]
    dCurve: { x: Array.from(X_GRID.toFlat()), y: Array.from(run.discriminate(X_GRID).toFlat()) }, // σ(D(x))
  });
}
snapshot(0);

// -------------------------------------------------------------------------------------------
// (3) Training: each step updates D k times, then G once
// -------------------------------------------------------------------------------------------
banner(3, `Training for ${cfg.steps} steps`);
say(`Each step: (1) ${cfg.dSteps} time${cfg.dSteps > 1 ? 's' : ''}, D sees a real batch and a generated batch and is nudged to call the first`,
  'real (1) and the second fake (0); (2) G makes a fresh batch and is nudged so that D calls it real.', '');
const history: HistoryRecord[] = [];
const every = Math.max(1, Math.floor(cfg.steps / LOG_LINES));
const snapEvery = Math.max(1, Math.floor(cfg.steps / SNAPSHOTS));
const B = cfg.batchSize;
for (let step = 1; step <= cfg.steps; step++) {
  const f = lrFactor(cfg, step); // 1, then falling linearly over the end of training
  optD.lr = cfg.lrD * f;
  optG.lr = cfg.lrG * f;
  // (1) Update D: maximise log D(x) + log(1 − D(G(z))), i.e. minimise (bce(D(G(z)), 0) + bce(D(x), 1)) / 2
  let d = { lossD: NaN, dReal: NaN, dFake: NaN, gradNormD: NaN };
  for (let k = 0; k < cfg.dSteps; k++) {
    const real = run.data.next(B, run.rng); // [B, 1]
    const zD = run.rng.normal([B, cfg.model.zDim]); // [B, zDim]
    d = discriminatorStep({ G, D, optG, optD }, real, zD, { step });
  }
  // (2) Update G: maximise log D(G(z)), i.e. minimise bce(D(G(z)), 1) (non-saturating; see 06-saturation)
  const zG = run.rng.normal([B, cfg.model.zDim]); // [B, zDim]
  const g = generatorStep({ G, D, optG, optD }, zG, { step });
  history.push({ step, lossD: d.lossD, lossG: g.lossG, dReal: d.dReal, dFake: d.dFake, gradNormD: d.gradNormD, gradNormG: g.gradNormG, skipped: 0 });
  if (step % every === 0 || step === 1) say(`step ${String(step).padStart(5)}  loss_D ${num(d.lossD)}  loss_G ${num(g.lossG)}  D(x) ${num(d.dReal, 3)}  D(G(z)) ${num(d.dFake, 3)}`);
  if (step % snapEvery === 0 && snapshots.length <= SNAPSHOTS) snapshot(step);
}
if (snapshots[snapshots.length - 1]!.step !== cfg.steps) snapshot(cfg.steps);
const trainSeconds = clock.seconds();

// -------------------------------------------------------------------------------------------
// (4) What G learned — judged by the numbers, not by D
// -------------------------------------------------------------------------------------------
banner(4, 'What G learned');
const final = run.sample(EVAL_SAMPLES, new Rng(`${cfg.seed}:eval`)); // [10000, 1]
const gMean = mean(final), gStd = std(final);
// D near the data: on 4 ± 1 (2σ either side), where 95% of the real numbers fall.
const onData = (s: Snapshot) => s.dCurve.y.filter((_, i) => Math.abs(s.dCurve.x[i]! - TARGET.mean) <= 1);
const range = (v: number[]) => `${num(Math.min(...v), 3)} … ${num(Math.max(...v), 3)}`;
printTable(['', 'mean', 'standard deviation'], [['target', num(TARGET.mean, 3), num(TARGET.std, 3)], ['generated (10,000)', num(gMean, 3), num(gStd, 3)]]);
say('');
printTable(['step', 'G mean', 'G std', 'D(x) on 4 ± 1'], snapshots.map((s) => [String(s.step), num(mean(s.fake), 3), num(std(s.fake), 3), range(onData(s))]));
const ratio = gStd / TARGET.std;
const meanOk = Math.abs(gMean - TARGET.mean) < 0.1;
const stdOk = Math.abs(ratio - 1) < STD_TOLERANCE;
const dLast = onData(snapshots[snapshots.length - 1]!);
const dFlat = Math.max(...dLast.map((v) => Math.abs(v - 0.5))) < 0.1;
// The tails: the share of G's numbers beyond the data's 2.5% and 97.5% quantiles (2.5% each for
// the data itself). A G that matches mean and std can still leave a tail empty.
const sortedReal = Float64Array.from(look.toFlat()).sort();
const q = (p: number) => sortedReal[Math.floor(p * (sortedReal.length - 1))]!;
const [qLo, qHi] = [q(0.025), q(0.975)];
const share = (pred: (v: number) => boolean) => final.toFlat().filter(pred).length / EVAL_SAMPLES;
const [tailLo, tailHi] = [share((v) => v < qLo), share((v) => v > qHi)];
const tailOk = (t: number) => t >= 0.0125 && t <= 0.05; // within a factor 2 of 2.5%
const tailWords = (t: number) => (t < 0.0125 ? 'too thin' : t > 0.05 ? 'too heavy' : 'about right');
const tails = `${num(100 * tailLo, 1)}% of G's numbers fall below ${num(qLo, 2)} and ${num(100 * tailHi, 1)}% above ${num(qHi, 2)}, where the data have 2.5% each`;
const verdict: string[] = [];
if (meanOk && stdOk && tailOk(tailLo) && tailOk(tailHi)) {
  verdict.push(`G learned N(4, 0.5²): its mean is off by ${num(Math.abs(gMean - TARGET.mean), 3)}, its spread by ${num(100 * Math.abs(ratio - 1), 1)}%,`,
    'and the tails hold about the right share:', `${tails}.`);
} else if (meanOk && stdOk) {
  verdict.push(`G matches the mean (off by ${num(Math.abs(gMean - TARGET.mean), 3)}) and the spread (off by ${num(100 * Math.abs(ratio - 1), 1)}%), but not the shape:`,
    `${tails}`, `(left tail ${tailWords(tailLo)}, right tail ${tailWords(tailHi)}). The quantile plot shows where G bends away from the data.`,
    'Matching the mean and the spread is easier than matching the whole shape: D learns about the tails only',
    'from the few real numbers that fall there, so its gradient says little about them.');
} else if (meanOk && ratio < 1) {
  verdict.push(`G found the mean but not the spread: its numbers are ${num(ratio, 2)}× as spread out as the data.`,
    'That is partial mode collapse: G puts its mass on the middle of the data and starves the tails:', `${tails}.`);
} else if (meanOk) {
  verdict.push(`G found the mean but spreads its numbers ${num(ratio, 2)}× as wide as the data:`, `${tails}.`);
} else {
  verdict.push(`G has not found the data yet: its mean is ${num(gMean, 3)}, the target's 4.`);
}
verdict.push(dFlat
  ? `On 4 ± 1 D now says ${range(dLast)}: about 1/2, it no longer tells real from generated there.`
  : `On 4 ± 1 D still says ${range(dLast)}: it still sees a difference there (look at the last snapshot).`);
if (dFlat && !(meanOk && stdOk)) {
  verdict.push('D being flat at 1/2 does not prove that G learned the data: a D too weak to see the difference',
    'says 1/2 too. That is why this example compares the statistics themselves.');
}
say('', ...verdict, '', `Training took ${trainSeconds.toFixed(1)} s.`);

// -------------------------------------------------------------------------------------------
// (5) Pictures and the report
// -------------------------------------------------------------------------------------------
banner(5, 'Pictures and the report');
const images: string[] = [];
for (const s of snapshots) {
  const name = `hist-step-${String(s.step).padStart(5, '0')}`;
  writeChart(join(args.out, name), await histogram1d({ title: `step ${s.step}: G mean ${num(mean(s.fake), 2)}, std ${num(std(s.fake), 2)}`, real: s.real, fake: s.fake, dCurve: s.dCurve, width: 420, height: 220 }));
  images.push(`${name}.png`);
}
// Quantile–quantile plot: the p-quantile of G's numbers against the p-quantile of the data, for
// p = 1% … 99%. Equal distributions lie on the diagonal; a slope below 1 means G is too narrow.
const PROBS = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
const quantiles = (t: Tensor) => { const v = Float64Array.from(t.toFlat()).sort(); return PROBS.map((p) => v[Math.floor(p * (v.length - 1))]!); };
const realQ = quantiles(snapshots[snapshots.length - 1]!.real);
const qq: Record<string, number[]> = { 'data (diagonal)': realQ };
for (const s of snapshots.slice(1)) qq[`step ${s.step}`] = quantiles(s.fake);
writeChart(join(args.out, 'qq'), await lineChart({ title: 'Quantiles of G against quantiles of the data (1% … 99%)', x: realQ, series: qq, xLabel: 'data quantile', yLabel: 'G quantile' }));
const stepsX = history.map((h) => h.step);
writeChart(join(args.out, 'losses'), await lineChart({ title: 'Losses (ln 2 ≈ 0.693 is the equilibrium value of loss_D)', x: stepsX, series: { loss_D: history.map((h) => h.lossD), loss_G: history.map((h) => h.lossG), 'ln 2': stepsX.map(() => Math.LN2) }, yLabel: 'loss' }));
writeChart(join(args.out, 'd-outputs'), await lineChart({ title: 'D(x) on real and D(G(z)) on generated batches', x: stepsX, series: { 'D(x)': history.map((h) => h.dReal), 'D(G(z))': history.map((h) => h.dFake) }, yLabel: 'probability' }));
const report = writeReport(args.out, {
  title: '03 — A GAN learns a 1-D Gaussian',
  intro: `The data are numbers from N(4, 0.5²). G (noise z ~ N(0, I), ${cfg.model.zDim} numbers → one number) and D (number → logit) are trained against each other for ${cfg.steps} steps: each step updates D ${cfg.dSteps} time${cfg.dSteps > 1 ? 's' : ''}, then G once. Made by \`${args.command}\` in ${clock.seconds().toFixed(1)} s.\n\n${verdict.join(' ')}`,
  config: { preset: cfg.preset, steps: cfg.steps, seed: cfg.seed, batchSize: cfg.batchSize, 'lr D / G': `${cfg.lrD} / ${cfg.lrG}`, 'lr decay': cfg.lrDecayFrom < 1 ? `linear to ${cfg.lrDecayTo}× from step ${Math.floor(cfg.lrDecayFrom * cfg.steps)}` : 'none', betas: cfg.betas, 'D steps per G step': cfg.dSteps, G: `${cfg.model.zDim} → ${cfg.model.gHidden.join(' → ')} → 1 (ReLU)`, D: `1 → ${cfg.model.dHidden.join(' → ')} → 1 (LeakyReLU ${cfg.model.dSlope})`, 'generator loss': 'non-saturating' },
  metrics: { 'generated mean': gMean, 'generated std': gStd, 'target mean': TARGET.mean, 'target std': TARGET.std, 'std / target std': ratio, 'below the data’s 2.5% quantile': `${num(100 * tailLo, 1)}%`, 'above the data’s 97.5% quantile': `${num(100 * tailHi, 1)}%`, 'D on 4 ± 1 (min … max)': range(dLast), 'training time (s)': Number(trainSeconds.toFixed(1)) },
  sections: [
    { heading: 'Snapshots over training (figure 1 of the GAN paper)', text: 'Grey: the data density. Green: the generator’s density (histograms of 5,000 samples each). Blue, dashed, right axis: D’s curve D(x). At first D separates the two clouds; as G’s density moves onto the data, D flattens towards 1/2.', images },
    { heading: 'Quantiles of G against the data', text: 'Each line plots the p-quantile of G’s numbers against the p-quantile of the data (p = 1% … 99%). When G has learned the data the line lies on the diagonal; a line flatter than the diagonal means G is too narrow (partial mode collapse), a steeper one too wide.', image: 'qq.png' },
    { heading: 'Losses', image: 'losses.png' },
    { heading: 'What D thinks', image: 'd-outputs.png' },
  ],
});
say(`Pictures: ${images.length} snapshots, qq.png, losses.png, d-outputs.png in ${args.out}`, `Report: ${report.markdown} and ${report.html}`, `Done in ${clock.seconds().toFixed(1)} s.`);
