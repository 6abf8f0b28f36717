import * as T from '@minigan/tensor';
import { record, unbroadcast, type Input, type Variable } from '../variable.ts';
import { need, operands } from './operands.ts';

/** aᵇ with broadcasting. d/da = b·aᵇ⁻¹, d/db = aᵇ·ln a (taken as 0 where a = 0 and b ≥ 0, as PyTorch). */
export function pow(a: Input, b: Input): Variable {
  const { x, y, a: av, b: bv } = operands('pow', a, b);
  const out = T.pow(av, bv);
  return record('pow', out, [x, y],
    (g) => [
      need(x, () => unbroadcast(T.mul(g, T.mul(bv, T.pow(av, typeof bv === 'number' ? bv - 1 : T.sub(bv, 1)))), x.shape)),
      need(y, () => {
        const base = typeof av === 'number' ? T.fullLike(out, av) : av;
        // 0ᵇ is constant in b for b > 0 (and 0⁰ = 1 by convention): PyTorch masks those points to 0.
        const zeroBase = T.mul(T.eq(base, 0), T.ge(bv, 0));
        const d = T.where(zeroBase, 0, T.mul(out, T.log(base)));
        return unbroadcast(T.mul(g, d), y.shape);
      }),
    ]);
}
