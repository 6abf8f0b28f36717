import * as T from '@minigan/tensor';
import { Variable } from '../variable.ts';
import { linear } from '../ops/linear.ts';
import { Module, pyBool } from './module.ts';
import { defaultRng, kaimingUniform_ } from './init.ts';

/** Options of `Linear`. */
export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
  /** Where the initial weights come from. Default: the default generator (`manualSeed`). */
  rng?: T.Rng;
  /** Element type of the parameters. Default float32. */
  dtype?: T.DType;
}

/**
 * y = x·Wᵀ + b: [B, in] → [B, out], with weight [out, in] and bias [out] as `torch.nn.Linear`.
 * PyTorch's default init: kaiming_uniform(a = √5) for W, i.e. U(±1/√in), and U(±1/√in) for b
 * (weight drawn first, then bias).
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Variable;
  readonly bias: Variable | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [what, n] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(n) || n <= 0) T.fail('Linear', `${what} must be a positive integer, got ${n}`);
    }
    const dtype = opts.dtype ?? 'float32';
    const rng = opts.rng ?? defaultRng();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    // Pinned: the weights live in the wasm kernels' memory, so matmuls and Adam use them in place.
    const w = new Variable(T.zeros([outFeatures, inFeatures], dtype, { pinned: true }), { requiresGrad: true });
    kaimingUniform_(w, Math.sqrt(5), 'fan_in', 'leaky_relu', rng);
    this.weight = this.registerParameter('weight', w);
    let b: Variable | null = null;
    if (opts.bias ?? true) {
      const bound = 1 / Math.sqrt(inFeatures);
      const bias = T.zeros([outFeatures], dtype, { pinned: true });
      T.copy_(bias, rng.uniform([outFeatures], -bound, bound, dtype));
      b = new Variable(bias, { requiresGrad: true });
    }
    this.bias = this.registerParameter('bias', b);
  }

  /** [B, in] → [B, out]. */
  forward(x: Variable): Variable {
    this.checkInput(x);
    return linear(x, this.weight, this.bias);
  }

  /** Throws unless x is [B, inFeatures]. */
  checkInput(x: Variable): void {
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures) {
      T.fail('Linear', `expected input [B,${this.inFeatures}], got ${T.fmtShape(x.shape)}`);
    }
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
