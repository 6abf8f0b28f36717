import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { need, unaryInput } from './operands.ts';

/**
 * x · Wᵀ + b: [B, in] · [out, in]ᵀ + [out] → [B, out], as `torch.nn.functional.linear`.
 * Fused for speed (it is every layer of every GAN here): one node instead of transpose + matmul
 * + add; the bias is added into the fresh product in place (T.kernels.addRowVector, faster than a
 * broadcast add); the backward uses the kernel's transposed forms:
 *   dx = G · W ([B, out] · [out, in]),  dW = Gᵀ · x ([out, B] · [B, in]),  db = Σ_batch G.
 */
export function linear(input: Variable | T.Tensor, weight: Variable, bias: Variable | null = null): Variable {
  const x = unaryInput('linear', input);
  if (x.ndim !== 2 || weight.ndim !== 2 || x.shape[1] !== weight.shape[1]) {
    T.fail('linear', `input ${T.fmtShape(x.shape)} does not fit weight ${T.fmtShape(weight.shape)}: expected input [B,${weight.shape[1] ?? '?'}]`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    T.fail('linear', `bias ${T.fmtShape(bias.shape)} does not fit weight ${T.fmtShape(weight.shape)}: expected [${weight.shape[0]}]`);
  }
  const y = T.matmul(x.value, weight.value, { transB: true });
  if (bias !== null) {
    const [B, N] = y.shape as [number, number];
    T.kernels.addRowVector(y.data, B, N, bias.value.toFlat()); // y[i, j] += b[j]
  }
  const parents = bias === null ? [x, weight] : [x, weight, bias];
  return record('linear', y, parents, (g) => [
    need(x, () => T.matmul(g, weight.value)),
    need(weight, () => T.matmul(g, x.value, { transA: true })),
    ...(bias === null ? [] : [need(bias, () => T.sum(g, 0))]),
  ]);
}
