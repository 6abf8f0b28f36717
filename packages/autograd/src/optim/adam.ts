import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import type { Variable } from '../variable.ts';
import { Optimizer, checkHyper, rounder, type OptimizerStateDict } from './optimizer.ts';

/** Options of `Adam` (PyTorch's names and defaults). */
export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

interface AdamState {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * Adam, exactly as `torch.optim.Adam` (weight decay is L2 added to the gradient, not AdamW's
 * decoupled decay). For step t:
 *   g ← g + λ·p;  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
 *   denom = √v / √(1 − β₂ᵗ) + eps  (eps outside the square root);
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / denom.
 */
export class Adam extends Optimizer {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  private states: (AdamState | null)[];

  constructor(params: Iterable<Variable>, opts: AdamOptions = {}) {
    super('Adam', params);
    this.lr = opts.lr ?? 1e-3;
    this.betas = [...(opts.betas ?? [0.9, 0.999])];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.validate();
    this.states = this.params.map(() => null);
  }

  private validate(): void {
    checkHyper('Adam', 'lr', this.lr, 0);
    if (!Array.isArray(this.betas) || this.betas.length !== 2) T.fail('Adam', `betas must be a pair, got ${String(this.betas)}`);
    checkHyper('Adam', 'betas[0]', this.betas[0], 0, 1, true);
    checkHyper('Adam', 'betas[1]', this.betas[1], 0, 1, true);
    checkHyper('Adam', 'eps', this.eps, 0);
    checkHyper('Adam', 'weightDecay', this.weightDecay, 0);
  }

  step(): void {
    const [beta1, beta2] = this.betas;
    this.params.forEach((param, i) => {
      const v = this.views(i);
      if (v === null) return;
      const { p, g } = v;
      const st = this.states[i] ??= { step: 0, expAvg: T.zerosLike(param.value), expAvgSq: T.zerosLike(param.value) };
      st.step += 1;
      // Scalars in double, as PyTorch computes them in Python.
      const bc1 = 1 - beta1 ** st.step;
      const bc2Sqrt = Math.sqrt(1 - beta2 ** st.step);
      const stepSize = this.lr / bc1;
      // Element-wise work rounded to the parameter's precision after each operation, as PyTorch's kernels.
      const r = rounder(param.dtype);
      const wd = r(this.weightDecay), b1 = r(beta1), b2 = r(beta2), omb1 = r(1 - beta1), omb2 = r(1 - beta2);
      const bc2s = r(bc2Sqrt), eps = r(this.eps), negStep = r(-stepSize);
      const m = st.expAvg.data, s = st.expAvgSq.data;
      for (let k = 0; k < p.length; k++) {
        let gk = g[k]!;
        if (wd !== 0) gk = r(gk + r(wd * p[k]!));
        m[k] = r(r(m[k]! * b1) + r(omb1 * gk));
        s[k] = r(r(s[k]! * b2) + r(r(omb2 * gk) * gk));
        const denom = r(r(r(Math.sqrt(s[k]!)) / bc2s) + eps);
        p[k] = r(p[k]! + r(r(negStep * m[k]!) / denom));
      }
    });
  }

  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    this.states.forEach((s, i) => {
      if (s) state[String(i)] = { step: s.step, exp_avg: s.expAvg.clone(), exp_avg_sq: s.expAvgSq.clone() };
    });
    return {
      state,
      param_groups: [{ lr: this.lr, betas: [...this.betas], eps: this.eps, weight_decay: this.weightDecay, params: this.params.map((_, i) => i) }],
    };
  }

  loadStateDict(sd: OptimizerStateDict): void {
    const g = this.checkLayout(sd, ['step', 'exp_avg', 'exp_avg_sq']);
    const prev = { lr: this.lr, betas: this.betas, eps: this.eps, weightDecay: this.weightDecay };
    if (typeof g['lr'] === 'number') this.lr = g['lr'];
    if (Array.isArray(g['betas'])) this.betas = [g['betas'][0] as number, g['betas'][1] as number];
    if (typeof g['eps'] === 'number') this.eps = g['eps'];
    if (typeof g['weight_decay'] === 'number') this.weightDecay = g['weight_decay'];
    try {
      this.validate();
    } catch (e) {
      Object.assign(this, prev);
      throw e;
    }
    this.states = this.params.map((_, i) => {
      const st = sd.state[String(i)];
      if (!st) return null;
      return { step: st['step'] as number, expAvg: this.ownCopy(i, st['exp_avg'] as Tensor), expAvgSq: this.ownCopy(i, st['exp_avg_sq'] as Tensor) };
    });
  }
}
