import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import { Variable } from '../variable.ts';
import { batchNorm } from '../ops/batchNorm.ts';
import { Module, pyBool, pyFloat } from './module.ts';

/** Options of `BatchNorm1d` (PyTorch's defaults). */
export interface BatchNorm1dOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /** Weight of each new batch in the running statistics; null: a cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn a scale γ (`weight`, init 1) and shift β (`bias`, init 0). Default true. */
  affine?: boolean;
  /** Keep running statistics for eval mode. Default true. */
  trackRunningStats?: boolean;
  /** Element type of parameters and buffers. Default float32. */
  dtype?: T.DType;
}

/**
 * Batch normalisation over [N, C], as `torch.nn.BatchNorm1d`. Training: normalise with the
 * batch mean and biased variance, and update `running_mean` / `running_var` (the latter with
 * the unbiased variance) by momentum. Eval: normalise with the running statistics.
 * State dict keys: `weight`, `bias`, `running_mean`, `running_var`. `num_batches_tracked` is kept
 * as a buffer but not saved (the parity fixtures leave it out); a PyTorch state dict that has it
 * still loads.
 */
export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Variable | null;
  readonly bias: Variable | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  /** Batches seen in training (a float64 scalar); drives the cumulative average when momentum is null. */
  readonly numBatchesTracked: Tensor | null;

  constructor(numFeatures: number, opts: BatchNorm1dOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) T.fail('BatchNorm1d', `numFeatures must be a positive integer, got ${numFeatures}`);
    const dtype = opts.dtype ?? 'float32';
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const p = (t: Tensor) => new Variable(t, { requiresGrad: true });
    // Pinned (in the wasm kernels' memory), as Linear's: Adam updates them in place.
    const pinned = (value: number) => T.fill_(T.zeros([numFeatures], dtype, { pinned: true }), value);
    this.weight = this.registerParameter('weight', this.affine ? p(pinned(1)) : null);
    this.bias = this.registerParameter('bias', this.affine ? p(pinned(0)) : null);
    const track = this.trackRunningStats;
    this.runningMean = this.registerBuffer('running_mean', track ? T.zeros([numFeatures], dtype) : null);
    this.runningVar = this.registerBuffer('running_var', track ? T.ones([numFeatures], dtype) : null);
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', track ? T.scalar(0, 'float64') : null, { persistent: false });
  }

  protected override optionalStateKeys(): string[] {
    return ['num_batches_tracked'];
  }

  /** [N, C] → [N, C]. */
  forward(x: Variable): Variable {
    return this.normalize(x, false);
  }

  /** relu(forward(x)) as one fused node (Sequential uses it for a BatchNorm1d followed by a ReLU). */
  forwardRelu(x: Variable): Variable {
    return this.normalize(x, true);
  }

  private normalize(x: Variable, relu: boolean): Variable {
    if (x.ndim !== 2 || x.shape[1] !== this.numFeatures) {
      T.fail('BatchNorm1d', `expected input [N,${this.numFeatures}], got ${T.fmtShape(x.shape)}`);
    }
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked !== null) {
      const n = this.numBatchesTracked.item() + 1;
      this.numBatchesTracked.data[this.numBatchesTracked.offset] = n;
      if (this.momentum === null) momentum = 1 / n;
    }
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: this.training || this.runningMean === null,
      momentum,
      eps: this.eps,
      relu,
    });
  }

  override extraRepr(): string {
    const m = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}
