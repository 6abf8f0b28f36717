// The runtime of the WebAssembly SIMD kernels: one module (asm/assembly/index.ts, embedded in
// wasm-binary.ts), one shared memory, and how that memory is laid out. The main thread and every
// worker thread (threads.ts) instantiate the same module on the same memory, so a kernel started
// on a worker sees the operands the main thread copied in.
//
// Memory layout, in bytes:
//   [0, CONTROL_BYTES)                      control block: one slot per worker (threads.ts)
//   [CONTROL_BYTES, + MAX_THREADS·scratch)  gemm packing scratch, one per thread (0 = main)
//   [WORKSPACE_BASE, …)                     workspace: operands and results of the current call,
//                                           placed by a bump allocator reset at every call
//
// The memory is shared (a SharedArrayBuffer): growing it never detaches the views made
// before, it only makes a bigger buffer for new views, so `f32()` remakes its view on demand.
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
  adam(p: number, g: number, m: number, s: number, n: number, wd: number, b1: number, b2: number, omb1: number, omb2: number, bc2s: number, eps: number, negStep: number): void;
  relu(x: number, y: number, n: number): void;
  add(a: number, b: number, out: number, n: number): void;
  sub(a: number, b: number, out: number, n: number): void;
  mul(a: number, b: number, out: number, n: number): void;
  reluBackward(g: number, y: number, dx: number, n: number): void;
  leakyRelu(x: number, y: number, n: number, slope: number): void;
  leakyReluBackward(g: number, x: number, dx: number, n: number, slope: number): void;
  addRowVector(y: number, rows: number, n: number, ldy: number, b: number): void;
  sumRows(x: number, rows: number, n: number, ldx: number, acc: number, out: number): void;
  bnStats(x: number, N: number, C: number, eps: number, mean: number, varSum: number, invstd: number): void;
  bnForward(x: number, y: number, N: number, C: number, mean: number, invstd: number, gamma: number, beta: number): void;
  bnBackward(g: number, x: number, dx: number, N: number, C: number, mean: number, invstd: number, scale: number, batch: number, sumG: number, sumGX: number): void;
}

const PAGE = 65536;
/** The module's declared maximum: 65536 pages = 4 GiB (32-bit addresses). */
const MAX_PAGES = 65536;
const MAX_BYTES = MAX_PAGES * PAGE;
/** Most threads a program can ask for (each has a control slot and packing scratch). */
export const MAX_THREADS = 16;
/** Bytes of one worker's control slot (threads.ts). */
export const SLOT_BYTES = 512;
/** Bytes of the control block: slots for workers 1 … MAX_THREADS − 1 (slot 0 is unused). */
export const CONTROL_BYTES = MAX_THREADS * SLOT_BYTES;

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
  /** First byte of the workspace (after every thread's scratch). */
  workspaceBase: number;
  /** The kernel's tile: rows and columns of C per micro-tile (C is padded to whole tiles). */
  MR: number;
  NR: number;
}

let rt: Runtime | undefined;
let heap32 = new Float32Array(0);
let heap64 = new Float64Array(0);
let top = 0; // workspace bump pointer, bytes

/** The module, memory and exports, made on first use (a synchronous compile: the module is small). */
export function runtime(): Runtime {
  if (rt) return rt;
  if (!wasmSimdAvailable) fail('wasm', 'this JavaScript engine has no WebAssembly SIMD with shared memory');
  const module = new WebAssembly.Module(bytes);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  const scratch = ex.scratchBytes();
  const tile = ex.tileShape();
  const workspaceBase = CONTROL_BYTES + MAX_THREADS * scratch;
  rt = { module, memory, ex, scratch, workspaceBase, MR: tile >>> 16, NR: tile & 0xffff };
  reserve(workspaceBase);
  top = workspaceBase;
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

/** Starts a call's workspace: everything placed by the previous call is given up. */
export function resetWorkspace(): void {
  top = runtime().workspaceBase;
}

/** Places `floats` float32 values (16-byte aligned) in the workspace, growing the memory; returns the float index. */
export function place(floats: number): number {
  const at = top;
  top += Math.ceil(floats / 4) * 16;
  reserve(top);
  return at >>> 2;
}
