// Soak run: trains a toy GAN for many steps and watches memory, to show that nothing from one step
// (a graph, a gradient, a copy) is kept alive into the next. Every 1,000 steps it forces a full
// garbage collection and prints the JS heap in use, the typed-array memory, the kernels' wasm
// memory, the resident set and the mean step time; at the end a verdict on growth after warm-up.
//
//   npx tsx test/scripts/soak.ts                       # 20,000 steps of the bench's toy 2-D step
//   npx tsx test/scripts/soak.ts --steps 10000 --mode train --threads 2
//
//   --steps N        total steps (default 20000), reported every 1,000
//   --mode step      the benchmark's toy 2-D GAN step (test/bench/gan-work.ts; default)
//          train     the ring8 preset through GanRun/train (history logged every 1,000 steps)
//   --warmup N       steps before the growth is measured (default 2000)
//   --threads N      matmul threads (default: MINIGAN_THREADS or 1)
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as T from '@minigan/tensor';
import { GanRun, makeConfig, train } from '@minigan/gan';
import { makeGanBench } from '../bench/gan-work.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20000' },
    mode: { type: 'string', default: 'step' },
    warmup: { type: 'string', default: '2000' },
    threads: { type: 'string' },
  },
});
const total = Number(values.steps);
const warmup = Number(values.warmup);
const EVERY = 1000;
if (!Number.isInteger(total) || total < 2 * EVERY) throw new Error(`soak: --steps must be an integer ≥ ${2 * EVERY}`);
if (values.mode !== 'step' && values.mode !== 'train') throw new Error(`soak: --mode must be step or train, got '${values.mode}'`);
if (values.threads !== undefined) T.setThreads(Number(values.threads));

// A full collection on demand (the flag can be set at run time; `gc` then appears in new contexts).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs `n` more steps. */
let advance: (n: number) => void;
if (values.mode === 'step') {
  const b = makeGanBench('toy2d', 'soak');
  advance = (n) => { for (let i = 0; i < n; i++) b.step(); };
} else {
  const run = GanRun.create(makeConfig('ring8', { steps: total, snapshotEvery: 0, logEvery: EVERY, seed: 0 }));
  advance = (n) => train(run, { until: run.step + n });
}

const mb = (x: number) => (x / 2 ** 20).toFixed(2);
interface Row { step: number; heap: number; arrays: number; wasm: number; rss: number; ms: number }
const rows: Row[] = [];
console.log(`soak: ${total} steps (${values.mode === 'step' ? 'toy 2-D bench step, batch 256' : 'ring8 preset through train()'}), ${T.getThreads()} thread(s); full GC before each reading`);
console.log('  step   heap MB  arrays MB  wasm MB   rss MB   ms/step');
for (let step = 0; step < total;) {
  const t0 = performance.now();
  advance(EVERY);
  const ms = (performance.now() - t0) / EVERY;
  step += EVERY;
  // Twice, with a turn of the event loop between: dead typed arrays' memory is released by a
  // sweeper after the collection.
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  const m = process.memoryUsage();
  const row = { step, heap: m.heapUsed, arrays: m.arrayBuffers, wasm: T.kernelMemory().bytes, rss: m.rss, ms };
  rows.push(row);
  console.log(`${String(step).padStart(6)}  ${mb(row.heap).padStart(8)}  ${mb(row.arrays).padStart(9)}  ${mb(row.wasm).padStart(7)}  ${mb(row.rss).padStart(7)}  ${ms.toFixed(2).padStart(8)}`);
}

// Growth after warm-up: least-squares slope of heap used against steps, and first-to-last change.
const after = rows.filter((r) => r.step > warmup);
const slope = (key: 'heap' | 'arrays' | 'wasm') => {
  const n = after.length;
  const mx = after.reduce((s, r) => s + r.step, 0) / n;
  const my = after.reduce((s, r) => s + r[key], 0) / n;
  let sxy = 0, sxx = 0;
  for (const r of after) { sxy += (r.step - mx) * (r[key] - my); sxx += (r.step - mx) ** 2; }
  return sxx > 0 ? (sxy / sxx) * EVERY : 0; // bytes per 1,000 steps
};
const first = after[0]!, last = after[after.length - 1]!;
const heapSlope = slope('heap'), arraySlope = slope('arrays'), wasmSlope = slope('wasm');
// Flat: an upward trend below 64 KB per 1,000 steps (a step's graph kept alive would be ~1 MB
// per step, a leaked gradient per step 70 KB per step).
const LIMIT = 64 * 1024;
const flat = heapSlope < LIMIT && arraySlope < LIMIT && wasmSlope <= 0;
console.log(`\nafter warm-up (steps ${first.step}–${last.step}): heap ${mb(first.heap)} → ${mb(last.heap)} MB (trend ${(heapSlope / 1024).toFixed(1)} KB per 1,000 steps), ` +
  `typed arrays ${mb(first.arrays)} → ${mb(last.arrays)} MB (trend ${(arraySlope / 1024).toFixed(1)} KB), wasm memory ${mb(first.wasm)} → ${mb(last.wasm)} MB`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB; mean step ${(after.reduce((s, r) => s + r.ms, 0) / after.length).toFixed(2)} ms after warm-up`);
console.log(flat ? 'verdict: FLAT — no growth after warm-up (nothing is kept alive between steps)' : 'verdict: GROWING — memory keeps rising after warm-up; look for something kept alive between steps');
process.exitCode = flat ? 0 : 1;
