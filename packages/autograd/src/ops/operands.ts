import * as T from '@minigan/tensor';
import { Variable, type Input } from '../variable.ts';

/** The two sides of a binary op: graph nodes, and what the tensor kernel gets (numbers stay numbers). */
export interface Operands {
  x: Variable;
  y: Variable;
  /** Kernel operand for the left side: its Tensor, or the plain number. */
  a: T.Operand;
  /** Kernel operand for the right side. */
  b: T.Operand;
}

/**
 * Resolves a binary op's inputs. A number is kept as a number for the kernel (exact in any
 * dtype, no broadcast) and becomes a constant node of the other side's dtype for the graph.
 */
export function operands(op: string, a: Input, b: Input): Operands {
  if (typeof a === 'number' && typeof b === 'number') T.fail(op, 'expected at least one Variable or Tensor, got two numbers');
  const x = typeof a === 'number' ? null : a instanceof Variable ? a : new Variable(a);
  const y = typeof b === 'number' ? null : b instanceof Variable ? b : new Variable(b);
  const like = (x ?? y)!;
  return {
    x: x ?? new Variable(T.scalar(a as number, like.dtype)),
    y: y ?? new Variable(T.scalar(b as number, like.dtype)),
    a: x ? x.value : (a as number),
    b: y ? y.value : (b as number),
  };
}

/** Wraps a unary op's input (a Tensor becomes a constant). */
export function unaryInput(op: string, a: Variable | T.Tensor): Variable {
  if (a instanceof Variable) return a;
  if (a instanceof T.Tensor) return new Variable(a);
  return T.fail(op, `expected a Variable or Tensor, got ${typeof a}`);
}

/** The gradient if `v` needs one, else null (so the engine skips the work). */
export function need(v: Variable, grad: () => T.Tensor): T.Tensor | null {
  return v.requiresGrad ? grad() : null;
}

/**
 * For an element-wise backward written as one loop: the gradient and a same-shaped saved tensor
 * as flat contiguous arrays, and a fresh output of that shape to fill — completely: its initial
 * contents are unspecified (T.allocEmpty).
 */
export function flatPair(g: T.Tensor, saved: T.Tensor): { gd: T.TypedArray; sd: T.TypedArray; out: T.Tensor; od: T.TypedArray; n: number } {
  const gd = g.toFlat();
  const sd = saved.toFlat();
  const out = new T.Tensor(T.allocEmpty(saved.dtype, sd.length), saved.shape);
  return { gd, sd, out, od: out.data, n: sd.length };
}
