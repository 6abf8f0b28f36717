import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { flatPair, unaryInput } from './operands.ts';

/** tanh(a). d tanh/da = 1 − tanh², computed from the saved output (no second tanh). */
export function tanh(a: Variable | T.Tensor): Variable {
  const x = unaryInput('tanh', a);
  const out = T.tanh(x.value);
  return record('tanh', out, [x], (g) => {
    const { gd, sd, out: dx, od, n } = flatPair(g, out);
    for (let i = 0; i < n; i++) { const t = sd[i]!; od[i] = gd[i]! * (1 - t * t); }
    return [dx];
  });
}
