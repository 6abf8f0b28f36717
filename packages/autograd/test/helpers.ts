import { it } from 'vitest';
import * as T from '@minigan/tensor';
import { gradcheck, type Variable } from '@minigan/autograd';

/** Where an op's random test inputs are drawn from (away from its kinks and poles). */
export type Domain = 'real' | 'positive' | 'nonzero';

/** A random float64 tensor of `shape` in `domain`. */
export function randomInput(rng: T.Rng, shape: readonly number[], domain: Domain = 'real'): T.Tensor {
  if (domain === 'real') return rng.normal(shape, 0, 1, 'float64');
  const mag = rng.uniform(shape, 0.5, 2, 'float64');
  if (domain === 'positive') return mag;
  const sign = T.sub(T.mul(T.gt(rng.uniform(shape, 0, 1, 'float64'), 0.5), 2), 1);
  return T.mul(mag, sign);
}

/**
 * One line per op: registers a test per list of input shapes, each running `gradcheck` of `fn`
 * on random float64 inputs (seeded, so a failure reproduces).
 */
export function gradTest(name: string, fn: (...xs: Variable[]) => Variable, shapeSets: readonly (readonly number[])[][], domain: Domain | Domain[] = 'real'): void {
  shapeSets.forEach((shapes, s) => {
    it(`${name} ${shapes.map((sh) => T.fmtShape(sh)).join(' ')}`, () => {
      const rng = new T.Rng(`${name}:${s}`);
      const inputs = shapes.map((sh, k) => randomInput(rng, sh, Array.isArray(domain) ? domain[k] ?? 'real' : domain));
      gradcheck(fn, inputs);
    });
  });
}

/** Asserts |a − b| ≤ atol + rtol·|b| element-wise, naming the first bad element. */
export function expectClose(actual: T.Tensor | number[] | Float32Array | Float64Array, expected: ArrayLike<number>, rtol: number, atol: number, what = 'value'): void {
  const a = actual instanceof T.Tensor ? actual.toFlat() : actual;
  if (a.length !== expected.length) throw new Error(`${what}: ${a.length} elements, expected ${expected.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = expected[i]!;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      throw new Error(`${what}[${i}]: got ${x}, expected ${y} (|diff| ${Math.abs(x - y).toExponential(3)} > ${atol} + ${rtol}·|expected|)`);
    }
  }
}
