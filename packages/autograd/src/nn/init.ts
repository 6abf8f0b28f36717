import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import { Variable } from '../variable.ts';

// Initialisers that fill a tensor (or a Variable's value) in place, as `torch.nn.init`.
// Randomness comes from the given Rng, or from the default one (`manualSeed` resets it).

let globalRng = new T.Rng(0);

/** Resets the default generator used when no Rng is passed (as `torch.manual_seed`). */
export function manualSeed(seed: number | string): void {
  globalRng = new T.Rng(seed);
}

/** The default generator used by layers and initialisers when no Rng is passed. */
export function defaultRng(): T.Rng {
  return globalRng;
}

type Target = Tensor | Variable;
const tensorOf = (t: Target): Tensor => (t instanceof Variable ? t.value : t);

/** Recommended gain for a nonlinearity (PyTorch's `calculate_gain`): relu √2, tanh 5/3, leaky_relu √(2/(1+slope²)). */
export function calculateGain(nonlinearity: string, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': { const s = param ?? 0.01; return Math.sqrt(2 / (1 + s * s)); }
    case 'selu': return 3 / 4;
    default: return T.fail('calculateGain', `unsupported nonlinearity '${nonlinearity}' (linear, sigmoid, tanh, relu, leaky_relu, selu)`);
  }
}

/** fan_in and fan_out of a weight [out, in, ...receptive field], as PyTorch computes them. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) T.fail('init', `fan in and fan out need a tensor of at least 2 dimensions, got ${T.fmtShape(shape)}`);
  const rf = shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: shape[1]! * rf, fanOut: shape[0]! * rf };
}

/** Fills with U(a, b). */
export function uniform_(t: Target, a = 0, b = 1, rng: T.Rng = globalRng): Tensor {
  const x = tensorOf(t);
  return T.copy_(x, rng.uniform(x.shape, a, b, x.dtype));
}

/** Fills with N(mean, std²). */
export function normal_(t: Target, mean = 0, std = 1, rng: T.Rng = globalRng): Tensor {
  const x = tensorOf(t);
  return T.copy_(x, rng.normal(x.shape, mean, std, x.dtype));
}

/** Fills with `value`. */
export function constant_(t: Target, value: number): Tensor {
  return T.fill_(tensorOf(t), value);
}

/** Fills with zeros. */
export function zeros_(t: Target): Tensor {
  return constant_(t, 0);
}

/** Fills with ones. */
export function ones_(t: Target): Tensor {
  return constant_(t, 1);
}

/** Glorot uniform: U(±gain·√(6 / (fan_in + fan_out))). */
export function xavierUniform_(t: Target, gain = 1, rng: T.Rng = globalRng): Tensor {
  const { fanIn, fanOut } = computeFans(tensorOf(t).shape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, rng);
}

/** Glorot normal: N(0, (gain·√(2 / (fan_in + fan_out)))²). */
export function xavierNormal_(t: Target, gain = 1, rng: T.Rng = globalRng): Tensor {
  const { fanIn, fanOut } = computeFans(tensorOf(t).shape);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), rng);
}

/** Which fan kaiming init scales by: fan_in preserves the forward variance, fan_out the backward one. */
export type FanMode = 'fan_in' | 'fan_out';

/** He uniform: U(±gain·√(3 / fan)), gain = calculateGain(nonlinearity, a). `a = √5` gives PyTorch's Linear default, U(±1/√fan_in). */
export function kaimingUniform_(t: Target, a = 0, mode: FanMode = 'fan_in', nonlinearity = 'leaky_relu', rng: T.Rng = globalRng): Tensor {
  const fans = computeFans(tensorOf(t).shape);
  const fan = mode === 'fan_in' ? fans.fanIn : fans.fanOut;
  const bound = calculateGain(nonlinearity, a) * Math.sqrt(3 / fan);
  return uniform_(t, -bound, bound, rng);
}

/** He normal: N(0, (gain / √fan)²). */
export function kaimingNormal_(t: Target, a = 0, mode: FanMode = 'fan_in', nonlinearity = 'leaky_relu', rng: T.Rng = globalRng): Tensor {
  const fans = computeFans(tensorOf(t).shape);
  const fan = mode === 'fan_in' ? fans.fanIn : fans.fanOut;
  return normal_(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan), rng);
}
