// Autograd cases: forward + backward of the course GAN's discriminator (784 → 512 → 256 → 128 → 1,
// LeakyReLU 0.2, logits) at batch 128, float32: ms per pass, and where the time goes — in the
// matmul kernel versus the rest (element-wise ops, bias sums, allocation, graph bookkeeping).
//
// The split is measured in the same passes: the current matmul backend is wrapped in one that
// adds up the time spent inside its gemm calls (11 per pass: 4 forward, 4 weight gradients,
// 3 input gradients — the input batch itself needs none).
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

/** The GemmBackend object behind the current backend's name (the wrapper needs the object). */
function currentBackend(): T.GemmBackend {
  const name = T.matmulBackend().current;
  const known: Record<string, T.GemmBackend> = { js: T.jsBackend, wasm: T.wasmBackend };
  const b = known[name];
  if (!b) throw new Error(`bench autograd: cannot wrap unknown matmul backend '${name}'`);
  return b;
}

interface Split { totalMs: number[]; matmulMs: number[]; restMs: number[]; share: number[] }

let split: Split | null = null;

/**
 * Runs passes with a timing wrapper around the matmul backend, under the run's timing settings
 * (warm-up, then samples of at least minSampleMs), and returns per-sample figures per pass.
 * Measured once and shared by the breakdown rows.
 */
function measureSplit(ctx: RunContext): Split {
  if (split) return split;
  const inner = currentBackend();
  let inGemm = 0;
  const timed: T.GemmBackend = {
    name: 'timed',
    supports: (dtype) => inner.supports(dtype),
    gemm(...args) {
      const t0 = performance.now();
      inner.gemm(...args);
      inGemm += performance.now() - t0;
    },
  };
  const previous = T.matmulBackend().current;
  T.registerMatmulBackend(timed);
  T.setMatmulBackend('timed');
  try {
    const pass = makePass();
    const w0 = performance.now();
    do pass(); while (performance.now() - w0 < ctx.timing.warmupMs);
    const out: Split = { totalMs: [], matmulMs: [], restMs: [], share: [] };
    for (let s = 0; s < ctx.timing.samples; s++) {
      inGemm = 0;
      let calls = 0;
      const t0 = performance.now();
      let elapsed: number;
      do {
        pass();
        calls++;
        elapsed = performance.now() - t0;
      } while (elapsed < ctx.timing.minSampleMs);
      out.totalMs.push(elapsed / calls);
      out.matmulMs.push(inGemm / calls);
      out.restMs.push((elapsed - inGemm) / calls);
      out.share.push((100 * inGemm) / elapsed);
    }
    split = out;
    return out;
  } finally {
    T.setMatmulBackend(previous);
  }
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
  { bench: BENCH, label: '  of which matmul', unit: 'ms', batch: BATCH, run: (ctx) => measureSplit(ctx).matmulMs },
  { bench: BENCH, label: '  of which the rest', unit: 'ms', batch: BATCH, run: (ctx) => measureSplit(ctx).restMs },
  { bench: BENCH, label: '  matmul share', unit: '%', batch: BATCH, run: (ctx) => measureSplit(ctx).share },
);
