import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';

/**
 * Matrix product of 2-D variables: [M, K] · [K, N] → [M, N].
 * Backward: dA = G · Bᵀ ([M, N] · [N, K]) and dB = Aᵀ · G ([K, M] · [M, N]), using the
 * transposed kernel forms so no transpose is materialised.
 */
export function matmul(a: Variable, b: Variable): Variable {
  return record('matmul', T.matmul(a.value, b.value), [a, b],
    (g) => [
      a.requiresGrad ? T.matmul(g, b.value, { transB: true }) : null,
      b.requiresGrad ? T.matmul(a.value, g, { transA: true }) : null,
    ]);
}
