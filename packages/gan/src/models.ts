// Builders for the MLP generators and discriminators of this project. They return ordinary
// `Sequential`s, so state dicts carry PyTorch's key names (`0.weight`, `1.running_mean`, ...)
// and a model written here loads into the same `nn.Sequential` in PyTorch.
import { Rng, fail } from '@minigan/tensor';
import { nn } from '@minigan/autograd';

/** Hidden-layer activations a builder can use. */
export type Activation = 'relu' | 'leakyRelu' | 'tanh';
/** What the generator's last layer applies. */
export type OutActivation = 'sigmoid' | 'tanh' | 'none';

/** Options of `mlpGenerator`. */
export interface GeneratorOptions {
  /** Noise dimension (input). */
  zDim: number;
  /** Widths of the hidden layers, e.g. [128, 256, 512, 1024]. */
  hidden: readonly number[];
  /** Output dimension (784 for 28×28 images, 2 for points in the plane). */
  outDim: number;
  /** BatchNorm1d after each hidden Linear (the course GAN's `gen_block`). Default false. */
  batchNorm?: boolean;
  /** Hidden activation. Default 'relu'. */
  activation?: Activation;
  /** Slope for 'leakyRelu'. Default 0.2. */
  slope?: number;
  /** Output activation. Default 'none'. */
  outActivation?: OutActivation;
  /** Where the initial weights come from. */
  rng: Rng;
}

/** Options of `mlpDiscriminator`. */
export interface DiscriminatorOptions {
  /** Input dimension (data dimension × pack size). */
  inDim: number;
  /** Widths of the hidden layers, e.g. [512, 256, 128]. */
  hidden: readonly number[];
  /** Hidden activation. Default 'leakyRelu'. */
  activation?: Activation;
  /** Negative slope of LeakyReLU. Default 0.2. */
  slope?: number;
  /** Where the initial weights come from. */
  rng: Rng;
}

function checkDims(op: string, dims: Record<string, number>, hidden: readonly number[]): void {
  for (const [k, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 1) fail(op, `${k} must be a positive integer, got ${String(v)}`);
  }
  hidden.forEach((h, i) => {
    if (!Number.isInteger(h) || h < 1) fail(op, `hidden[${i}] must be a positive integer, got ${String(h)}`);
  });
}

function activation(kind: Activation, slope: number): nn.Module {
  switch (kind) {
    case 'relu': return new nn.ReLU();
    case 'leakyRelu': return new nn.LeakyReLU(slope);
    case 'tanh': return new nn.Tanh();
    default: return fail('activation', `unknown activation '${String(kind)}' (expected relu, leakyRelu or tanh)`);
  }
}

/**
 * z [B, zDim] → [Linear (+ BatchNorm1d) + activation] per hidden width → Linear → outActivation
 * → [B, outDim].
 */
export function mlpGenerator(o: GeneratorOptions): nn.Sequential {
  checkDims('mlpGenerator', { zDim: o.zDim, outDim: o.outDim }, o.hidden);
  const layers: nn.Module[] = [];
  let width = o.zDim;
  for (const h of o.hidden) {
    layers.push(new nn.Linear(width, h, { rng: o.rng }));
    if (o.batchNorm) layers.push(new nn.BatchNorm1d(h));
    layers.push(activation(o.activation ?? 'relu', o.slope ?? 0.2));
    width = h;
  }
  layers.push(new nn.Linear(width, o.outDim, { rng: o.rng }));
  const out = o.outActivation ?? 'none';
  if (out === 'sigmoid') layers.push(new nn.Sigmoid());
  else if (out === 'tanh') layers.push(new nn.Tanh());
  else if (out !== 'none') fail('mlpGenerator', `unknown outActivation '${String(out)}' (expected sigmoid, tanh or none)`);
  return new nn.Sequential(...layers);
}

/** x [B, inDim] → [Linear + LeakyReLU] per hidden width → Linear → logits [B, 1]. */
export function mlpDiscriminator(o: DiscriminatorOptions): nn.Sequential {
  checkDims('mlpDiscriminator', { inDim: o.inDim }, o.hidden);
  const layers: nn.Module[] = [];
  let width = o.inDim;
  for (const h of o.hidden) {
    layers.push(new nn.Linear(width, h, { rng: o.rng }));
    layers.push(activation(o.activation ?? 'leakyRelu', o.slope ?? 0.2));
    width = h;
  }
  layers.push(new nn.Linear(width, 1, { rng: o.rng }));
  return new nn.Sequential(...layers);
}

/** Architecture of a G/D pair, as plain JSON (it goes into configs and checkpoints). */
export interface ModelSpec {
  zDim: number;
  dataDim: number;
  gHidden: number[];
  dHidden: number[];
  batchNorm: boolean;
  gActivation: Activation;
  outActivation: OutActivation;
  dSlope: number;
  /** PacGAN packing: D sees `pack` samples at once (input dataDim × pack). 1 = plain GAN. */
  pack: number;
}

/** Model presets: the lecture's course GAN and small toy GANs for 1-D and 2-D data. */
export const MODEL_PRESETS = {
  /** The course GAN: z 64 → 128 → 256 → 512 → 1024 → 784 (BatchNorm + ReLU, Sigmoid out); D 784 → 512 → 256 → 128 → 1, LeakyReLU 0.2. */
  course: { zDim: 64, dataDim: 784, gHidden: [128, 256, 512, 1024], dHidden: [512, 256, 128], batchNorm: true, gActivation: 'relu', outActivation: 'sigmoid', dSlope: 0.2, pack: 1 },
  /** A toy 2-D GAN: G 2 → 128 → 128 → 2 (ReLU), D 2 → 128 → 128 → 1 (LeakyReLU 0.2). */
  toy2d: { zDim: 2, dataDim: 2, gHidden: [128, 128], dHidden: [128, 128], batchNorm: false, gActivation: 'relu', outActivation: 'none', dSlope: 0.2, pack: 1 },
  /** A toy 1-D GAN: G 1 → 32 → 32 → 1 (ReLU), D 1 → 32 → 32 → 1 (LeakyReLU 0.2). */
  toy1d: { zDim: 1, dataDim: 1, gHidden: [32, 32], dHidden: [32, 32], batchNorm: false, gActivation: 'relu', outActivation: 'none', dSlope: 0.2, pack: 1 },
} as const satisfies Record<string, ModelSpec>;

/** Builds G and D for a spec, drawing G's weights first, then D's, from `rng`. */
export function buildModels(spec: ModelSpec, rng: Rng): { G: nn.Sequential; D: nn.Sequential } {
  const G = mlpGenerator({ zDim: spec.zDim, hidden: spec.gHidden, outDim: spec.dataDim, batchNorm: spec.batchNorm, activation: spec.gActivation, outActivation: spec.outActivation, rng });
  const D = mlpDiscriminator({ inDim: spec.dataDim * spec.pack, hidden: spec.dHidden, slope: spec.dSlope, rng });
  return { G, D };
}
