import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';

/** Computes, from the gradient of the output, the gradient of each parent (null: none needed). */
export type BackwardFn = (grad: Tensor) => readonly (Tensor | null)[];

let gradEnabled = true;

/** Whether operations currently record the graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording any graph (like `torch.no_grad()`). */
export function noGrad<R>(fn: () => R): R {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Options when making a leaf Variable. */
export interface VariableOptions {
  /** Whether `backward()` should compute a gradient for this leaf. Default false. */
  requiresGrad?: boolean;
  /** A name shown when the graph is printed (parameters get their dotted names). */
  name?: string;
}

/**
 * A node of the computation graph: a `Tensor` value, its gradient, and how it was made
 * (`_op`, `_parents`, `_backward`). Leaves have `_op === 'leaf'` and no parents.
 */
export class Variable {
  value: Tensor;
  /** d(output)/d(this), accumulated by `backward()` (leaves, or nodes that called `retainGrad`). */
  grad: Tensor | null = null;
  requiresGrad: boolean;
  name: string | undefined;
  readonly _op: string;
  readonly _parents: readonly Variable[];
  readonly _backward: BackwardFn | null;
  private _retain = false;

  constructor(value: Tensor, opts: VariableOptions = {}, op = 'leaf', parents: readonly Variable[] = [], backward: BackwardFn | null = null) {
    this.value = value;
    this.requiresGrad = opts.requiresGrad ?? false;
    this.name = opts.name;
    this._op = op;
    this._parents = parents;
    this._backward = backward;
  }

  get shape(): number[] { return this.value.shape; }
  get dtype(): T.DType { return this.value.dtype; }
  get size(): number { return this.value.size; }
  get ndim(): number { return this.value.ndim; }
  /** True for a node made by the user (not by an op). */
  get isLeaf(): boolean { return this._backward === null; }

  /** The single value of a one-element variable. */
  item(): number { return this.value.item(); }

  /** Keeps `.grad` on this non-leaf node during `backward()` (as `Tensor.retain_grad()`). */
  retainGrad(): this {
    this._retain = true;
    return this;
  }

  /** Sets `.grad` to null. */
  zeroGrad(): void {
    this.grad = null;
  }

  /** The same value, cut from the graph: nothing flows back through it. */
  detach(): Variable {
    return new Variable(this.value, {}, 'detach');
  }

  /**
   * Reverse-mode differentiation from this node: an iterative topological sort (no recursion, so
   * deep graphs are fine), then one reversed sweep. `gradOutput` defaults to 1 for a scalar.
   * Gradients accumulate into `.grad` of leaves that require them.
   */
  backward(gradOutput?: Tensor): void {
    if (!this.requiresGrad) T.fail('backward', `this ${T.fmtShape(this.shape)} value does not require grad (no parameter or input with requiresGrad led to it)`);
    let g0: Tensor;
    if (gradOutput === undefined) {
      if (this.size !== 1) T.fail('backward', `an implicit gradient needs a one-element output, got shape ${T.fmtShape(this.shape)}; pass gradOutput`);
      g0 = T.onesLike(this.value);
    } else {
      if (!sameShape(gradOutput.shape, this.shape)) T.fail('backward', `gradOutput has shape ${T.fmtShape(gradOutput.shape)}, expected ${T.fmtShape(this.shape)}`);
      g0 = gradOutput;
    }
    const order = topoSort(this);
    const grads = new Map<Variable, Tensor>([[this, g0]]);
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i]!;
      const g = grads.get(node);
      if (g === undefined) continue;
      grads.delete(node); // free intermediate gradients as soon as they are used
      if (node._backward === null || node._retain) {
        if (node.requiresGrad) node.grad = node.grad === null ? (g === g0 ? g.clone() : g) : T.add(node.grad, g);
      }
      if (node._backward === null) continue;
      const pg = node._backward(g);
      node._parents.forEach((p, k) => {
        const gp = pg[k];
        if (!p.requiresGrad || gp === null || gp === undefined) return;
        if (!sameShape(gp.shape, p.shape)) {
          T.fail(`backward of ${node._op}`, `gradient for input ${k} has shape ${T.fmtShape(gp.shape)}, expected ${T.fmtShape(p.shape)}`);
        }
        const prev = grads.get(p);
        grads.set(p, prev === undefined ? gp : T.add(prev, gp));
      });
    }
  }

  toString(): string {
    return `Variable(${this._op}${this.name ? ` '${this.name}'` : ''}, shape=${T.fmtShape(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Nodes reachable from `root` that require grad, parents before children (iterative DFS). */
export function topoSort(root: Variable): Variable[] {
  const order: Variable[] = [];
  const visited = new Set<Variable>();
  const stack: [Variable, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, k] = top;
    if (k < node._parents.length) {
      top[1] = k + 1;
      const p = node._parents[k]!;
      if (!visited.has(p) && p.requiresGrad) {
        visited.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

/**
 * Makes the output node of an op. When grad is off, or no parent requires grad, nothing is
 * recorded: the result is a constant with no parents (so `noGrad` graphs hold no memory).
 */
export function record(op: string, value: Tensor, parents: readonly Variable[], backward: BackwardFn): Variable {
  if (!gradEnabled || !parents.some((p) => p.requiresGrad)) return new Variable(value, {}, op);
  const v = new Variable(value, { requiresGrad: true }, op, parents, backward);
  return v;
}

/** Something an op accepts: a Variable, a raw Tensor or a number (both treated as constants). */
export type Input = Variable | Tensor | number;

/** Wraps a Tensor or number as a constant Variable (a Variable passes through). */
export function asVariable(x: Input, like?: Variable): Variable {
  if (x instanceof Variable) return x;
  if (typeof x === 'number') return new Variable(T.scalar(x, like?.dtype ?? 'float32'));
  return new Variable(x);
}

/** A leaf Variable that requires grad (a parameter or an input to differentiate). */
export function param(value: Tensor, name?: string): Variable {
  return new Variable(value, name === undefined ? { requiresGrad: true } : { requiresGrad: true, name });
}

/**
 * Reduces a gradient of a broadcast result back to the shape of the input that was broadcast:
 * sums over the leading dimensions that broadcasting added and over dimensions that were 1.
 */
export function unbroadcast(grad: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const lead = grad.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length > 0 ? T.sum(grad, axes, { keepdims: true }) : grad;
  return s.reshape([...shape]);
}
