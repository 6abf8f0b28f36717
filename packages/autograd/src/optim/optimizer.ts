import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import { Variable } from '../variable.ts';

/** Per-parameter optimizer state: step counts and tensors (PyTorch's names: `step`, `exp_avg`, `momentum_buffer`). */
export type ParamState = Record<string, number | Tensor>;

/**
 * An optimizer's state dict in PyTorch's layout: `state` keyed by parameter index, and one
 * parameter group with the hyper-parameters. Plain objects of numbers and Tensors.
 */
export interface OptimizerStateDict {
  state: Record<string, ParamState>;
  param_groups: (Record<string, number | boolean | number[]> & { params: number[] })[];
}

/** Rounds to the parameter's precision after each operation, as PyTorch's float32 kernels do (identity for float64). */
export function rounder(dtype: T.DType): (x: number) => number {
  return dtype === 'float32' ? Math.fround : (x: number) => x;
}

/**
 * Base of the optimizers: holds the parameters, clears their gradients, and updates their values
 * in place (`p.value`'s storage), so views of the parameters stay valid. Gradients are only
 * read, never written: several `.grad` tensors may be one and the same tensor.
 */
export abstract class Optimizer {
  readonly params: readonly Variable[];
  protected readonly name: string;

  protected constructor(name: string, params: Iterable<Variable>) {
    this.name = name;
    const list = [...params];
    if (list.length === 0) T.fail(name, 'got an empty parameter list');
    const seen = new Set<Variable>();
    list.forEach((p, i) => {
      if (!(p instanceof Variable)) T.fail(name, `parameter ${i} is not a Variable`);
      if (seen.has(p)) T.fail(name, `parameter ${i} (${p.name ?? T.fmtShape(p.shape)}) appears twice`);
      if (!p.isLeaf) T.fail(name, `parameter ${i} (${p.name ?? T.fmtShape(p.shape)}) is not a leaf; optimize leaves (parameters), not results of ops`);
      if (!p.value.isContiguous()) T.fail(name, `parameter ${i} (${p.name ?? T.fmtShape(p.shape)}) is a non-contiguous view; parameters are updated in place and must be contiguous`);
      seen.add(p);
    });
    this.params = list;
  }

  /** Clears every parameter's `.grad` (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** One update of every parameter that has a gradient (those without are skipped, as in PyTorch). */
  abstract step(): void;

  /**
   * The L2 norm of the parameters' gradients (`gradNorm`), then `step()` only if that norm is
   * finite: a NaN or infinite gradient leaves every parameter as it was. Optimizers may compute
   * the two in one pass (Adam does); the norm is the same number either way.
   */
  stepIfFinite(): { gradNorm: number; stepped: boolean } {
    const norm = gradNorm(this.params);
    if (!Number.isFinite(norm)) return { gradNorm: norm, stepped: false };
    this.step();
    return { gradNorm: norm, stepped: true };
  }

  /** A snapshot of the optimizer's state and hyper-parameters. */
  abstract stateDict(): OptimizerStateDict;

  /** Restores a state dict (checked first: a mismatch throws and changes nothing). */
  abstract loadStateDict(sd: OptimizerStateDict): void;

  /** The parameter's storage and its gradient, as flat arrays (the gradient read-only). */
  protected views(i: number): { p: T.TypedArray; g: T.TypedArray } | null {
    const v = this.params[i]!;
    if (v.grad === null) return null;
    if (v.grad.size !== v.size) T.fail(`${this.name}.step`, `parameter ${i} (${v.name ?? ''}) has shape ${T.fmtShape(v.shape)} but its grad has ${T.fmtShape(v.grad.shape)}`);
    const p = v.value.data.subarray(v.value.offset, v.value.offset + v.size);
    return { p, g: v.grad.toFlat() };
  }

  /** Checks the common layout of a state dict and returns its only parameter group. */
  protected checkLayout(sd: OptimizerStateDict, stateKeys: readonly string[]): Record<string, unknown> {
    const op = `${this.name}.loadStateDict`;
    if (!sd || typeof sd !== 'object' || typeof sd.state !== 'object' || !Array.isArray(sd.param_groups)) {
      T.fail(op, 'expected { state, param_groups }');
    }
    if (sd.param_groups.length !== 1) T.fail(op, `expected 1 parameter group, got ${sd.param_groups.length}`);
    const group = sd.param_groups[0]!;
    if (!Array.isArray(group.params) || group.params.length !== this.params.length) {
      T.fail(op, `the state dict is for ${Array.isArray(group.params) ? group.params.length : '?'} parameters, this optimizer has ${this.params.length}`);
    }
    for (const [k, st] of Object.entries(sd.state)) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || i >= this.params.length) T.fail(op, `state key '${k}' is not a parameter index 0..${this.params.length - 1}`);
      const shape = this.params[i]!.shape;
      for (const name of stateKeys) {
        const v = st[name];
        if (name === 'step') {
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) T.fail(op, `state['${k}'].step must be a non-negative integer, got ${String(v)}`);
        } else if (!(v instanceof T.Tensor)) {
          T.fail(op, `state['${k}'].${name} is missing or not a Tensor`);
        } else if (v.shape.length !== shape.length || v.shape.some((d, j) => d !== shape[j])) {
          T.fail(op, `state['${k}'].${name} has shape ${T.fmtShape(v.shape)}, expected ${T.fmtShape(shape)}`);
        }
      }
    }
    return group;
  }

  /** A copy of `src` as a contiguous tensor of parameter i's dtype (optimizer-owned). */
  protected ownCopy(i: number, src: Tensor): Tensor {
    return src.astype(this.params[i]!.dtype);
  }
}

/**
 * The L2 norm of the gradients of `params` taken together: the squares summed in double, in
 * parameter order, each gradient in blocks (T.kernels.sumSquares: four running sums in a block,
 * so the value does not depend on how many threads share the work), from 0; parameters without
 * a gradient add nothing. NaN or ∞ when any gradient element is.
 */
export function gradNorm(params: Iterable<Variable>): number {
  let s = 0;
  for (const p of params) {
    const g = p.grad;
    if (g === null) continue;
    s = T.kernels.sumSquares(g.toFlat(), s);
  }
  return Math.sqrt(s);
}

/** Checks a hyper-parameter: a finite number within [lo, hi] (hi exclusive when `open`). */
export function checkHyper(op: string, what: string, v: number, lo: number, hi = Infinity, open = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || (open ? v >= hi : v > hi)) {
    T.fail(op, `${what} must be a number in [${lo}, ${hi === Infinity ? '∞' : hi}${open ? ')' : ']'}, got ${String(v)}`);
  }
}
