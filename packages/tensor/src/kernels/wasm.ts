// The WebAssembly SIMD matmul backend ('wasm'): float32 only, float64 goes to the TypeScript kernel.
//
// The kernel (asm/assembly/gemm.ts, built by asm/build.ts, embedded in gemm-wasm-binary.ts) works on
// its own linear memory. Per call this file copies op(A)'s and op(B)'s stored rows in, runs the
// kernel, and copies C out: O(MK + KN + MN) copying against O(MNK) arithmetic. Importing this
// module registers the backend and, when the module validates (i.e. WebAssembly SIMD works),
// makes it the default; `MINIGAN_MATMUL=js|wasm` in the environment overrides the choice.
import { fail } from '../errors.ts';
import { registerMatmulBackend, setMatmulBackend } from '../matmul.ts';
import type { TypedArray } from '../tensor.ts';
import { gemmBlocked, type GemmBackend } from './gemm.ts';
import { GEMM_WASM_BASE64 } from './gemm-wasm-binary.ts';

/** The module's exports (see asm/assembly/gemm.ts). */
interface GemmExports {
  memory: WebAssembly.Memory;
  scratchBytes(): number;
  tileShape(): number;
  gemm(
    transA: number, transB: number, M: number, N: number, K: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, work: number,
  ): void;
}

const PAGE = 65536;
/** 32-bit wasm memory ends at 4 GiB; stay below it. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024 - PAGE;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const bytes = decodeBase64(GEMM_WASM_BASE64);

/** Whether this JavaScript engine runs the kernel (WebAssembly with the SIMD proposal). */
export const wasmSimdAvailable: boolean = typeof WebAssembly === 'object' && WebAssembly.validate(bytes);

let ex: GemmExports | undefined;
let heap = new Float32Array(0); // view of ex.memory; replaced whenever the memory grows
let scratch = 0; // floats of packing scratch at the start of memory
let MR = 4, NR = 8; // the kernel's tile, read from the module

function exportsOf(): GemmExports {
  if (ex) return ex;
  // Synchronous compile (the module is ~2 KB), so importing @minigan/tensor stays synchronous.
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  ex = inst.exports as unknown as GemmExports;
  scratch = ex.scratchBytes() / 4;
  const tile = ex.tileShape();
  MR = tile >>> 16;
  NR = tile & 0xffff;
  return ex;
}

/**
 * Makes the memory at least `floats` float32 long (it never shrinks: the largest product so far
 * sets its size). Growing detaches the old ArrayBuffer, so `heap` is remade (TOOLING.md item 14).
 */
function reserve(e: GemmExports, floats: number): void {
  const need = floats * 4;
  if (need > MAX_BYTES) fail('matmul', `wasm backend needs ${need} bytes of memory, more than the 4 GiB of 32-bit WebAssembly`);
  const have = e.memory.buffer.byteLength;
  if (have < need) e.memory.grow(Math.ceil((need - have) / PAGE));
  if (heap.buffer !== e.memory.buffer) heap = new Float32Array(e.memory.buffer);
}

const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

/**
 * Copies a stored rows×width matrix (row stride ld, from src[off]) to heap[dst]. Returns the row
 * stride of the copy: ld itself when the gaps between rows are small (one contiguous copy of the
 * whole span), else width (row by row, so a narrow view of a wide matrix copies only its part).
 */
function copyIn(src: Float32Array, off: number, rows: number, width: number, ld: number, dst: number): number {
  if (rows === 1 || ld <= 2 * width) {
    heap.set(src.subarray(off, off + (rows - 1) * ld + width), dst);
    return rows === 1 ? width : ld;
  }
  for (let r = 0; r < rows; r++) heap.set(src.subarray(off + r * ld, off + r * ld + width), dst + r * width);
  return width;
}

/** Floats the stored copy made by copyIn takes. */
function copySize(rows: number, width: number, ld: number): number {
  return rows === 1 || ld <= 2 * width ? (rows - 1) * ld + width : rows * width;
}

/** C = op(A)·op(B) in float32 through the wasm kernel (else gemmBlocked); same contract as GemmBackend.gemm. */
export function gemmWasm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: TypedArray, aOff: number, lda: number, B: TypedArray, bOff: number, ldb: number,
  C: TypedArray, cOff: number, ldc: number,
): void {
  if (!wasmSimdAvailable || !(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)) {
    gemmBlocked(transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
    return;
  }
  if (M === 0 || N === 0) return;
  if (K === 0) {
    for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
    return;
  }
  const e = exportsOf();
  // Stored shapes: A is [M, K] or, transposed, [K, M]; B is [K, N] or [N, K].
  const [aRows, aCols] = transA ? [K, M] : [M, K];
  const [bRows, bCols] = transB ? [N, K] : [K, N];
  // Memory layout in floats, each part 16-byte aligned: scratch | A | B | C (padded to whole tiles).
  const aAt = scratch;
  const bAt = aAt + roundUp(copySize(aRows, aCols, lda), 4);
  const cAt = bAt + roundUp(copySize(bRows, bCols, ldb), 4);
  const ldcW = roundUp(N, NR);
  reserve(e, cAt + roundUp(M, MR) * ldcW);
  const ldaW = copyIn(A, aOff, aRows, aCols, lda, aAt);
  const ldbW = copyIn(B, bOff, bRows, bCols, ldb, bAt);
  e.gemm(transA ? 1 : 0, transB ? 1 : 0, M, N, K, aAt * 4, ldaW, bAt * 4, ldbW, cAt * 4, ldcW, 0);
  if (ldcW === N && ldc === N) {
    C.set(heap.subarray(cAt, cAt + M * N), cOff);
  } else {
    for (let i = 0; i < M; i++) C.set(heap.subarray(cAt + i * ldcW, cAt + i * ldcW + N), cOff + i * ldc);
  }
}

/** The WebAssembly SIMD backend (float32; float64 is left to the TypeScript kernel). */
export const wasmBackend: GemmBackend = {
  name: 'wasm',
  supports: (dtype) => wasmSimdAvailable && dtype === 'float32',
  gemm: gemmWasm,
};

if (wasmSimdAvailable) registerMatmulBackend(wasmBackend);

const choice = typeof process === 'object' ? process.env['MINIGAN_MATMUL'] : undefined;
if (choice === 'wasm' && !wasmSimdAvailable) {
  fail('MINIGAN_MATMUL', "asked for 'wasm', but this JavaScript engine has no WebAssembly SIMD (use 'js')");
} else if (choice !== undefined && choice !== '' && choice !== 'js' && choice !== 'wasm') {
  fail('MINIGAN_MATMUL', `expected 'js' or 'wasm', got '${choice}'`);
}
if (choice === 'js') setMatmulBackend('js');
else if (wasmSimdAvailable) setMatmulBackend('wasm');
