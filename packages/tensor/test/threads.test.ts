// Worker threads of the wasm kernels: a product on 2 or 3 threads is bit for bit the product on
// one (C is cut into blocks, each element computed the same way wherever it falls); matmuls and
// row jobs (sigmoid, the norm's sum) back to back, with workers that wake late, still match; the
// count is validated; workers never keep a process alive.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import * as T from '@minigan/tensor';

const rng = new T.Rng('threads');
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The bytes of a float32 tensor's storage, for exact comparison. */
const bits = (t: T.Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

afterAll(() => T.setThreads(1));

describe('threaded matmul', () => {
  afterEach(() => T.setThreads(1));

  const forms: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
  it.each(forms)('transA %s, transB %s: 2 and 3 threads give the 1-thread result bit for bit (random shapes)', (tA, tB) => {
    // Shapes from 1 to ~1100 per side, some below the size that is split at all, some with
    // edges that are not multiples of the kernel's 4×8 tile, tall and wide.
    const shapes: [number, number, number][] = [[128, 784, 512], [1024, 128, 784], [129, 300, 37], [33, 70, 1000], [5, 513, 3], [700, 9, 2]];
    for (let i = 0; i < 6; i++) shapes.push([1 + rng.int(400), 1 + rng.int(600), 1 + rng.int(400)]);
    for (const [M, K, N] of shapes) {
      const a = rng.uniform(tA ? [K, M] : [M, K], -1, 1);
      const b = rng.uniform(tB ? [N, K] : [K, N], -1, 1);
      const opts = { transA: tA, transB: tB, backend: 'wasm' };
      T.setThreads(1);
      const one = T.matmul(a, b, opts);
      for (const n of [2, 3]) {
        T.setThreads(n);
        const many = T.matmul(a, b, opts);
        expect(bits(many).equals(bits(one)), `[${M},${K}]·[${K},${N}] on ${n} threads`).toBe(true);
      }
    }
  });

  it('views and an output written in place (matmul_) also match', () => {
    const a = rng.uniform([300, 260], -1, 1).slice(1, 3, 250); // [300, 247] view with row stride 260
    const b = rng.uniform([247, 520], -1, 1);
    T.setThreads(1);
    const one = T.matmul(a, b);
    T.setThreads(2);
    const out = T.zeros([300, 520]);
    T.matmul_(out, a, b);
    expect(bits(out).equals(bits(one))).toBe(true);
  });
});

describe('matmuls and row jobs back to back', () => {
  afterEach(() => T.setThreads(1));

  it('3 threads on 2 cores (workers often late, joining whichever job is open) give the 1-thread results', () => {
    // Alternating kinds of shared job: a worker woken for a matmul may only get to run once a row
    // job is open (or the reverse) and must then do that job's work correctly.
    const a = rng.uniform([128, 300], -1, 1), b = rng.uniform([300, 512], -1, 1);
    const x = rng.normal([100_000], 0, 3).data as Float32Array;
    const run = () => {
      const out: Buffer[] = [];
      for (let i = 0; i < 40; i++) {
        out.push(Buffer.from(bits(T.matmul(a, b, { backend: 'wasm' }))));
        const y = new Float32Array(x.length);
        T.kernels.sigmoid(x, y);
        out.push(Buffer.from(y.buffer));
        out.push(Buffer.from(Float64Array.of(T.kernels.sumSquares(x)).buffer));
      }
      return out;
    };
    T.setThreads(1);
    const one = run();
    T.setThreads(3);
    const many = run();
    many.forEach((m, i) => expect(m.equals(one[i]!), `result ${i}`).toBe(true));
  });
});

describe('setThreads', () => {
  afterEach(() => {
    T.setThreads(1);
    vi.unstubAllEnvs();
  });

  it('defaults to 1 and reports what was set', () => {
    expect(T.getThreads()).toBe(Number(process.env['MINIGAN_THREADS'] || 1));
    T.setThreads(2);
    expect(T.getThreads()).toBe(2);
    T.setThreads(1);
    expect(T.getThreads()).toBe(1);
  });

  it('rejects counts that are not integers from 1 to 16', () => {
    for (const n of [0, -1, 1.5, 17, NaN]) expect(() => T.setThreads(n)).toThrow(/setThreads: expected an integer from 1 to 16/);
  });

  it('MINIGAN_THREADS sets the count on import; a bad value is an error naming the variable', async () => {
    vi.stubEnv('MINIGAN_THREADS', '2');
    vi.resetModules();
    const two = await import('@minigan/tensor');
    expect(two.getThreads()).toBe(2);
    two.setThreads(1);
    vi.stubEnv('MINIGAN_THREADS', 'many');
    vi.resetModules();
    await expect(import('@minigan/tensor')).rejects.toThrow("MINIGAN_THREADS: expected an integer from 1 to 16, got 'many'");
    vi.resetModules();
  });
});

describe('worker lifetime', () => {
  it('a program that used 2 threads exits on its own (workers are unref’d)', () => {
    const script = [
      "import * as T from '@minigan/tensor';",
      'T.setThreads(2);',
      'const c = T.matmul(T.ones([256, 256]), T.ones([256, 256]));',
      "console.log(c.get(0, 0), T.getThreads());",
    ].join('\n');
    const t0 = Date.now();
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: packageDir, timeout: 30_000, encoding: 'utf8' });
    expect(out.trim()).toBe('256 2');
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
