import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { flatPair, unaryInput } from './operands.ts';

/**
 * σ(a) = 1 / (1 + e^−a). dσ/da = σ(1 − σ), computed from the saved output: no second exp,
 * and it stays finite where e^−a would overflow.
 */
export function sigmoid(a: Variable | T.Tensor): Variable {
  const x = unaryInput('sigmoid', a);
  const out = T.sigmoid(x.value);
  return record('sigmoid', out, [x], (g) => {
    const { gd, sd, out: dx, od } = flatPair(g, out);
    T.kernels.sigmoidBackward(gd, sd, od); // od = gd·s·(1 − s)
    return [dx];
  });
}
