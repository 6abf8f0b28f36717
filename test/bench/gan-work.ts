// The GAN steps the benchmark and the scripts in test/scripts/ measure, built exactly as the peers'
// harness does them (../shared/bench/README.md, "The work"):
//
//   course: G z(64) → [Linear + BatchNorm1d + ReLU] 128, 256, 512, 1024 → Linear 784 → Sigmoid;
//           D 784 → [Linear + LeakyReLU(0.2)] 512, 256, 128 → Linear 1 (logits); batch 128.
//   toy2d:  G 2 → 128 → 128 → 2 (ReLU), D 2 → 128 → 128 → 1 (ReLU); batch 256.
//
// Both: BCE-with-logits, Adam(lr 1e-5, betas 0.9/0.999, eps 1e-8) per model; one step is a D
// update (fresh noise, fake detached) then a G update (fresh noise), both losses read back. The
// "real" batch is one fixed uniform [0, 1] tensor made before timing; the noise is drawn inside
// the step. Everything comes from fixed seeds, so runs are comparable.
//
// One difference from PyTorch's course code (also in tfjs's unfused peer): minigan's G update
// freezes D, so D's weight gradients are not computed in that phase (≈ 5% fewer GEMM FLOPs).
import * as T from '@minigan/tensor';
import { optim } from '@minigan/autograd';
import { ganStep, mlpDiscriminator, mlpGenerator, type GanParts } from '@minigan/gan';

/** Which network pair. */
export type GanWork = 'course' | 'toy2d';

/** A ready-to-run step and what it is made of. */
export interface GanBench {
  parts: GanParts;
  batch: number;
  zDim: number;
  real: T.Tensor;
  /** One full training step (D update, then G update); returns the two losses. */
  step(): { lossD: number; lossG: number };
}

/** Batch sizes of the peers' work. */
export const GAN_BATCH: Record<GanWork, number> = { course: 128, toy2d: 256 };

/** Builds the models, optimizers, real batch and noise stream of one of the peers' GAN steps. */
export function makeGanBench(work: GanWork, seed = 'bench:gan'): GanBench {
  const rng = new T.Rng(`${seed}:${work}:init`);
  const batch = GAN_BATCH[work];
  const spec = work === 'course'
    ? { zDim: 64, dataDim: 784, g: [128, 256, 512, 1024], d: [512, 256, 128] }
    : { zDim: 2, dataDim: 2, g: [128, 128], d: [128, 128] };
  const G = work === 'course'
    ? mlpGenerator({ zDim: spec.zDim, hidden: spec.g, outDim: spec.dataDim, batchNorm: true, activation: 'relu', outActivation: 'sigmoid', rng })
    : mlpGenerator({ zDim: spec.zDim, hidden: spec.g, outDim: spec.dataDim, activation: 'relu', outActivation: 'none', rng });
  const D = work === 'course'
    ? mlpDiscriminator({ inDim: spec.dataDim, hidden: spec.d, activation: 'leakyRelu', slope: 0.2, rng })
    : mlpDiscriminator({ inDim: spec.dataDim, hidden: spec.d, activation: 'relu', rng });
  const hyper = { lr: 1e-5, betas: [0.9, 0.999] as const, eps: 1e-8 };
  const parts: GanParts = { G, D, optG: new optim.Adam(G.parameters(), hyper), optD: new optim.Adam(D.parameters(), hyper) };
  const real = new T.Rng(`${seed}:${work}:real`).uniform([batch, spec.dataDim], 0, 1); // [B, d], fixed
  const noise = new T.Rng(`${seed}:${work}:noise`);
  return {
    parts, batch, zDim: spec.zDim, real,
    step() {
      const zD = noise.normal([batch, spec.zDim]); // [B, zDim], drawn inside the step
      const zG = noise.normal([batch, spec.zDim]);
      const r = ganStep(parts, real, zD, zG);
      return { lossD: r.lossD, lossG: r.lossG };
    },
  };
}

/** Milliseconds of each of `steps` steps after `warmup` untimed ones (as the peers time them). */
export function timeSteps(step: () => unknown, warmup: number, steps: number): number[] {
  for (let i = 0; i < warmup; i++) step();
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    out.push(performance.now() - t0);
  }
  return out;
}
