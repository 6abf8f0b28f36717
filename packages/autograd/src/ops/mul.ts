import * as T from '@minigan/tensor';
import { record, unbroadcast, type Input, type Variable } from '../variable.ts';
import { need, operands } from './operands.ts';

/** a · b (element-wise) with broadcasting. d(ab)/da = b, d(ab)/db = a. */
export function mul(a: Input, b: Input): Variable {
  const { x, y, a: av, b: bv } = operands('mul', a, b);
  return record('mul', T.mul(av, bv), [x, y],
    (g) => [need(x, () => unbroadcast(T.mul(g, bv), x.shape)), need(y, () => unbroadcast(T.mul(g, av), y.shape))]);
}
