// Parity with PyTorch 1.13 (fixtures/nn.json, copied from the shared parity fixtures): the same
// Sequential from the same weights and input, trained a few steps with Adam / Adam + weight
// decay / SGD + momentum + weight decay, must give PyTorch's outputs, losses, gradients, final
// state dict (BatchNorm running statistics included) and eval-mode output.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';
import { nn, optim } from '@minigan/autograd';
import { expectClose } from './helpers.ts';

interface Json { shape: number[]; data: number[] }
interface Case {
  name: string;
  model: string;
  dtype: T.DType;
  optimizer: { name: 'adam' | 'sgd'; lr: number; betas?: [number, number]; momentum?: number; weight_decay?: number };
  input: Json;
  init: Record<string, Json>;
  steps: { output: Json; loss: number; grads: Record<string, Json> }[];
  final: Record<string, Json>;
  eval_output: Json;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/nn.json', import.meta.url), 'utf8')) as { cases: Case[] };
const tensorOf = (j: Json, dtype: T.DType) => T.tensor(j.data, j.shape, dtype);

/** Builds our Sequential from PyTorch's printed model (one `(k): Layer(args)` per line). */
function buildModel(text: string, dtype: T.DType): nn.Sequential {
  const layers = text.split('\n').slice(1, -1).map((line) => {
    const m = /^\s*\((\d+)\): (\w+)\((.*)\)$/.exec(line);
    if (!m) throw new Error(`cannot parse model line '${line}'`);
    const [, , kind, args] = m as unknown as [string, string, string, string];
    const kw = Object.fromEntries([...args.matchAll(/(\w+)=([\w.+-]+)/g)].map((a) => [a[1]!, a[2]!]));
    switch (kind) {
      case 'Linear': return new nn.Linear(Number(kw['in_features']), Number(kw['out_features']), { bias: kw['bias'] === 'True', dtype });
      case 'BatchNorm1d': return new nn.BatchNorm1d(Number(args.split(',')[0]), { eps: Number(kw['eps']), momentum: Number(kw['momentum']), affine: kw['affine'] === 'True', dtype });
      case 'ReLU': return new nn.ReLU();
      case 'LeakyReLU': return new nn.LeakyReLU(Number(kw['negative_slope']));
      case 'Sigmoid': return new nn.Sigmoid();
      case 'Tanh': return new nn.Tanh();
      default: throw new Error(`unknown layer ${kind}`);
    }
  });
  return new nn.Sequential(...layers);
}

function makeOptimizer(c: Case, params: A.Variable[]): optim.Optimizer {
  const o = c.optimizer;
  if (o.name === 'adam') return new optim.Adam(params, { lr: o.lr, ...(o.betas ? { betas: o.betas } : {}), weightDecay: o.weight_decay ?? 0 });
  return new optim.SGD(params, { lr: o.lr, momentum: o.momentum ?? 0, weightDecay: o.weight_decay ?? 0 });
}

/**
 * Keys of biases that feed straight into a BatchNorm (`0.bias` before `1`). In exact arithmetic
 * their gradient is zero (BatchNorm subtracts the batch mean); what backward produces, in PyTorch
 * and here, is rounding noise (~1e-17 in float64, ~1e-8 in float32) that depends on summation
 * order. Adam divides by √v, so that noise becomes steps of up to lr, and no reimplementation can
 * reproduce it. For these we check that our gradient is noise too, then hand PyTorch's noise to
 * the optimizer, so the rest of the trajectory (final weights, running stats, eval output) can
 * still be compared tightly.
 */
function noiseOnlyKeys(model: nn.Sequential): Set<string> {
  const keys = new Set<string>();
  for (let i = 0; i + 1 < model.length; i++) {
    if (model.at(i) instanceof nn.Linear && model.at(i + 1) instanceof nn.BatchNorm1d) keys.add(`${i}.bias`);
  }
  return keys;
}

/** The fixture's loss: mean(y²) + 0.1·Σy. */
const lossOf = (y: A.Variable) => A.add(A.mean(A.mul(y, y)), A.mul(A.sum(y), 0.1));

describe('PyTorch parity (nn.json)', () => {
  for (const c of fixture.cases) {
    const [rtol, atol] = c.dtype === 'float64' ? [1e-10, 1e-12] : [1e-5, 1e-6];
    const label = `${c.name} (${c.dtype}, ${c.optimizer.name}${c.optimizer.weight_decay ? ' + weight decay' : ''})`;

    it(label, () => {
      const model = buildModel(c.model, c.dtype);
      expect(model.toString()).toBe(c.model);
      expect(Object.keys(model.stateDict())).toEqual(Object.keys(c.init));
      model.loadStateDict(Object.fromEntries(Object.entries(c.init).map(([k, v]) => [k, tensorOf(v, c.dtype)])));
      const opt = makeOptimizer(c, model.parameters());
      const named = model.namedParameters();
      expect(named.map(([k]) => k).sort()).toEqual(Object.keys(c.steps[0]!.grads).sort());
      const x = new A.Variable(tensorOf(c.input, c.dtype));
      const noise = noiseOnlyKeys(model);
      const noiseLevel = c.dtype === 'float64' ? 1e-14 : 1e-6;

      c.steps.forEach((s, i) => {
        opt.zeroGrad();
        const y = model.forward(x);
        expectClose(y.value, s.output.data, rtol, atol, `step ${i} output`);
        const loss = lossOf(y);
        expectClose([loss.item()], [s.loss], rtol, atol, `step ${i} loss`);
        loss.backward();
        for (const [k, p] of named) {
          if (noise.has(k)) {
            expectClose(p.grad!, s.grads[k]!.data.map(() => 0), 0, noiseLevel, `step ${i} grad ${k} (rounding noise)`);
            expectClose(T.tensor(s.grads[k]!.data), s.grads[k]!.data.map(() => 0), 0, noiseLevel, `step ${i} PyTorch grad ${k} (rounding noise)`);
            p.grad = tensorOf(s.grads[k]!, c.dtype);
          } else {
            expectClose(p.grad!, s.grads[k]!.data, rtol, atol, `step ${i} grad ${k}`);
          }
        }
        opt.step();
      });

      const final = model.stateDict();
      expect(Object.keys(final)).toEqual(Object.keys(c.final));
      for (const [k, v] of Object.entries(c.final)) expectClose(final[k]!, v.data, rtol, atol, `final ${k}`);
      model.eval();
      const yEval = A.noGrad(() => model.forward(x));
      expectClose(yEval.value, c.eval_output.data, rtol, atol, 'eval output');
    });
  }

  it('covers Adam, Adam + weight decay and SGD + momentum + weight decay in both dtypes', () => {
    const kinds = new Set(fixture.cases.map((c) => `${c.dtype}/${c.optimizer.name}/${c.optimizer.weight_decay ? 'wd' : ''}/${c.optimizer.momentum ? 'mom' : ''}`));
    expect([...kinds].sort()).toEqual(['float32/adam//', 'float32/adam/wd/', 'float32/sgd/wd/mom', 'float64/adam//', 'float64/adam/wd/', 'float64/sgd/wd/mom']);
  });
});
