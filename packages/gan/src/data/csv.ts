// Points from a CSV file, to train a GAN on your own low-dimensional data: one example per line,
// its coordinates separated by commas (`x,y` for 2-D points), as `minigan sample` writes them.
// An optional header line of names (any line whose fields are not all numbers, first only),
// blank lines and lines starting with '#' are skipped. Every other line must hold the same
// number of finite numbers; the first one that does not is named with its file, line and field.
import { readFileSync } from 'node:fs';
import { Tensor, fail } from '@minigan/tensor';

/** The points of a CSV file as a float32 tensor [n, d], and its header's names (or null). */
export interface CsvPoints {
  x: Tensor;
  header: string[] | null;
  file: string;
}

const OP = 'readCsv';

/** Reads a CSV of numbers (see the file comment); errors name the file, the line and the field. */
export function readCsv(file: string): CsvPoints {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(OP, `cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory, expected a CSV file' : String((e as Error).message)}`);
  }
  return parseCsv(text, file);
}

/** Parses CSV text (`file` only names it in errors). */
export function parseCsv(text: string, file = '<csv>'): CsvPoints {
  const lines = text.split(/\r?\n/);
  const values: number[] = [];
  let header: string[] | null = null;
  let cols = 0, firstLine = 0, rows = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(',').map((f) => f.trim());
    const nums = fields.map((f) => (f === '' ? NaN : Number(f)));
    const where = `${file} line ${i + 1}`;
    // The first non-blank line may name the columns instead of holding numbers.
    if (rows === 0 && header === null && nums.every((v, k) => Number.isNaN(v) && !/^[+-]?(nan|inf(inity)?)$/i.test(fields[k]!))) {
      header = fields;
      cols = fields.length;
      continue;
    }
    if (cols === 0) cols = fields.length;
    if (fields.length !== cols) {
      fail(OP, `${where}: expected ${cols} comma-separated numbers (as on ${rows > 0 ? `line ${firstLine}` : 'the header'}), got ${fields.length}: '${clip(line)}'`);
    }
    for (let k = 0; k < cols; k++) {
      const v = nums[k]!;
      if (!Number.isFinite(v)) fail(OP, `${where}, field ${k + 1}: expected a finite number, got '${clip(fields[k]!)}'`);
      values.push(v);
    }
    if (rows === 0) firstLine = i + 1;
    rows++;
  }
  if (rows === 0) fail(OP, `${file}: no data rows (expected lines of ${cols > 0 ? cols : 'comma-separated'} numbers${header ? ` under the header '${header.join(',')}'` : ''})`);
  return { x: new Tensor(Float32Array.from(values), [rows, cols]), header, file };
}

/** A field or line shortened for an error message. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
