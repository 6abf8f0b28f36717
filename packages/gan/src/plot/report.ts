// The report of a run: report.md (images linked as files next to it) and a self-contained
// report.html (SVG inline, PNG as base64 data URIs), so the HTML can be mailed or archived alone.
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fail } from '@minigan/tensor';
import { atomicWriteFile } from '../io/atomic.ts';

/** A table: column names and rows of cells. */
export interface Table {
  columns: readonly string[];
  rows: readonly (readonly (string | number | boolean | null)[])[];
}

/** One section of a report: a heading, some text, and images (files in the report directory). */
export interface ReportSection {
  heading: string;
  /** Plain text; blank lines separate paragraphs. */
  text?: string;
  /** An image file (.svg or .png) relative to the report directory. */
  image?: string;
  /** Several image files, shown in order (after `image`). */
  images?: readonly string[];
  /** A table shown after the text. */
  table?: Table;
}

/** What goes into a report. */
export interface ReportOptions {
  title: string;
  /** A paragraph under the title. */
  intro?: string;
  /** The run's configuration, shown as a key/value table, values exactly as given (nested ones as JSON). */
  config?: Record<string, unknown>;
  /** Final metrics: a key/value record, or a full table (e.g. one row per seed). */
  metrics?: Record<string, string | number | boolean | null> | Table;
  sections?: readonly ReportSection[];
}

/** Formats a metric: 4 significant digits for non-integers (2.5e-4 style below 0.001), ∞ and NaN spelled out. */
export function formatCell(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    const r = Number(v.toPrecision(4));
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? r.toExponential() : String(r);
  }
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function asTable(m: Record<string, unknown> | Table, keyName = 'metric'): Table {
  if ('columns' in m && 'rows' in m && Array.isArray(m.columns) && Array.isArray(m.rows)) return m as Table;
  return { columns: [keyName, 'value'], rows: Object.entries(m).map(([k, v]) => [k, formatCell(v)]) };
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function mdTable(t: Table): string {
  const head = `| ${t.columns.map(mdCell).join(' | ')} |`;
  const rule = `| ${t.columns.map(() => '---').join(' | ')} |`;
  const body = t.rows.map((r) => `| ${r.map((c) => mdCell(formatCell(c))).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

function htmlTable(t: Table): string {
  const head = `<tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(formatCell(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '');

/** The HTML for one image file: SVG text inline (without its XML prolog), PNG as a data URI. */
function htmlImage(dir: string, file: string, alt: string): string {
  const path = join(dir, file);
  if (!existsSync(path)) fail('writeReport', `${path}: image file not found (images are paths relative to ${dir})`);
  const ext = extname(file).toLowerCase();
  if (ext === '.svg') {
    const svg = readFileSync(path, 'utf8').replace(/^\s*<\?xml[^>]*\?>\s*/, '').replace(/^\s*<!DOCTYPE[^>]*>\s*/, '');
    return `<figure>${svg}<figcaption>${esc(alt)}</figcaption></figure>`;
  }
  if (ext === '.png') {
    const b64 = readFileSync(path).toString('base64');
    return `<figure><img alt="${esc(alt)}" src="data:image/png;base64,${b64}"><figcaption>${esc(alt)}</figcaption></figure>`;
  }
  return fail('writeReport', `${path}: unsupported image type ${ext || '(none)'}; use .svg or .png`);
}

const CSS = `body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.8em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-variant-numeric:tabular-nums}
th{background:#f3f3f3}figure{margin:1em 0}figure svg,figure img{max-width:100%;height:auto}figcaption{color:#666;font-size:.9em}
code{background:#f3f3f3;padding:0 .2em}`;

/**
 * Writes `report.md` and a self-contained `report.html` into `dir` (which holds the images the
 * sections name). Returns the two paths.
 */
export function writeReport(dir: string, o: ReportOptions): { markdown: string; html: string } {
  if (!existsSync(dir)) fail('writeReport', `${dir}: no such directory`);
  const md: string[] = [`# ${o.title}`, ''];
  const html: string[] = [`<!DOCTYPE html>`, `<html lang="en"><head><meta charset="utf-8"><title>${esc(o.title)}</title><style>${CSS}</style></head><body>`, `<h1>${esc(o.title)}</h1>`];
  if (o.intro) {
    md.push(o.intro, '');
    for (const p of paragraphs(o.intro)) html.push(`<p>${esc(p)}</p>`);
  }
  if (o.config && Object.keys(o.config).length > 0) {
    const t: Table = { columns: ['setting', 'value'], rows: Object.entries(o.config).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]) };
    md.push('## Configuration', '', mdTable(t), '');
    html.push('<h2>Configuration</h2>', htmlTable(t));
  }
  if (o.metrics) {
    const t = asTable(o.metrics);
    md.push('## Metrics', '', mdTable(t), '');
    html.push('<h2>Metrics</h2>', htmlTable(t));
  }
  for (const s of o.sections ?? []) {
    md.push(`## ${s.heading}`, '');
    html.push(`<h2>${esc(s.heading)}</h2>`);
    if (s.text) {
      md.push(s.text, '');
      for (const p of paragraphs(s.text)) html.push(`<p>${esc(p)}</p>`);
    }
    if (s.table) {
      md.push(mdTable(s.table), '');
      html.push(htmlTable(s.table));
    }
    for (const img of [...(s.image ? [s.image] : []), ...(s.images ?? [])]) {
      html.push(htmlImage(dir, img, s.heading)); // checks that the file exists first
      md.push(`![${s.heading.replace(/[[\]]/g, '')}](${encodeURI(img)})`, '');
    }
  }
  html.push('</body></html>', '');
  const paths = { markdown: join(dir, 'report.md'), html: join(dir, 'report.html') };
  atomicWriteFile(paths.markdown, md.join('\n'));
  atomicWriteFile(paths.html, html.join('\n'));
  return paths;
}
