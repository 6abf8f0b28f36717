import * as T from '@minigan/tensor';
import { asVariable, record, unbroadcast, type Input, type Variable } from '../variable.ts';

/** a · b (element-wise) with broadcasting. d(ab)/da = b, d(ab)/db = a. */
export function mul(a: Input, b: Input): Variable {
  const x = asVariable(a), y = asVariable(b, x);
  return record('mul', T.mul(x.value, y.value), [x, y],
    (g) => [
      x.requiresGrad ? unbroadcast(T.mul(g, y.value), x.shape) : null,
      y.requiresGrad ? unbroadcast(T.mul(g, x.value), y.shape) : null,
    ]);
}
