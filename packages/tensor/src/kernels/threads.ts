// Worker threads for the WebAssembly kernels. The thread count is chosen explicitly — `setThreads`,
// or `MINIGAN_THREADS` in the environment — and is 1 by default, so nothing depends on the machine.
//
// Each worker instantiates the kernels module on the main thread's shared memory and waits for
// a wake-up in its control slot. Work is a shared job: a matmul (slot 0: C is cut into blocks
// that write disjoint parts, gemmBlocks in asm/assembly/gemm.ts), or a table of kernel calls (slot
// MAX_THREADS: Adam's chunks, BatchNorm's blocks of channels, …, rowJob in
// asm/assembly/parallel.ts). The main thread opens the job, wakes the workers and works on it
// itself; each thread claims blocks or rows until none is left; the main thread then closes the
// job and waits for the threads still inside. A woken worker joins whichever job is open (so a
// worker the OS runs late never runs a job it was not meant for: it finds the job closed, or
// joins the next one properly). Blocking is allowed in Node's main thread (Atomics.wait), so
// every operation stays synchronous.
//
// A control slot (SLOT_BYTES at byte w·SLOT_BYTES, as Int32 indices):
//   0 seq    the job number; the main thread bumps it to post a job
//   1 done   the worker sets it to seq when the job is finished (for diagnostics: a shared job
//            tracks who is inside itself)
//   2 op     OP_JOIN (join the open job) or OP_EXIT
//   3 state  0 starting, 1 ready, 2 failed (the message is at byte 256 of the slot, UTF-8)
//   4 …      integer arguments
// Slots 0 and MAX_THREADS are not a worker's: they are the shared jobs.
// Waiting spins for a short while first: a job often follows the last one within microseconds,
// and waking a sleeping thread costs tens of microseconds.
//
// Workers are unref'd, so they never keep a process alive; `setThreads(1)` ends them.
import { Worker } from 'node:worker_threads';
import { fail } from '../errors.ts';
import { MAX_THREADS, SLOT_BYTES, runtime, scratchOf } from './wasm-runtime.ts';

/** Job codes a worker understands (the switch in `workerSource`). */
const OP_JOIN = 1;
const OP_EXIT = 99;

/** Byte address of the shared matmul job (gemmBlocks) and of the shared row job (rowJob). */
export const GEMM_JOB_AT = 0;
export const ROW_JOB_AT = MAX_THREADS * SLOT_BYTES;
/** Bit 16 of a job's state word: the job is open (the low 16 bits count the threads inside). */
const JOB_OPEN = 1 << 16;

const SEQ = 0, DONE = 1, OP = 2, STATE = 3, ARGS = 4;
const MAX_ARGS = 24;
const ERROR_AT = 256;
const SPIN = 20000;
/** A job that takes longer than this is taken as a hung worker. */
const TIMEOUT_MS = 120_000;

// The worker's program (plain JavaScript: the worker loads no TypeScript). `gemmBlocks` gets the
// job's address and the thread's own packing scratch (the job's first argument).
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
      case ${OP_JOIN}: ex.gemmBlocks(${GEMM_JOB_AT}, c[a]); ex.rowJob(${ROW_JOB_AT}); break;
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
function post(t: number, op: number, args: readonly number[]): void {
  if (args.length > MAX_ARGS) fail('threads', `a job has at most ${MAX_ARGS} arguments, got ${args.length}`);
  const h = workerFor(t);
  const c = h.ctl;
  c[OP] = op;
  for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i]!;
  Atomics.store(c, SEQ, ++h.seq);
  Atomics.notify(c, SEQ);
}

/** Throws the first worker error reported since the last check (a kernel that trapped). */
function checkWorkers(): void {
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
function waitZero(ctl: Int32Array, index: number, mask: number, what: string): void {
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

let rowJobView: Int32Array | null = null;

/**
 * Runs `rows` rows of a table of kernel calls (kind and layout: asm/assembly/parallel.ts; the
 * table at byte `table`) on `threads` threads: this one and threads − 1 workers claim rows until
 * none is left. Every row gives the same values on any thread, so the result does not depend on
 * the thread count.
 */
export function runRowJob(kind: number, table: number, rows: number, threads: number): void {
  const r = runtime();
  const T = Math.min(threads, rows);
  if (T <= 1) {
    r.ex.runRows(kind, table, 0, rows);
    return;
  }
  const J = (rowJobView ??= new Int32Array(r.memory.buffer, ROW_JOB_AT, SLOT_BYTES / 4));
  J[1] = 0;
  J[2] = rows;
  J[3] = kind;
  J[4] = table;
  runSharedJob(J, T, () => r.ex.rowJob(ROW_JOB_AT), 'a parallel kernel');
}

/**
 * Runs a shared job whose fields are written in J (word 0 is its state): opens it, wakes threads
 * 1 … T − 1 to join it, does `work` (this thread's part), then closes it — a worker waking
 * after that stays out — and waits for the threads still inside; a worker's error is thrown.
 */
export function runSharedJob(J: Int32Array, T: number, work: () => void, what: string): void {
  Atomics.store(J, 0, JOB_OPEN); // open, nobody inside yet
  for (let t = 1; t < T; t++) post(t, OP_JOIN, [scratchOf(t)]);
  work();
  Atomics.and(J, 0, ~JOB_OPEN);
  waitZero(J, 0, 0xffff, what);
  checkWorkers();
}
