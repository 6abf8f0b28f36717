// The GAN objectives, on D's logits (BCE-with-logits is the stable form of BCE ∘ sigmoid).
//   D minimises  (bce(D(G(z)), 0) + bce(D(x), 1)) / 2          — fake detached, so only D learns
//   G minimises  bce(D(G(z)), 1)          (non-saturating, what everyone uses)
//            or  −bce(D(G(z)), 0) = log(1 − D(G(z)))   (the original minimax objective)
import * as T from '@minigan/tensor';
import { Variable, add, mul, neg } from '@minigan/autograd';
import { bceWithLogits } from '@minigan/loss';

/** Which generator loss to use. */
export type GeneratorLossKind = 'ns' | 'minimax';

/** Options of `discriminatorLoss`. */
export interface DiscriminatorLossOptions {
  /** One-sided label smoothing: real targets are 1 − s (Salimans et al. 2016). Default 0. */
  labelSmoothing?: number;
}

/** Targets of `value` for a batch of logits [B, 1]. */
function targets(logits: Variable, value: number): T.Tensor {
  return T.full(logits.shape, value, logits.dtype);
}

/**
 * (bce(D(fake), 0) + bce(D(real), 1 − s)) / 2, from D's logits on a detached fake batch and a real
 * batch. Also returns the two halves for logging.
 */
export function discriminatorLoss(fakeLogits: Variable, realLogits: Variable, opts: DiscriminatorLossOptions = {}): { loss: Variable; fake: Variable; real: Variable } {
  const s = opts.labelSmoothing ?? 0;
  if (!(s >= 0 && s < 1)) T.fail('discriminatorLoss', `labelSmoothing must be in [0, 1), got ${s}`);
  const fake = bceWithLogits(fakeLogits, targets(fakeLogits, 0));
  const real = bceWithLogits(realLogits, targets(realLogits, 1 - s));
  return { loss: mul(add(fake, real), 0.5), fake, real };
}

/** The generator's loss from D's logits on a fresh fake batch (gradient flows into G). */
export function generatorLoss(fakeLogits: Variable, kind: GeneratorLossKind = 'ns'): Variable {
  if (kind === 'ns') return bceWithLogits(fakeLogits, targets(fakeLogits, 1));
  if (kind === 'minimax') return neg(bceWithLogits(fakeLogits, targets(fakeLogits, 0)));
  return T.fail('generatorLoss', `unknown kind '${String(kind)}' (expected 'ns' or 'minimax')`);
}
