// examples/02-autograd.ts — reverse-mode differentiation, on the smallest discriminator there is.
//
//   npx tsx examples/02-autograd.ts                writes runs/examples/02-autograd/
//   npx tsx examples/02-autograd.ts --out DIR      writes DIR/ instead
//
// Training a GAN is gradient descent on two costs. This script shows where the gradients come
// from: it builds the graph of one neuron judging one example, D(x) = σ(w·x + b), with the cost
// −log D(x) of calling a real example real; prints the graph; runs backward(); checks the result
// against the chain rule by hand and against central differences (gradcheck). Then it shows
// numerically that the gradient of bceWithLogits with respect to the logit is σ(x) − y, and why
// the loss is taken on logits: composing bce(σ(x), y) gives the same gradient until σ rounds
// to 1, and then gives 0. `--seed` picks the neuron's random weights and example; `--steps` is
// the number of logits on the σ(x) − y grid.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as T from '@minigan/tensor';
import { add, formatGraph, gradcheck, mul, param, sigmoid, sum, walkGraph, type Variable } from '@minigan/autograd';
import { bce, bceWithLogits } from '@minigan/loss';
import { renderChart, writeChart, writeReport, type ReportSection, type TopLevelSpec } from '@minigan/gan';
import { exampleArgs } from './lib/args.ts';
import { banner, num, printTable, say, stopwatch } from './lib/print.ts';

// -------------------------------------------------------------------------------------------
// Config
// -------------------------------------------------------------------------------------------
const args = exampleArgs({
  name: '02-autograd',
  about: 'Builds, prints, differentiates and gradient-checks a tiny graph; shows that d bceWithLogits / dx = σ(x) − y.',
  steps: 161,
});
const OUT = args.out;
const FEATURES = 3; // the neuron looks at an example with 3 numbers
const GRID = Math.max(args.steps, 3); // logits on the σ(x) − y grid
const X_RANGE = 8; // the grid spans x ∈ [−8, 8]
const clock = stopwatch();
mkdirSync(OUT, { recursive: true });
const rng = new T.Rng(args.seed);

// -------------------------------------------------------------------------------------------
// (1) Build a graph: one neuron judges one real example
// -------------------------------------------------------------------------------------------
// Every op records its inputs, so the cost remembers how it was made. Leaves are the values we
// start from: the example x (a constant) and the parameters w, b (which require a gradient).
banner(1, 'Build a graph: one neuron D(x) = σ(w·x + b) judges one real example');
const x = rng.normal([FEATURES], 0, 1, 'float64'); // [3], the example
const w = param(rng.normal([FEATURES], 0, 0.5, 'float64'), 'w'); // [3]
const b = param(T.zeros([1], 'float64'), 'b'); // [1]
const y = T.ones([1], 'float64'); // [1], label 1: the example is real

const neuron = (wv: Variable, bv: Variable): { z: Variable; h: Variable; J: Variable } => {
  const z = add(sum(mul(wv, x), 0, { keepdims: true }), bv); // [3]·[3] → [1], the logit
  const h = sigmoid(z); // [1], D(x): how real the neuron thinks x is
  const J = bce(h, y); // [] scalar, −log D(x) for a real example
  return { z, h, J };
};
const { z, h, J } = neuron(w, b);
say(`x = [${Array.from(x.toFlat(), (v) => num(v, 3)).join(', ')}]   (the example; label y = 1, real)`,
  `w = [${Array.from(w.value.toFlat(), (v) => num(v, 3)).join(', ')}]   b = ${num(b.value.item(), 3)}`,
  `z = w·x + b = ${num(z.item())},  D(x) = σ(z) = ${num(h.item())},  cost J = −log D(x) = ${num(J.item())}`,
  '',
  'The graph the cost remembers (root first, each node above the nodes it was made from):',
  '');
const graphText = formatGraph(J);
say(graphText);

// -------------------------------------------------------------------------------------------
// (2) Differentiate: backward() walks the graph in reverse
// -------------------------------------------------------------------------------------------
// backward() sorts the nodes so each comes after everything it depends on, then visits them in
// reverse, handing each op the gradient of its output and collecting the gradients of its inputs.
banner(2, 'Differentiate: J.backward() walks the graph from the cost back to the leaves');
J.backward();
// The chain rule by hand: dJ/dh = −1/h, dh/dz = h(1 − h), so dJ/dz = h − 1 = h − y;
// dz/dw = x and dz/db = 1.
const dz = h.item() - 1;
const byHandW = Array.from(x.toFlat(), (v) => dz * v);
const gradW = Array.from(w.grad!.toFlat());
const gradRows = gradW.map((g, i) => [`dJ/dw${i}`, g, byHandW[i]!, Math.abs(g - byHandW[i]!)] as [string, number, number, number]);
gradRows.push(['dJ/db', b.grad!.item(), dz, Math.abs(b.grad!.item() - dz)]);
say('The chain rule by hand: dJ/dz = dJ/dh · dh/dz = (−1/h) · h(1 − h) = h − y, then dz/dw = x, dz/db = 1.', '');
printTable(['gradient', 'backward()', 'by hand (h − y)·x', '|difference|'], gradRows.map(([k, a, c, d]) => [k, num(a, 8), num(c, 8), d.toExponential(1)]));

// -------------------------------------------------------------------------------------------
// (3) Gradient-check: compare with central differences
// -------------------------------------------------------------------------------------------
// gradcheck nudges every input element by ±ε (float64) and compares (J(θ+ε) − J(θ−ε)) / 2ε
// with what backward() computed.
banner(3, 'Gradient-check: backward() against central differences (J(θ+ε) − J(θ−ε)) / 2ε');
const check = gradcheck((wv, bv) => neuron(wv!, bv!).J, [w.value, b.value]);
const worst = check.worst!;
say(`gradcheck compared ${check.checked} numbers: ${check.ok ? 'all agree' : 'MISMATCH'}; the worst, input ${worst.input} at [${worst.index.join(',')}],`,
  `has analytic ${worst.analytic.toExponential(10)} and numeric ${worst.numeric.toExponential(10)} (|difference| ${Math.abs(worst.analytic - worst.numeric).toExponential(1)}).`);
if (!check.ok) throw new Error('gradcheck failed');

// -------------------------------------------------------------------------------------------
// (4) The gradient of bceWithLogits is σ(x) − y
// -------------------------------------------------------------------------------------------
// With h = σ(x): dℓ/dx = dℓ/dh · dh/dx = (h − y)/(h(1 − h)) · h(1 − h) = σ(x) − y. The fused op
// computes exactly that in its backward; here we read its gradient off autograd on a grid of
// logits (reduction 'sum', so element i's gradient is its own dℓᵢ/dxᵢ) for three labels.
banner(4, 'The gradient of bceWithLogits with respect to the logit is σ(x) − y');
const LABELS = [1, 0, 0.3];
const grid = T.linspace(-X_RANGE, X_RANGE, GRID, 'float64'); // [GRID]
const curve: { x: number; value: number; label: string; kind: string }[] = [];
const rows4: (string | number)[][] = [];
for (const label of LABELS) {
  const logits = param(grid.clone()); // [GRID]
  const target = T.full([GRID], label, 'float64');
  bceWithLogits(logits, target, { reduction: 'sum' }).backward();
  const auto = logits.grad!.toFlat();
  const formula = T.sub(T.sigmoid(grid), target).toFlat(); // σ(x) − y
  let maxDiff = 0;
  for (let i = 0; i < GRID; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(auto[i]! - formula[i]!));
    curve.push({ x: grid.get(i), value: formula[i]!, label: `y = ${label}`, kind: 'σ(x) − y' });
    if (i % Math.max(1, Math.floor(GRID / 16)) === 0) curve.push({ x: grid.get(i), value: auto[i]!, label: `y = ${label}`, kind: 'autograd' });
  }
  const cc = gradcheck((l) => bceWithLogits(l!, target, { reduction: 'sum' }), [grid]);
  rows4.push([`y = ${label}`, GRID, maxDiff.toExponential(1), cc.ok ? `ok (worst ratio ${cc.worst!.ratio.toExponential(1)})` : 'MISMATCH']);
  if (!cc.ok || maxDiff > 1e-12) throw new Error(`bceWithLogits gradient differs from σ(x) − y for y = ${label}`);
}
say(`On ${GRID} logits from −${X_RANGE} to ${X_RANGE} (float64):`, '');
printTable(['label', 'logits', 'max |autograd − (σ(x) − y)|', 'gradcheck'], rows4);
say('', 'At the extremes the gradient is bounded by 1 in size: a confident, wrong D gets a strong,',
  'finite push back, however wrong it is.');

// -------------------------------------------------------------------------------------------
// (5) Why on logits: the same gradient through σ and bce breaks when σ rounds to 1
// -------------------------------------------------------------------------------------------
// bce(σ(x), 0) has the same gradient on paper, but in float32 σ(20) is exactly 1, so dh/dx =
// h(1 − h) is 0 and the chain rule multiplies the (clamped) dℓ/dh by 0: D learns nothing from
// its most confident mistakes. bceWithLogits never forms h and keeps σ(x) − y = 1.
banner(5, 'Why the loss is taken on logits: bce(σ(x), y) loses the gradient once σ(x) rounds to 1');
const big = T.tensor([0, 5, 10, 15, 17, 20, 40], [7]); // float32, label 0: fakes D calls real
const fused = param(big.clone());
bceWithLogits(fused, T.zeros([7]), { reduction: 'sum' }).backward();
const composed = param(big.clone());
bce(sigmoid(composed), T.zeros([7]), { reduction: 'sum' }).backward();
const rows5 = Array.from(big.toFlat(), (v, i) => [v, num(T.sigmoid(big).get(i), 7), num(fused.grad!.get(i), 7), num(composed.grad!.get(i), 7)]);
say('A fake example (y = 0) that D scores with logit x, in float32:', '');
printTable(['logit x', 'σ(x)', 'bceWithLogits: dℓ/dx', 'bce(σ(x)): dℓ/dx'], rows5);

// -------------------------------------------------------------------------------------------
// (6) Pictures and the report
// -------------------------------------------------------------------------------------------
banner(6, 'Pictures and the report');
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: { text: 'Gradient of bceWithLogits with respect to the logit', subtitle: 'lines: σ(x) − y; dots: what autograd computed' },
  width: 520,
  height: 300,
  background: 'white',
  layer: [
    {
      data: { values: curve.filter((p) => p.kind === 'σ(x) − y') },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'logit x (D’s raw score)' },
        y: { field: 'value', type: 'quantitative', title: 'dℓ/dx', scale: { domain: [-1, 1] } },
        color: { field: 'label', type: 'nominal', title: 'label', legend: { orient: 'top-left' } },
      },
    },
    {
      data: { values: curve.filter((p) => p.kind === 'autograd') },
      mark: { type: 'point', filled: true, size: 45, stroke: 'black', strokeWidth: 0.7 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, color: { field: 'label', type: 'nominal' } },
    },
  ],
};
const picture = writeChart(join(OUT, 'bce-logit-gradient'), await renderChart(spec));
say(`Picture: ${picture.png}`);
const nodes = walkGraph(J);
const sections: ReportSection[] = [
  {
    heading: '1. The graph',
    text: `One neuron D(x) = σ(w·x + b) judges one real example x (label 1); the cost is J = bce(D(x), 1) = −log D(x) = ${num(J.item())}. Each node of the graph, root first, with the nodes it was made from:`,
    table: { columns: ['node', 'op', 'name', 'shape', 'made from'], rows: nodes.map((n, i) => [`#${i}`, n.op, n.name ?? '', `[${n.shape.join(',')}]`, n.parents.map((p) => `#${p}`).join(', ')]) },
  },
  {
    heading: '2. backward() and the chain rule',
    text: 'dJ/dz = (−1/h) · h(1 − h) = h − y, so dJ/dw = (h − y)·x and dJ/db = h − y.',
    table: { columns: ['gradient', 'backward()', 'by hand', '|difference|'], rows: gradRows.map(([k, a, c, d]) => [k, a, c, d.toExponential(1)]) },
  },
  {
    heading: '3. Gradient check',
    text: `gradcheck (central differences in float64, PyTorch's tolerances) compared ${check.checked} numbers: ${check.ok ? 'all agree' : 'mismatch'}. Worst: analytic ${worst.analytic.toExponential(10)}, numeric ${worst.numeric.toExponential(10)}.`,
  },
  {
    heading: '4. d bceWithLogits / dx = σ(x) − y',
    text: `Autograd's gradient of bceWithLogits (reduction 'sum') on ${GRID} logits in [−${X_RANGE}, ${X_RANGE}], against the formula and against central differences.`,
    table: { columns: ['label', 'logits', 'max |autograd − (σ(x) − y)|', 'gradcheck'], rows: rows4 },
    image: 'bce-logit-gradient.png',
  },
  {
    heading: '5. Why on logits',
    text: 'A fake example (label 0) scored with logit x, in float32. Composing bce(σ(x), 0) multiplies by dσ/dx = σ(1 − σ), which is exactly 0 once σ(x) rounds to 1: the most confident mistakes teach nothing. The fused bceWithLogits keeps σ(x) − y.',
    table: { columns: ['logit x', 'σ(x)', 'bceWithLogits: dℓ/dx', 'bce(σ(x)): dℓ/dx'], rows: rows5 },
  },
];
const report = writeReport(OUT, {
  title: '02 — Autograd: a tiny graph, differentiated and checked',
  intro: `Made by \`${args.command}\` in ${clock.seconds().toFixed(1)} s (seed ${args.seed}).`,
  sections,
});
say(`Report: ${report.markdown} and ${report.html}`, `Done in ${clock.seconds().toFixed(1)} s.`);
