import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** Swaps two dimensions (default: the last two) as a view. The gradient is swapped back. */
export function transpose(a: Variable | T.Tensor, dim0 = -2, dim1 = -1): Variable {
  const x = unaryInput('transpose', a);
  if (x.ndim < 2) T.fail('transpose', `expected at least 2 dimensions, got shape ${T.fmtShape(x.shape)}`);
  return record('transpose', x.value.transpose(dim0, dim1), [x], (g) => [g.transpose(dim0, dim1)]);
}
