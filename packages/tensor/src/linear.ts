// A Linear layer's forward and backward as tensor functions, so that the wasm backend can run
// each as one session in its memory (operands copied in once, see kernels/wasm.ts). Every other
// case (float64, views, the 'js' matmul backend) is the composition of matmul, the bias add and
// the row sum — the same kernels, so the same bits either way.
import { Tensor, allocEmpty } from './tensor.ts';
import { fail, fmtShape } from './errors.ts';
import { matmul, matmulBackend } from './matmul.ts';
import { sum } from './reduce.ts';
import { addRowVector, leakyRelu, leakyReluBackward, relu, reluBackward } from './kernels/ops.ts';
import { linearActBackwardWasm, linearActWasm, linearBackwardWasm, linearWasm, type FusedActivation } from './kernels/wasm.ts';

export type { FusedActivation };

/** Whether the fused wasm path applies: the wasm matmul backend, float32, contiguous operands. */
function fused(...ts: (Tensor | null)[]): boolean {
  if (matmulBackend().current !== 'wasm') return false;
  return ts.every((t) => t === null || (t.dtype === 'float32' && t.isContiguous()));
}

/** x·wᵀ + b: [B, in] · [out, in]ᵀ + [out] → [B, out] (as `torch.nn.functional.linear`). */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null): Tensor {
  if (x.ndim !== 2 || w.ndim !== 2 || x.shape[1] !== w.shape[1]) {
    fail('linear', `input ${fmtShape(x.shape)} does not fit weight ${fmtShape(w.shape)}: expected input [B,${w.shape[1] ?? '?'}]`);
  }
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== w.shape[0])) fail('linear', `bias ${fmtShape(b.shape)} does not fit weight ${fmtShape(w.shape)}: expected [${w.shape[0]}]`);
  const [B, nIn] = x.shape as [number, number];
  const nOut = w.shape[0]!;
  if (fused(x, w, b) && B > 0 && nOut > 0) {
    const y = new Tensor(allocEmpty('float32', B * nOut), [B, nOut]); // written whole by linearWasm
    linearWasm(x.toFlat() as Float32Array, w.toFlat() as Float32Array, b ? b.toFlat() as Float32Array : null, B, nIn, nOut, y.data as Float32Array);
    return y;
  }
  const y = matmul(x, w, { transB: true });
  if (b !== null) addRowVector(y.data, B, nOut, b.toFlat()); // y[i, j] += b[j]
  return y;
}

/** Gradients of `linear` from the upstream gradient g [B, out]; each is computed only when asked for. */
export interface LinearGrads {
  /** g·w: [B, in]. */
  dx: Tensor | null;
  /** gᵀ·x: [out, in]. */
  dw: Tensor | null;
  /** Σ over the batch of g: [out]. */
  db: Tensor | null;
}

/** The backward of `linear`: dx = g·w, dw = gᵀ·x, db = Σ_batch g (the transposed forms, no copies of a transpose). */
export function linearBackward(g: Tensor, x: Tensor, w: Tensor, need: { dx: boolean; dw: boolean; db: boolean }): LinearGrads {
  const [B, nIn] = x.shape as [number, number];
  const nOut = w.shape[0]!;
  if (g.ndim !== 2 || g.shape[0] !== B || g.shape[1] !== nOut) fail('linearBackward', `gradient ${fmtShape(g.shape)} does not fit input ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)}`);
  if (fused(g, x, w) && B > 0 && nOut > 0 && nIn > 0) {
    // Each gradient is written whole by linearBackwardWasm.
    const make = (on: boolean, shape: number[]) => (on ? new Tensor(allocEmpty('float32', shape.reduce((p, d) => p * d, 1)), shape) : null);
    const dx = make(need.dx, [B, nIn]), dw = make(need.dw, [nOut, nIn]), db = make(need.db, [nOut]);
    linearBackwardWasm(g.toFlat() as Float32Array, x.toFlat() as Float32Array, w.toFlat() as Float32Array, B, nIn, nOut,
      dx ? dx.data as Float32Array : null, dw ? dw.data as Float32Array : null, db ? db.data as Float32Array : null);
    return { dx, dw, db };
  }
  return {
    dx: need.dx ? matmul(g, w) : null,
    dw: need.dw ? matmul(g, x, { transA: true }) : null,
    db: need.db ? sum(g, 0) : null,
  };
}

function checkAct(op: string, act: FusedActivation): void {
  if (act.kind === 'leakyRelu' && !(act.slope >= 0 && Number.isFinite(act.slope))) {
    fail(op, `the fused LeakyReLU needs a finite slope ≥ 0 (its backward reads the sign from the output), got ${act.slope}`);
  }
  if (act.kind !== 'relu' && act.kind !== 'leakyRelu') fail(op, `unknown activation '${String((act as { kind: unknown }).kind)}' (expected relu or leakyRelu)`);
}

/**
 * act(x·wᵀ + b): a Linear layer and its ReLU or LeakyReLU (slope ≥ 0) in one pass, [B, in] →
 * [B, out]. Fused for speed: on the wasm backend the pre-activation never leaves the kernels'
 * memory (no array, no copies); the values are those of `linear` followed by the activation.
 */
export function linearAct(x: Tensor, w: Tensor, b: Tensor | null, act: FusedActivation): Tensor {
  checkAct('linearAct', act);
  const [B, nIn] = x.shape as [number, number];
  const nOut = w.shape[0]!;
  if (x.ndim === 2 && w.ndim === 2 && x.shape[1] === w.shape[1] && fused(x, w, b) && B > 0 && nOut > 0 && (b === null || (b.ndim === 1 && b.shape[0] === nOut))) {
    const y = new Tensor(allocEmpty('float32', B * nOut), [B, nOut]); // written whole
    linearActWasm(x.toFlat() as Float32Array, w.toFlat() as Float32Array, b ? b.toFlat() as Float32Array : null, B, nIn, nOut, act, y.data as Float32Array);
    return y;
  }
  const z = linear(x, w, b); // checks the shapes
  if (act.kind === 'relu') relu(z.data, z.data);
  else leakyRelu(z.data, z.data, act.slope);
  return z;
}

/**
 * The backward of `linearAct` from the upstream gradient g and the saved output y [B, out]: the
 * activation's derivative (1, or the slope, where y ≤ 0 — for a slope ≥ 0 exactly where the
 * pre-activation is ≤ 0), then `linearBackward`.
 */
export function linearActBackward(g: Tensor, y: Tensor, x: Tensor, w: Tensor, act: FusedActivation, need: { dx: boolean; dw: boolean; db: boolean }): LinearGrads {
  checkAct('linearActBackward', act);
  const [B, nIn] = x.shape as [number, number];
  const nOut = w.shape[0]!;
  if (g.ndim !== 2 || g.shape[0] !== B || g.shape[1] !== nOut || y.ndim !== 2 || y.shape[0] !== B || y.shape[1] !== nOut) {
    fail('linearActBackward', `gradient ${fmtShape(g.shape)} and output ${fmtShape(y.shape)} do not fit input ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)}`);
  }
  if (fused(g, y, x, w) && B > 0 && nOut > 0 && nIn > 0) {
    const make = (on: boolean, shape: number[]) => (on ? new Tensor(allocEmpty('float32', shape.reduce((p, d) => p * d, 1)), shape) : null);
    const dx = make(need.dx, [B, nIn]), dw = make(need.dw, [nOut, nIn]), db = make(need.db, [nOut]);
    linearActBackwardWasm(g.toFlat() as Float32Array, y.toFlat() as Float32Array, x.toFlat() as Float32Array, w.toFlat() as Float32Array, B, nIn, nOut, act,
      dx ? dx.data as Float32Array : null, dw ? dw.data as Float32Array : null, db ? db.data as Float32Array : null);
    return { dx, dw, db };
  }
  const gz = new Tensor(allocEmpty(g.dtype, B * nOut), [B, nOut]); // written whole
  if (act.kind === 'relu') reluBackward(g.toFlat(), y.toFlat(), gz.data);
  else leakyReluBackward(g.toFlat(), y.toFlat(), gz.data, act.slope);
  return linearBackward(gz, x, w, need);
}
