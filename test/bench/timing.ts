// Timing helper of the benchmark: warm-up, then samples that each repeat the work until a
// minimum time has passed, so the clock's resolution and one-off pauses (GC) average out.

/** How long to warm up and how to take samples. */
export interface TimingOptions {
  /** Run the work for at least this long before measuring (lets V8 tier up the code). */
  warmupMs: number;
  /** Each sample repeats the work until at least this much time has passed. */
  minSampleMs: number;
  /** Number of samples; the figure is their median. */
  samples: number;
}

/** Full runs: ≥ 200 ms warm-up, 5 samples of ≥ 50 ms. */
export const defaultTiming: TimingOptions = { warmupMs: 200, minSampleMs: 50, samples: 5 };
/** `--quick`: a smoke run that checks every case works; figures are rough. */
export const quickTiming: TimingOptions = { warmupMs: 20, minSampleMs: 10, samples: 3 };

/**
 * Seconds per call of `fn`, one value per sample. Warm-up and every sample run `fn` at least
 * once, so a call slower than `minSampleMs` gives samples of exactly one call each.
 */
export function timeCalls(fn: () => void, opts: TimingOptions): number[] {
  const w0 = performance.now();
  do fn(); while (performance.now() - w0 < opts.warmupMs);
  const perCall: number[] = [];
  for (let s = 0; s < opts.samples; s++) {
    let calls = 0;
    const t0 = performance.now();
    let elapsed: number;
    do {
      fn();
      calls++;
      elapsed = performance.now() - t0;
    } while (elapsed < opts.minSampleMs);
    perCall.push(elapsed / 1000 / calls);
  }
  return perCall;
}

/** Minimum, median and maximum of a list of numbers (the median of an even count is the mean of the middle two). */
export function summarize(values: readonly number[]): { min: number; median: number; max: number; n: number } {
  if (values.length === 0) throw new Error('summarize: no values');
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { min: v[0]!, median, max: v[v.length - 1]!, n: v.length };
}
