import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** −a. d(−a)/da = −1. */
export function neg(a: Variable | T.Tensor): Variable {
  const x = unaryInput('neg', a);
  return record('neg', T.neg(x.value), [x], (g) => [T.neg(g)]);
}
