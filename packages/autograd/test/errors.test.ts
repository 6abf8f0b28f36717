// Every class of error autograd throws names the op (or module, optimizer) first, then what
// came and what was expected. Messages are checked exactly: a change to one is deliberate.
// (Shape errors of the differentiable ops are in ops.test.ts.)
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';

const { nn, optim } = A;
const v = (shape: number[], requiresGrad = true) => new A.Variable(T.zeros(shape, 'float64'), { requiresGrad });
const p2 = () => A.param(T.zeros([2]));

const table: [string, () => unknown, string][] = [
  // The engine.
  ['backward without grad', () => v([2], false).backward(), 'backward: this [2] value does not require grad (no parameter or input with requiresGrad led to it)'],
  ['backward of a vector', () => A.mul(v([2]), 2).backward(), 'backward: an implicit gradient needs a one-element output, got shape [2]; pass gradOutput'],
  ['backward gradOutput', () => A.mul(v([2]), 2).backward(T.zeros([3], 'float64')), 'backward: gradOutput has shape [3], expected [2]'],
  ['an op whose backward is wrong', () => A.record('bad', T.zeros([2], 'float64'), [v([2])], () => [T.zeros([3], 'float64')]).backward(T.ones([2], 'float64')), 'backward of bad: gradient for input 0 has shape [3], expected [2]'],
  // Operands.
  ['two numbers', () => A.add(1 as unknown as A.Variable, 2), 'add: expected at least one Variable or Tensor, got two numbers'],
  ['not a tensor', () => A.exp('x' as unknown as A.Variable), 'exp: expected a Variable or Tensor, got string'],
  ['concat of nothing', () => A.concat([]), 'concat: expected at least one input'],
  ['max of nothing', () => A.max(v([0])), 'max: cannot reduce an empty tensor (shape [0])'],
  // Modules.
  ['Linear size', () => new nn.Linear(0, 3), 'Linear: inFeatures must be a positive integer, got 0'],
  ['Linear input', () => new nn.Linear(4, 3).forward(v([2, 5])), 'Linear: expected input [B,4], got [2,5]'],
  ['BatchNorm1d size', () => new nn.BatchNorm1d(-1), 'BatchNorm1d: numFeatures must be a positive integer, got -1'],
  ['BatchNorm1d input', () => new nn.BatchNorm1d(4).forward(v([2, 5])), 'BatchNorm1d: expected input [N,4], got [2,5]'],
  ['Sequential.at', () => new nn.Sequential(new nn.ReLU()).at(3), 'Sequential.at: index 3 is out of range for 1 modules'],
  ['register a dotted name', () => new nn.Sequential().registerModule('a.b', new nn.ReLU()), "registerModule: name must be non-empty and contain no '.', got 'a.b'"],
  ['register twice', () => new nn.Sequential(new nn.ReLU()).registerModule('0', new nn.ReLU()), "registerModule: '0' is already registered in Sequential"],
  ['register a tensor as parameter', () => new nn.Sequential().registerParameter('w', T.zeros([2]) as unknown as A.Variable), "registerParameter: 'w' must be a Variable"],
  ['loadStateDict of null', () => new nn.Linear(2, 2).loadStateDict(null as unknown as Record<string, T.Tensor>), 'loadStateDict: expected an object of tensors, got null'],
  ['calculateGain', () => nn.init.calculateGain('swish' as 'relu'), "calculateGain: unsupported nonlinearity 'swish' (linear, sigmoid, tanh, relu, leaky_relu, selu)"],
  ['init of a vector', () => nn.init.xavierUniform_(T.zeros([3])), 'init: fan in and fan out need a tensor of at least 2 dimensions, got [3]'],
  // Optimizers.
  ['no parameters', () => new optim.SGD([], { lr: 0.1 }), 'SGD: got an empty parameter list'],
  ['a parameter twice', () => { const p = p2(); return new optim.SGD([p, p], { lr: 0.1 }); }, 'SGD: parameter 1 ([2]) appears twice'],
  ['a result of an op', () => new optim.SGD([A.mul(p2(), 2)], { lr: 0.1 }), 'SGD: parameter 0 ([2]) is not a leaf; optimize leaves (parameters), not results of ops'],
  ['negative lr', () => new optim.Adam([p2()], { lr: -1 }), 'Adam: lr must be a number in [0, ∞], got -1'],
  ['beta of 1', () => new optim.Adam([p2()], { lr: 0.1, betas: [0.9, 1] }), 'Adam: betas[1] must be a number in [0, 1), got 1'],
  ['one beta', () => new optim.Adam([p2()], { lr: 0.1, betas: [0.9] as unknown as [number, number] }), 'Adam: betas must be a pair, got 0.9'],
  ['nesterov without momentum', () => new optim.SGD([p2()], { lr: 0.1, nesterov: true }), 'SGD: nesterov momentum needs momentum > 0 and dampening 0'],
  ['a state dict that is not one', () => new optim.SGD([p2()], { lr: 0.1 }).loadStateDict({} as never), 'SGD.loadStateDict: expected { state, param_groups }'],
  // gradcheck.
  ['gradcheck in float32', () => A.gradcheck((x) => x, [T.zeros([2])]), 'gradcheck: input 0 is float32; central differences need float64 inputs'],
];

describe('autograd errors name the op and what came', () => {
  it.each(table)('%s', (_name, fn, message) => {
    expect(fn).toThrowError(new Error(message));
  });
});
