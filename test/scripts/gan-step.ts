// Runs the benchmark's GAN step (test/bench/gan-work.ts) a number of times and prints the time
// per step, where it went (the matmul kernel, copies to and from its memory, the rest), the CPU
// time per step, and the process's memory: a small driver for profiling and for peak-RSS figures.
//
//   npx tsx test/scripts/gan-step.ts --work course --steps 30
//   npx tsx test/scripts/profile-step.ts --work course   # the same run under a CPU profiler, as a table
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

// Piped into `head`, stop quietly when the reader goes away.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });

if (values.threads !== undefined) T.setThreads(Number(values.threads));
const b = makeGanBench(work);
for (let i = 0; i < Number(values.warmup); i++) b.step();
T.setKernelTiming(true);
const cpu0 = process.cpuUsage();
const ms = timeSteps(() => b.step(), 0, Number(values.steps));
const cpu = process.cpuUsage(cpu0);
const kt = T.kernelTiming();
T.setKernelTiming(false);
const sorted = [...ms].sort((x, y) => x - y);
const median = sorted[sorted.length >> 1]!;
const mu = process.memoryUsage();
const res = process.resourceUsage();
const mb = (x: number) => (x / 2 ** 20).toFixed(1);
const n = ms.length;
const mean = ms.reduce((s, x) => s + x, 0) / n;
console.log(`${work}, ${T.getThreads()} thread(s): ${n} steps, median ${median.toFixed(2)} ms/step (min ${sorted[0]!.toFixed(2)}, max ${sorted[n - 1]!.toFixed(2)})`);
console.log(`  per step (mean ${mean.toFixed(2)} ms): matmul kernel ${(kt.gemmMs / n).toFixed(2)} ms, matmul copies ${(kt.copyMs / n).toFixed(2)} ms (${(kt.copyBytes / n / 1e6).toFixed(1)} MB), ` +
  `the rest ${((n * mean - kt.gemmMs - kt.copyMs) / n).toFixed(2)} ms; CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms (all threads)`);
console.log(`memory: rss ${mb(mu.rss)} MB, peak rss ${(res.maxRSS / 1024).toFixed(1)} MB, heap used ${mb(mu.heapUsed)} MB, external+arrayBuffers ${mb(mu.external)} MB`);
