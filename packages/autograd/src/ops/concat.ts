import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** Joins along an existing axis. Each input's gradient is its slice of the output gradient. */
export function concat(inputs: readonly (Variable | T.Tensor)[], axis = 0): Variable {
  if (inputs.length === 0) T.fail('concat', 'expected at least one input');
  const xs = inputs.map((v) => unaryInput('concat', v));
  const out = T.concat(xs.map((v) => v.value), axis);
  const ax = T.normAxis('concat', axis, out.ndim);
  return record('concat', out, xs, (g) => {
    let pos = 0;
    return xs.map((v) => {
      const len = v.shape[ax]!;
      const part = v.requiresGrad ? g.slice(ax, pos, pos + len) : null;
      pos += len;
      return part;
    });
  });
}
