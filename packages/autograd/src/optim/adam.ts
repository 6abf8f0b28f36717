import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import type { Variable } from '../variable.ts';
import { Optimizer, checkHyper, gradNorm, type OptimizerStateDict } from './optimizer.ts';

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
      // The moments are pinned (in the wasm kernels' memory) so the update runs on them in place.
      const st = this.states[i] ??= { step: 0, expAvg: pinnedZerosLike(param.value), expAvgSq: pinnedZerosLike(param.value) };
      st.step += 1;
      // Scalars in double, as PyTorch computes them in Python.
      const bc1 = 1 - beta1 ** st.step;
      const bc2Sqrt = Math.sqrt(1 - beta2 ** st.step);
      const stepSize = this.lr / bc1;
      const m = st.expAvg.data, s = st.expAvgSq.data;
      if (p instanceof Float32Array && g instanceof Float32Array && m instanceof Float32Array && s instanceof Float32Array) {
        // One fused pass, every operation rounded to float32 (a SIMD kernel for large tensors).
        T.kernels.adamF32(p, g, m, s, { weightDecay: this.weightDecay, beta1, beta2, bc2Sqrt, eps: this.eps, negStepSize: -stepSize });
      } else {
        adamFloat64(p, g, m, s, this.weightDecay, beta1, beta2, bc2Sqrt, this.eps, -stepSize);
      }
    });
  }

  /**
   * `gradNorm` and `step()` in one wasm session when every parameter and gradient is float32 and
   * the parameters are pinned: the gradients are copied in once, their sum of squares taken in
   * `gradNorm`'s order (the same number), and the update runs only if it is finite; both passes
   * on all threads (T.kernels.adamNormPinned).
   */
  override stepIfFinite(): { gradNorm: number; stepped: boolean } {
    for (const p of this.params) {
      const g = p.grad;
      if (g !== null && (!(p.value.data instanceof Float32Array) || g.dtype !== 'float32' || g.size !== p.size)) return super.stepIfFinite();
    }
    const [beta1, beta2] = this.betas;
    // Pinned parameters and moments (as Linear and this optimizer make them): one wasm session.
    // A parameter's first state is only kept if the update happens (a skipped step leaves none).
    const items: T.kernels.AdamItemF32[] = [];
    const stepped: [number, AdamState][] = [];
    this.params.forEach((param, i) => {
      const v = this.views(i);
      if (v === null) return;
      const st = this.states[i] ?? { step: 0, expAvg: pinnedZerosLike(param.value), expAvgSq: pinnedZerosLike(param.value) };
      const t = st.step + 1;
      const h = { weightDecay: this.weightDecay, beta1, beta2, bc2Sqrt: Math.sqrt(1 - beta2 ** t), eps: this.eps, negStepSize: -(this.lr / (1 - beta1 ** t)) };
      items.push({ p: v.p as Float32Array, g: v.g as Float32Array, m: st.expAvg.data as Float32Array, s: st.expAvgSq.data as Float32Array, h });
      stepped.push([i, st]);
    });
    const fused = T.kernels.adamNormPinned(items);
    if (fused !== null) {
      if (!fused.finite) return { gradNorm: gradNorm(this.params), stepped: false };
      for (const [i, st] of stepped) {
        this.states[i] = st;
        st.step += 1;
      }
      return { gradNorm: Math.sqrt(fused.sum), stepped: true };
    }
    // Unpinned float32 storage: the norm, then the update, one parameter at a time.
    return super.stepIfFinite();
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
      const own = (t: Tensor) => T.copy_(pinnedZerosLike(this.params[i]!.value), t.astype(this.params[i]!.dtype));
      return { step: st['step'] as number, expAvg: own(st['exp_avg'] as Tensor), expAvgSq: own(st['exp_avg_sq'] as Tensor) };
    });
  }
}

/** Zeros shaped and typed like `t`, pinned (see T.zeros) when float32. */
function pinnedZerosLike(t: Tensor): Tensor {
  return T.zeros(t.shape, t.dtype, { pinned: true });
}

/**
 * Adam's update in double precision (float64 parameters: no rounding between operations); the
 * float32 update is T.kernels.adamF32.
 */
function adamFloat64(
  p: T.TypedArray, g: T.TypedArray, m: T.TypedArray, s: T.TypedArray,
  wd: number, b1: number, b2: number, bc2s: number, eps: number, negStep: number,
): void {
  // Mixed storage (say float32 parameters with a float64 gradient) also lands here; rounding
  // then happens where a Float32Array stores the value.
  const omb1 = 1 - b1, omb2 = 1 - b2;
  const round = p instanceof Float32Array ? Math.fround : (x: number) => x;
  const n = p.length;
  for (let k = 0; k < n; k++) {
    let gk = g[k]!;
    if (wd !== 0) gk = round(gk + round(wd * p[k]!));
    m[k] = round(round(m[k]! * round(b1)) + round(round(omb1) * gk));
    s[k] = round(round(s[k]! * round(b2)) + round(round(round(omb2) * gk) * gk));
    const denom = round(round(round(Math.sqrt(s[k]!)) / round(bc2s)) + round(eps));
    p[k] = round(p[k]! + round(round(round(negStep) * m[k]!) / denom));
  }
}
