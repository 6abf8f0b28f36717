// Worker threads for the WebAssembly kernels. The thread count is chosen explicitly — `setThreads`,
// or `MINIGAN_THREADS` in the environment — and is 1 by default, so nothing depends on the machine.
//
// Each worker instantiates the kernels module on the main thread's shared memory and waits for
// jobs in its control slot. A matmul is one shared job (the job area, slot 0): C is cut into
// blocks that write disjoint parts, and the main thread and every worker that wakes in time claim
// blocks until none is left (gemmBlocks in asm/assembly/gemm.ts); the main thread then waits for
// the threads still inside. Blocking is allowed in Node's main thread (Atomics.wait), so every
// operation stays synchronous; a worker the OS runs late just finds no block left.
//
// A control slot (SLOT_BYTES at byte w·SLOT_BYTES, as Int32 indices):
//   0 seq    the job number; the main thread bumps it to post a job
//   1 done   the worker sets it to seq when the job is finished (for diagnostics: a shared job
//            tracks who is inside itself)
//   2 op     which kernel (OP_*)
//   3 state  0 starting, 1 ready, 2 failed (the message is at byte 256 of the slot, UTF-8)
//   4 …      integer arguments
// Slot 0 is not a worker's: it is the shared matmul job (see gemmBlocks).
// Waiting spins for a short while first: a job often follows the last one within microseconds,
// and waking a sleeping thread costs tens of microseconds.
//
// Workers are unref'd, so they never keep a process alive; `setThreads(1)` ends them.
import { Worker } from 'node:worker_threads';
import { fail } from '../errors.ts';
import { MAX_THREADS, SLOT_BYTES, runtime } from './wasm-runtime.ts';

/** Job codes a worker understands (the switch in `workerSource`). */
export const OP_GEMM_BLOCKS = 1;
const OP_EXIT = 99;

const SEQ = 0, DONE = 1, OP = 2, STATE = 3, ARGS = 4;
const MAX_ARGS = 24;
const ERROR_AT = 256;
const SPIN = 20000;
/** A job that takes longer than this is taken as a hung worker. */
const TIMEOUT_MS = 120_000;

// The worker's program (plain JavaScript: the worker loads no TypeScript). `gemmBlocks` gets the
// job's address and the thread's own packing scratch.
const workerSource = `
const { workerData } = require('node:worker_threads');
const { module, memory, slot } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(memory.buffer, slot, ${SLOT_BYTES / 4});
const a = ${ARGS};
Atomics.store(c, ${STATE}, 1);
Atomics.notify(c, ${STATE});
let seen = 0;
for (;;) {
  let s = Atomics.load(c, ${SEQ});
  for (let i = 0; s === seen && i < ${SPIN}; i++) s = Atomics.load(c, ${SEQ});
  if (s === seen) { Atomics.wait(c, ${SEQ}, seen); continue; }
  seen = s;
  const op = c[${OP}];
  if (op === ${OP_EXIT}) break;
  try {
    switch (op) {
      case ${OP_GEMM_BLOCKS}: ex.gemmBlocks(c[a], c[a + 1]); break;
      default: throw new Error('unknown job ' + op);
    }
  } catch (e) {
    const msg = new TextEncoder().encode(String(e && e.stack || e)).subarray(0, ${SLOT_BYTES - ERROR_AT - 1});
    new Uint8Array(memory.buffer, slot + ${ERROR_AT}, msg.length + 1).set([...msg, 0]);
    Atomics.store(c, ${STATE}, 2);
  }
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

interface WorkerHandle {
  worker: Worker;
  /** The worker's control slot as Int32s. */
  ctl: Int32Array;
  seq: number;
}

let threads = 1;
const workers: WorkerHandle[] = []; // workers[i] is thread i + 1

function readError(ctl: Int32Array): string {
  const bytes = new Uint8Array(ctl.buffer, ctl.byteOffset + ERROR_AT, SLOT_BYTES - ERROR_AT);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end));
}

/** Blocks until ctl[index] is no longer `value` (spinning first), or throws after TIMEOUT_MS. */
function waitChange(ctl: Int32Array, index: number, value: number, what: string, timeoutMs = TIMEOUT_MS): number {
  for (let i = 0; i < SPIN; i++) {
    const v = Atomics.load(ctl, index);
    if (v !== value) return v;
  }
  const t0 = Date.now();
  for (;;) {
    const v = Atomics.load(ctl, index);
    if (v !== value) return v;
    if (Date.now() - t0 > timeoutMs) fail('threads', `${what}: no answer from a worker thread in ${timeoutMs / 1000} s`);
    Atomics.wait(ctl, index, value, 1000);
  }
}

function startWorker(t: number): WorkerHandle {
  const r = runtime();
  const slot = t * SLOT_BYTES;
  const ctl = new Int32Array(r.memory.buffer, slot, SLOT_BYTES / 4);
  ctl.fill(0);
  // execArgv []: the worker is plain JavaScript and must not load the parent's loaders (tsx's
  // --import hooks would make its start-up wait for this thread, which is blocked waiting for it).
  const worker = new Worker(workerSource, { eval: true, execArgv: [], workerData: { module: r.module, memory: r.memory, slot } });
  worker.unref();
  // Wait for the worker to instantiate the module (tens of milliseconds), so the first job is not late.
  const state = waitChange(ctl, STATE, 0, 'starting a worker', 30_000);
  if (state !== 1) fail('threads', `a worker thread failed to start: ${readError(ctl)}`);
  return { worker, ctl, seq: 0 };
}

function stopWorker(h: WorkerHandle): void {
  h.ctl[OP] = OP_EXIT;
  Atomics.store(h.ctl, SEQ, ++h.seq);
  Atomics.notify(h.ctl, SEQ);
  void h.worker.terminate();
}

/** Uses `n` threads (the main one and n − 1 workers) for large kernels; 1 (the default) uses none. */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) fail('setThreads', `expected an integer from 1 to ${MAX_THREADS}, got ${String(n)}`);
  while (workers.length > n - 1) stopWorker(workers.pop()!);
  threads = n;
}

/** The number of threads in use (1 unless `setThreads` or MINIGAN_THREADS chose more). */
export function getThreads(): number {
  return threads;
}

/** Worker handle for thread t ≥ 1, started on first use. */
function workerFor(t: number): WorkerHandle {
  while (workers.length < t) workers.push(startWorker(workers.length + 1));
  return workers[t - 1]!;
}

/** Posts a job to thread t ≥ 1 (returns at once). */
export function post(t: number, op: number, args: readonly number[]): void {
  if (args.length > MAX_ARGS) fail('threads', `a job has at most ${MAX_ARGS} arguments, got ${args.length}`);
  const h = workerFor(t);
  const c = h.ctl;
  c[OP] = op;
  for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i]!;
  Atomics.store(c, SEQ, ++h.seq);
  Atomics.notify(c, SEQ);
}

/** Throws the first worker error reported since the last check (a kernel that trapped). */
export function checkWorkers(): void {
  workers.forEach((h, i) => {
    if (Atomics.load(h.ctl, STATE) !== 2) return;
    const msg = readError(h.ctl);
    Atomics.store(h.ctl, STATE, 1);
    fail('threads', `a kernel failed on worker thread ${i + 1}: ${msg}`);
  });
}

/**
 * Blocks until ctl[index] & mask is 0 (spinning first), checking for worker errors while it
 * sleeps; for the threads still inside a shared job.
 */
export function waitZero(ctl: Int32Array, index: number, mask: number, what: string): void {
  for (let i = 0; i < SPIN; i++) if ((Atomics.load(ctl, index) & mask) === 0) return;
  const t0 = Date.now();
  for (;;) {
    const v = Atomics.load(ctl, index);
    if ((v & mask) === 0) return;
    checkWorkers();
    if (Date.now() - t0 > TIMEOUT_MS) fail('threads', `${what}: no answer from a worker thread in ${TIMEOUT_MS / 1000} s`);
    Atomics.wait(ctl, index, v, 100);
  }
}

const env = typeof process === 'object' ? process.env['MINIGAN_THREADS'] : undefined;
if (env !== undefined && env !== '') {
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) fail('MINIGAN_THREADS', `expected an integer from 1 to ${MAX_THREADS}, got '${env}'`);
  threads = n;
}
