import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';

// A deliberately wrong op: the true derivative of x³ is 3x², this one says 3x² + 0.01 at one element.
function badCube(x: A.Variable): A.Variable {
  return A.record('badCube', T.pow(x.value, 3), [x], (g) => {
    const d = T.mul(T.pow(x.value, 2), 3);
    d.data[4] = d.data[4]! + 0.01;
    return [T.mul(g, d)];
  });
}

describe('gradcheck', () => {
  const x = T.tensor([[0.5, -1, 2], [1.5, 0.25, -0.75]], undefined, 'float64');

  it('passes a correct gradient and reports how close the worst element was', () => {
    const r = A.gradcheck((v) => A.pow(v, 3), [x]);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(6);
    expect(r.worst!.ratio).toBeLessThan(0.1);
  });

  it('fails a wrong gradient, naming the input, index, analytic and numeric values', () => {
    expect(() => A.gradcheck((v) => A.sum(badCube(v)), [x])).toThrow(/^gradcheck: input 0 at \[1,1\]: analytic 0\.197\d*, numeric 0\.187\d*/);
    const r = A.gradcheck((v) => A.sum(badCube(v)), [x], { raise: false });
    expect(r.ok).toBe(false);
    expect(r.worst).toMatchObject({ input: 0, index: [1, 1] });
    expect(r.worst!.numeric).toBeCloseTo(3 * 0.25 * 0.25, 8);
  });

  it('checks non-scalar outputs through a random projection (catches a wrong off-diagonal term)', () => {
    // y = [x0 + x1, x1]; a backward that forgets x0's contribution to y0 from x1 must fail.
    const wrong = (v: A.Variable) => A.record('wrong', T.tensor([v.value.get(0) + v.value.get(1), v.value.get(1)], [2], 'float64'), [v],
      (g) => [T.tensor([g.get(0), g.get(1)], [2], 'float64')]);
    expect(A.gradcheck(wrong, [T.tensor([1, 2], [2], 'float64')], { raise: false }).ok).toBe(false);
  });

  it('insists on float64', () => {
    expect(() => A.gradcheck((v) => A.exp(v), [T.tensor([1, 2])])).toThrow(/gradcheck: input 0 is float32/);
  });
});
