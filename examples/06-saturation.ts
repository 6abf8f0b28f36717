// examples/06-saturation.ts — why G minimises −log D(G(z)) and not log(1 − D(G(z))).
//
//   npx tsx examples/06-saturation.ts                    writes runs/examples/06-saturation/
//   npx tsx examples/06-saturation.ts --steps 500        trains the confident D longer
//
// The GAN game as first written has G minimise log(1 − D(G(z))) (the "minimax" loss). Early in
// training G is bad, D easily tells its samples are fake, and D(G(z)) is close to 0 — exactly
// where log(1 − p) is flat: G gets almost no gradient. The "non-saturating" loss −log D(G(z))
// has the same fixed point but a steep slope there. This script computes both gradients with
// the framework's autograd — with respect to D's logit a (p = σ(a)) and with respect to p, i.e.
// before and after the chain rule goes through σ — checks them against the formulas, plots them
// over D(G(z)) ∈ (0, 1), and then measures the gradient each loss gives a real generator when a
// discriminator, trained for `--steps` steps against it, is confident its samples are fake.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '@minigan/tensor';
import { Variable, log, neg, noGrad, param, sigmoid, sub, sum } from '@minigan/autograd';
import { GanRun, MODEL_PRESETS, discriminatorStep, generatorLoss, gradNorm, lineChart, makeConfig, writeChart, writeReport, type GeneratorLossKind } from '@minigan/gan';
import { exampleArgs } from './lib/args.ts';
import { banner, num, printTable, say, stopwatch } from './lib/print.ts';

// -------------------------------------------------------------------------------------------
// Config
// -------------------------------------------------------------------------------------------
const args = exampleArgs({
  name: '06-saturation',
  about: 'The gradient each generator loss (minimax log(1 − D(G(z))) vs non-saturating −log D(G(z))) gives G when D is confident the samples are fake.',
  steps: 300,
});
const OUT = args.out;
const GRID = 199; // values of p = D(G(z)) on the curves
const P_MIN = 1e-3; // the curves span p ∈ [P_MIN, 1 − P_MIN] on a log-odds grid
const MEASURE_EVERY = 20; // D-only steps between two measurements of G's gradient (part 4)
const clock = stopwatch();
mkdirSync(OUT, { recursive: true });
const KINDS: GeneratorLossKind[] = ['minimax', 'ns'];
const NAME = { minimax: 'minimax: log(1 − D(G(z)))', ns: 'non-saturating: −log D(G(z))' } as const;
const SHORT = { minimax: 'minimax', ns: 'non-saturating' } as const; // chart legends are short

// -------------------------------------------------------------------------------------------
// (1) The two generator losses, as functions of p = D(G(z))
// -------------------------------------------------------------------------------------------
banner(1, 'The two generator losses, as functions of p = D(G(z)) = σ(a), a = D’s logit');
say('minimax (Goodfellow et al. 2014):  G minimises log(1 − p)   = −bce(a, 0)',
  'non-saturating (same paper, §3):    G minimises −log p       =  bce(a, 1)',
  'Both push p up, towards "real". They differ in how hard they push when p is near 0.');

// -------------------------------------------------------------------------------------------
// (2) Their gradients, by autograd, along two paths
// -------------------------------------------------------------------------------------------
// (a) Fused: the objectives G really trains with (generatorLoss → bceWithLogits on the logit);
//     reduction is the batch mean, so multiply by B to read each element's own gradient.
// (b) Composed through σ: p = sigmoid(a) with retainGrad, the loss written from log and sub;
//     p.grad is dL/dp, a.grad is dL/da = dL/dp · σ'(a), with σ'(a) = p(1 − p).
banner(2, 'Their gradients, computed by autograd, checked against the formulas');
const logitOf = (p: number) => Math.log(p / (1 - p));
const a0 = T.linspace(logitOf(P_MIN), logitOf(1 - P_MIN), GRID, 'float64'); // [GRID] logits
const p0 = T.sigmoid(a0).toFlat(); // [GRID] p = σ(a)

interface Grads { dLda: Float64Array; dLdp: Float64Array; fused: Float64Array; loss: Float64Array }
const grads = {} as Record<GeneratorLossKind, Grads>;
for (const kind of KINDS) {
  // (a) fused
  const aF = param(a0.clone());
  const lossF = generatorLoss(aF, kind); // mean over the GRID "samples"
  lossF.backward();
  const fused = Float64Array.from(aF.grad!.toFlat(), (g) => g * GRID);
  // (b) composed through σ
  const a = param(a0.clone());
  const p = sigmoid(a).retainGrad(); // [GRID]
  const perSample = kind === 'minimax' ? log(sub(1, p)) : neg(log(p)); // [GRID]
  sum(perSample).backward();
  grads[kind] = { dLda: a.grad!.toFlat() as Float64Array, dLdp: p.grad!.toFlat() as Float64Array, fused, loss: perSample.value.toFlat() as Float64Array };
}
// The formulas: minimax dL/dp = −1/(1 − p), dL/da = −p; non-saturating dL/dp = −1/p, dL/da = −(1 − p).
const formula = {
  minimax: { dLdp: (p: number) => -1 / (1 - p), dLda: (p: number) => -p },
  ns: { dLdp: (p: number) => -1 / p, dLda: (p: number) => -(1 - p) },
};
const relErr = (x: number, y: number) => Math.abs(x - y) / Math.max(Math.abs(y), 1e-300);
const agreeRows: (string | number)[][] = [];
for (const kind of KINDS) {
  let eFused = 0, eComposed = 0, eDp = 0;
  for (let i = 0; i < GRID; i++) {
    const p = p0[i]!;
    eFused = Math.max(eFused, relErr(grads[kind].fused[i]!, formula[kind].dLda(p)));
    eComposed = Math.max(eComposed, relErr(grads[kind].dLda[i]!, formula[kind].dLda(p)));
    eDp = Math.max(eDp, relErr(grads[kind].dLdp[i]!, formula[kind].dLdp(p)));
  }
  agreeRows.push([NAME[kind], eFused.toExponential(1), eComposed.toExponential(1), eDp.toExponential(1)]);
  if (Math.max(eFused, eComposed, eDp) > 1e-9) throw new Error(`${kind}: autograd and the formula disagree`);
}
say(`On ${GRID} values of p from ${P_MIN} to ${1 - P_MIN} (float64), the largest relative difference between autograd and the formula:`, '');
printTable(['generator loss', 'dL/da, fused', 'dL/da, through σ', 'dL/dp'], agreeRows);
const pick = [0.001, 0.01, 0.1, 0.5, 0.9, 0.99];
const sampleRows = pick.map((p) => {
  const i = Math.round(((logitOf(p) - logitOf(P_MIN)) / (logitOf(1 - P_MIN) - logitOf(P_MIN))) * (GRID - 1));
  const pi = p0[i]!;
  return [num(pi, 4), num(grads.minimax.dLdp[i]!, 3), num(grads.minimax.dLda[i]!, 4), num(grads.ns.dLdp[i]!, 3), num(grads.ns.dLda[i]!, 4), num(pi * (1 - pi), 4)];
});
say('', 'Read along a row: when D is sure the sample is fake (p small), σ’(a) = p(1 − p) is tiny. The minimax',
  'loss’s dL/dp stays near −1, so after the chain rule through σ almost nothing is left (dL/da = −p).',
  'The non-saturating loss’s dL/dp = −1/p grows exactly as fast as σ’ shrinks: dL/da = −(1 − p) ≈ −1.', '');
printTable(['p = D(G(z))', 'minimax dL/dp', 'minimax dL/da', 'NS dL/dp', 'NS dL/da', 'σ’(a) = p(1−p)'], sampleRows);

// -------------------------------------------------------------------------------------------
// (3) Pictures of the curves
// -------------------------------------------------------------------------------------------
banner(3, 'Pictures of the curves over D(G(z)) ∈ (0, 1)');
const px = Array.from(p0);
const chartDa = await lineChart({
  title: 'The gradient G receives: |dL/da|, through σ to D’s logit a', x: px, xLabel: 'D(G(z)): what D thinks of the generated sample', yLabel: '|dL/da|',
  series: { [SHORT.minimax]: Array.from(grads.minimax.dLda, Math.abs), [SHORT.ns]: Array.from(grads.ns.dLda, Math.abs) }, logY: true, width: 520,
});
writeChart(join(OUT, 'grad-logit'), chartDa);
const chartDp = await lineChart({
  title: 'Before and at σ: |dL/dp| and σ’(a) = p(1 − p)', x: px, xLabel: 'D(G(z))', yLabel: 'magnitude', logY: true, width: 520,
  series: { 'minimax |dL/dp|': Array.from(grads.minimax.dLdp, Math.abs), 'NS |dL/dp|': Array.from(grads.ns.dLdp, Math.abs), 'σ’(a) = p(1 − p)': px.map((p) => p * (1 - p)) },
});
writeChart(join(OUT, 'grad-prob'), chartDp);
const chartLoss = await lineChart({
  title: 'The losses G minimises', x: px, xLabel: 'D(G(z))', yLabel: 'loss', width: 520,
  series: { 'minimax log(1 − p)': Array.from(grads.minimax.loss), 'NS −log p': Array.from(grads.ns.loss) },
});
writeChart(join(OUT, 'losses'), chartLoss);
say(`Pictures: ${join(OUT, 'grad-logit.png')}, grad-prob.png, losses.png`);

// -------------------------------------------------------------------------------------------
// (4) The same on a real generator: train D alone until it is confident, measure ‖∇G‖
// -------------------------------------------------------------------------------------------
// The toy 2-D GAN (MODEL_PRESETS.toy2d) on the ring of 8, untrained G; model, batch (256) and
// lr (1e-3) are named here because the ring8 preset is tuned for its benchmark and differs. D is
// trained for `--steps` steps (G frozen); every MEASURE_EVERY steps we compute each loss's
// gradient on G's parameters for one fixed noise batch, without updating G.
banner(4, `A real generator: D trained alone for ${args.steps} steps becomes confident; the gradient each loss gives G`);
const toy2d = { ...MODEL_PRESETS.toy2d, gHidden: [...MODEL_PRESETS.toy2d.gHidden], dHidden: [...MODEL_PRESETS.toy2d.dHidden] };
const run = GanRun.create(makeConfig('ring8', { seed: args.seed, steps: Math.max(1, args.steps), batchSize: 256, lrD: 1e-3, lrG: 1e-3, model: toy2d }));
const B = run.config.batchSize;
const zFixed = run.evalRng('saturation').normal([B, run.config.model.zDim]); // [B, zDim]
const dParams = run.D.parameters();
/** ‖∇_θG L‖ for one generator loss on the fixed noise batch (G and D unchanged). */
const gGradNorm = (kind: GeneratorLossKind): number => {
  for (const p of dParams) p.requiresGrad = false; // only G's gradient is wanted
  try {
    run.G.zeroGrad();
    generatorLoss(run.D.forward(run.G.forward(new Variable(zFixed))), kind).backward(); // [B, zDim] → [B, 2] → [B, 1] → scalar
    return gradNorm(run.G);
  } finally {
    for (const p of dParams) p.requiresGrad = true;
    run.G.zeroGrad();
  }
};
const meanDFake = (): number => noGrad(() => T.mean(T.sigmoid(run.D.forward(run.G.forward(new Variable(zFixed))).value)).item());
const measured: { step: number; dFake: number; mm: number; ns: number }[] = [];
const measure = (step: number) => measured.push({ step, dFake: meanDFake(), mm: gGradNorm('minimax'), ns: gGradNorm('ns') });
measure(0);
for (let step = 1; step <= args.steps; step++) {
  // (1) Update D only: maximise log D(x) + log(1 − D(G(z))); G does not move in this part.
  const real = run.data.next(B, run.rng); // [B, 2]
  const z = run.rng.normal([B, run.config.model.zDim]); // [B, zDim]
  discriminatorStep(run.parts, real, z);
  if (step % MEASURE_EVERY === 0 || step === args.steps) measure(step);
}
const rows4 = measured.filter((_, i) => i % 3 === 0 || i === measured.length - 1).map((m) => [m.step, num(m.dFake, 4), num(m.mm, 5), num(m.ns, 5), num(m.ns / m.mm, 1)]);
printTable(['D steps', 'mean D(G(z))', '‖∇G‖ minimax', '‖∇G‖ non-saturating', 'ratio NS / minimax'], rows4);
const last = measured[measured.length - 1]!;
say('', `After ${args.steps} D steps D gives the generated points ${num(last.dFake, 4)} on average. The minimax loss gives G a gradient`,
  `of norm ${num(last.mm, 5)}, the non-saturating one ${num(last.ns, 5)}: ${num(last.ns / last.mm, 1)} times stronger, where G needs it most.`);
const chartReal = await lineChart({
  title: 'Gradient norm on G’s parameters as D grows confident', x: measured.map((m) => m.step), xLabel: 'discriminator-only training steps', yLabel: '‖∇G‖, and mean D(G(z))', logY: true, width: 520,
  series: { [`‖∇G‖ ${SHORT.minimax}`]: measured.map((m) => m.mm), [`‖∇G‖ ${SHORT.ns}`]: measured.map((m) => m.ns), 'mean D(G(z))': measured.map((m) => m.dFake) },
});
writeChart(join(OUT, 'real-generator'), chartReal);

// -------------------------------------------------------------------------------------------
// (5) The report
// -------------------------------------------------------------------------------------------
banner(5, 'The report');
const report = writeReport(OUT, {
  title: '06 — Why the non-saturating generator loss',
  intro: `G can minimise log(1 − D(G(z))) (the minimax game) or −log D(G(z)) (non-saturating). With p = D(G(z)) = σ(a), the chain rule gives dL/da = −p for the first and −(1 − p) for the second: when D is confident the samples are fake (p → 0) the first vanishes and the second does not. Every gradient here comes from autograd and is checked against these formulas.\n\nMade by \`${args.command}\` in ${clock.seconds().toFixed(1)} s.`,
  config: { 'p grid': `${GRID} points, ${P_MIN} … ${1 - P_MIN}`, 'D-only steps (part 4)': args.steps, seed: args.seed, 'toy GAN': 'ring8 preset (G 2→128→128→2, D 2→128→128→1)' },
  metrics: { 'mean D(G(z)) after D training': last.dFake, '‖∇G‖ minimax': last.mm, '‖∇G‖ non-saturating': last.ns, 'ratio': last.ns / last.mm },
  sections: [
    { heading: 'Autograd agrees with the formulas', text: 'Largest relative difference over the grid, for the fused loss G trains with (generatorLoss, on logits) and for the loss composed from σ, log and sub.', table: { columns: ['generator loss', 'dL/da, fused', 'dL/da, through σ', 'dL/dp'], rows: agreeRows } },
    { heading: 'The gradient G receives', text: 'After the chain rule through σ. Near p = 0 the minimax gradient falls like p, the non-saturating one stays near 1.', image: 'grad-logit.png', table: { columns: ['p = D(G(z))', 'minimax dL/dp', 'minimax dL/da', 'NS dL/dp', 'NS dL/da', 'σ’(a)'], rows: sampleRows } },
    { heading: 'Before and at σ', text: 'σ’(a) = p(1 − p) vanishes at both ends. The minimax dL/dp stays bounded near p = 0, so the product vanishes; the non-saturating dL/dp = −1/p cancels σ’ exactly.', image: 'grad-prob.png' },
    { heading: 'The losses', text: 'Both decrease as p grows; log(1 − p) is flat near p = 0, −log p is steep there.', image: 'losses.png' },
    { heading: 'On a real generator', text: `An untrained toy generator; D trained alone for ${args.steps} steps. Every ${MEASURE_EVERY} steps, the norm of each loss's gradient on G's parameters for one fixed noise batch of ${B}.`, image: 'real-generator.png', table: { columns: ['D steps', 'mean D(G(z))', '‖∇G‖ minimax', '‖∇G‖ non-saturating', 'ratio'], rows: rows4 } },
  ],
});
say(`Report: ${report.markdown} and ${report.html}`, `Done in ${clock.seconds().toFixed(1)} s.`);
