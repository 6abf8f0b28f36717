import * as T from '@minigan/tensor';
import { type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';
import { div } from './div.ts';
import { reducedAxes, sum } from './sum.ts';

/**
 * Mean over `axis` (all by default), composed as sum / n. This is exactly PyTorch's arithmetic
 * (forward sum / n, backward g / n spread over the reduced elements), so nothing is fused.
 */
export function mean(a: Variable | T.Tensor, axis?: T.Axes, opts: T.ReduceOptions = {}): Variable {
  const x = unaryInput('mean', a);
  const count = reducedAxes('mean', axis, x.ndim).reduce((n, ax) => n * x.shape[ax]!, 1);
  return div(sum(x, axis, opts), count);
}
