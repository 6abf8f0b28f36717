import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** Elements start ≤ i < end (step `step`) along `axis`, as `x[start:end:step]`. The gradient is scattered back into zeros. */
export function slice(a: Variable | T.Tensor, axis: number, start: number, end?: number, step = 1): Variable {
  const x = unaryInput('slice', a);
  const out = x.value.slice(axis, start, end, step);
  return record('slice', out, [x], (g) => {
    const dx = T.zerosLike(x.value);
    T.assignInto(dx.slice(axis, start, end, step), g);
    return [dx];
  });
}
