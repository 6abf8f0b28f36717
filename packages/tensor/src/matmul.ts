import { Tensor, allocEmpty, type TypedArray } from './tensor.ts';
import { fail, fmtShape } from './errors.ts';
import { jsBackend, type GemmBackend } from './kernels/gemm.ts';

const backends = new Map<string, GemmBackend>([['js', jsBackend]]);
let current: GemmBackend = jsBackend;

/** Registers a matmul backend (e.g. WebAssembly SIMD) under its name. */
export function registerMatmulBackend(b: GemmBackend): void {
  backends.set(b.name, b);
}

/** Chooses the matmul backend by name ('js' is always there). */
export function setMatmulBackend(name: string): void {
  const b = backends.get(name);
  if (!b) fail('setMatmulBackend', `unknown backend '${name}' (available: ${[...backends.keys()].join(', ')})`);
  current = b;
}

/** The name of the backend in use, and all that are registered. */
export function matmulBackend(): { current: string; available: string[] } {
  return { current: current.name, available: [...backends.keys()] };
}

/** Options of `matmul`. */
export interface MatmulOptions {
  /** Use Aᵀ: `a` has shape [K, M]. */
  transA?: boolean;
  /** Use Bᵀ: `b` has shape [N, K]. */
  transB?: boolean;
  /** Backend to use for this call instead of the current one. */
  backend?: string;
}

/**
 * Storage of a 2-D operand as the kernel wants it: row-major with a leading dimension.
 * A transposed view of a row-major matrix is passed as the stored matrix with the
 * transpose flag flipped, so `matmul(x.T, y)` copies nothing.
 */
function operand(t: Tensor, trans: boolean): { data: TypedArray; off: number; ld: number; trans: boolean } {
  const [r, c] = [t.shape[0]!, t.shape[1]!];
  const [s0, s1] = [t.stride[0]!, t.stride[1]!];
  if ((s1 === 1 || c === 1) && s0 >= c) return { data: t.data, off: t.offset, ld: r === 1 ? Math.max(c, 1) : s0, trans };
  if ((s0 === 1 || r === 1) && s1 >= r) return { data: t.data, off: t.offset, ld: c === 1 ? Math.max(r, 1) : s1, trans: !trans };
  const cc = t.clone();
  return { data: cc.data, off: 0, ld: Math.max(c, 1), trans };
}

function mm2d(op: string, a: Tensor, b: Tensor, transA: boolean, transB: boolean, be: GemmBackend, out?: Tensor, outOff = 0): Tensor {
  const M = transA ? a.shape[1]! : a.shape[0]!;
  const Ka = transA ? a.shape[0]! : a.shape[1]!;
  const Kb = transB ? b.shape[1]! : b.shape[0]!;
  const N = transB ? b.shape[0]! : b.shape[1]!;
  if (Ka !== Kb) {
    const fa = transA ? `${fmtShape(a.shape)}ᵀ` : fmtShape(a.shape);
    const fb = transB ? `${fmtShape(b.shape)}ᵀ` : fmtShape(b.shape);
    fail(op, `${fa} · ${fb}: inner dimensions ${Ka} and ${Kb} differ`);
  }
  const dtype = a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32';
  // Every backend writes all of C (K = 0 included: zeros), so a fresh C need not be zeroed.
  const C = out ?? new Tensor(allocEmpty(dtype, M * N), [M, N]);
  if (M === 0 || N === 0) return C;
  let A = operand(a, transA), B = operand(b, transB);
  // Mixed dtypes: promote the float32 side so the kernel sees one element type.
  if (dtype === 'float64' && !(A.data instanceof Float64Array)) A = { ...A, data: Float64Array.from(A.data) };
  if (dtype === 'float64' && !(B.data instanceof Float64Array)) B = { ...B, data: Float64Array.from(B.data) };
  const k = be.supports(dtype) ? be : jsBackend;
  k.gemm(A.trans, B.trans, M, N, Ka, A.data, A.off, A.ld, B.data, B.off, B.ld, C.data, C.offset + outOff, N);
  return C;
}

/**
 * Matrix product. 2-D: [M, K] · [K, N] → [M, N]; with `transA` `a` is [K, M], with `transB`
 * `b` is [N, K], and no transpose is materialised. 3-D (batched): [B, M, K] · [B, K, N] → [B, M, N];
 * a 2-D operand is shared across the batch.
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const be = opts.backend ? backends.get(opts.backend) ?? fail('matmul', `unknown backend '${opts.backend}'`) : current;
  if (a.ndim === 2 && b.ndim === 2) return mm2d('matmul', a, b, transA, transB, be);
  if ((a.ndim === 3 || a.ndim === 2) && (b.ndim === 3 || b.ndim === 2)) {
    const batch = a.ndim === 3 ? a.shape[0]! : b.shape[0]!;
    if (a.ndim === 3 && b.ndim === 3 && a.shape[0] !== b.shape[0]) {
      fail('matmul', `${fmtShape(a.shape)} · ${fmtShape(b.shape)}: batch sizes ${a.shape[0]} and ${b.shape[0]} differ`);
    }
    // Matrix dims are the last two; check them here so the message shows the full 3-D shapes.
    const [ra, ca] = [a.shape[a.ndim - 2]!, a.shape[a.ndim - 1]!];
    const [rb, cb] = [b.shape[b.ndim - 2]!, b.shape[b.ndim - 1]!];
    const Ka = transA ? ra : ca, Kb = transB ? cb : rb;
    if (Ka !== Kb) {
      fail('matmul', `${fmtShape(a.shape)}${transA ? 'ᵀ' : ''} · ${fmtShape(b.shape)}${transB ? 'ᵀ' : ''}: inner dimensions ${Ka} and ${Kb} differ`);
    }
    const M = transA ? ca : ra, N = transB ? rb : cb;
    const dtype = a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32';
    const out = new Tensor(allocEmpty(dtype, batch * M * N), [batch, M, N]);
    const pick = (t: Tensor, i: number) => (t.ndim === 3 ? t.slice(0, i, i + 1).squeeze(0) : t);
    for (let i = 0; i < batch; i++) mm2d('matmul', pick(a, i), pick(b, i), transA, transB, be, new Tensor(out.data, [M, N], [N, 1], i * M * N));
    return out;
  }
  return fail('matmul', `expected 2-D or 3-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
}

/** out ← op(a)·op(b) into an existing [M, N] tensor (contiguous), for buffer reuse. */
export function matmul_(out: Tensor, a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  if (out.ndim !== 2 || !out.isContiguous()) fail('matmul_', `output must be a contiguous 2-D tensor, got ${fmtShape(out.shape)}`);
  if (a.ndim !== 2 || b.ndim !== 2) fail('matmul_', `expected 2-D operands, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const M = transA ? a.shape[1]! : a.shape[0]!;
  const N = transB ? b.shape[0]! : b.shape[1]!;
  if (out.shape[0] !== M || out.shape[1] !== N) fail('matmul_', `output has shape ${fmtShape(out.shape)}, expected [${M},${N}]`);
  return mm2d('matmul_', a, b, transA, transB, opts.backend ? backends.get(opts.backend) ?? fail('matmul_', `unknown backend '${opts.backend}'`) : current, out);
}
