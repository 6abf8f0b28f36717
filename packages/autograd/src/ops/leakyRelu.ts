import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { flatPair, unaryInput } from './operands.ts';

/** a where a > 0, else slope·a. d/da = 1 where a > 0, else slope (slope at a = 0, as PyTorch). */
export function leakyRelu(a: Variable | T.Tensor, negativeSlope = 0.01): Variable {
  const x = unaryInput('leakyRelu', a);
  T.checkFinite('leakyRelu', 'negativeSlope', negativeSlope);
  return record('leakyRelu', T.leakyRelu(x.value, negativeSlope), [x], (g) => {
    const { gd, sd, out: dx, od } = flatPair(g, x.value);
    T.kernels.leakyReluBackward(gd, sd, od, negativeSlope); // od = sd > 0 ? gd : gd·slope
    return [dx];
  });
}
