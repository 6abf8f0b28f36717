import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** The same elements in a new shape (one dimension may be −1). The gradient is reshaped back. */
export function reshape(a: Variable | T.Tensor, shape: readonly number[]): Variable {
  const x = unaryInput('reshape', a);
  return record('reshape', x.value.reshape([...shape]), [x], (g) => [g.reshape(x.shape)]);
}
