// Test helpers: closeness with a relative tolerance, and gradients by central differences.
import { expect } from 'vitest';
import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';

/** Flat values of a Tensor, or the numbers as given. */
export function flat(x: Tensor | readonly number[]): number[] {
  return Array.from(x instanceof T.Tensor ? x.toFlat() : x);
}

/**
 * Asserts |actual − expected| ≤ rtol·|expected| + atol element-wise, reporting the worst element.
 * NaN matches NaN and ±Infinity must match exactly.
 */
export function expectClose(actual: Tensor | readonly number[], expected: Tensor | readonly number[], rtol: number, atol = 0): void {
  const a = flat(actual), e = flat(expected);
  expect(a.length).toBe(e.length);
  let worst = -1, worstErr = 0;
  for (let i = 0; i < e.length; i++) {
    const ai = a[i]!, ei = e[i]!;
    if (Number.isNaN(ei) || !Number.isFinite(ei)) {
      if (!Object.is(ai, ei) && !(Number.isNaN(ai) && Number.isNaN(ei))) { worst = i; worstErr = Infinity; break; }
      continue;
    }
    const err = Math.abs(ai - ei) - (rtol * Math.abs(ei) + atol);
    if (!(err <= 0) && (worst < 0 || err > worstErr)) { worst = i; worstErr = err; }
  }
  if (worst >= 0) {
    expect.fail(`element ${worst}: got ${a[worst]}, expected ${e[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

/**
 * d f / d x by central differences, perturbing the float64 tensor `x` in place:
 * (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for each element i.
 */
export function numericGrad(f: () => number, x: Tensor, h = 1e-6): Tensor {
  if (x.dtype !== 'float64' || !x.isContiguous()) throw new Error('numericGrad: needs a contiguous float64 tensor');
  const d = x.data, out = T.zerosLike(x);
  for (let i = 0; i < x.size; i++) {
    const k = x.offset + i, v = d[k]!;
    d[k] = v + h;
    const fp = f();
    d[k] = v - h;
    const fm = f();
    d[k] = v;
    out.data[i] = (fp - fm) / (2 * h);
  }
  return out;
}

/** A float64 tensor of `shape` with values uniform in [lo, hi), from a seeded generator. */
export function uniform(rng: T.Rng, shape: number[], lo: number, hi: number): Tensor {
  return rng.uniform(shape, lo, hi, 'float64');
}
