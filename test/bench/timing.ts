// Timing helper of the benchmark: warm-up, then samples that each repeat the work until a
// minimum time has passed, so the clock's resolution and one-off pauses (GC) average out.

/** How long to warm up and how to take samples. */
export interface TimingOptions {
  /**
   * Warm up for at least this long, and until a block of calls is no faster than the one
   * before (V8 optimises a hot function in tiers over its first ~100 ms; a kernel measured
   * before that is 2–20× too slow). Capped at 10× this time.
   */
  warmupMs: number;
  /** Each sample repeats the work until at least this much time has passed. */
  minSampleMs: number;
  /** Number of samples; the figure is their median. */
  samples: number;
}

/** Full runs: ≥ 300 ms warm-up, 5 samples of ≥ 50 ms. */
export const defaultTiming: TimingOptions = { warmupMs: 300, minSampleMs: 50, samples: 5 };
/** `--quick`: a smoke run that checks every case works; figures are rough. */
export const quickTiming: TimingOptions = { warmupMs: 100, minSampleMs: 20, samples: 3 };

/** Milliseconds per call of `fn`, repeated until at least `minMs` have passed (at least once). */
function block(fn: () => void, minMs: number): number {
  let calls = 0;
  const t0 = performance.now();
  let elapsed: number;
  do {
    fn();
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return elapsed / calls;
}

/**
 * Seconds per call of `fn`, one value per sample, after the warm-up described in
 * `TimingOptions`. A call slower than `minSampleMs` gives samples of exactly one call each.
 */
export function timeCalls(fn: () => void, opts: TimingOptions): number[] {
  const w0 = performance.now();
  let previous = Infinity;
  for (;;) {
    const perCall = block(fn, opts.minSampleMs);
    const elapsed = performance.now() - w0;
    const settled = perCall >= 0.95 * previous; // not (much) faster than the block before
    if ((elapsed >= opts.warmupMs && settled) || elapsed >= 10 * opts.warmupMs) break;
    previous = perCall;
  }
  const samples: number[] = [];
  for (let s = 0; s < opts.samples; s++) samples.push(block(fn, opts.minSampleMs) / 1000);
  return samples;
}

/** Minimum, median and maximum of a list of numbers (the median of an even count is the mean of the middle two). */
export function summarize(values: readonly number[]): { min: number; median: number; max: number; n: number } {
  if (values.length === 0) throw new Error('summarize: no values');
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { min: v[0]!, median, max: v[v.length - 1]!, n: v.length };
}
