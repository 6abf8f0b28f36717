// Every error names the op first, then the shapes or values involved. Messages are checked
// exactly, so a change to one is a deliberate change to this table.
import { describe, it } from 'vitest';
import * as T from '@minigan/tensor';
import { expectError } from './helpers.ts';

const z = (...shape: number[]) => T.zeros(shape);

const table: [string, () => unknown, string | RegExp][] = [
  // Broadcasting and shapes of element-wise ops.
  ['add broadcast', () => T.add(z(3, 4), z(5)), 'add: shapes [3,4] and [5] cannot broadcast'],
  ['sub broadcast', () => T.sub(z(2, 3, 4), z(3, 1, 5)), 'sub: shapes [2,3,4] and [3,1,5] cannot broadcast'],
  ['mul broadcast', () => T.mul(z(2), z(3)), 'mul: shapes [2] and [3] cannot broadcast'],
  ['div broadcast', () => T.div(z(0), z(2)), 'div: shapes [0] and [2] cannot broadcast'],
  ['lt broadcast', () => T.lt(z(4, 1), z(2, 3)), 'lt: shapes [4,1] and [2,3] cannot broadcast'],
  ['where broadcast', () => T.where(z(2), z(3), 0), 'where: shapes [2] and [3] cannot broadcast'],
  ['two numbers', () => T.add(1 as unknown as T.Tensor, 2), 'add: expected at least one tensor operand, got two numbers'],
  ['add_ out shape', () => T.add_(z(2, 2), z(2, 3), 1), 'add_: output has shape [2,2], expected [2,3]'],
  ['mul_ broadcast', () => T.mul_(z(2, 3), z(2, 3), z(2)), 'mul_: shapes [2,3] and [2] cannot broadcast'],
  ['broadcastTo', () => z(3).broadcastTo([2, 4]), 'broadcastTo: cannot broadcast [3] to [2,4]'],
  ['broadcastTo fewer dims', () => z(2, 3).broadcastTo([3]), 'broadcastTo: cannot broadcast [2,3] to [3]'],

  // matmul.
  ['matmul inner', () => T.matmul(z(2, 3), z(4, 5)), 'matmul: [2,3] · [4,5]: inner dimensions 3 and 4 differ'],
  ['matmul course shapes', () => T.matmul(z(128, 784), z(512, 256)), 'matmul: [128,784] · [512,256]: inner dimensions 784 and 512 differ'],
  ['matmul transA', () => T.matmul(z(3, 2), z(4, 5), { transA: true }), 'matmul: [3,2]ᵀ · [4,5]: inner dimensions 3 and 4 differ'],
  ['matmul transB', () => T.matmul(z(2, 3), z(5, 4), { transB: true }), 'matmul: [2,3] · [5,4]ᵀ: inner dimensions 3 and 4 differ'],
  ['matmul batched inner', () => T.matmul(z(5, 2, 3), z(5, 4, 4)), 'matmul: [5,2,3] · [5,4,4]: inner dimensions 3 and 4 differ'],
  ['matmul batch sizes', () => T.matmul(z(5, 2, 3), z(4, 3, 2)), 'matmul: [5,2,3] · [4,3,2]: batch sizes 5 and 4 differ'],
  ['matmul 1-D', () => T.matmul(z(3), z(3, 2)), 'matmul: expected 2-D or 3-D tensors, got [3] and [3,2]'],
  ['matmul 4-D', () => T.matmul(z(1, 1, 2, 2), z(2, 2)), 'matmul: expected 2-D or 3-D tensors, got [1,1,2,2] and [2,2]'],
  ['matmul backend', () => T.matmul(z(2, 2), z(2, 2), { backend: 'gpu' }), "matmul: unknown backend 'gpu'"],
  ['setMatmulBackend', () => T.setMatmulBackend('gpu'), /^setMatmulBackend: unknown backend 'gpu' \(available: js(, \w+)*\)$/],
  ['matmul_ out shape', () => T.matmul_(z(2, 2), z(2, 3), z(3, 4)), 'matmul_: output has shape [2,2], expected [2,4]'],
  ['matmul_ out view', () => T.matmul_(z(4, 2).T, z(2, 3), z(3, 4)), 'matmul_: output must be a contiguous 2-D tensor, got [2,4]'],
  ['matmul_ 3-D operand', () => T.matmul_(z(2, 2), z(1, 2, 3), z(3, 2)), 'matmul_: expected 2-D operands, got [1,2,3] and [3,2]'],
  ['matmul_ inner', () => T.matmul_(z(2, 4), z(2, 3), z(2, 4)), 'matmul_: [2,3] · [2,4]: inner dimensions 3 and 2 differ'],
  ['matmul_ backend', () => T.matmul_(z(2, 2), z(2, 2), z(2, 2), { backend: 'gpu' }), "matmul_: unknown backend 'gpu'"],

  // Axes.
  ['sum axis', () => T.sum(z(3, 4), 2), 'sum: axis 2 is out of range for shape [3,4] (expected -2..1)'],
  ['sum negative axis', () => T.sum(z(3, 4), -3), 'sum: axis -3 is out of range for shape [3,4] (expected -2..1)'],
  ['mean axis list', () => T.mean(z(3, 4), [0, 5]), 'mean: axis 5 is out of range for shape [3,4] (expected -2..1)'],
  ['max axis', () => T.max(z(3), 1), 'max: axis 1 is out of range for shape [3] (expected -1..0)'],
  ['min axis', () => T.min(z(3), 1.5), 'min: axis 1.5 is out of range for shape [3] (expected -1..0)'],
  ['argmax axis', () => T.argmax(z(2, 2), 2), 'argmax: axis 2 is out of range for shape [2,2] (expected -2..1)'],
  ['var axis', () => T.var(z(2, 2), -5), 'var: axis -5 is out of range for shape [2,2] (expected -2..1)'],
  ['0-d axis', () => T.sum(T.scalar(1), 0), 'sum: axis 0 is out of range for shape [] (expected none)'],
  ['repeated axis', () => T.sum(z(2, 3), [1, -1]), 'sum: repeated axis in [1,-1] for shape [2,3]'],
  ['permute count', () => z(2, 3).permute(0), 'permute: expected 2 axes for shape [2,3], got [0]'],
  ['permute repeated', () => z(2, 3).permute(1, -1), 'permute: axis -1 repeated in [1,-1]'],
  ['permute range', () => z(2, 3).permute(0, 2), 'permute: axis 2 is out of range for shape [2,3] (expected -2..1)'],
  ['transpose', () => z(2, 3).transpose(0, 2), 'transpose: axis 2 is out of range for shape [2,3] (expected -2..1)'],
  ['T of 1-D', () => z(3).T, 'T: expected a 2-D tensor, got shape [3]'],
  ['slice axis', () => z(2, 3).slice(2, 0), 'slice: axis 2 is out of range for shape [2,3] (expected -2..1)'],
  ['slice step', () => z(4).slice(0, 0, 4, 0), 'slice: step must be a positive integer, got 0'],
  ['squeeze axis', () => z(1, 3).squeeze(3), 'squeeze: axis 3 is out of range for shape [1,3] (expected -2..1)'],
  ['unsqueeze axis', () => z(1, 3).unsqueeze(4), 'unsqueeze: axis 4 is out of range for shape [1,3] (expected -3..2)'],
  ['concat axis', () => T.concat([z(2), z(2)], 1), 'concat: axis 1 is out of range for shape [2] (expected -1..0)'],
  ['concat shapes', () => T.concat([z(2, 3), z(2, 4)], 0), 'concat: shapes [2,3], [2,4] differ outside axis 0'],
  ['concat dtypes', () => T.concat([z(2), T.zeros([2], 'float64')]), 'concat: dtypes differ: float32 and float64'],
  ['concat empty', () => T.concat([]), 'concat: expected at least one tensor'],
  ['concat 0-d', () => T.concat([T.scalar(1)]), 'concat: zero-dimensional tensors cannot be concatenated; use stack'],
  ['stack shapes', () => T.stack([z(2), z(3)]), 'stack: all tensors must have the same shape, got [2], [3]'],
  ['stack axis', () => T.stack([z(2), z(2)], 3), 'stack: axis 3 is out of range for shape [2] (expected -2..1)'],

  // Reshape.
  ['reshape size', () => z(2, 3).reshape(4), 'reshape: cannot reshape [2,3] (6 elements) to [4] (4 elements)'],
  ['reshape -1', () => z(2, 3).reshape(4, -1), 'reshape: cannot reshape [2,3] (6 elements) to [4,-1]'],
  ['reshape two -1', () => z(2, 3).reshape(-1, -1), 'reshape: only one dimension can be -1, got [-1,-1]'],
  ['reshape bad dim', () => z(2, 3).reshape(2, -3), 'reshape: invalid dimension -3 in [2,-3]'],
  ['reshape ambiguous -1', () => z(0, 4).reshape(0, -1), 'reshape: cannot reshape [0,4] (0 elements) to [0,-1]'],

  // Element access.
  ['item', () => z(2).item(), 'item: only a tensor with one element can be read as a number, got shape [2]'],
  ['get range', () => z(2, 3).get(0, 3), 'get: index 3 is out of range for dimension 1 of size 3 (shape [2,3])'],
  ['get length', () => z(2, 3).get(0), 'get: index of length 1 for a tensor of shape [2,3]'],
  ['set range', () => z(2).set(1, -3), 'set: index -3 is out of range for dimension 0 of size 2 (shape [2])'],

  // Creation: dtypes, shapes, values.
  ['zeros dtype', () => T.zeros([2], 'int32' as T.DType), `zeros: unknown dtype "int32" (expected 'float32' or 'float64')`],
  ['tensor dtype', () => T.tensor([1], undefined, 'float16' as T.DType), `tensor: unknown dtype "float16" (expected 'float32' or 'float64')`],
  ['astype dtype', () => z(1).astype('int8' as T.DType), `astype: unknown dtype "int8" (expected 'float32' or 'float64')`],
  ['arange dtype', () => T.arange(3, undefined, 1, 'f32' as T.DType), `arange: unknown dtype "f32" (expected 'float32' or 'float64')`],
  ['zeros shape', () => T.zeros([2, -1]), 'zeros: invalid shape [2,-1]: dimensions must be non-negative integers'],
  ['ones shape', () => T.ones([1.5]), 'ones: invalid shape [1.5]: dimensions must be non-negative integers'],
  ['full shape', () => T.full([NaN], 0), 'full: invalid shape [NaN]: dimensions must be non-negative integers'],
  ['eye size', () => T.eye(-1), 'eye: invalid shape [-1,-1]: dimensions must be non-negative integers'],
  ['tensor ragged', () => T.tensor([[1, 2], [3]]), 'tensor: ragged nested array: expected length 2 at depth 1, got 1'],
  ['tensor ragged depth', () => T.tensor([1, [2]] as T.NestedArray), 'tensor: ragged nested array: expected a number at depth 1, got an array'],
  ['tensor shape', () => T.tensor([1, 2, 3], [2, 2]), 'tensor: shape [2,2] needs 4 elements, got 3'],
  ['tensor typed shape', () => T.tensor(new Float32Array(3), [2]), 'tensor: shape [2] needs 2 elements, got 3'],
  ['Tensor storage', () => new T.Tensor(new Float32Array(3), [2, 2]), 'Tensor: shape [2,2] needs 4 elements, storage has 3'],
  ['arange NaN', () => T.arange(NaN), 'arange: stop must be a finite number, got NaN'],
  ['arange inf', () => T.arange(-Infinity, 3), 'arange: start must be a finite number, got -Infinity'],
  ['arange step', () => T.arange(0, 3, 0), 'arange: step must be a finite non-zero number, got 0'],
  ['linspace', () => T.linspace(0, Infinity, 3), 'linspace: stop must be a finite number, got Infinity'],
  ['linspace num', () => T.linspace(0, 1, -2), 'linspace: num must be a non-negative integer, got -2'],

  // Non-finite or inconsistent arguments of element-wise ops.
  ['clamp order', () => T.clamp(z(2), 1, 0), 'clamp: lower bound 1 is above upper bound 0'],
  ['clamp NaN', () => T.clamp(z(2, 2), NaN, 1), 'clamp: lower bound must be a number or null, got NaN (shape [2,2])'],
  ['clamp NaN hi', () => T.clamp(z(3), null, NaN), 'clamp: upper bound must be a number or null, got NaN (shape [3])'],
  ['leakyRelu slope', () => T.leakyRelu(z(2), NaN), 'leakyRelu: slope must be a finite number, got NaN'],

  // Rng.
  ['Rng.int', () => new T.Rng(1).int(0), 'Rng.int: n must be a positive integer, got 0'],
  ['Rng.int fraction', () => new T.Rng(1).int(2.5), 'Rng.int: n must be a positive integer, got 2.5'],
  ['Rng.uniform bounds', () => new T.Rng(1).uniform([2], 1, 0), 'Rng.uniform: bounds must be finite with lo ≤ hi, got [1, 0)'],
  ['Rng.uniform NaN', () => new T.Rng(1).uniform([2], NaN, 1), 'Rng.uniform: bounds must be finite with lo ≤ hi, got [NaN, 1)'],
  ['Rng.uniform shape', () => new T.Rng(1).uniform([-2]), 'Rng.uniform: invalid shape [-2]: dimensions must be non-negative integers'],
  ['Rng.uniform dtype', () => new T.Rng(1).uniform([2], 0, 1, 'int' as T.DType), `Rng.uniform: unknown dtype "int" (expected 'float32' or 'float64')`],
  ['Rng.normal std', () => new T.Rng(1).normal([2], 0, -1), 'Rng.normal: mean must be finite and std ≥ 0, got mean 0, std -1'],
  ['Rng.normal mean', () => new T.Rng(1).normal([2], Infinity), 'Rng.normal: mean must be finite and std ≥ 0, got mean Infinity, std 1'],
  ['Rng.permutation', () => new T.Rng(1).permutation(-1), 'Rng.permutation: n must be a non-negative integer, got -1'],
  ['Rng.fromState', () => T.Rng.fromState({ algorithm: 'alea', c: 1, s0: NaN, s1: 0, s2: 0 }),
    `Rng.fromState: expected { algorithm: 'alea', c, s0, s1, s2 } with finite numbers, got {"algorithm":"alea","c":1,"s0":null,"s1":0,"s2":0}`],
];

describe('error messages name the op and the shapes or values', () => {
  it.each(table)('%s', (_name, fn, message) => expectError(fn, message));
});
