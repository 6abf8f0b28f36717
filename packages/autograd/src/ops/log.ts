import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** Natural logarithm. d(ln a)/da = 1/a. */
export function log(a: Variable | T.Tensor): Variable {
  const x = unaryInput('log', a);
  return record('log', T.log(x.value), [x], (g) => [T.div(g, x.value)]);
}
