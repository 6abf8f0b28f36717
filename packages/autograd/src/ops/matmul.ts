import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { need, unaryInput } from './operands.ts';

/**
 * Matrix product of 2-D variables: [M, K] · [K, N] → [M, N].
 * Backward: dA = G · Bᵀ ([M, N] · [N, K]) and dB = Aᵀ · G ([K, M] · [M, N]), using the
 * transposed kernel forms so no transpose is materialised.
 */
export function matmul(a: Variable | T.Tensor, b: Variable | T.Tensor): Variable {
  const x = unaryInput('matmul', a), y = unaryInput('matmul', b);
  if (x.ndim !== 2 || y.ndim !== 2) T.fail('matmul', `expected 2-D operands, got ${T.fmtShape(x.shape)} · ${T.fmtShape(y.shape)}`);
  return record('matmul', T.matmul(x.value, y.value), [x, y],
    (g) => [
      need(x, () => T.matmul(g, y.value, { transB: true })),
      need(y, () => T.matmul(x.value, g, { transA: true })),
    ]);
}
