// The runtime of the WebAssembly SIMD kernels: one module (asm/assembly/index.ts, embedded in
// wasm-binary.ts), one shared memory, and how that memory is laid out. The main thread and every
// worker thread (threads.ts) instantiate the same module on the same memory, so a kernel started
// on a worker sees the operands the main thread copied in.
//
// Memory layout, in bytes:
//   [0, CONTROL_BYTES)                      control block: one slot per worker and the shared jobs (threads.ts)
//   [CONTROL_BYTES, + MAX_THREADS·scratch)  gemm packing scratch, one per thread (0 = main)
//   [heapBase, …)                           blocks, given out first-fit from a free list:
//     - the workspace: operands and results of the current call (`beginCall` places them); it
//       is remade bigger when a call needs more, since nothing in it outlives a call;
//     - pinned arrays (`pinnedFloat32`): long-lived float32 storage that tensors use directly
//       (parameters, optimizer state), so kernels read and write it without copies. A pinned
//       block is freed when its Float32Array is garbage-collected (FinalizationRegistry).
//
// The memory is shared (a SharedArrayBuffer): growing it never detaches the views made
// before, it only makes a bigger buffer for new views, so `f32()` remakes its view on demand
// and pinned arrays stay valid for their whole life.
import { fail } from '../errors.ts';
import { KERNELS_WASM_BASE64 } from './wasm-binary.ts';

/** The module's exports (see asm/assembly/*.ts); pointers are byte offsets into the shared memory. */
export interface KernelExports {
  scratchBytes(): number;
  tileShape(): number;
  gemm(
    transA: number, transB: number, M: number, N: number, K: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, work: number,
  ): void;
  gemmBlocks(job: number, work: number): void;
  adam(p: number, g: number, m: number, s: number, n: number, wd: number, b1: number, b2: number, omb1: number, omb2: number, bc2s: number, eps: number, negStep: number): void;
  relu(x: number, y: number, n: number): void;
  allFinite(x: number, n: number): number;
  expScalar(x: number): number;
  sigmoid(x: number, y: number, n: number): void;
  sigmoidBackward(g: number, y: number, dx: number, n: number): void;
  add(a: number, b: number, out: number, n: number): void;
  sub(a: number, b: number, out: number, n: number): void;
  mul(a: number, b: number, out: number, n: number): void;
  reluBackward(g: number, y: number, dx: number, n: number): void;
  leakyRelu(x: number, y: number, n: number, slope: number): void;
  leakyReluBackward(g: number, x: number, dx: number, n: number, slope: number): void;
  addRowVector(y: number, rows: number, n: number, ldy: number, b: number): void;
  sumRows(x: number, rows: number, n: number, ldx: number, acc: number, out: number): void;
  bnStats(x: number, N: number, C: number, ld: number, eps: number, mean: number, varSum: number, invstd: number): void;
  bnForward(x: number, y: number, N: number, C: number, ld: number, mean: number, invstd: number, gamma: number, beta: number, relu: number): void;
  bnBackward(g: number, x: number, dx: number, N: number, C: number, ld: number, mean: number, invstd: number, scale: number, batch: number, sumG: number, sumGX: number): void;
  sumSquares(x: number, n: number): number;
  runRows(kind: number, table: number, from: number, to: number): void;
  rowJob(job: number): void;
}

const PAGE = 65536;
/** The module's declared maximum: 65536 pages = 4 GiB (32-bit addresses). */
const MAX_PAGES = 65536;
const MAX_BYTES = MAX_PAGES * PAGE;
/** Most threads a program can ask for (each has a control slot and packing scratch). */
export const MAX_THREADS = 16;
/** Bytes of one worker's control slot (threads.ts). */
export const SLOT_BYTES = 512;
/**
 * Bytes of the control block: slot 0 is the shared matmul job, slots 1 … MAX_THREADS − 1 the
 * workers', slot MAX_THREADS the shared row job (threads.ts).
 */
export const CONTROL_BYTES = (MAX_THREADS + 1) * SLOT_BYTES;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const bytes = decodeBase64(KERNELS_WASM_BASE64);

/**
 * Whether this JavaScript engine runs the kernels: WebAssembly with SIMD, and shared memory
 * (threads) so one memory can serve several threads.
 */
export const wasmSimdAvailable: boolean = (() => {
  if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer !== 'function' || !WebAssembly.validate(bytes)) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
})();

interface Runtime {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ex: KernelExports;
  /** Bytes of gemm scratch per thread. */
  scratch: number;
  /** First byte of the block heap (after every thread's scratch). */
  heapBase: number;
  /** The kernel's tile: rows and columns of C per micro-tile (C is padded to whole tiles). */
  MR: number;
  NR: number;
}

let rt: Runtime | undefined;
let heap32 = new Float32Array(0);
let heap64 = new Float64Array(0);
let heapI32 = new Int32Array(0);

/** The module, memory and exports, made on first use (a synchronous compile: the module is small). */
export function runtime(): Runtime {
  if (rt) return rt;
  if (!wasmSimdAvailable) fail('wasm', 'this JavaScript engine has no WebAssembly SIMD with shared memory');
  const module = new WebAssembly.Module(bytes);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const scratch = ex.scratchBytes();
  const tile = ex.tileShape();
  const heapBase = CONTROL_BYTES + MAX_THREADS * scratch;
  rt = { module, memory, ex, scratch, heapBase, MR: tile >>> 16, NR: tile & 0xffff };
  brk = heapBase;
  reserve(heapBase);
  return rt;
}

/** Byte offset of thread t's gemm packing scratch (t = 0 is the main thread). */
export function scratchOf(t: number): number {
  return CONTROL_BYTES + t * runtime().scratch;
}

/** Grows the memory to at least `end` bytes (it never shrinks: the largest call so far sets its size). */
export function reserve(end: number): void {
  const r = runtime();
  if (end > MAX_BYTES - PAGE) fail('wasm', `the kernels need ${end} bytes of memory, more than the 4 GiB of 32-bit WebAssembly`);
  const have = r.memory.buffer.byteLength;
  if (have < end) r.memory.grow(Math.ceil((end - have) / PAGE));
}

/** A float32 view of the whole memory as it is now (remade after growth; old views stay valid). */
export function f32(): Float32Array {
  const buf = runtime().memory.buffer;
  if (heap32.buffer !== buf) heap32 = new Float32Array(buf);
  return heap32;
}

/** A float64 view of the whole memory as it is now (see f32). */
export function f64(): Float64Array {
  const buf = runtime().memory.buffer;
  if (heap64.buffer !== buf) heap64 = new Float64Array(buf);
  return heap64;
}

/** An int32 view of the whole memory as it is now (see f32). */
export function i32(): Int32Array {
  const buf = runtime().memory.buffer;
  if (heapI32.buffer !== buf) heapI32 = new Int32Array(buf);
  return heapI32;
}

// ---------------------------------------------------------------- blocks

/** Free ranges [start, end) in bytes, sorted, never adjacent; above `brk` everything is free. */
const free: { start: number; end: number }[] = [];
let brk = 0;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** A block of `bytes` (16-byte aligned), first fit, else at the end of the heap (growing the memory). */
function allocBlock(bytes: number): number {
  runtime();
  const n = align16(Math.max(bytes, 16));
  for (let i = 0; i < free.length; i++) {
    const r = free[i]!;
    if (r.end - r.start < n) continue;
    const at = r.start;
    r.start += n;
    if (r.start === r.end) free.splice(i, 1);
    return at;
  }
  const at = brk;
  reserve(at + n);
  brk = at + n;
  return at;
}

/** Gives a block back: merged with free neighbours, or lowering the end of the heap. */
function freeBlock(at: number, bytes: number): void {
  const n = align16(Math.max(bytes, 16));
  let start = at, end = at + n;
  let i = 0;
  while (i < free.length && free[i]!.end <= start) i++;
  if (i > 0 && free[i - 1]!.end === start) start = free[--i]!.start, free.splice(i, 1);
  if (i < free.length && free[i]!.start === end) end = free[i]!.end, free.splice(i, 1);
  if (end === brk) brk = start;
  else free.splice(i, 0, { start, end });
}

// ---------------------------------------------------------------- the workspace

let wsAt = 0;
let wsBytes = 0;
let top = 0; // next free byte of the workspace

/**
 * Starts a call: makes room for arrays of the given float32 counts (each 16-byte aligned) and
 * returns their float indices. Everything placed by the previous call is given up.
 */
export function beginCall(...floats: number[]): number[] {
  let need = 0;
  for (const f of floats) need += align16(f * 4);
  if (need > wsBytes) {
    if (wsBytes > 0) freeBlock(wsAt, wsBytes);
    wsBytes = Math.max(need, 2 * wsBytes, 1 << 20);
    wsAt = allocBlock(wsBytes);
  }
  top = wsAt;
  return floats.map((f) => {
    const at = top;
    top += align16(f * 4);
    return at >>> 2;
  });
}

// ---------------------------------------------------------------- pinned arrays

/** Pinned bytes at most; beyond this, `pinnedFloat32` gives ordinary arrays (correct, just copied). */
const PINNED_MAX_BYTES = 1024 * 1024 * 1024;
let pinnedBytes = 0;
/** SharedArrayBuffers the memory has handed out (one per size it grew to): a pinned array's buffer is one of them. */
const memoryBuffers = new WeakSet<ArrayBufferLike>();
const registry = new FinalizationRegistry<{ at: number; bytes: number }>(({ at, bytes }) => {
  freeBlock(at, bytes);
  pinnedBytes -= bytes;
});

/**
 * A zeroed Float32Array of n elements in the kernels' memory, which kernels use in place (no
 * copy in or out). It lives as long as the returned array object; arrays derived from it
 * (`subarray`, `new Float32Array(a.buffer, …)`) do not keep it alive. Where the wasm kernels do
 * not run, or past 1 GiB of pinned arrays, an ordinary Float32Array.
 */
export function pinnedFloat32(n: number): Float32Array {
  const bytes = n * 4;
  if (!wasmSimdAvailable || n === 0 || pinnedBytes + bytes > PINNED_MAX_BYTES) return new Float32Array(n);
  const at = allocBlock(bytes);
  const buf = runtime().memory.buffer;
  memoryBuffers.add(buf);
  const a = new Float32Array(buf, at, n);
  a.fill(0); // a reused block holds its previous owner's values
  pinnedBytes += bytes;
  registry.register(a, { at, bytes });
  return a;
}

/** Size of the kernels' memory and how much of it pinned arrays hold, in bytes (for diagnostics). */
export function kernelMemory(): { bytes: number; pinnedBytes: number } {
  return { bytes: rt ? rt.memory.buffer.byteLength : 0, pinnedBytes };
}

/** The byte offset of `a` in the kernels' memory if it lives there (a pinned array or a view of one), else −1. */
export function pinnedOffset(a: ArrayBufferView): number {
  return memoryBuffers.has(a.buffer) ? a.byteOffset : -1;
}
