import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** eᵃ. d(eᵃ)/da = eᵃ, so the backward reuses the output. */
export function exp(a: Variable | T.Tensor): Variable {
  const x = unaryInput('exp', a);
  const out = T.exp(x.value);
  return record('exp', out, [x], (g) => [T.mul(g, out)]);
}
