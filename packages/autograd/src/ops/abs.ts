import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** |a|. d|a|/da = sign(a) (0 at a = 0, as PyTorch). */
export function abs(a: Variable | T.Tensor): Variable {
  const x = unaryInput('abs', a);
  return record('abs', T.abs(x.value), [x], (g) => [T.mul(g, T.sign(x.value))]);
}
