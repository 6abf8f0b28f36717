import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/**
 * Maximum over one axis (over all elements when `axis` is undefined). The gradient goes to the
 * position of the maximum only; on ties, to the first one (the index `argmax` returns).
 */
export function max(a: Variable | T.Tensor, axis?: number, opts: T.ReduceOptions = {}): Variable {
  const x = unaryInput('max', a);
  const keepdims = opts.keepdims ?? false;
  if (x.size === 0) T.fail('max', `cannot reduce an empty tensor (shape ${T.fmtShape(x.shape)})`);
  const out = T.max(x.value, axis, { keepdims });
  return record('max', out, [x], (g) => {
    // View the input as [outer, n, inner] around the reduced axis; argmax gives k per (outer, inner).
    const ax = axis === undefined ? 0 : T.normAxis('max', axis, x.ndim);
    const shape = axis === undefined ? [x.size] : x.shape;
    const n = shape[ax]!;
    const inner = shape.slice(ax + 1).reduce((p, d) => p * d, 1);
    const idx = T.argmax(x.value, axis).toFlat();
    const gd = g.toFlat();
    const dx = T.zerosLike(x.value);
    const od = dx.data;
    for (let j = 0; j < idx.length; j++) {
      const o = Math.floor(j / inner), i = j % inner;
      od[(o * n + idx[j]!) * inner + i] = gd[j]!;
    }
    return [dx];
  });
}
