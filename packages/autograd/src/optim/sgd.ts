import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import type { Variable } from '../variable.ts';
import { Optimizer, checkHyper, rounder, type OptimizerStateDict } from './optimizer.ts';

/** Options of `SGD` (PyTorch's names and defaults; `lr` is required). */
export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with momentum, exactly as `torch.optim.SGD`:
 *   d = g + λ·p;  b ← d on the first step, else b ← μ·b + (1 − dampening)·d;
 *   d = d + μ·b (nesterov) or d = b;  p ← p − lr·d.
 */
export class SGD extends Optimizer {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  private buffers: (Tensor | null)[];

  constructor(params: Iterable<Variable>, opts: SGDOptions) {
    super('SGD', params);
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.weightDecay = opts.weightDecay ?? 0;
    this.validate();
    this.buffers = this.params.map(() => null);
  }

  private validate(): void {
    checkHyper('SGD', 'lr', this.lr, 0);
    checkHyper('SGD', 'momentum', this.momentum, 0);
    checkHyper('SGD', 'dampening', this.dampening, 0);
    checkHyper('SGD', 'weightDecay', this.weightDecay, 0);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) T.fail('SGD', 'nesterov momentum needs momentum > 0 and dampening 0');
  }

  step(): void {
    this.params.forEach((param, i) => {
      const v = this.views(i);
      if (v === null) return;
      const { p, g } = v;
      const r = rounder(param.dtype);
      const wd = r(this.weightDecay), mom = r(this.momentum), keep = r(1 - this.dampening), negLr = r(-this.lr);
      if (this.momentum === 0) {
        for (let k = 0; k < p.length; k++) {
          let d = g[k]!;
          if (wd !== 0) d = r(d + r(wd * p[k]!));
          p[k] = r(p[k]! + r(negLr * d));
        }
        return;
      }
      const first = this.buffers[i] === null;
      const b = (this.buffers[i] ??= T.zerosLike(param.value)).data;
      const nesterov = this.nesterov;
      for (let k = 0; k < p.length; k++) {
        let d = g[k]!;
        if (wd !== 0) d = r(d + r(wd * p[k]!));
        const bk = first ? d : r(r(b[k]! * mom) + r(keep * d));
        b[k] = bk;
        d = nesterov ? r(d + r(mom * bk)) : bk;
        p[k] = r(p[k]! + r(negLr * d));
      }
    });
  }

  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    this.buffers.forEach((b, i) => { if (b) state[String(i)] = { momentum_buffer: b.clone() }; });
    return {
      state,
      param_groups: [{ lr: this.lr, momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, weight_decay: this.weightDecay, params: this.params.map((_, i) => i) }],
    };
  }

  loadStateDict(sd: OptimizerStateDict): void {
    const g = this.checkLayout(sd, ['momentum_buffer']);
    const num = (k: string, d: number) => (typeof g[k] === 'number' ? (g[k] as number) : d);
    const prev = [this.lr, this.momentum, this.dampening, this.nesterov, this.weightDecay] as const;
    this.lr = num('lr', this.lr);
    this.momentum = num('momentum', this.momentum);
    this.dampening = num('dampening', this.dampening);
    this.nesterov = typeof g['nesterov'] === 'boolean' ? g['nesterov'] : this.nesterov;
    this.weightDecay = num('weight_decay', this.weightDecay);
    try {
      this.validate();
    } catch (e) {
      [this.lr, this.momentum, this.dampening, this.nesterov, this.weightDecay] = prev;
      throw e;
    }
    this.buffers = this.params.map((_, i) => {
      const st = sd.state[String(i)];
      return st ? this.ownCopy(i, st['momentum_buffer'] as Tensor) : null;
    });
  }
}
