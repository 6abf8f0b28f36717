// GAN step cases: the peers' "course GAN step" (batch 128) and "toy 2-D GAN step" (batch 256)
// in ms per step, timed step by step after warm-up steps, as ../shared/bench/torch_step.py does.
// The work itself is built in ../gan-work.ts.
import * as T from '@minigan/tensor';
import { registerCase, type RunContext } from '../harness.ts';
import { GAN_BATCH, makeGanBench, timeSteps, type GanWork } from '../gan-work.ts';

/** Warm-up and counted steps per work: [full run, --quick]. */
const COUNTS: Record<GanWork, { full: [number, number]; quick: [number, number] }> = {
  course: { full: [10, 40], quick: [3, 10] },
  toy2d: { full: [200, 400], quick: [50, 100] },
};

function runWork(work: GanWork, ctx: RunContext): number[] {
  const b = makeGanBench(work);
  const [warmup, steps] = ctx.quick ? COUNTS[work].quick : COUNTS[work].full;
  return timeSteps(() => b.step(), warmup, steps);
}

/** Runs a case's measurement on `threads` threads, then restores the count it found. */
function onThreads(threads: number, fn: () => number[]): number[] {
  const before = T.getThreads();
  T.setThreads(threads);
  try {
    return fn();
  } finally {
    T.setThreads(before);
  }
}

// One row per thread count: 1 (the default) and 2 (a worker thread takes half of each large
// matmul; results are bit-identical, see packages/tensor/test/threads.test.ts).
const impl = T.matmulBackend().current === 'wasm' ? 'wasm SIMD' : 'js';
for (const threads of [1, 2]) {
  const label = `minigan, ${impl}, ${threads} thread${threads > 1 ? 's' : ''}`;
  registerCase(
    { bench: 'mlp_gan_step', label, unit: 'ms/step', batch: GAN_BATCH.course, run: (ctx) => onThreads(threads, () => runWork('course', ctx)) },
    { bench: 'toy2d_gan_step', label, unit: 'ms/step', batch: GAN_BATCH.toy2d, run: (ctx) => onThreads(threads, () => runWork('toy2d', ctx)) },
  );
}
