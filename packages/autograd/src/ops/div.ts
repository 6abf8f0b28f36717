import * as T from '@minigan/tensor';
import { record, unbroadcast, type Input, type Variable } from '../variable.ts';
import { need, operands } from './operands.ts';

/** a / b with broadcasting. d(a/b)/da = 1/b, d(a/b)/db = −a/b². */
export function div(a: Input, b: Input): Variable {
  const { x, y, a: av, b: bv } = operands('div', a, b);
  return record('div', T.div(av, bv), [x, y],
    (g) => [
      need(x, () => unbroadcast(T.div(g, bv), x.shape)),
      // −g·a/b², computed as −(g/b)·(a/b) so that b² cannot overflow.
      need(y, () => unbroadcast(T.neg(T.mul(T.div(g, bv), T.div(av, bv))), y.shape)),
    ]);
}
