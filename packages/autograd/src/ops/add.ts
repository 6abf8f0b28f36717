import * as T from '@minigan/tensor';
import { record, unbroadcast, type Input, type Variable } from '../variable.ts';
import { need, operands } from './operands.ts';

/** a + b with broadcasting. d/da = 1, d/db = 1 (reduced back to each input's shape). */
export function add(a: Input, b: Input): Variable {
  const { x, y, a: av, b: bv } = operands('add', a, b);
  return record('add', T.add(av, bv), [x, y],
    (g) => [need(x, () => unbroadcast(g, x.shape)), need(y, () => unbroadcast(g, y.shape))]);
}
