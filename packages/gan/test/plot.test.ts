import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import { checkXml, histogram1d, imageGrid, lineChart, ring2d, scatterHeatmap, writeChart, writePng, writeReport, type Chart } from '@minigan/gan';

const tmp = mkdtempSync(join(tmpdir(), 'minigan-plot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The width and height attributes of the root <svg>. */
function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  expect(m, 'root <svg> with width and height').not.toBeNull();
  return { width: Number(m![1]), height: Number(m![2]) };
}

/** A chart is a well-formed SVG, and its PNG decodes to twice the SVG's size. */
function checkChart(c: Chart): { width: number; height: number } {
  expect(checkXml(c.svg).root).toBe('svg');
  const size = svgSize(c.svg);
  const img = pngjs.PNG.sync.read(Buffer.from(c.png));
  expect([img.width, img.height]).toEqual([2 * size.width, 2 * size.height]);
  expect([c.width, c.height]).toEqual([img.width, img.height]);
  return size;
}

/** Text content of the SVG's <text> elements. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('charts (Vega-Lite → SVG → PNG)', () => {
  it('lineChart: axes, legend, title; files written; a log axis drops values ≤ 0', async () => {
    const x = [0, 100, 200, 300];
    const c = await lineChart({ title: 'Losses', x, series: { loss_D: [1.4, 1.2, 1.3, 1.35], loss_G: [0.7, 0.9, 0.8, 0.75] }, xLabel: 'step', yLabel: 'BCE' });
    checkChart(c);
    const t = texts(c.svg);
    for (const s of ['Losses', 'loss_D', 'loss_G', 'step', 'BCE', '300']) expect(t).toContain(s);
    const paths = writeChart(join(tmp, 'loss'), c);
    expect(readFileSync(paths.svg, 'utf8')).toBe(c.svg);
    expect(pngjs.PNG.sync.read(readFileSync(paths.png)).width).toBe(c.width);

    const log = await lineChart({ title: 'norms', x, series: { g: [10, 0, 1, -1] }, logY: true });
    checkChart(log);
    const data = (log.spec as { data: { values: unknown[] } }).data.values;
    expect(data).toEqual([{ x: 0, y: 10, series: 'g' }, { x: 200, y: 1, series: 'g' }]);
    await expect(lineChart({ title: 'bad', x, series: { a: [1, 2] } })).rejects.toThrow('lineChart: "bad": series "a" has 2 values, x has 4');
  });

  it('scatterHeatmap: real and generated points over D as a heat map', async () => {
    const ring = ring2d();
    const rng = new T.Rng(0);
    const xs = [-1.5, -0.5, 0.5, 1.5];
    const values = xs.flatMap((y) => xs.map((x) => (Math.hypot(x, y) < 1.2 ? 0.9 : 0.1)));
    const c = await scatterHeatmap({ title: 'ring8 at step 0', real: ring.sample(50, rng), fake: rng.normal([50, 2], 0, 0.3), grid: { xs, ys: xs, values } });
    const size = checkChart(c);
    expect(size.width).toBeGreaterThan(360);
    const t = texts(c.svg);
    for (const s of ['ring8 at step 0', 'real', 'generated', 'D(x)']) expect(t).toContain(s);
    const count = (re: RegExp) => (c.svg.match(re) ?? []).length;
    // 50 points of each kind, plus one legend symbol each
    expect(count(/fill="#1b7837"/g)).toBe(51);
    expect(count(/fill="#762a83"/g)).toBe(51);
    // 16 heat cells: the 4 around the centre where D = 0.9 are green, the 12 others purple
    expect(count(/fill="rgb\(/g)).toBe(16);
    expect(count(/fill="rgb\(183, 225, 177\)"/g)).toBe(4);
    expect(count(/fill="rgb\(205, 181, 215\)"/g)).toBe(12);
    await expect(scatterHeatmap({ title: 'g', real: T.zeros([3, 2]), fake: T.zeros([3, 2]), grid: { xs, ys: xs, values: [1, 2] } })).rejects.toThrow('scatterHeatmap: "g": grid values has 2 entries, expected ys.length × xs.length = 4×4');
    await expect(scatterHeatmap({ title: 'g', real: T.zeros([3, 3]), fake: T.zeros([3, 2]), grid: { xs, ys: xs, values } })).rejects.toThrow('scatterHeatmap: real must be [n, 2], got shape [3,3]');
  });

  it("histogram1d: real and generated histograms with D's curve on a second axis", async () => {
    const rng = new T.Rng(1);
    const dx = [0, 2, 4, 6, 8];
    const c = await histogram1d({ title: '1-D GAN', real: rng.normal([300, 1], 4, 0.5), fake: rng.normal([300], 3, 1), dCurve: { x: dx, y: [0.1, 0.3, 0.6, 0.4, 0.2] } });
    checkChart(c);
    const t = texts(c.svg);
    for (const s of ['1-D GAN', 'real data', 'generator', 'D(x)', 'density']) expect(t).toContain(s);
    // Each histogram integrates to 1 over the shared bins.
    const rows = ((c.spec as { layer: { data: { values: { x0: number; x1: number; density: number; kind: string }[] } }[] }).layer[0]!.data.values);
    for (const kind of ['real data', 'generator']) {
      const area = rows.filter((r) => r.kind === kind).reduce((a, r) => a + r.density * (r.x1 - r.x0), 0);
      expect(area).toBeCloseTo(1, 10);
    }
  });
});

describe('imageGrid', () => {
  it('tiles [n, 784] images into a PNG of the expected size and pixels', () => {
    const n = 5;
    const imgs = T.zeros([n, 784]);
    imgs.data.fill(1, 0, 784); // image 0 white
    imgs.set(0.5, 1, 0); // image 1: top-left pixel mid grey
    imgs.set(NaN, 2, 0); // image 2: top-left pixel NaN
    const png = imageGrid(imgs, { rows: 2, cols: 3, scale: 3, gap: 2 });
    const img = pngjs.PNG.sync.read(Buffer.from(png));
    expect([img.width, img.height]).toEqual([3 * 28 * 3 + 4 * 2, 2 * 28 * 3 + 3 * 2]);
    const rgb = (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));
    expect(rgb(0, 0)).toEqual([128, 128, 128]); // the gap
    expect(rgb(2, 2)).toEqual([255, 255, 255]); // image 0
    expect(rgb(2 + 84 + 2, 2)).toEqual([128, 128, 128]); // image 1, pixel 0 = 0.5 → 128
    expect(rgb(2 + 84 + 2 + 3, 2)).toEqual([0, 0, 0]); // image 1, pixel 1 = 0
    expect(rgb(2 + 2 * (84 + 2), 2)).toEqual([255, 0, 255]); // NaN in magenta
    expect(rgb(img.width - 5, img.height - 5)).toEqual([128, 128, 128]); // cell 6 > n: empty
    writePng(join(tmp, 'grid.png'), png);
    expect(existsSync(join(tmp, 'grid.png'))).toBe(true);
    expect(() => imageGrid(T.zeros([2, 100]), { rows: 1, cols: 2 })).toThrow('imageGrid: images must be [n, 784] (28×28 each), got shape [2,100]');
  });
});

describe('writeReport', () => {
  it('writes report.md and a self-contained report.html', async () => {
    const dir = mkdtempSync(join(tmp, 'run-'));
    const c = await lineChart({ title: 'Losses', x: [0, 1], series: { loss_D: [1, 0.5] } });
    writeChart(join(dir, 'loss'), c);
    const grid = imageGrid(T.full([4, 784], 0.5), { rows: 2, cols: 2 });
    writePng(join(dir, 'samples.png'), grid);
    const { markdown, html } = writeReport(dir, {
      title: 'ring8 <seed 1>',
      config: { preset: 'ring8', lr: 0.0002, betas: [0.5, 0.999] },
      metrics: { modesCovered: 8, highQuality: 0.97342, reverseKl: Infinity },
      sections: [
        { heading: 'Losses', text: 'Both losses.\n\nSecond paragraph & more.', image: 'loss.svg' },
        { heading: 'Samples', image: 'samples.png', table: { columns: ['seed', 'modes'], rows: [[1, 8], [2, 7]] } },
      ],
    });
    const md = readFileSync(markdown, 'utf8');
    expect(md).toContain('# ring8 <seed 1>');
    expect(md).toContain('| lr | 0.0002 |');
    expect(md).toContain('| betas | [0.5,0.999] |');
    expect(md).toContain('| highQuality | 0.9734 |');
    expect(md).toContain('| reverseKl | ∞ |');
    expect(md).toContain('![Losses](loss.svg)');
    expect(md).toContain('![Samples](samples.png)');
    expect(md).toContain('| 2 | 7 |');

    const h = readFileSync(html, 'utf8');
    expect(h).toContain('<title>ring8 &lt;seed 1&gt;</title>');
    expect(h).toContain('<p>Second paragraph &amp; more.</p>');
    expect(h).not.toContain('src="loss.svg"'); // nothing links out
    const inline = /<figure>(<svg[\s\S]*?<\/svg>)<figcaption>/.exec(h);
    expect(inline).not.toBeNull();
    expect(checkXml(inline![1]!).root).toBe('svg');
    const uri = /src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(h);
    expect(Buffer.from(uri![1]!, 'base64').equals(Buffer.from(grid))).toBe(true);

    expect(() => writeReport(dir, { title: 'x', sections: [{ heading: 'h', image: 'missing.png' }] })).toThrow(`writeReport: ${join(dir, 'missing.png')}: image file not found`);
  });
});

describe('checkXml', () => {
  it('accepts well-formed documents and names the first problem otherwise', () => {
    expect(checkXml('<?xml version="1.0"?>\n<!-- c --><svg a="1" b=\'2\'><g><path d="M0,0"/></g><text>a &amp; b &#38; &#x26;</text></svg>')).toEqual({ root: 'svg', elements: 4 });
    expect(() => checkXml('<svg><g></svg>')).toThrow('xml: closing tag </svg> does not match <g> at line 1, column 9');
    expect(() => checkXml('<svg><g>')).toThrow('xml: <g> is never closed');
    expect(() => checkXml('<svg a=1/>')).toThrow('xml: attribute a of <svg> needs a quoted value');
    expect(() => checkXml('<svg a="1" a="2"/>')).toThrow('xml: attribute a repeated in <svg>');
    expect(() => checkXml('<svg>\n  a & b</svg>')).toThrow('xml: "&" that does not start an entity reference at line 2, column 5');
    expect(() => checkXml('<svg/><svg/>')).toThrow('xml: a second root element <svg>');
    expect(() => checkXml('hello')).toThrow('xml: text outside the root element');
    expect(() => checkXml('')).toThrow('xml: no root element');
  });
});
