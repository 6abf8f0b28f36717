// Trains a 1-D toy preset (gauss1d, mixture1d) over several seeds and prints, per seed, the
// generated mean and standard deviation, the share of samples beyond the target's 2.5% tails
// (for gauss1d), the toy metrics, D's range on [2, 6] and the std at each fifth of training.
// Not a test: this is how the gauss1d preset was tuned (see its comment in train/config.ts).
//
//   npx tsx test/scripts/sweep1d.ts gauss1d '{}' 0,1,2,3,4
//   npx tsx test/scripts/sweep1d.ts gauss1d '{"dSteps":1,"lrG":1e-3,"zDim":1}' 0,1,2
//
// The JSON overrides any RunConfig field; gHidden, dHidden, zDim and gActivation go into the model.
import * as T from '@minigan/tensor';
import { GanRun, makeConfig, train, toyMetrics, type Activation, type RunConfig } from '@minigan/gan';

const [preset = 'gauss1d', json = '{}', seedList = '0,1,2'] = process.argv.slice(2);
const over = JSON.parse(json) as Partial<RunConfig> & { gHidden?: number[]; dHidden?: number[]; zDim?: number; gActivation?: Activation };
const { gHidden, dHidden, zDim, gActivation, ...rest } = over;
for (const seed of seedList.split(',').map(Number)) {
  const base = makeConfig(preset, { seed });
  const model = { ...base.model, ...(gHidden ? { gHidden } : {}), ...(dHidden ? { dHidden } : {}), ...(zDim ? { zDim } : {}), ...(gActivation ? { gActivation } : {}) };
  const cfg = makeConfig(preset, { ...rest, seed, model });
  const t0 = performance.now();
  const run = GanRun.create(cfg);
  const stds: string[] = [];
  const fifth = Math.max(1, Math.floor(cfg.steps / 5));
  train(run, { onStep: (_r, r) => { if (r.step % fifth === 0) stds.push(Math.sqrt(T.variance(r.sample(5000, r.evalRng())).item()).toFixed(3)); } });
  const x = run.sample(10_000, run.evalRng()); // [10000, 1]
  const v = x.toFlat();
  const m = T.mean(x).item(), s = Math.sqrt(T.variance(x).item());
  const lo = v.filter((a) => a < 4 - 1.96 * 0.5).length / v.length, hi = v.filter((a) => a > 4 + 1.96 * 0.5).length / v.length;
  const tm = toyMetrics(x, run.data.sampler!);
  const d = run.discriminate(T.linspace(2, 6, 41).reshape([41, 1])).toFlat();
  console.log(`seed ${seed}: mean ${m.toFixed(3)} std ${s.toFixed(3)} tails ${(100 * lo).toFixed(1)}/${(100 * hi).toFixed(1)}% `
    + `hq ${(100 * tm.highQuality).toFixed(1)}% per mode ${tm.modeCounts.join('/')} D[2..6] ${Math.min(...d).toFixed(3)}..${Math.max(...d).toFixed(3)} `
    + `std over training ${stds.join(' ')} ${((performance.now() - t0) / 1000).toFixed(1)}s`);
}
