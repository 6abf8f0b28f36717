import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/**
 * act(x · Wᵀ + b) with act ReLU or LeakyReLU (slope ≥ 0): a Linear layer and its activation as one
 * node. Fused for speed only — Sequential uses it for each Linear followed by one of these (as the
 * GANs' layers are): the pre-activation z = x·Wᵀ + b never becomes an array, and on the wasm
 * backend never leaves the kernels' memory. Values and gradients are those of `linear` then
 * `relu` / `leakyRelu`, bit for bit. The backward reads the activation's derivative from the
 * output y: y > 0 exactly where z > 0 when the slope is ≥ 0, so
 *   dz = g where y > 0, else slope·g (0 for ReLU);  dx = dz·W,  dW = dzᵀ·x,  db = Σ_batch dz.
 */
export function linearAct(input: Variable | T.Tensor, weight: Variable, bias: Variable | null, act: T.FusedActivation): Variable {
  const x = unaryInput('linearAct', input);
  if (x.ndim !== 2 || weight.ndim !== 2 || x.shape[1] !== weight.shape[1]) {
    T.fail('linear', `input ${T.fmtShape(x.shape)} does not fit weight ${T.fmtShape(weight.shape)}: expected input [B,${weight.shape[1] ?? '?'}]`);
  }
  const y = T.linearAct(x.value, weight.value, bias === null ? null : bias.value, act); // [B, out]
  const parents = bias === null ? [x, weight] : [x, weight, bias];
  const name = act.kind === 'relu' ? 'linear+relu' : 'linear+leakyRelu';
  return record(name, y, parents, (g) => {
    const r = T.linearActBackward(g, y, x.value, weight.value, act, { dx: x.requiresGrad, dw: weight.requiresGrad, db: bias?.requiresGrad ?? false });
    return bias === null ? [r.dx, r.dw] : [r.dx, r.dw, r.db];
  });
}
