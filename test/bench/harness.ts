// The benchmark harness: a registry of named cases, a runner, and the two output formats
// (a readable table, or one JSON line per figure). Cases live in test/bench/cases/*.ts and
// register themselves with `registerCase` when bench.ts imports them.
import { summarize, timeCalls, type TimingOptions } from './timing.ts';

/** What a case gets when it runs: the timing settings of this run and a helper that uses them. */
export interface RunContext {
  /** True under `--quick`: cases may shrink their work. */
  quick: boolean;
  timing: TimingOptions;
  /** Seconds per call of `fn`, one value per sample (warm-up included, see timing.ts). */
  time(fn: () => void): number[];
}

/** One benchmark figure to produce: which work (`bench`), by whom (`label`), in which unit. */
export interface BenchCase {
  /** Identifier of the work, shared by every implementation of it: `matmul_128x784x512`. */
  bench: string;
  /** Who does the work, e.g. `minigan js 1 thread`, `naive ijk`, `pytorch cpu 1 thread`. */
  label: string;
  /** `GFLOP/s`, `steps/s` … (higher is better when it ends in `/s`), or `ms` (lower is better). */
  unit: string;
  /** Producer of the figure, for comparisons across frameworks; default `minigan`. */
  peer?: string;
  /** Batch size, where the work has one. */
  batch?: number;
  /** The reference row of its bench: other rows show their ratio to it. */
  baseline?: boolean;
  /** Runs the measurement and returns one value per sample, in `unit`. Set-up happens here. */
  run(ctx: RunContext): number[] | Promise<number[]>;
}

/** One measured figure, as printed with `--json` and written to results/latest.json. */
export interface Figure {
  peer: string;
  label: string;
  bench: string;
  unit: string;
  batch?: number;
  min: number;
  median: number;
  max: number;
  n: number;
}

const registry: BenchCase[] = [];

/** Adds cases to the registry (in the order they should run). */
export function registerCase(...cases: BenchCase[]): void {
  for (const c of cases) {
    if (registry.some((r) => r.bench === c.bench && r.label === c.label)) throw new Error(`bench: case ${c.bench} / ${c.label} registered twice`);
    registry.push(c);
  }
}

/** Registered cases whose bench or label contains one of `only` (all when `only` is empty). */
export function selectCases(only: readonly string[]): BenchCase[] {
  if (only.length === 0) return [...registry];
  return registry.filter((c) => only.some((s) => c.bench.includes(s) || c.label.includes(s)));
}

/** Whether a larger value is better in this unit (rates are, durations are not). */
export function higherIsBetter(unit: string): boolean {
  return unit.endsWith('/s');
}

/** Measures one case and summarises its samples (for a rate, `max` is the best sample). */
export async function runCase(c: BenchCase, ctx: RunContext): Promise<Figure> {
  const values = await c.run(ctx);
  const s = summarize(values);
  // Keys in the documented order: peer, label, bench, unit, batch?, min, median, max, n.
  return {
    peer: c.peer ?? 'minigan', label: c.label, bench: c.bench, unit: c.unit,
    ...(c.batch !== undefined ? { batch: c.batch } : {}),
    min: s.min, median: s.median, max: s.max, n: s.n,
  };
}

/** Cases grouped by bench, in first-registered order, so a table can show ratios per bench. */
export function groupByBench(cases: readonly BenchCase[]): BenchCase[][] {
  const groups = new Map<string, BenchCase[]>();
  for (const c of cases) (groups.get(c.bench) ?? groups.set(c.bench, []).get(c.bench)!).push(c);
  return [...groups.values()];
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Table columns; `vs` is the ratio to the bench's baseline row (> 1 means better). */
const columns = [
  { head: 'bench', width: 24, align: 'left' },
  { head: 'label', width: 24, align: 'left' },
  { head: 'unit', width: 8, align: 'left' },
  { head: 'median', width: 8, align: 'right' },
  { head: 'min', width: 8, align: 'right' },
  { head: 'max', width: 8, align: 'right' },
  { head: 'n', width: 3, align: 'right' },
  { head: 'vs base', width: 8, align: 'right' },
] as const;

function row(cells: readonly string[]): string {
  return cells.map((c, i) => (columns[i]!.align === 'left' ? c.padEnd(columns[i]!.width) : c.padStart(columns[i]!.width))).join('  ').trimEnd();
}

/** The table's header lines. */
export function tableHeader(): string {
  const head = row(columns.map((c) => c.head));
  return `${head}\n${'-'.repeat(head.length)}`;
}

/** Table rows of one bench's figures, with each row's ratio to the baseline figure (if any). */
export function tableRows(figs: readonly Figure[], baseline: Figure | undefined): string {
  return figs
    .map((f) => {
      let vs = '';
      if (baseline && f !== baseline && baseline.median > 0 && f.median > 0) {
        const r = higherIsBetter(f.unit) ? f.median / baseline.median : baseline.median / f.median;
        vs = `${r.toFixed(1)}×`;
      }
      return row([f.bench, f.label, f.unit, fmt(f.median), fmt(f.min), fmt(f.max), String(f.n), vs]);
    })
    .join('\n');
}
