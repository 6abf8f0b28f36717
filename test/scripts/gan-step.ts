// Runs the benchmark's GAN step (test/bench/gan-work.ts) a number of times and prints the time
// per step and the process's memory: a small driver for profiling and for peak-RSS figures.
//
//   npx tsx test/scripts/gan-step.ts --work course --steps 30
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx test/scripts/gan-step.ts --work course
//   /usr/bin/time -v npx tsx test/scripts/gan-step.ts --work course --steps 50   # "Maximum resident set size"
//
//   --work course|toy2d   which step (default course)
//   --warmup N            untimed steps first (default 5)
//   --steps N             timed steps (default 20)
//   --threads N           matmul threads (default: MINIGAN_THREADS or 1)
import { parseArgs } from 'node:util';
import * as T from '@minigan/tensor';
import { makeGanBench, timeSteps, type GanWork } from '../bench/gan-work.ts';

const { values } = parseArgs({
  options: {
    work: { type: 'string', default: 'course' },
    warmup: { type: 'string', default: '5' },
    steps: { type: 'string', default: '20' },
    threads: { type: 'string' },
  },
});
const work = values.work as GanWork;
if (work !== 'course' && work !== 'toy2d') {
  console.error(`gan-step: --work must be course or toy2d, got '${values.work}'`);
  process.exit(2);
}

const b = makeGanBench(work);
const ms = timeSteps(() => b.step(), Number(values.warmup), Number(values.steps));
const sorted = [...ms].sort((x, y) => x - y);
const median = sorted[sorted.length >> 1]!;
const mu = process.memoryUsage();
const res = process.resourceUsage();
const mb = (x: number) => (x / 2 ** 20).toFixed(1);
console.log(`${work}: ${ms.length} steps, median ${median.toFixed(2)} ms/step (min ${sorted[0]!.toFixed(2)}, max ${sorted[sorted.length - 1]!.toFixed(2)})`);
console.log(`memory: rss ${mb(mu.rss)} MB, peak rss ${(res.maxRSS / 1024).toFixed(1)} MB, heap used ${mb(mu.heapUsed)} MB, external+arrayBuffers ${mb(mu.external)} MB`);
