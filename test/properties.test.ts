// Property tests (fast-check): broadcasting against the explicit loop, matmul on every backend
// against the naive triple loop, random compositions of autograd ops against central
// differences, and the laws of BCE. The seed is fixed so a failure repeats; set MINIGAN_FC_SEED
// to explore other cases (fast-check prints the seed and path of a failing case).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';
import { bce, bceWithLogits } from '@minigan/loss';

const SEED = Number(process.env.MINIGAN_FC_SEED ?? 8);
/** Runs per property, reported by the test names. */
const RUNS = { broadcast: 300, incompatible: 200, matmul: 120, autograd: 150, reuse: 150, bce: 300 } as const;
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

/** Same number, NaN equal to NaN, +0 equal to −0. */
const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Row-major values of a tensor of `shape`, and the tensor — maybe as a non-contiguous view. */
function build(shape: number[], values: number[], dtype: T.DType, asView: boolean): T.Tensor {
  const t = T.tensor(values.length === 0 ? new Float64Array(0) : Float64Array.from(values), shape, 'float64').astype(dtype);
  if (!asView || shape.length < 2) return t;
  // Same logical values, stored in reversed axis order: a strided view, as a transpose gives.
  const rev = shape.map((_, i) => shape.length - 1 - i);
  return t.permute(rev).contiguous().permute(rev);
}

/** The element of an operand of shape `s` that broadcasting maps to `outIndex` (NumPy's rule). */
function broadcastIndex(outIndex: number[], s: readonly number[]): number {
  const lead = outIndex.length - s.length;
  let flat = 0;
  for (let d = 0; d < s.length; d++) flat = flat * s[d]! + (s[d] === 1 ? 0 : outIndex[lead + d]!);
  return flat;
}

const BINARY: [string, (a: T.Operand, b: T.Operand) => T.Tensor, (x: number, y: number) => number][] = [
  ['add', T.add, (x, y) => x + y],
  ['sub', T.sub, (x, y) => x - y],
  ['mul', T.mul, (x, y) => x * y],
  ['div', T.div, (x, y) => x / y],
  ['pow', T.pow, (x, y) => Math.pow(x, y)],
  ['maximum', T.maximum, (x, y) => Math.max(x, y)],
];

/** An output shape and two operand shapes that broadcast to it (each dim the output's or 1; fewer leading dims allowed). */
const compatibleShapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }).chain((out) => {
  const operand = fc.integer({ min: 0, max: out.length }).chain((rank) =>
    fc.tuple(...out.slice(out.length - rank).map((d) => fc.boolean().map((one) => (one ? 1 : d)))).map((s) => s as number[]));
  return fc.tuple(fc.constant(out), operand, operand);
});

const value = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity) },
);

describe('broadcasting', () => {
  it(`equals the explicit loop for random compatible shapes, dtypes, views and scalars (${RUNS.broadcast} runs)`, () => {
    fc.assert(
      fc.property(
        compatibleShapes.chain(([out, sa, sb]) => fc.record({
          out: fc.constant(out), sa: fc.constant(sa), sb: fc.constant(sb),
          va: fc.array(value, { minLength: T.shapeSize(sa), maxLength: T.shapeSize(sa) }),
          vb: fc.array(value, { minLength: T.shapeSize(sb), maxLength: T.shapeSize(sb) }),
          op: fc.integer({ min: 0, max: BINARY.length - 1 }),
          dtype: fc.constantFrom<T.DType>('float32', 'float64'),
          viewA: fc.boolean(), viewB: fc.boolean(),
          scalarB: fc.integer({ min: 0, max: 5 }).map((k) => k === 0), // now and then a plain number
        })),
        ({ out, sa, sb, va, vb, op, dtype, viewA, viewB, scalarB }) => {
          const [, f, ref] = BINARY[op]!;
          const a = build(sa, va, dtype, viewA);
          const b: T.Operand = scalarB ? vb[0] ?? 2 : build(sb, vb, dtype, viewB);
          const shapeB = scalarB ? [] : sb;
          const c = f(a, b);
          // NumPy's rule, aligned on the right: the larger of the two dims (a missing dim counts as 1).
          const rank = Math.max(sa.length, shapeB.length);
          const dim = (s: readonly number[], i: number) => s[i - (rank - s.length)] ?? 1;
          expect(c.shape).toEqual(Array.from({ length: rank }, (_, i) => Math.max(dim(sa, i), dim(shapeB, i))));
          expect(c.dtype).toBe(dtype);
          const round = dtype === 'float32' ? Math.fround : (x: number) => x;
          const fa = a.toFlat(), fb = typeof b === 'number' ? null : b.toFlat();
          const got = c.toFlat();
          for (let i = 0; i < got.length; i++) {
            const idx = T.unravelIndex(i, c.shape);
            const x = fa[broadcastIndex(idx, sa)]!;
            // A plain number first takes the op's dtype, as in PyTorch (then the result is stored in dtype).
            const y = fb === null ? round(b as number) : fb[broadcastIndex(idx, sb)]!;
            if (!same(got[i]!, round(ref(x, y)))) expect.fail(`${BINARY[op]![0]} ${T.fmtShape(sa)} ${T.fmtShape(shapeB)} at ${T.fmtShape(idx)}: ${got[i]} vs ${round(ref(x, y))}`);
          }
        },
      ),
      params(RUNS.broadcast),
    );
  });

  it(`throws naming the op and both shapes when the shapes are incompatible (${RUNS.incompatible} runs)`, () => {
    const incompatible = fc.tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.nat(), fc.integer({ min: 2, max: 5 }), fc.boolean())
      .map(([sa, at, bump, swap]) => {
        // sb copies sa's trailing dims but differs (and is not 1) at one aligned position.
        const k = at % sa.length;
        const sb = [...sa];
        sb[k] = sa[k] === 1 ? bump : sa[k]! + bump - 1;
        if (sa[k] === 1) sa = sa.map((d, i) => (i === k ? bump + 1 : d)); // neither side may be 1 there
        return swap ? [sb, sa] : [sa, sb];
      });
    fc.assert(
      fc.property(incompatible, fc.integer({ min: 0, max: BINARY.length - 1 }), ([sa, sb], op) => {
        const [name, f] = BINARY[op]!;
        expect(() => f(T.zeros(sa!), T.zeros(sb!))).toThrow(`${name}: shapes ${T.fmtShape(sa!)} and ${T.fmtShape(sb!)} cannot broadcast`);
      }),
      params(RUNS.incompatible),
    );
  });
});

describe('matmul', () => {
  const backends = T.matmulBackend().available;

  it('has a wasm backend here as well as js (so the property below covers both)', () => {
    expect(backends).toContain('js');
    if (T.wasmSimdAvailable) expect(backends).toContain('wasm');
  });

  /** How an operand is handed over: contiguous, a transposed view, a slice of a larger matrix, or every other column. */
  type Layout = 'contiguous' | 'transposed' | 'rows' | 'strided';
  function operand(rows: number, cols: number, v: Float64Array, layout: Layout, dtype: T.DType): T.Tensor {
    const t = T.tensor(v, [rows, cols], 'float64').astype(dtype);
    switch (layout) {
      case 'contiguous': return t;
      case 'transposed': return t.T.contiguous().T;
      case 'rows': return T.concat([T.zeros([2, cols], dtype), t, T.zeros([1, cols], dtype)], 0).slice(0, 2, 2 + rows);
      case 'strided': return T.stack([t, T.zeros([rows, cols], dtype)], 2).reshape(rows, 2 * cols).slice(1, 0, 2 * cols, 2);
    }
  }

  for (const backend of backends) {
    it(`${backend}: equals the naive loop for random shapes, all four transposed forms and views (${RUNS.matmul} runs)`, () => {
      const dtypes: T.DType[] = backend === 'js' ? ['float32', 'float64'] : ['float32'];
      fc.assert(
        fc.property(
          fc.record({
            m: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 70 }), n: fc.integer({ min: 1, max: 40 }),
            transA: fc.boolean(), transB: fc.boolean(),
            layoutA: fc.constantFrom<Layout>('contiguous', 'transposed', 'rows', 'strided'),
            layoutB: fc.constantFrom<Layout>('contiguous', 'transposed', 'rows', 'strided'),
            dtype: fc.constantFrom(...dtypes), seed: fc.nat(),
          }),
          ({ m, k, n, transA, transB, layoutA, layoutB, dtype, seed }) => {
            const rng = new T.Rng(seed);
            const [ra, ca] = transA ? [k, m] : [m, k];
            const [rb, cb] = transB ? [n, k] : [k, n];
            const va = rng.uniform([ra * ca], -1, 1, 'float64').toFlat() as Float64Array;
            const vb = rng.uniform([rb * cb], -1, 1, 'float64').toFlat() as Float64Array;
            const a = operand(ra, ca, va, layoutA, dtype), b = operand(rb, cb, vb, layoutB, dtype);
            const c = T.matmul(a, b, { transA, transB, backend });
            expect(c.shape).toEqual([m, n]);
            // The stored (maybe rounded) inputs, and op(A)[i,p], op(B)[p,j].
            const fa = a.toFlat(), fb = b.toFlat();
            const A_ = (i: number, p: number) => (transA ? fa[p * ca + i]! : fa[i * ca + p]!);
            const B_ = (p: number, j: number) => (transB ? fb[j * cb + p]! : fb[p * cb + j]!);
            // Any order of summation is within k·u·Σ|a||b| of the exact sum (u: unit roundoff).
            const u = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
            const got = c.toFlat();
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let s = 0, abs = 0;
                for (let p = 0; p < k; p++) { s += A_(i, p) * B_(p, j); abs += Math.abs(A_(i, p) * B_(p, j)); }
                const err = Math.abs(got[i * n + j]! - s);
                if (err > (k + 2) * u * abs + 1e-300) expect.fail(`${backend} ${dtype} [${m}×${k}]·[${k}×${n}] transA=${transA} transB=${transB} ${layoutA}/${layoutB} at [${i},${j}]: ${got[i * n + j]} vs ${s}`);
              }
            }
          },
        ),
        params(RUNS.matmul),
      );
    });
  }
});

/** A random expression over inputs x0 [2,3], x1 [3], x2 [2,1] (all pairs broadcast). */
type Expr =
  | { kind: 'leaf'; input: number }
  | { kind: 'unary'; op: number; a: Expr }
  | { kind: 'binary'; op: number; a: Expr; b: Expr };

/** Each unary op is smooth on its whole domain (inputs are kept where the op is defined). */
const UNARY: [string, (x: A.Variable) => A.Variable][] = [
  ['neg', (x) => A.neg(x)],
  ['tanh', (x) => A.tanh(x)],
  ['sigmoid', (x) => A.sigmoid(x)],
  ['exp∘tanh', (x) => A.exp(A.tanh(x))],
  ['log(1+x²)', (x) => A.log(A.add(A.mul(x, x), 1))],
  ['sqrt(1+x²)', (x) => A.sqrt(A.add(A.mul(x, x), 1))],
  ['x²', (x) => A.pow(x, 2)],
  ['leakyRelu', (x) => A.leakyRelu(x, 0.2)],
];
const BINARY_AD: [string, (a: A.Variable, b: A.Variable) => A.Variable][] = [
  ['add', (a, b) => A.add(a, b)],
  ['sub', (a, b) => A.sub(a, b)],
  ['mul', (a, b) => A.mul(a, b)],
  ['a/(1+b²)', (a, b) => A.div(a, A.add(A.mul(b, b), 1))],
];
/** What is done with the expression's value: nothing, a reduction, or a matrix product. */
const ROOTS: [string, (e: A.Variable, w: A.Variable) => A.Variable][] = [
  ['identity', (e) => e],
  ['sum', (e) => A.sum(e)],
  ['mean over the last axis', (e) => A.mean(e, -1)],
  ['max over the last axis', (e) => A.max(e, -1)],
  ['· w', (e, w) => (e.shape[e.shape.length - 1] === 3 && e.ndim === 2 ? A.matmul(e, w) : A.sum(A.mul(e, A.sum(w))))],
];

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('leaf' as const), input: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('unary' as const), op: fc.integer({ min: 0, max: UNARY.length - 1 }), a: tie('e') }),
    fc.record({ kind: fc.constant('binary' as const), op: fc.integer({ min: 0, max: BINARY_AD.length - 1 }), a: tie('e'), b: tie('e') }),
  ),
})).e;

function evaluate(e: Expr, xs: A.Variable[]): A.Variable {
  switch (e.kind) {
    case 'leaf': return xs[e.input]!;
    case 'unary': return UNARY[e.op]![1](evaluate(e.a, xs));
    case 'binary': return BINARY_AD[e.op]![1](evaluate(e.a, xs), evaluate(e.b, xs));
  }
}

function show(e: Expr): string {
  switch (e.kind) {
    case 'leaf': return `x${e.input}`;
    case 'unary': return `${UNARY[e.op]![0]}(${show(e.a)})`;
    case 'binary': return `${BINARY_AD[e.op]![0]}(${show(e.a)}, ${show(e.b)})`;
  }
}

const SHAPES = [[2, 3], [3], [2, 1], [3, 2]];
/** Inputs away from leakyRelu's kink at 0 (by more than gradcheck's step), so central differences are valid. */
const inputs = fc.nat().map((seed) => {
  const rng = new T.Rng(`grad:${seed}`);
  return SHAPES.map((s) => T.map(rng.uniform(s, -2, 2, 'float64'), (v) => (Math.abs(v) < 1e-3 ? v + 0.1 : v)));
});

describe('autograd', () => {
  it(`random compositions of ops (broadcasting, reuse, reductions, matmul) pass gradcheck (${RUNS.autograd} runs)`, () => {
    fc.assert(
      fc.property(expr, fc.integer({ min: 0, max: ROOTS.length - 1 }), inputs, (e, root, xs) => {
        const f = (...v: A.Variable[]) => ROOTS[root]![1](evaluate(e, v), v[3]!);
        const r = A.gradcheck(f, xs, { raise: false });
        if (!r.ok) expect.fail(`${ROOTS[root]![0]} of ${show(e)}: ${JSON.stringify(r.worst)}`);
      }),
      params(RUNS.autograd),
    );
  });

  it(`gradients accumulate: reusing f twice in a graph, or calling backward twice, doubles them exactly (${RUNS.reuse} runs)`, () => {
    fc.assert(
      fc.property(expr, inputs, (e, xs) => {
        const leaves = () => xs.map((x) => A.param(x.clone()));
        const grads = (vs: A.Variable[]) => vs.map((v) => (v.grad === null ? null : Array.from(v.grad.toFlat())));
        const once = leaves();
        A.sum(evaluate(e, once)).backward();
        const g1 = grads(once);
        // f + f in one graph: every path is walked twice.
        const twice = leaves();
        const y = evaluate(e, twice);
        A.add(A.sum(y), A.sum(y)).backward();
        // backward twice on a fresh graph each time, without zeroGrad.
        const again = leaves();
        A.sum(evaluate(e, again)).backward();
        A.sum(evaluate(e, again)).backward();
        const double = g1.map((g) => (g === null ? null : g.map((v) => 2 * v)));
        // Doubling is exact in binary floating point, so these are equal to the last bit.
        expect(grads(twice)).toEqual(double);
        expect(grads(again)).toEqual(double);
      }),
      params(RUNS.reuse),
    );
  });
});

describe('BCE', () => {
  const unit = fc.double({ min: 0, max: 1, noNaN: true });
  const pairs = (dtype: T.DType) => fc.array(fc.tuple(unit, unit), { minLength: 1, maxLength: 12 }).map((ps) => ({
    p: T.tensor(Float64Array.from(ps.map(([p]) => p)), [ps.length], 'float64').astype(dtype),
    y: T.tensor(Float64Array.from(ps.map(([, y]) => y)), [ps.length], 'float64').astype(dtype),
  }));

  it(`is ≥ 0 and finite for every prediction and label in [0, 1], per element and reduced (${RUNS.bce} runs per dtype)`, () => {
    for (const dtype of ['float64', 'float32'] as const) {
      fc.assert(
        fc.property(pairs(dtype), ({ p, y }) => {
          const each = bce(p, y, { reduction: 'none' }).value.toFlat();
          for (const v of [...each, bce(p, y).item(), bce(p, y, { reduction: 'sum' }).item()]) {
            if (!(v >= 0 && Number.isFinite(v))) expect.fail(`bce(${p.toFlat().join(',')}; ${y.toFlat().join(',')}) gave ${v}`);
          }
        }),
        params(RUNS.bce),
      );
    }
  });

  it(`equals −log(1 − |p − y|) for hard labels, with PyTorch's cap of 100 (${RUNS.bce} runs)`, () => {
    fc.assert(
      fc.property(unit, fc.constantFrom(0, 1), (p, y) => {
        const got = bce(T.tensor([p], [1], 'float64'), T.tensor([y], [1], 'float64')).item();
        const q = 1 - Math.abs(p - y);
        const want = Math.min(-Math.log(q), 100);
        // q itself is rounded (twice at most, by ≤ 2⁻⁵³ each): its log is off by up to 2⁻⁵²/q.
        const tol = 1e-15 * (1 + want) + 2 ** -52 / q;
        if (!(Math.abs(got - want) <= tol)) expect.fail(`p ${p}, y ${y}: ${got} vs ${want}`);
      }),
      params(RUNS.bce),
    );
  });

  it(`bce(sigmoid(x), y) agrees with bceWithLogits(x, y), values and gradients, where σ(x) is not saturated (${RUNS.bce} runs per dtype)`, () => {
    for (const [dtype, bound, u] of [['float64', 30, 2 ** -53], ['float32', 12, 2 ** -24]] as const) {
      fc.assert(
        fc.property(fc.double({ min: -bound, max: bound, noNaN: true }), unit, (x, y) => {
          const xv = T.tensor([x], [1], 'float64').astype(dtype), yv = T.tensor([y], [1], 'float64').astype(dtype);
          const a = A.param(xv.clone()), b = A.param(xv.clone());
          const viaSigmoid = bce(A.sigmoid(a), yv);
          const fused = bceWithLogits(b, yv);
          viaSigmoid.backward();
          fused.backward();
          // σ(x) and 1 − σ(x) carry an absolute error of a few u; the logs of them a relative one,
          // largest where σ is near 0 or 1: about u·(1 + e^|x|).
          const xs = xv.item();
          const tol = 8 * u * (1 + Math.exp(Math.abs(xs))) * (1 + Math.abs(fused.item()));
          if (!(Math.abs(viaSigmoid.item() - fused.item()) <= tol)) expect.fail(`${dtype} x ${xs}, y ${y}: ${viaSigmoid.item()} vs ${fused.item()}`);
          // The gradients agree where PyTorch's floor on p(1 − p) at 1e-12 in bce's gradient is
          // not reached (beyond it the floor, by design, caps the gradient).
          const p = A.sigmoid(xv).value.item();
          if (p * (1 - p) > 2e-12) {
            const ga = a.grad!.item(), gb = b.grad!.item();
            if (!(Math.abs(ga - gb) <= tol)) expect.fail(`${dtype} x ${xs}, y ${y}: gradient ${ga} vs ${gb}`);
          }
        }),
        params(RUNS.bce),
      );
    }
  });
});
