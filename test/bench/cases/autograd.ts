// Autograd cases: forward + backward of the course GAN's discriminator (784 → 512 → 256 → 128 → 1,
// LeakyReLU 0.2, logits) at batch 128, float32: ms per pass, and where the time goes — in the
// matmul kernel, in copies to and from its memory, and the rest (element-wise ops, bias sums,
// allocation, graph bookkeeping).
//
// The split is measured in the same passes with the kernel timer (T.setKernelTiming), which adds
// up the time inside the 11 matmuls per pass (4 forward, 4 weight gradients, 3 input gradients —
// the input batch itself needs none) and their copies.
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';
import { nn } from '@minigan/autograd';
import { registerCase, type RunContext } from '../harness.ts';

const BATCH = 128;
const BENCH = `autograd_D_fwd_bwd_b${BATCH}`;

/** The course GAN's discriminator, float32, PyTorch's default init from a fixed seed. */
function discriminator(): nn.Sequential {
  const rng = new T.Rng('bench:D');
  return new nn.Sequential(
    new nn.Linear(784, 512, { rng }), new nn.LeakyReLU(0.2), // [B, 784] → [B, 512]
    new nn.Linear(512, 256, { rng }), new nn.LeakyReLU(0.2), // → [B, 256]
    new nn.Linear(256, 128, { rng }), new nn.LeakyReLU(0.2), // → [B, 128]
    new nn.Linear(128, 1, { rng }), //                          → [B, 1] logits
  );
}

/** One training pass without the optimizer: clear grads, forward, a scalar loss, backward. */
function makePass(): () => void {
  const D = discriminator();
  const x = new A.Variable(new T.Rng('bench:x').uniform([BATCH, 784], 0, 1));
  return () => {
    D.zeroGrad();
    A.mean(D.forward(x)).backward();
  };
}

interface Split { totalMs: number[]; kernelMs: number[]; copyMs: number[]; restMs: number[]; share: number[] }

let split: Split | null = null;

/**
 * Runs passes with the kernel timer on (T.setKernelTiming: time inside the matmul kernel, and in
 * copies of its operands and results), under the run's timing settings (warm-up, then samples of
 * at least minSampleMs), and returns per-pass figures for each sample. Measured once and shared
 * by the breakdown rows. With the 'js' backend there is no kernel timer: everything is "the rest".
 */
function measureSplit(ctx: RunContext): Split {
  if (split) return split;
  const pass = makePass();
  const w0 = performance.now();
  do pass(); while (performance.now() - w0 < ctx.timing.warmupMs);
  const out: Split = { totalMs: [], kernelMs: [], copyMs: [], restMs: [], share: [] };
  try {
    for (let s = 0; s < ctx.timing.samples; s++) {
      T.setKernelTiming(true);
      let calls = 0;
      const t0 = performance.now();
      let elapsed: number;
      do {
        pass();
        calls++;
        elapsed = performance.now() - t0;
      } while (elapsed < ctx.timing.minSampleMs);
      const k = T.kernelTiming();
      out.totalMs.push(elapsed / calls);
      out.kernelMs.push(k.gemmMs / calls);
      out.copyMs.push(k.copyMs / calls);
      out.restMs.push((elapsed - k.gemmMs - k.copyMs) / calls);
      out.share.push((100 * k.gemmMs) / elapsed);
    }
  } finally {
    T.setKernelTiming(false);
  }
  split = out;
  return out;
}

const backend = T.matmulBackend().current;
registerCase(
  {
    bench: BENCH,
    label: `minigan ${backend} 1 thread`,
    unit: 'ms',
    batch: BATCH,
    run: (ctx) => ctx.time(makePass()).map((sec) => sec * 1000),
  },
  { bench: BENCH, label: '  of which matmul kernel', unit: 'ms', batch: BATCH, run: (ctx) => measureSplit(ctx).kernelMs },
  { bench: BENCH, label: '  of which matmul copies', unit: 'ms', batch: BATCH, run: (ctx) => measureSplit(ctx).copyMs },
  { bench: BENCH, label: '  of which the rest', unit: 'ms', batch: BATCH, run: (ctx) => measureSplit(ctx).restMs },
  { bench: BENCH, label: '  matmul kernel share', unit: '%', batch: BATCH, run: (ctx) => measureSplit(ctx).share },
);
