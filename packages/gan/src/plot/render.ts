// Rendering: a Vega-Lite spec is compiled to Vega, rendered headless to SVG by vega's own
// renderer, and rasterised to PNG by resvg. No chart code of our own: axes, ticks and legends
// are Vega-Lite's.
import resvgjs from '@resvg/resvg-js';
import type * as vl from 'vega-lite';
import { atomicWriteFile } from '../io/atomic.ts';

// Vega and Vega-Lite are loaded on the first render, not when the package is imported: together
// they hold ~11 MB of live JavaScript heap, which every full garbage collection of a training run
// would otherwise walk (a run that draws no chart never loads them).

/** A rendered chart: the SVG text, the PNG bytes, and the Vega-Lite spec it came from. */
export interface Chart {
  svg: string;
  png: Uint8Array;
  /** Pixel size of the PNG (the SVG's size times `pngScale`). */
  width: number;
  height: number;
  spec: vl.TopLevelSpec;
}

/** Fonts tried in order; DejaVu Sans ships with most Linux systems, the rest cover macOS / Windows. */
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Options of `renderChart`. */
export interface RenderOptions {
  /** PNG pixels per SVG unit (default 2, for sharp images on high-DPI screens). */
  pngScale?: number;
}

/** Renders a Vega-Lite spec to `{ svg, png }` (the PNG on a white background). */
export async function renderChart(spec: vl.TopLevelSpec, { pngScale = 2 }: RenderOptions = {}): Promise<Chart> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const full = { ...spec, config: { font: CHART_FONT, ...(spec.config ?? {}) } } as vl.TopLevelSpec;
  // Vega tags the data objects it ingests (Symbol(vega_id)); compile a copy to keep `spec` clean.
  const compiled = vegaLite.compile(structuredClone(full)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = svgToPng(svg, pngScale);
  return { svg, ...png, spec: full };
}

/** Rasterises SVG text to PNG with resvg (white background), `scale` pixels per SVG unit. */
export function svgToPng(svg: string, scale = 2): { png: Uint8Array; width: number; height: number } {
  const r = new resvgjs.Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  const img = r.render();
  return { png: new Uint8Array(img.asPng()), width: img.width, height: img.height };
}

/** Writes `<base>.svg` and `<base>.png` (base is a path without extension); returns both paths. */
export function writeChart(base: string, chart: Pick<Chart, 'svg' | 'png'>): { svg: string; png: string } {
  const paths = { svg: `${base}.svg`, png: `${base}.png` };
  atomicWriteFile(paths.svg, chart.svg);
  atomicWriteFile(paths.png, chart.png);
  return paths;
}

/** Writes PNG bytes to a file (atomically). */
export function writePng(path: string, png: Uint8Array): string {
  atomicWriteFile(path, png);
  return path;
}

// Re-exported so that callers can build their own specs with the same renderer.
export type { TopLevelSpec } from 'vega-lite';
