// The charts of a GAN run, as Vega-Lite specs: training curves, the 2-D view GAN Lab shows
// (real and generated points over the discriminator's output as a heat map), and the 1-D view
// of the GAN paper's figure 1 (histograms of real and generated samples with D's curve).
import { Tensor, fail, fmtShape } from '@minigan/tensor';
import type { TopLevelSpec } from 'vega-lite';
import { renderChart, type Chart, type RenderOptions } from './render.ts';

/** Colours shared by every chart: real data, generated data, the discriminator. */
export const COLORS = { real: '#1b7837', fake: '#762a83', d: '#2166ac' } as const;

/** Options of `lineChart`. */
export interface LineChartOptions extends RenderOptions {
  title: string;
  /** x values, shared by every series. */
  x: readonly number[];
  /** Series by name, each as long as `x`. */
  series: Record<string, readonly number[]>;
  xLabel?: string;
  yLabel?: string;
  /** Logarithmic y axis; points ≤ 0 are left out. */
  logY?: boolean;
  /** Keep at most this many points per series, evenly strided, always keeping the last (default 2000). */
  maxPoints?: number;
  width?: number;
  height?: number;
}

/** Picks ≤ max indices of 0..n-1, evenly strided, including the last one. */
function strided(n: number, max: number): number[] {
  if (n <= max) return [...Array(n).keys()];
  const step = Math.ceil(n / max);
  const idx: number[] = [];
  for (let i = 0; i < n; i += step) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return idx;
}

/** A line chart of one or more series over a shared x (loss curves, D(x) and D(G(z)), gradient norms). */
export async function lineChart(o: LineChartOptions): Promise<Chart> {
  const names = Object.keys(o.series);
  if (names.length === 0) fail('lineChart', `"${o.title}": expected at least one series`);
  for (const name of names) {
    const s = o.series[name]!;
    if (s.length !== o.x.length) fail('lineChart', `"${o.title}": series "${name}" has ${s.length} values, x has ${o.x.length}`);
  }
  const keep = strided(o.x.length, o.maxPoints ?? 2000);
  const rows: { x: number; y: number; series: string }[] = [];
  for (const name of names) {
    const s = o.series[name]!;
    for (const i of keep) {
      const y = s[i]!;
      // Non-finite values (a diverged step) and, on a log axis, values ≤ 0 cannot be drawn.
      if (Number.isFinite(y) && Number.isFinite(o.x[i]!) && (!o.logY || y > 0)) rows.push({ x: o.x[i]!, y, series: name });
    }
  }
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: o.width ?? 480,
    height: o.height ?? 260,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5, clip: true, aria: false },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: o.xLabel ?? 'step', scale: { nice: false, zero: false } },
      y: { field: 'y', type: 'quantitative', title: o.yLabel ?? '', scale: o.logY ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: names, legend: { orient: 'top-right' } },
    },
  };
  return renderChart(spec, o);
}

/** D's output on a regular grid: values[iy · xs.length + ix] (or values[iy][ix]) at (xs[ix], ys[iy]). */
export interface HeatGrid {
  xs: readonly number[];
  ys: readonly number[];
  values: readonly number[] | readonly (readonly number[])[] | Float32Array | Float64Array;
}

/** Options of `scatterHeatmap`. */
export interface ScatterHeatmapOptions extends RenderOptions {
  title: string;
  /** Real points [n, 2]. */
  real: Tensor;
  /** Generated points [m, 2]. */
  fake: Tensor;
  /** The discriminator's output D(x) ∈ [0, 1] on a grid; its extent sets the axes. */
  grid: HeatGrid;
  /** At most this many points of each set are drawn (the first ones; default 1000). */
  maxPoints?: number;
  /** Side of the square plot in SVG units (default 360). */
  size?: number;
}

function points(op: string, what: string, t: Tensor, max: number): { x: number; y: number; kind: string }[] {
  if (t.ndim !== 2 || t.shape[1] !== 2) fail(op, `${what} must be [n, 2], got shape ${fmtShape(t.shape)}`);
  const v = t.toFlat();
  const n = Math.min(t.shape[0]!, max);
  const out: { x: number; y: number; kind: string }[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(v[2 * i]!) && Number.isFinite(v[2 * i + 1]!)) out.push({ x: v[2 * i]!, y: v[2 * i + 1]!, kind: what });
  return out;
}

/** Cell edges of a regular grid of centres: halfway between neighbours, half a step beyond the ends. */
function edges(c: readonly number[]): number[] {
  const n = c.length;
  const e = new Array<number>(n + 1);
  for (let i = 1; i < n; i++) e[i] = (c[i - 1]! + c[i]!) / 2;
  const h0 = n > 1 ? (c[1]! - c[0]!) / 2 : 0.5;
  const h1 = n > 1 ? (c[n - 1]! - c[n - 2]!) / 2 : 0.5;
  e[0] = c[0]! - h0;
  e[n] = c[n - 1]! + h1;
  return e;
}

/**
 * Real and generated 2-D points over the discriminator's output as a heat map, as GAN Lab
 * shows it: green where D says "real" (D → 1), purple where it says "fake" (D → 0).
 */
export async function scatterHeatmap(o: ScatterHeatmapOptions): Promise<Chart> {
  const op = 'scatterHeatmap';
  const { xs, ys } = o.grid;
  if (xs.length < 2 || ys.length < 2) fail(op, `"${o.title}": the grid needs at least 2 xs and 2 ys, got ${xs.length} and ${ys.length}`);
  const nx = xs.length;
  const flat: number[] = Array.isArray(o.grid.values) && Array.isArray(o.grid.values[0]) ? (o.grid.values as readonly (readonly number[])[]).flat() : Array.from(o.grid.values as ArrayLike<number>);
  if (flat.length !== nx * ys.length) fail(op, `"${o.title}": grid values has ${flat.length} entries, expected ys.length × xs.length = ${ys.length}×${nx}`);
  const ex = edges(xs);
  const ey = edges(ys);
  // Opaque cells that overlap their right and upper neighbours by 10%: without the overlap,
  // anti-aliasing leaves hairline seams between cells in the PNG.
  const cells: { x0: number; x1: number; y0: number; y1: number; d: number }[] = [];
  for (let iy = 0; iy < ys.length; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      const [x0, x1, y0, y1] = [ex[ix]!, ex[ix + 1]!, ey[iy]!, ey[iy + 1]!];
      cells.push({ x0, x1: x1 + (ix < nx - 1 ? 0.1 * (x1 - x0) : 0), y0, y1: y1 + (iy < ys.length - 1 ? 0.1 * (y1 - y0) : 0), d: flat[iy * nx + ix]! });
    }
  }
  const max = o.maxPoints ?? 1000;
  // Real points first and generated ones on top, smaller and translucent: where G lands on a
  // mode its dots sit inside the real cluster, and the real cluster it misses stays green.
  const pts = [...points(op, 'real', o.real, max), ...points(op, 'generated', o.fake, max)];
  const xDomain = [ex[0]!, ex[nx]!];
  const yDomain = [ey[0]!, ey[ys.length]!];
  const size = o.size ?? 360;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: size,
    height: size,
    config: { axis: { grid: false } },
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', clip: true, aria: false },
        encoding: {
          x: { field: 'x0', type: 'quantitative', scale: { domain: xDomain, nice: false, zero: false }, title: 'x₁' },
          x2: { field: 'x1' },
          y: { field: 'y0', type: 'quantitative', scale: { domain: yDomain, nice: false, zero: false }, title: 'x₂' },
          y2: { field: 'y1' },
          fill: {
            field: 'd',
            type: 'quantitative',
            title: 'D(x)',
            scale: { domain: [0, 0.5, 1], range: ['#c2a5cf', '#f7f7f7', '#a6dba0'] },
            legend: { orient: 'right', gradientLength: 120 },
          },
        },
      },
      {
        data: { values: pts },
        mark: { type: 'point', filled: true, clip: true, aria: false },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          size: { field: 'kind', type: 'ordinal', scale: { domain: ['real', 'generated'], range: [30, 8] }, title: null, legend: { orient: 'bottom' } },
          opacity: { field: 'kind', type: 'ordinal', scale: { domain: ['real', 'generated'], range: [0.9, 0.6] }, title: null, legend: { orient: 'bottom' } },
          color: { field: 'kind', type: 'ordinal', title: null, scale: { domain: ['real', 'generated'], range: [COLORS.real, COLORS.fake] }, legend: { orient: 'bottom' } },
        },
      },
    ],
  };
  return renderChart(spec, o);
}

/** Options of `histogram1d`. */
export interface Histogram1dOptions extends RenderOptions {
  title: string;
  /** Real samples ([n] or [n, 1], or an array). */
  real: Tensor | readonly number[];
  /** Generated samples ([m] or [m, 1], or an array). */
  fake: Tensor | readonly number[];
  /** The discriminator's curve D(x) ∈ [0, 1] at points x (drawn on the right-hand axis). */
  dCurve?: { x: readonly number[]; y: readonly number[] };
  /** Number of bins over the common range (default 50). */
  bins?: number;
  width?: number;
  height?: number;
}

function values1d(op: string, what: string, v: Tensor | readonly number[]): number[] {
  if (v instanceof Tensor) {
    if (!(v.ndim === 1 || (v.ndim === 2 && v.shape[1] === 1))) fail(op, `${what} must be [n] or [n, 1], got shape ${fmtShape(v.shape)}`);
    return Array.from(v.toFlat()).filter(Number.isFinite);
  }
  return v.filter(Number.isFinite);
}

/**
 * Histograms (as densities, on shared bins) of real and generated 1-D samples with the
 * discriminator's curve, like figure 1 of Goodfellow et al. (2014).
 */
export async function histogram1d(o: Histogram1dOptions): Promise<Chart> {
  const op = 'histogram1d';
  const real = values1d(op, 'real', o.real);
  const fake = values1d(op, 'fake', o.fake);
  if (o.dCurve && o.dCurve.x.length !== o.dCurve.y.length) fail(op, `"${o.title}": dCurve has ${o.dCurve.x.length} x but ${o.dCurve.y.length} y values`);
  const all = [...real, ...fake, ...(o.dCurve?.x ?? [])];
  if (all.length === 0) fail(op, `"${o.title}": no finite values to draw`);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) { lo -= 0.5; hi += 0.5; }
  const bins = o.bins ?? 50;
  const w = (hi - lo) / bins;
  const rows: { x0: number; x1: number; density: number; kind: string }[] = [];
  for (const [kind, v] of [['real data', real], ['generator', fake]] as const) {
    if (v.length === 0) continue;
    const c = new Array<number>(bins).fill(0);
    for (const x of v) c[Math.min(bins - 1, Math.floor((x - lo) / w))]! += 1;
    c.forEach((k, b) => rows.push({ x0: lo + b * w, x1: lo + (b + 1) * w, density: k / (v.length * w), kind }));
  }
  const curve = o.dCurve ? o.dCurve.x.map((x, i) => ({ x, d: o.dCurve!.y[i]!, kind: 'D(x)' })).filter((p) => Number.isFinite(p.d)) : [];
  const color = { field: 'kind', type: 'nominal' as const, title: null, scale: { domain: ['real data', 'generator', 'D(x)'], range: ['#222222', COLORS.real, COLORS.d] }, legend: { orient: 'top-right' as const } };
  const xEnc = { type: 'quantitative' as const, scale: { domain: [lo, hi], nice: false, zero: false }, title: 'x' };
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    {
      data: { values: rows },
      mark: { type: 'rect', opacity: 0.45, aria: false },
      encoding: { x: { field: 'x0', ...xEnc }, x2: { field: 'x1' }, y: { field: 'density', type: 'quantitative', title: 'density' }, y2: { datum: 0 }, color },
    },
  ];
  if (curve.length > 0) {
    layers.push({
      data: { values: curve },
      mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { x: { field: 'x', ...xEnc }, y: { field: 'd', type: 'quantitative', title: 'D(x)', scale: { domain: [0, 1] }, axis: { orient: 'right', grid: false } }, color },
    });
  }
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: o.width ?? 480,
    height: o.height ?? 260,
    layer: layers,
    resolve: { scale: { y: 'independent' } },
  };
  return renderChart(spec, o);
}
