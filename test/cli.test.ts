// The `minigan` command as a user meets it. Bad input: one line on stderr that says what is
// wrong and what is allowed, exit code 2 for a mistake in the flags (1 for a failure such as a
// damaged file), no stack trace unless --debug. The table runs through `main` in-process (fast);
// the rest spawns `node packages/gan/bin/minigan.js`: exit codes, one-line stderr, --debug, help,
// train → sample → eval, a diverging run, and Ctrl-C / SIGTERM with an exact resume.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GanRun, encodeIdx, makeConfig, train, type LatestPointer } from '@minigan/gan';
import { main } from '@minigan/gan/cli';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'packages/gan/bin/minigan.js');
const tmp = mkdtempSync(join(tmpdir(), 'minigan-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Result { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs `minigan args…` as a child process. `onStdout` sees the output as it comes, with the child. */
function minigan(args: string[], onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); onStdout?.(stdout, child); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `main` in this process, capturing what it prints. */
async function inProcess(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { out.push(a.join(' ')); });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { err.push(a.join(' ')); });
  try {
    return { code: await main(argv), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const latest = (ckDir: string): LatestPointer => JSON.parse(readFileSync(join(ckDir, 'latest.json'), 'utf8')) as LatestPointer;

// A finished toy run, an empty directory, and Fashion-MNIST directories with damaged files.
const RUN = join(tmp, 'run'), EMPTY = join(tmp, 'empty');
const DATA = { magic: join(tmp, 'data-magic'), cut: join(tmp, 'data-cut'), counts: join(tmp, 'data-counts'), shape: join(tmp, 'data-shape') };
// CSV files of points (--data-file): a row with a field missing, a word for a number, no rows, too few rows.
const CSV = { short: join(tmp, 'short-row.csv'), word: join(tmp, 'word.csv'), empty: join(tmp, 'header-only.csv'), few: join(tmp, 'few.csv') };
beforeAll(() => {
  writeFileSync(CSV.short, 'x,y\n0.5,1\n-1,2\n3\n');
  writeFileSync(CSV.word, '0.5,1\n-1,two\n');
  writeFileSync(CSV.empty, 'x,y\n\n');
  writeFileSync(CSV.few, '0,0\n1,1\n2,2\n');
  train(GanRun.create(makeConfig('ring8', { steps: 5, batchSize: 16, snapshotEvery: 0 })), { checkpointDir: join(RUN, 'checkpoints') });
  mkdirSync(EMPTY);
  for (const d of Object.values(DATA)) mkdirSync(d);
  const images = (n: number) => encodeIdx({ type: 'ubyte', shape: [n, 28, 28], data: new Uint8Array(n * 784) });
  const labels = (n: number) => encodeIdx({ type: 'ubyte', shape: [n], data: new Uint8Array(n) });
  writeFileSync(join(DATA.magic, 'train-images-idx3-ubyte'), Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)); // a PNG
  writeFileSync(join(DATA.magic, 'train-labels-idx1-ubyte'), labels(4));
  writeFileSync(join(DATA.cut, 'train-images-idx3-ubyte'), images(4).subarray(0, 1000));
  writeFileSync(join(DATA.cut, 'train-labels-idx1-ubyte'), labels(4));
  writeFileSync(join(DATA.counts, 'train-images-idx3-ubyte'), images(4));
  writeFileSync(join(DATA.counts, 'train-labels-idx1-ubyte'), labels(5));
  writeFileSync(join(DATA.shape, 'train-images-idx3-ubyte'), labels(4)); // labels where images belong
  writeFileSync(join(DATA.shape, 'train-labels-idx1-ubyte'), labels(4));
});

/** argv → exit code and the one line on stderr (a string is matched exactly, a RegExp as a pattern). */
export const BAD_INPUT: [string[], number, string | RegExp][] = [
  // Numbers of the wrong type or range (a negative number is read as the flag's value, not a flag).
  [['train', '--steps', '-3'], 2, "minigan train: --steps must be an integer ≥ 1, got '-3'"],
  [['train', '--steps', '0'], 2, "minigan train: --steps must be an integer ≥ 1, got '0'"],
  [['train', '--steps', '1.5'], 2, "minigan train: --steps must be an integer ≥ 1, got '1.5'"],
  [['train', '--steps', 'ten'], 2, "minigan train: --steps must be an integer ≥ 1, got 'ten'"],
  [['train', '--seed', '-1'], 2, "minigan train: --seed must be an integer ≥ 0, got '-1'"],
  [['train', '--batch-size', '0'], 2, "minigan train: --batch-size must be an integer ≥ 1, got '0'"],
  [['train', '--lr', '0'], 2, "minigan train: --lr must be a number in (0, ∞), got '0'"],
  [['train', '--lr', '-0.1'], 2, "minigan train: --lr must be a number in (0, ∞), got '-0.1'"],
  [['train', '--lr', 'fast'], 2, "minigan train: --lr must be a number in (0, ∞), got 'fast'"],
  [['train', '--lr-g', 'Infinity'], 2, "minigan train: --lr-g must be a number in (0, ∞), got 'Infinity'"],
  [['train', '--label-smoothing', '1'], 2, "minigan train: --label-smoothing must be a number in [0, 1), got '1'"],
  [['train', '--lr-decay-from', '2'], 2, "minigan train: --lr-decay-from must be a number in [0, 1], got '2'"],
  [['train', '--betas', '0.5'], 2, "minigan train: --betas must be two numbers in [0, 1) separated by a comma, got '0.5'"],
  [['train', '--preset', 'mnist'], 2, "minigan train: --preset must be one of ring8, grid25, gauss1d, mixture1d, fashion, got 'mnist'"],
  [['train', '--g-loss', 'wgan'], 2, "minigan train: --g-loss must be one of ns, minimax, got 'wgan'"],
  [['train', '--on-non-finite', 'ignore'], 2, "minigan train: --on-non-finite must be one of stop, skip, got 'ignore'"],
  // A batch larger than the dataset is known only once the data is loaded; still a flag mistake.
  [['train', '--preset', 'fashion', '--batch-size', '100000'], 2, /^minigan train: --batch-size must be at most \d+ \(the training set has \d+ images in \/.+\), got 100000$/],
  [['train', '--preset', 'fashion', '--data-limit', '10'], 2, /^minigan train: --batch-size must be at most 10 \(the training set has 10 images in \/.+ after dataLimit 10\), got 128$/],
  [['train', '--preset', 'fashion', '--batch-size', '100', '--pack', '30'], 2, /^minigan train: --batch-size must be at most 66 with pack 30 \(batchSize × pack rows per batch; the training set has 2000 images/],
  // Missing values, unknown flags, stray arguments.
  [['train', '--steps'], 2, "minigan train: --steps needs a value (--steps N: total training steps (default: the preset's))"],
  [['train', '--steps', '--lr', '0.1'], 2, "minigan train: --steps needs a value, got the flag '--lr' (--steps N: total training steps (default: the preset's))"],
  [['train', '--stepz', '5'], 2, "minigan train: unknown option '--stepz'; did you mean --steps?"],
  [['train', '--frobnicate'], 2, "minigan train: unknown option '--frobnicate'; see 'minigan train --help' for the options"],
  [['train', 'ring8'], 2, "minigan train: unexpected argument 'ring8'; this command takes only --flags (see 'minigan train --help')"],
  [['train', '--quiet', 'yes'], 2, "minigan train: unexpected argument 'yes'; this command takes only --flags (--quiet takes no value) (see 'minigan train --help')"],
  [['train', '--resume=yes'], 2, "minigan train: --resume is a switch and takes no value, got 'yes'"],
  [['eval', '-x'], 2, "minigan eval: unknown option '-x'; expected one of --checkpoint, --n, --seed, --data-dir, --json, --debug, --help"],
  [['frob'], 2, "minigan: unknown command 'frob' (expected train, sample or eval; see 'minigan --help')"],
  // Run directories.
  [['train', '--out', RUN], 2, `minigan train: ${RUN} already holds a run; pass --resume to continue it or choose another --out`],
  [['train', '--out', EMPTY, '--resume'], 2, `minigan train: --resume needs a checkpoint in ${join(EMPTY, 'checkpoints')}, found none`],
  [['train', '--out', RUN, '--resume', '--seed', '3'], 2, 'minigan train: --seed cannot change when resuming (the checkpoint has 0, got 3); start a new run with another --out instead'],
  [['train', '--out', RUN, '--resume', '--batch-size', '8'], 2, 'minigan train: --batch-size cannot change when resuming (the checkpoint has 16, got 8); start a new run with another --out instead'],
  [['train', '--out', RUN, '--resume', '--steps', '2'], 2, "minigan train: --steps must be ≥ 5 (the checkpoint's step) when resuming, got 2"],
  [['sample'], 2, 'minigan sample: --checkpoint DIR is required'],
  [['sample', '--checkpoint', RUN], 2, 'minigan sample: --out FILE is required'],
  [['sample', '--checkpoint', RUN, '--out', 'x.png'], 2, "minigan sample: --out must be a .csv file for ring8 data, got 'x.png'"],
  [['sample', '--checkpoint', join(tmp, 'nowhere'), '--out', 'x.csv'], 2, `minigan: checkpoint directory ${join(tmp, 'nowhere')} does not exist`],
  [['eval', '--checkpoint', EMPTY], 2, `minigan: ${EMPTY} holds no checkpoint (expected ${join(EMPTY, 'checkpoints', 'latest.json')})`],
  [['eval', '--checkpoint', RUN, '--n', '0'], 2, "minigan eval: --n must be an integer ≥ 2, got '0'"],
  // Data: a missing directory is a flag mistake; damaged files are failures naming file and byte.
  [['train', '--preset', 'fashion', '--data-dir', join(tmp, 'nodata')], 2, `minigan train: --data-dir ${join(tmp, 'nodata')} does not exist`],
  [['train', '--preset', 'fashion', '--data-dir', EMPTY], 1, `minigan: loadFashionMnist: ${EMPTY}: missing train-images-idx3-ubyte[.gz] or train-labels-idx1-ubyte[.gz] for the train split`],
  [['train', '--preset', 'fashion', '--data-dir', DATA.magic], 1, `minigan: readIdx: ${join(DATA.magic, 'train-images-idx3-ubyte')}: wrong magic number at byte 0: got 0x89 0x50 0x4e 0x47, expected 0x00 0x00, a type code (0x08 ubyte, 0x09 byte, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64) and a dimension count ≥ 1 — is this an IDX file?`],
  [['train', '--preset', 'fashion', '--data-dir', DATA.cut], 1, `minigan: readIdx: ${join(DATA.cut, 'train-images-idx3-ubyte')}: truncated file: expected 3152 bytes (header 16 + 4×28×28 ubyte elements), got 1000`],
  [['train', '--preset', 'fashion', '--data-dir', DATA.counts], 1, `minigan: loadFashionMnist: image and label counts differ: ${join(DATA.counts, 'train-images-idx3-ubyte')} has 4 images, ${join(DATA.counts, 'train-labels-idx1-ubyte')} has 5 labels`],
  [['train', '--preset', 'fashion', '--data-dir', DATA.shape], 1, `minigan: loadFashionMnist: ${join(DATA.shape, 'train-images-idx3-ubyte')}: expected ubyte images of shape [n,28,28], got ubyte of shape [4]`],
  [['train', '--data-file', join(tmp, 'nowhere.csv')], 2, `minigan train: --data-file ${join(tmp, 'nowhere.csv')} does not exist`],
  [['train', '--data-file', CSV.short], 1, `minigan: readCsv: ${CSV.short} line 4: expected 2 comma-separated numbers (as on line 2), got 1: '3'`],
  [['train', '--data-file', CSV.word], 1, `minigan: readCsv: ${CSV.word} line 2, field 2: expected a finite number, got 'two'`],
  [['train', '--data-file', CSV.empty], 1, `minigan: readCsv: ${CSV.empty}: no data rows (expected lines of 2 numbers under the header 'x,y')`],
  [['train', '--data-file', CSV.few, '--batch-size', '4', '--out', join(tmp, 'few-run')], 2, `minigan train: --batch-size must be at most 3 (${CSV.few} has 3 points), got 4`],
];

describe('bad input: one line saying what is wrong and what is allowed', () => {
  it.each(BAD_INPUT)('minigan %j → exit %i', async (argv, code, message) => {
    const r = await inProcess(argv);
    expect(r.err.length).toBe(1);
    const line = r.err[0]!;
    expect(line).not.toContain('\n');
    if (typeof message === 'string') expect(line).toBe(message);
    else expect(line).toMatch(message);
    expect(r.code).toBe(code);
    expect(r.out).toEqual([]);
  });

  it('a damaged checkpoint is named (exit 1)', async () => {
    const dir = join(tmp, 'damaged');
    train(GanRun.create(makeConfig('ring8', { steps: 2, batchSize: 16, snapshotEvery: 0 })), { checkpointDir: join(dir, 'checkpoints') });
    const weights = join(dir, 'checkpoints', latest(join(dir, 'checkpoints')).weights);
    writeFileSync(weights, readFileSync(weights).subarray(0, 100));
    const r = await inProcess(['eval', '--checkpoint', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(new RegExp(`^minigan: readSafetensors: ${weights}: truncated file: the header needs bytes 8–\\d+ \\(length \\d+ in bytes 0–7\\), the file has 100 bytes$`))]);
  });

  it('a resumed run may change hyper-parameters (e.g. a lower lr after a divergence) and says which', async () => {
    const dir = join(tmp, 'retune');
    train(GanRun.create(makeConfig('ring8', { steps: 3, batchSize: 16, lrD: 0.001, lrG: 0.001, snapshotEvery: 0 })), { checkpointDir: join(dir, 'checkpoints') });
    const r = await inProcess(['train', '--out', dir, '--resume', '--steps', '4', '--lr', '0.0005', '--betas', '0.9,0.99', '--on-non-finite', 'skip', '--seed', '0', '--no-report', '--quiet']);
    expect([r.code, r.err]).toEqual([0, []]);
    expect(r.out[1]).toBe('  Changed from the checkpoint (the run no longer repeats the original exactly): lrD 0.001 → 0.0005, lrG 0.001 → 0.0005, betas [0.5,0.999] → [0.9,0.99], onNonFinite "stop" → "skip".');
    const run = GanRun.load(join(dir, 'checkpoints'));
    expect([run.step, run.config.lrD, run.config.lrG, run.config.onNonFinite, run.optD.betas]).toEqual([4, 0.0005, 0.0005, 'skip', [0.9, 0.99]]);
  });

  it('a resumed run given more --steps says how its learning-rate schedule stretches', async () => {
    const dir = join(tmp, 'longer');
    train(GanRun.create(makeConfig('ring8', { steps: 20, batchSize: 16, snapshotEvery: 0 })), { checkpointDir: join(dir, 'checkpoints') });
    const r = await inProcess(['train', '--out', dir, '--resume', '--steps', '30', '--no-report', '--quiet']);
    expect([r.code, r.err]).toEqual([0, []]);
    // ring8 decays from half the steps to 0.005×: over 10–20 before, over 15–30 now; at step 21
    // the factor is 1 − 0.995 · (21 − 15) / 15 = 0.602.
    expect(r.out[1]).toBe('  --steps 30 stretches the learning-rate schedule (the run no longer repeats the original exactly): the decay to 0.005× now runs over steps 15–30 instead of 10–20; the lr factor at step 21 is 0.602 (it was 0.00500 at step 20).');
    expect(GanRun.load(join(dir, 'checkpoints')).step).toBe(30);
  });

  it('no command prints the usage on stderr and exits 2', async () => {
    const r = await inProcess([]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/^minigan — train small GANs/);
  });
});

// These wait on child processes, so they run side by side (the same work, less waiting).
describe.concurrent('the command as a process', () => {
  it('a usage error: exit 2, one line on stderr, no stack; --debug shows the stack', async () => {
    const [plain, debug] = await Promise.all([minigan(['train', '--steps', '-3']), minigan(['train', '--steps', '-3', '--debug'])]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe("minigan train: --steps must be an integer ≥ 1, got '-3'\n");
    expect(plain.stdout).toBe('');
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^UsageError: minigan train: --steps must be an integer ≥ 1, got '-3'\n(\s+at .+\n)+$/);
    expect(debug.stderr).toMatch(/at .*cli\.ts:\d+/);
  });

  it('--help on each command: exit 0, the options on stdout', async () => {
    // Two as processes, two through main (the same code without the launcher), to spare CPU.
    const [top, tr] = await Promise.all([minigan(['--help']), minigan(['train', '--help'])]);
    const [sa, ev] = [await inProcess(['sample', '-h']), await inProcess(['eval', '--help'])];
    for (const r of [top, tr]) expect([r.code, r.stderr]).toEqual([0, '']);
    for (const r of [sa, ev]) expect([r.code, r.err]).toEqual([0, []]);
    expect(top.stdout).toMatch(/^minigan — train small GANs[\s\S]*minigan train[\s\S]*minigan sample[\s\S]*minigan eval/);
    for (const flag of ['--preset', '--steps', '--seed', '--resume', '--batch-size', '--lr', '--on-non-finite', '--checkpoint-every']) expect(tr.stdout).toContain(`  ${flag} `);
    for (const flag of ['--checkpoint', '--n', '--out', '--seed']) expect(sa.out.join('\n')).toContain(`  ${flag} `);
    for (const flag of ['--checkpoint', '--n', '--json']) expect(ev.out.join('\n')).toContain(`  ${flag} `);
  });

  it('a reader that closes the pipe early (minigan … | head) ends the command quietly, exit 0', async () => {
    let closed = false;
    const r = await minigan(['train', '--preset', 'gauss1d', '--steps', '2000', '--out', join(tmp, 'pipe'), '--no-report'], (_soFar, child) => {
      if (!closed) { closed = true; child.stdout!.destroy(); } // after the first output, like `head -1`
    });
    expect(closed).toBe(true);
    expect([r.code, r.signal, r.stderr]).toEqual([0, null, '']);
  });

  it('train for a few steps, then sample and eval on the run directory', async () => {
    const out = join(tmp, 'e2e');
    const t = await minigan(['train', '--preset', 'ring8', '--steps', '30', '--batch-size', '32', '--seed', '4', '--out', out, '--no-report', '--quiet']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/Trained 30 steps/);
    expect(latest(join(out, 'checkpoints')).step).toBe(30);
    expect(readFileSync(join(out, 'history.csv'), 'utf8').trim().split('\n').length).toBe(31);

    const [s, e] = await Promise.all([
      minigan(['sample', '--checkpoint', out, '--n', '50', '--out', join(out, 'more', 'samples.csv'), '--seed', '2']),
      minigan(['eval', '--checkpoint', out, '--n', '400', '--json']),
    ]);
    expect([s.code, s.stderr]).toEqual([0, '']);
    const rows = readFileSync(join(out, 'more', 'samples.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('x,y');
    expect(rows.length).toBe(51);
    expect(rows.slice(1).every((r) => r.split(',').length === 2 && r.split(',').every((v) => Number.isFinite(Number(v))))).toBe(true);
    expect([e.code, e.stderr]).toEqual([0, '']);
    const m = JSON.parse(e.stdout) as { step: number; data: string; toy: { n: number; numModes: number } };
    expect([m.step, m.data, m.toy.n, m.toy.numModes]).toEqual([30, 'ring8', 400, 8]);
  });

  it('a run that diverges stops at the step, says which model and quantity, and keeps the last good checkpoint', async () => {
    const out = join(tmp, 'diverge');
    const r = await minigan(['train', '--preset', 'ring8', '--steps', '40', '--batch-size', '16', '--lr', '1e6', '--checkpoint-every', '1', '--out', out, '--no-report', '--quiet']);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines.length).toBe(2); // one line and its newline
    const m = /^minigan train: training diverged at step (\d+): (.+) is (NaN|-?Infinity)( at index \[[\d,]+\])? in the ([DG]) update, so \5's weights were not updated; the last good checkpoint \(step (\d+)\) is kept in (.+); continue from it with --resume and a lower --lr, or --on-non-finite skip$/.exec(lines[0]!);
    expect(m, lines[0]).not.toBeNull();
    const step = Number(m![1]), kept = Number(m![6]);
    expect(step).toBeGreaterThan(1);
    expect(kept).toBe(step - 1);
    expect(m![7]).toBe(join(out, 'checkpoints'));
    expect(latest(join(out, 'checkpoints')).step).toBe(step - 1);
    expect(readFileSync(join(out, 'history.csv'), 'utf8').trim().split('\n').length).toBe(step); // header + steps 1 … step − 1
    // The kept checkpoint loads and is finite.
    const run = GanRun.load(join(out, 'checkpoints'));
    for (const t of [...Object.values(run.G.stateDict()), ...Object.values(run.D.stateDict())]) expect(t.toFlat().every(Number.isFinite)).toBe(true);
  });

  describe('Ctrl-C and SIGTERM during training', () => {
    // gauss1d at batch 16: a few thousand steps a second, so the run is well under way when the
    // first progress line (step 200 of 2000) appears, and far from done when the signal lands.
    const args = (out: string) => ['train', '--preset', 'gauss1d', '--steps', '2000', '--batch-size', '16', '--seed', '11', '--out', out, '--no-report'];

    /** Starts a run and sends `sig` once it reports progress. */
    const interrupt = (out: string, sig: NodeJS.Signals) => {
      let sent = false;
      return minigan(args(out), (soFar, child) => {
        if (!sent && /^step \d+\/2000/m.test(soFar)) {
          sent = true;
          child.kill(sig);
        }
      });
    };

    it('SIGINT writes a checkpoint at the current step and exits 130; --resume then matches an uninterrupted run bit for bit', async () => {
      const cut = join(tmp, 'sigint'), whole = join(tmp, 'whole');
      const [r, w] = await Promise.all([interrupt(cut, 'SIGINT'), minigan([...args(whole), '--quiet'])]);
      expect(r.code).toBe(130);
      expect(r.stderr).toMatch(/^\nSIGINT: stopping after this step and writing a checkpoint/);
      const at = Number(/Interrupted by SIGINT at step (\d+): checkpoint written to /.exec(r.stdout)?.[1]);
      expect(at).toBeGreaterThanOrEqual(200);
      expect(at).toBeLessThan(2000);
      expect(latest(join(cut, 'checkpoints')).step).toBe(at);

      const res = await minigan(['train', '--out', cut, '--resume', '--quiet', '--no-report']);
      expect([res.code, res.stderr]).toEqual([0, '']);
      expect(res.stdout).toContain(`Resuming gauss1d from step ${at} of 2000`);
      expect(w.code).toBe(0);
      // Bit for bit: the final weights and optimizer files, and the whole state (history, RNG, …).
      const [a, b] = [join(cut, 'checkpoints'), join(whole, 'checkpoints')];
      expect(latest(a)).toEqual(latest(b));
      expect(sha(join(a, latest(a).weights))).toBe(sha(join(b, latest(b).weights)));
      expect(sha(join(a, latest(a).optim))).toBe(sha(join(b, latest(b).optim)));
      expect(readFileSync(join(a, latest(a).state), 'utf8')).toBe(readFileSync(join(b, latest(b).state), 'utf8'));
      expect(readFileSync(join(cut, 'history.csv'), 'utf8')).toBe(readFileSync(join(whole, 'history.csv'), 'utf8'));
    });

    it('SIGTERM does the same and exits 143', async () => {
      const out = join(tmp, 'sigterm');
      const r = await interrupt(out, 'SIGTERM');
      expect(r.code).toBe(143);
      const at = Number(/Interrupted by SIGTERM at step (\d+)/.exec(r.stdout)?.[1]);
      expect(at).toBeGreaterThanOrEqual(200);
      expect(at).toBeLessThan(2000);
      expect(latest(join(out, 'checkpoints')).step).toBe(at);
      expect(GanRun.load(join(out, 'checkpoints')).history.length).toBe(at);
    });
  });
});
