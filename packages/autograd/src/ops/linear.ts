import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/**
 * x · Wᵀ + b: [B, in] · [out, in]ᵀ + [out] → [B, out], as `torch.nn.functional.linear`.
 * Fused for speed (it is every layer of every GAN here): one node instead of transpose + matmul
 * + add, and T.linear / T.linearBackward run each direction as one session of the wasm kernels
 * (operands copied in once, the bias added in place); the backward uses the transposed forms:
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
  const y = T.linear(x.value, weight.value, bias === null ? null : bias.value); // [B, out]
  const parents = bias === null ? [x, weight] : [x, weight, bias];
  return record('linear', y, parents, (g) => {
    const r = T.linearBackward(g, x.value, weight.value, { dx: x.requiresGrad, dw: weight.requiresGrad, db: bias?.requiresGrad ?? false });
    return bias === null ? [r.dx, r.dw] : [r.dx, r.dw, r.db];
  });
}
