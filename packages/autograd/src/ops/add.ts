import * as T from '@minigan/tensor';
import { asVariable, record, unbroadcast, type Input, type Variable } from '../variable.ts';

/** a + b with broadcasting. d/da = 1, d/db = 1 (reduced back to each input's shape). */
export function add(a: Input, b: Input): Variable {
  const x = asVariable(a), y = asVariable(b, x);
  return record('add', T.add(x.value, y.value), [x, y],
    (g) => [unbroadcast(g, x.shape), unbroadcast(g, y.shape)]);
}
