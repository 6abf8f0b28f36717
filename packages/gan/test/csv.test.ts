// Points from CSV files (--data-file): parsing, errors that name the file, line and field, the
// round trip with `writeSamplesCsv`, and training from a file as a finite, seeded dataset.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@minigan/tensor';
import { GanRun, makeConfig, parseCsv, readCsv, train, writeSamplesCsv } from '@minigan/gan';

const tmp = mkdtempSync(join(tmpdir(), 'minigan-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseCsv', () => {
  it('reads rows of numbers into [n, d], with an optional header, comments, blank lines and CRLF', () => {
    const p = parseCsv('# my points\r\nx, y\r\n1, 2\r\n\r\n-0.5,3e-2\r\n+4,  -1.25\r\n', 'pts.csv');
    expect(p.header).toEqual(['x', 'y']);
    expect(p.x.shape).toEqual([3, 2]);
    expect(Array.from(p.x.toFlat())).toEqual([1, 2, -0.5, Math.fround(3e-2), 4, -1.25]);
    expect(p.x.dtype).toBe('float32');
    const one = parseCsv('0.5\n1.5\n');
    expect([one.header, one.x.shape, Array.from(one.x.toFlat())]).toEqual([null, [2, 1], [0.5, 1.5]]);
  });

  it.each([
    ['x,y\n1,2\n3,4,5\n', "pts.csv line 3: expected 2 comma-separated numbers (as on line 2), got 3: '3,4,5'"],
    ['x,y\n1\n', "pts.csv line 2: expected 2 comma-separated numbers (as on the header), got 1: '1'"],
    ['1,2\n3,four\n', "pts.csv line 2, field 2: expected a finite number, got 'four'"],
    ['1,2\n3,\n', "pts.csv line 2, field 2: expected a finite number, got ''"],
    ['1,2\nNaN,4\n', "pts.csv line 2, field 1: expected a finite number, got 'NaN'"],
    ['NaN,4\n', "pts.csv line 1, field 1: expected a finite number, got 'NaN'"], // not taken for a header
    ['1,2\n3,Infinity\n', "pts.csv line 2, field 2: expected a finite number, got 'Infinity'"],
    ['x,y\n', "pts.csv: no data rows (expected lines of 2 numbers under the header 'x,y')"],
    ['', 'pts.csv: no data rows (expected lines of comma-separated numbers)'],
  ])('%j → an error naming the file, the line and the field', (text, message) => {
    expect(() => parseCsv(text, 'pts.csv')).toThrow(`readCsv: ${message}`);
  });

  it('names a file that is missing or a directory', () => {
    expect(() => readCsv(join(tmp, 'nope.csv'))).toThrow(`readCsv: cannot read '${join(tmp, 'nope.csv')}': no such file`);
    mkdirSync(join(tmp, 'dir.csv'));
    expect(() => readCsv(join(tmp, 'dir.csv'))).toThrow(`readCsv: cannot read '${join(tmp, 'dir.csv')}': it is a directory, expected a CSV file`);
  });

  it('reads back exactly what writeSamplesCsv wrote (minigan sample → --data-file)', () => {
    const x = new Rng(3).normal([50, 2]);
    const file = join(tmp, 'samples.csv');
    writeSamplesCsv(file, x);
    const back = readCsv(file);
    expect(back.header).toEqual(['x', 'y']);
    expect(back.x.shape).toEqual([50, 2]);
    expect(Array.from(back.x.toFlat())).toEqual(Array.from(x.toFlat()));
  });
});

describe('training on the points of a CSV file', () => {
  // 40 points on two clusters; batch 8: 5 batches per epoch.
  const file = join(tmp, 'two-clusters.csv');
  const rows = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? `${1 + i / 400},${1 - i / 400}` : `${-1 - i / 400},${-1 + i / 400}`));
  writeFileSync(file, `x,y\n${rows.join('\n')}\n`);
  const config = () => makeConfig('ring8', { data: 'csv', dataFile: file, steps: 12, batchSize: 8, snapshotEvery: 0 });

  it('real batches are rows of the file, every row once per epoch, in a seeded order', () => {
    const run = GanRun.create(config());
    expect(run.data.points!.shape).toEqual([40, 2]);
    expect(run.data.sampler).toBeNull();
    const inFile = new Set(rows.map((r) => r.split(',').map((v) => Math.fround(Number(v))).join(',')));
    const seen: string[] = [];
    const rng = new Rng('epoch');
    for (let b = 0; b < 5; b++) {
      const x = run.data.next(8, rng).toFlat();
      for (let i = 0; i < 8; i++) seen.push(`${x[2 * i]},${x[2 * i + 1]}`);
    }
    expect(seen.every((r) => inFile.has(r))).toBe(true);
    expect(new Set(seen).size).toBe(40); // one epoch: each row exactly once
  });

  it('trains, is reproducible, and a resumed run continues the same batches', () => {
    const a = GanRun.create(config());
    train(a);
    const b = GanRun.create(config());
    train(b);
    expect(a.history.map((h) => h.lossD)).toEqual(b.history.map((h) => h.lossD));
    expect(a.history.every((h) => Number.isFinite(h.lossD) && Number.isFinite(h.lossG))).toBe(true);
    // Stop after 7 steps (inside the second epoch), save, load, finish: the same losses.
    const dir = join(tmp, 'ck');
    const c = GanRun.create(config());
    train(c, { until: 7, checkpointDir: dir });
    const d = GanRun.load(dir);
    train(d);
    expect(d.history.map((h) => h.lossG)).toEqual(a.history.map((h) => h.lossG));
  });

  it('a config for csv data needs the file', () => {
    expect(() => makeConfig('ring8', { data: 'csv' })).toThrow("config: data 'csv' needs dataFile, the path of the CSV file, got null");
  });
});
