// Trains the fashion preset with config overrides and prints the FID-like score every N steps
// (against a fixed reference, so runs on different training data are comparable), writing the
// fixed-noise sample grid at each evaluation. Not a test: how the fashion preset was tuned.
//
//   npx tsx test/scripts/fashion-sweep.ts '{"steps":1000}' --every 200 --ref-dir DIR --ref-n 2000 --out DIR
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GanRun, fashionReference, formatClassHistogram, imageMetrics, makeConfig, train, writeImageGrid, type RunConfig } from '@minigan/gan';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { every: { type: 'string', default: '200' }, 'ref-dir': { type: 'string' }, 'ref-n': { type: 'string', default: '2000' }, out: { type: 'string', default: 'runs/fashion-sweep' } } });
const over = JSON.parse(positionals[0] ?? '{}') as Partial<RunConfig> & { model?: Partial<RunConfig['model']> };
const base = makeConfig('fashion');
const cfg = makeConfig('fashion', { ...over, model: { ...base.model, ...(over.model ?? {}) } });
const every = Number(values.every), refN = Number(values['ref-n']);
const ref = fashionReference(refN, values['ref-dir'] ?? null);
mkdirSync(values.out, { recursive: true });
console.log(`${JSON.stringify(over)}: ${cfg.steps} steps; reference ${ref.n} test images from ${ref.source}, floor ${ref.floor.toFixed(2)}`);
const run = GanRun.create(cfg);
const t0 = performance.now();
const evalAt = (r: GanRun): void => {
  const m = imageMetrics(r.sample(refN, r.evalRng('sweep')), ref);
  const h = r.history[r.history.length - 1]!;
  console.log(`step ${r.step}: FID ${m.fid.toFixed(2)}  D(x) ${h.dReal.toFixed(3)} D(G(z)) ${h.dFake.toFixed(3)}  ${((performance.now() - t0) / 1000).toFixed(0)} s  classes ${formatClassHistogram(m.classHistogram)}`);
  writeImageGrid(join(values.out, `samples-${String(r.step).padStart(6, '0')}.png`), r.generate(r.fixedNoise));
};
train(run, { onStep: (_rec, r) => { if (r.step % every === 0) evalAt(r); } });
