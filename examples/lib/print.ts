// Printing for the examples: phase banners, indented plain words, aligned tables, a stopwatch.

/** Prints a phase banner: a blank line, "(n) title", and a rule under it. */
export function banner(n: number | string, title: string): void {
  const head = `(${n}) ${title}`;
  console.log(`\n${head}\n${'─'.repeat(Math.min(96, head.length))}`);
}

/** Prints lines of plain words, indented under the current banner. */
export function say(...lines: string[]): void {
  for (const l of lines.join('\n').split('\n')) console.log(l === '' ? '' : `    ${l}`);
}

/** A fixed-point number padded to `width` (NaN and ±∞ spelled out). */
export function num(v: number, digits = 4, width = 0): string {
  const s = Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? '∞' : '−∞') : v.toFixed(digits);
  return s.padStart(width);
}

/** A percentage with one decimal. */
export function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

/** Prints a table with columns aligned (numbers right, text left), indented like `say`. */
export function printTable(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : num(c)) : c)));
  const width = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => (r[j] ?? '').length)));
  const right = columns.map((_, j) => rows.every((r) => typeof r[j] === 'number'));
  const line = (r: readonly string[]) => r.map((c, j) => (right[j] ? c.padStart(width[j]!) : c.padEnd(width[j]!))).join('  ').trimEnd();
  say(line(columns), width.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line));
}

/** A stopwatch: `seconds()` since it was made. */
export function stopwatch(): { seconds: () => number } {
  const t0 = performance.now();
  return { seconds: () => (performance.now() - t0) / 1000 };
}
