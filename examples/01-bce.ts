// examples/01-bce.ts — the binary cross-entropy cost, the way the lecture builds it.
//
//   npx tsx examples/01-bce.ts                 writes runs/examples/01-bce/
//   npx tsx examples/01-bce.ts --out DIR       writes DIR/ instead
//
// A discriminator looks at a mini-batch of m examples and says, for each, how likely it is to
// be real: a prediction h in [0, 1]. Each example has a label y: 1 for real, 0 for fake. The
// lecture's cost is
//
//     J(θ) = −(1/m) Σᵢ [ yᵢ·log h(xᵢ, θ) + (1 − yᵢ)·log(1 − h(xᵢ, θ)) ]
//
// This script walks through it on a batch of five (one real, four fake), prints each term,
// the cost and its gradient, then draws the two curves the lecture draws: the cost of one
// example with label 1 (−log h) and with label 0 (−log(1 − h)), for h from 0 to 1. It writes
// the picture (PNG and SVG) and a short report (Markdown, and HTML with the picture inline). Nothing here is random: `--seed` and
// `--steps` are accepted (so every example takes the same flags) and ignored.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '@minigan/tensor';
import { param } from '@minigan/autograd';
import { bce, bceTerms, bceWithLogits } from '@minigan/loss';
import { renderChart, writeChart, writeReport, type TopLevelSpec } from '@minigan/gan';
import { exampleArgs } from './lib/args.ts';

// -------------------------------------------------------------------------------------------
// Config
// -------------------------------------------------------------------------------------------
// --out DIR (default runs/examples/01-bce); --seed and --steps are accepted like in every
// example and change nothing here: nothing is random or trained.
const args = exampleArgs({ name: '01-bce', about: 'The BCE cost of the lecture on a batch of five: each term, the cost, its gradient, and the two curves −log h and −log(1 − h).', steps: 0 });
const OUT = args.out;
const CURVE_POINTS = 399; // predictions h sampled inside (0, 1) for the curves
const Y_MAX = 7; // the curves rise to 100 (the clamp); the chart shows 0..7, where they bend

const fmt = (v: number, digits = 4) => v.toFixed(digits).padStart(digits + 4);

// -------------------------------------------------------------------------------------------
// (1) The batch of five: the discriminator's predictions h and the labels y
// -------------------------------------------------------------------------------------------
// The first example is real (y = 1), the other four are fake (y = 0). The predictions are what
// an untrained discriminator might say: it is unsure about everything.
const h = T.tensor([0.5342240929603577, 0.20482712984085083, 0.6560274362564087, 0.6537524461746216, 0.23810634016990662], [5], 'float64'); // [m]
const y = T.tensor([1, 0, 0, 0, 0], [5], 'float64'); // [m]
const m = h.size;

console.log('(1) A mini-batch of m = 5: one real example (label 1) and four fake ones (label 0).');
console.log('    h is the discriminator\'s prediction "how real is this?", between 0 and 1.\n');

// -------------------------------------------------------------------------------------------
// (2) Each term of the cost, per example
// -------------------------------------------------------------------------------------------
// The left term y·log h only counts for real examples (y = 1); the right term (1 − y)·log(1 − h)
// only for fakes (y = 0). Both are ≤ 0 (logs of numbers ≤ 1); −(left + right) is the cost of
// one example.
const { real, fake } = bceTerms(h, y); // [m], [m]
const perExample = bce(h, y, { reduction: 'none' }).value; // [m]

interface Row { i: number; kind: string; y: number; h: number; real: number; fake: number; cost: number }
const rows: Row[] = [];
for (let i = 0; i < m; i++) {
  rows.push({ i, kind: y.get(i) === 1 ? 'real' : 'fake', y: y.get(i), h: h.get(i), real: real.get(i), fake: fake.get(i), cost: perExample.get(i) });
}

console.log('(2) The two terms of the cost, example by example:\n');
const W = [8, 10, 16, 13]; // column widths: h, y·log h, (1−y)·log(1−h), cost
console.log(`     i  kind  y${'h'.padStart(W[0]!)}${'y·log h'.padStart(W[1]!)}${'(1−y)·log(1−h)'.padStart(W[2]!)}${'cost −(sum)'.padStart(W[3]!)}`);
for (const r of rows) {
  const cells = [r.h, r.real, r.fake, r.cost].map((v, k) => v.toFixed(4).padStart(W[k]!));
  console.log(`     ${r.i}  ${r.kind}  ${r.y}${cells.join('')}`);
}
console.log('\n    The real example is judged only by log h, the fakes only by log(1 − h).\n');

// -------------------------------------------------------------------------------------------
// (3) The cost J: the mean over the batch, with the minus sign
// -------------------------------------------------------------------------------------------
const hp = param(h.clone()); // a leaf we can differentiate with respect to
const J = bce(hp, y); // mean over the m examples → a 0-d Variable
J.backward();
const byHand = -rows.reduce((s, r) => s + r.real + r.fake, 0) / m;
const grad = hp.grad!; // dJ/dh, [m]

console.log(`(3) The cost J = −(1/m) Σ [y·log h + (1 − y)·log(1 − h)] = ${J.item().toFixed(6)}`);
console.log(`    (summing the table by hand gives ${byHand.toFixed(6)}; the minus sign makes it ≥ 0)`);
console.log('    Its gradient dJ/dh says which way each prediction should move to lower the cost:');
for (let i = 0; i < m; i++) {
  const g = grad.get(i);
  console.log(`      example ${i} (${rows[i]!.kind}): dJ/dh = ${fmt(g)}  → ${g < 0 ? 'raise h (call it more real)' : 'lower h (call it more fake)'}`);
}
console.log();

// -------------------------------------------------------------------------------------------
// (4) Agreeing costs about nothing; disagreeing costs a lot
// -------------------------------------------------------------------------------------------
const single = (hv: number, yv: number) => bce(T.tensor([hv], [1], 'float64'), T.tensor([yv], [1], 'float64')).item();
const cases: [number, number, string][] = [
  [0.99, 1, 'real, called real'],
  [0.01, 0, 'fake, called fake'],
  [0.5, 1, 'real, unsure'],
  [0.01, 1, 'real, called fake'],
  [0.99, 0, 'fake, called real'],
  [0, 1, 'real, called certainly fake'],
];
console.log('(4) One example at a time: the cost is near 0 when prediction and label agree and grows');
console.log('    without bound when they disagree (PyTorch, and minigan, clamp each log at −100):');
for (const [hv, yv, what] of cases) console.log(`      h = ${hv.toFixed(2)}, y = ${yv}  (${what.padEnd(27)}) cost ${single(hv, yv).toFixed(4)}`);
// The same cost straight from the discriminator's raw score (logit) x, with h = σ(x):
const x = T.tensor([3, -3], [2], 'float64');
const viaLogits = bceWithLogits(x, T.tensor([1, 1], [2], 'float64'), { reduction: 'none' }).value;
console.log(`    From raw scores x (h = σ(x)): x = 3 → ${viaLogits.get(0).toFixed(4)}, x = −3 → ${viaLogits.get(1).toFixed(4)} for a real example`);
console.log('    (bceWithLogits computes the same cost without ever forming h, so it stays exact for large |x|).\n');

// -------------------------------------------------------------------------------------------
// (5) The lecture's two curves: −log h (label 1) and −log(1 − h) (label 0)
// -------------------------------------------------------------------------------------------
// Computed with bce itself on a grid of predictions, once with every label 1, once with 0.
// The grid ends where the curves leave the chart: −log h = Y_MAX at h = e^−Y_MAX.
const edge = Math.exp(-Y_MAX);
const grid = T.linspace(edge, 1 - edge, CURVE_POINTS, 'float64'); // [CURVE_POINTS], h ∈ (0, 1)
const costReal = bce(grid, T.onesLike(grid), { reduction: 'none' }).value; // −log h
const costFake = bce(grid, T.zerosLike(grid), { reduction: 'none' }).value; // −log(1 − h)

const LABEL_REAL = 'label 1 (real): −log h';
const LABEL_FAKE = 'label 0 (fake): −log(1 − h)';
const curve: { h: number; cost: number; curve: string }[] = [];
for (let i = 0; i < CURVE_POINTS; i++) {
  const hv = grid.get(i);
  curve.push({ h: hv, cost: costReal.get(i), curve: LABEL_REAL });
  curve.push({ h: hv, cost: costFake.get(i), curve: LABEL_FAKE });
}
const batchPoints = rows.map((r) => ({ h: r.h, cost: r.cost, curve: r.y === 1 ? LABEL_REAL : LABEL_FAKE, example: `example ${r.i} (${r.kind})` }));

const colors = { domain: [LABEL_REAL, LABEL_FAKE], range: ['#1f77b4', '#d62728'] };
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: { text: 'Binary cross-entropy of one example', subtitle: 'the dots are the batch of five, each on the curve of its label' },
  width: 520,
  height: 340,
  background: 'white',
  layer: [
    {
      data: { values: curve },
      mark: { type: 'line', strokeWidth: 2.5 },
      encoding: {
        x: { field: 'h', type: 'quantitative', title: 'prediction h = D(x)', scale: { domain: [0, 1] } },
        y: { field: 'cost', type: 'quantitative', title: 'cost', scale: { domain: [0, Y_MAX] } },
        color: { field: 'curve', type: 'nominal', title: null, scale: colors, legend: { orient: 'top', labelFontSize: 13, labelLimit: 0, symbolType: 'stroke', symbolStrokeWidth: 3 } },
      },
    },
    {
      data: { values: batchPoints },
      mark: { type: 'point', filled: true, size: 90, stroke: 'black', strokeWidth: 1 },
      encoding: {
        x: { field: 'h', type: 'quantitative' },
        y: { field: 'cost', type: 'quantitative' },
        color: { field: 'curve', type: 'nominal', scale: colors },
      },
    },
  ],
};

mkdirSync(OUT, { recursive: true });
// Vega-Lite draws the axes, ticks and legend; @minigan/gan renders it to SVG and PNG.
const chart = await renderChart(spec);
const { png: pngPath, svg: svgPath } = writeChart(join(OUT, 'bce-curves'), chart);
console.log('(5) The two curves, as in the lecture: for a real example the cost falls to 0 as h → 1;');
console.log('    for a fake one it falls to 0 as h → 0. Each rises steeply towards the wrong end.');
console.log(`    Picture: ${pngPath}`);

// -------------------------------------------------------------------------------------------
// (6) The report
// -------------------------------------------------------------------------------------------
// @minigan/gan's writeReport makes report.md (the picture linked) and a self-contained report.html.
const cmd = args.command;
const report = writeReport(OUT, {
  title: '01 — The binary cross-entropy cost',
  intro: [
    'The lecture\'s cost over a mini-batch of m examples, with label y = 1 for real and 0 for fake and',
    'the discriminator\'s prediction h = D(x) in [0, 1]:',
    '',
    '    J(θ) = −(1/m) Σᵢ [ yᵢ·log h(xᵢ, θ) + (1 − yᵢ)·log(1 − h(xᵢ, θ)) ]',
    '',
    `Made by \`${cmd}\`; nothing in it is random.`,
  ].join('\n'),
  metrics: { 'J, the mean cost of the batch of five': J.item().toFixed(6), 'J summed by hand from the table': byHand.toFixed(6) },
  sections: [
    {
      heading: 'The batch of five',
      text: 'One real example and four fake ones. The real example is judged only by y·log h, the fakes only by (1 − y)·log(1 − h); the cost of an example is minus the sum of its two terms, and J is their mean. The gradient dJ/dh is negative for the real example (raise its prediction) and positive for the fakes (lower theirs).',
      table: {
        columns: ['i', 'kind', 'y', 'h', 'y·log h', '(1 − y)·log(1 − h)', 'cost of the example', 'dJ/dh'],
        rows: rows.map((r) => [r.i, r.kind, r.y, r.h.toFixed(4), r.real.toFixed(4), r.fake.toFixed(4), r.cost.toFixed(4), grad.get(r.i).toFixed(4)]),
      },
    },
    {
      heading: 'Agree, disagree',
      text: 'The cost is near 0 when prediction and label agree and large when they disagree. The last row is finite only because each log is clamped at −100, as PyTorch does.',
      table: { columns: ['h', 'y', 'situation', 'cost'], rows: cases.map(([hv, yv, what]) => [hv, yv, what, single(hv, yv).toFixed(4)]) },
    },
    {
      heading: 'The two curves',
      text: 'For a real example (label 1) the cost is −log h: near 0 when D says "real" (h → 1), without bound when D says "fake" (h → 0). For a fake example (label 0) it is −log(1 − h), the mirror image. The dots are the five examples above, each on the curve of its label.',
      image: 'bce-curves.png',
    },
  ],
});
console.log(`(6) Report: ${report.markdown}  (and ${report.html}; the picture also as ${svgPath})`);
