import * as T from '@minigan/tensor';
import { record, type Variable } from '../variable.ts';
import { unaryInput } from './operands.ts';

/** Sorted, normalised reduced axes (all when `axis` is undefined). */
export function reducedAxes(op: string, axis: T.Axes, ndim: number): number[] {
  if (axis === undefined) return [...Array(ndim).keys()];
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return list.map((a) => T.normAxis(op, a, ndim)).sort((p, q) => p - q);
}

/** `shape` with the reduced axes set to 1: the keepdims shape of a reduction. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Spreads a reduction's gradient back over the reduced axes (a fresh contiguous tensor). */
export function expandGrad(g: T.Tensor, inShape: readonly number[], axes: readonly number[]): T.Tensor {
  return g.reshape(keptShape(inShape, axes)).broadcastTo(inShape).clone();
}

/** Sum over `axis` (all by default), optionally keeping reduced dims. d/da = 1 on every summed element. */
export function sum(a: Variable | T.Tensor, axis?: T.Axes, opts: T.ReduceOptions = {}): Variable {
  const x = unaryInput('sum', a);
  const axes = reducedAxes('sum', axis, x.ndim);
  return record('sum', T.sum(x.value, axis, opts), [x], (g) => [expandGrad(g, x.shape, axes)]);
}
