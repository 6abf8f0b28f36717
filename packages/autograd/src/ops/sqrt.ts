import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** √a. d(√a)/da = 1/(2√a), so the backward reuses the output. */
export function sqrt(a: Variable | T.Tensor): Variable {
  const x = unaryInput('sqrt', a);
  const out = T.sqrt(x.value);
  return record('sqrt', out, [x], (g) => [T.div(g, T.mul(out, 2))]);
}
