import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { flatPair, unaryInput } from './operands.ts';

/** max(a, 0). d/da = 1 where the output is > 0, else 0 (0 at a = 0, as PyTorch). */
export function relu(a: Variable | T.Tensor): Variable {
  const x = unaryInput('relu', a);
  const out = T.relu(x.value);
  return record('relu', out, [x], (g) => {
    const { gd, sd, out: dx, od } = flatPair(g, out);
    T.kernels.reluBackward(gd, sd, od); // od = sd > 0 ? gd : 0
    return [dx];
  });
}
