// Fingerprints of the benchmark's GAN steps (test/bench/gan-work.ts): SHA-256 digests of every
// loss and of the final weights of G and D after N steps, to check that a change to the kernels
// or a thread count leaves the numbers bit-identical.
//
//   npx tsx test/scripts/fingerprint.ts                    # course 20 steps, toy2d 300 steps
//   npx tsx test/scripts/fingerprint.ts --threads 2        # must print the same digests
//   npx tsx test/scripts/fingerprint.ts --kernels js       # JavaScript loops instead of wasm kernels
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import * as T from '@minigan/tensor';
import { makeGanBench, type GanWork } from '../bench/gan-work.ts';

const { values } = parseArgs({ options: { threads: { type: 'string' }, kernels: { type: 'string' }, course: { type: 'string', default: '20' }, toy2d: { type: 'string', default: '300' } } });
if (values.threads !== undefined) T.setThreads(Number(values.threads));
if (values.kernels !== undefined) T.setKernelBackend(values.kernels as T.KernelBackend);

for (const work of ['course', 'toy2d'] as GanWork[]) {
  const steps = Number(values[work]);
  const b = makeGanBench(work);
  const losses = new Float64Array(2 * steps);
  for (let i = 0; i < steps; i++) {
    const r = b.step();
    losses[2 * i] = r.lossD;
    losses[2 * i + 1] = r.lossG;
  }
  const h = createHash('sha256');
  for (const m of [b.parts.G, b.parts.D]) for (const p of m.parameters()) h.update(p.value.toFlat());
  const lh = createHash('sha256').update(losses).digest('hex').slice(0, 16);
  console.log(`${work} ${steps} steps: losses ${lh}, weights ${h.digest('hex').slice(0, 16)} (last lossD ${losses[2 * steps - 2]}, lossG ${losses[2 * steps - 1]})`);
}
