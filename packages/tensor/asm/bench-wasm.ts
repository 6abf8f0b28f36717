// Matmul speed of the 'wasm' backend against the 'js' one at the course GAN's shapes, through
// T.matmul (so copies into and out of wasm memory and the output allocation are included).
//
//   cd packages/tensor && npx tsx asm/bench-wasm.ts           # table
//   cd packages/tensor && npx tsx asm/bench-wasm.ts --json    # one JSON line per figure
//
// Each backend is warmed up (V8 first runs wasm in its baseline compiler, then tiers up), then
// timed in rounds that alternate the backends, so both see the same machine load.
import * as T from '@minigan/tensor';

interface Shape {
  bench: string; // the benchmark id
  label: string;
  M: number; N: number; K: number;
  transA: boolean; transB: boolean;
}

const shapes: Shape[] = [
  { bench: 'matmul_128x784x512', label: 'A·B 128×784·784×512', M: 128, N: 512, K: 784, transA: false, transB: false },
  { bench: 'matmul_128x1024x784', label: 'A·B 128×1024·1024×784', M: 128, N: 784, K: 1024, transA: false, transB: false },
  { bench: 'matmul_512x512x512', label: 'A·B 512×512·512×512', M: 512, N: 512, K: 512, transA: false, transB: false },
  { bench: 'matmul_784x128x512_TN', label: 'Aᵀ·B 784×128·128×512', M: 784, N: 512, K: 128, transA: true, transB: false },
  { bench: 'matmul_128x512x784_NT', label: 'A·Bᵀ 128×512·(784×512)ᵀ', M: 128, N: 784, K: 512, transA: false, transB: true },
];

const json = process.argv.includes('--json');
const rounds = 15;
const rng = new T.Rng(1);

/** GFLOP/s of one timed call (2·M·N·K floating-point operations). */
function timeOne(s: Shape, a: T.Tensor, b: T.Tensor, backend: string): number {
  const t0 = performance.now();
  T.matmul(a, b, { transA: s.transA, transB: s.transB, backend });
  const ms = performance.now() - t0;
  return (2 * s.M * s.N * s.K) / ms / 1e6;
}

const stats = (xs: number[]) => {
  const v = [...xs].sort((p, q) => p - q);
  return { min: v[0]!, median: v[v.length >> 1]!, max: v[v.length - 1]!, n: v.length };
};

if (!json) console.log(`matmul, float32, one thread; GFLOP/s as median (min–max) of ${rounds} runs per backend\n`);
for (const s of shapes) {
  // Stored operands: A is [M, K] (or [K, M] for Aᵀ·B), B is [K, N] (or [N, K] for A·Bᵀ).
  const a = rng.uniform(s.transA ? [s.K, s.M] : [s.M, s.K], -1, 1);
  const b = rng.uniform(s.transB ? [s.N, s.K] : [s.K, s.N], -1, 1);
  for (const be of ['wasm', 'js']) {
    const t0 = performance.now();
    while (performance.now() - t0 < (be === 'wasm' ? 400 : 200)) timeOne(s, a, b, be);
  }
  const wasm: number[] = [], js: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Several wasm runs per js run: the js kernel is ~10× slower, this keeps both near one second.
    for (let i = 0; i < 3; i++) wasm.push(timeOne(s, a, b, 'wasm'));
    js.push(timeOne(s, a, b, 'js'));
  }
  const w = stats(wasm), j = stats(js);
  if (json) {
    for (const [label, st] of [['wasm', w], ['js', j]] as const) {
      console.log(JSON.stringify({ peer: 'minigan', label: `matmul backend ${label}`, bench: s.bench, unit: 'GFLOP/s', batch: s.transA ? s.K : s.M, ...st }));
    }
  } else {
    const f = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(1).padStart(5)} (${x.min.toFixed(1)}–${x.max.toFixed(1)})`;
    console.log(`${s.label.padEnd(26)} wasm ${f(w)}   js ${f(j)}   ×${(w.median / j.median).toFixed(1)}`);
  }
}
