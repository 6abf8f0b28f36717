import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** Options of `batchNorm` (as `torch.nn.functional.batch_norm`). */
export interface BatchNormOptions {
  /** Normalise with the batch's statistics (and update the running ones) instead of the running ones. */
  training: boolean;
  /** Weight of the new batch statistic in the running average. Default 0.1. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  eps?: number;
  /**
   * Apply a ReLU to the result in the same node (fused for speed: the normalised values never
   * become an array of their own; values and gradients are those of batchNorm then relu).
   */
  relu?: boolean;
}

/**
 * Batch normalisation of [N, C] over the batch: y = (x − μ) / √(σ² + eps) · γ + β.
 * Training: μ, σ² are the batch mean and biased variance; the running statistics (if given) are
 * updated in place with momentum m: r ← (1 − m)·r + m·stat, using the unbiased variance.
 * Eval: μ, σ² are the running statistics.
 *
 * Fused into one op (forward and backward each one pass per channel) because composing it from
 * mean/sub/mul/div makes about ten graph nodes and as many full-size temporaries, on the hot
 * path of the course GAN's generator. With x̂ = (x − μ)/σ̂ and dŷ = g·γ, the training backward is
 *   dx = γ/(N·σ̂) · (N·g − Σg − x̂·Σ(g·x̂)),  dγ = Σ g·x̂,  dβ = Σ g   (sums over the batch);
 * in eval μ, σ̂ are constants, so dx = g·γ/σ̂.
 */
export function batchNorm(
  input: Variable | T.Tensor, runningMean: T.Tensor | null, runningVar: T.Tensor | null,
  weight: Variable | null, bias: Variable | null, opts: BatchNormOptions,
): Variable {
  const x = unaryInput('batchNorm', input);
  if (x.ndim !== 2) T.fail('batchNorm', `expected input [N, C], got ${T.fmtShape(x.shape)}`);
  const [N, C] = x.shape as [number, number];
  for (const [what, t] of [['weight', weight?.value], ['bias', bias?.value], ['runningMean', runningMean], ['runningVar', runningVar]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C)) T.fail('batchNorm', `${what} has shape ${T.fmtShape(t.shape)}, expected [${C}] for input ${T.fmtShape(x.shape)}`);
  }
  const useBatch = opts.training || runningMean === null || runningVar === null;
  if (useBatch && N <= 1) T.fail('batchNorm', `expected more than 1 value per channel when training, got input of shape ${T.fmtShape(x.shape)}`);
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  const thenRelu = opts.relu ?? false;

  const xd = x.value.toFlat();
  const gamma = weight ? weight.value.toFlat() : null;
  const beta = bias ? bias.value.toFlat() : null;
  // Per-channel statistics in double (sums over the batch in order, from 0), then
  // [N, C] → [N, C]: y = x̂·γ + β with x̂ = (x − μ)·invstd in double. The backward recomputes x̂
  // from x, μ and invstd (the same double operations, so the same values) instead of keeping it.
  const mean = new Float64Array(C);
  const invstd = new Float64Array(C);
  const y = new T.Tensor(T.allocEmpty(x.dtype, N * C), [N, C]); // bnForward writes every element
  if (useBatch) {
    const varSum = new Float64Array(C);
    T.kernels.bnForwardBatch(xd, y.data, N, C, eps, mean, varSum, invstd, gamma, beta, thenRelu);
    if (opts.training && runningMean && runningVar) {
      // In place, so the module's buffers (and any views of them) stay the same tensors.
      const rm = runningMean.toFlat(), rv = runningVar.toFlat();
      for (let c = 0; c < C; c++) {
        rm[c] = momentum * mean[c]! + (1 - momentum) * rm[c]!;
        rv[c] = momentum * (varSum[c]! / (N - 1)) + (1 - momentum) * rv[c]!;
      }
      if (!runningMean.isContiguous()) T.copy_(runningMean, T.tensor(rm, [C]));
      if (!runningVar.isContiguous()) T.copy_(runningVar, T.tensor(rv, [C]));
    }
  } else {
    const rm = runningMean!.toFlat(), rv = runningVar!.toFlat();
    for (let c = 0; c < C; c++) { mean[c] = rm[c]!; invstd[c] = 1 / Math.sqrt(rv[c]! + eps); }
    T.kernels.bnForward(xd, y.data, N, C, mean, invstd, gamma, beta, thenRelu);
  }

  const parents = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(thenRelu ? 'batchNorm+relu' : 'batchNorm', y, parents, (g) => {
    const gd = g.toFlat();
    const sumG = new Float64Array(C), sumGX = new Float64Array(C);
    const scale = new Float64Array(C);
    for (let c = 0; c < C; c++) scale[c] = (gamma ? gamma[c]! : 1) * invstd[c]!;
    const dx = x.requiresGrad ? new T.Tensor(T.allocEmpty(x.dtype, N * C), [N, C]) : null; // written whole by bnBackward
    // With the fused ReLU, bnBackward first masks g by the output (the ReLU's backward).
    T.kernels.bnBackward(gd, xd, dx ? dx.data : null, N, C, mean, invstd, scale, useBatch, sumG, sumGX, thenRelu ? y.toFlat() : null);
    const grads: (T.Tensor | null)[] = [dx];
    if (weight) grads.push(weight.requiresGrad ? T.tensor(sumGX, [C], weight.dtype) : null);
    if (bias) grads.push(bias.requiresGrad ? T.tensor(sumG, [C], bias.dtype) : null);
    return grads;
  });
}
