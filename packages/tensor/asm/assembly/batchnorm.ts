// BatchNorm over [N, C] (float32 data, double arithmetic), the exact counterpart of the JavaScript
// loops in src/kernels/ops.ts: every per-channel sum runs over n = 0 … N−1 in order, in double,
// from +0, and every element goes through the same double operations, rounded to float32 once
// at the end. Channels are independent, so two neighbouring channels share one f64x2 instruction
// without changing any channel's order of operations.
//
//   stats:    mean_c = (Σ_n x)/N,  varSum_c = Σ_n (x − mean_c)²,  invstd_c = 1/√(varSum_c/N + eps)
//   forward:  y = float32(((x − mean_c)·invstd_c)·γ_c + β_c)
//   backward: with x̂ = (x − mean_c)·invstd_c:  sumG_c = Σ_n g,  sumGX_c = Σ_n g·x̂,
//             dx = float32(scale_c·((g − sumG_c/N) − x̂·(sumGX_c/N)))   (batch statistics)
//             dx = float32(scale_c·g)                                     (running statistics)
//             where scale_c = γ_c·invstd_c.
// Per-channel vectors (mean, invstd, varSum, sums, scale) are float64 arrays of C; γ and β are
// float32 arrays of C (the caller passes ones and zeros when the layer has none: h·1 = h and
// h + 0 are what the JavaScript expression computes without them).
//
// Matrices have a row stride `ld` (floats) ≥ C, so a kernel can work on a block of channels of a
// wider matrix: a thread takes channels j … j + C of x [N, ld] (pointers offset by j), the
// per-channel vectors offset likewise (see parallel.ts). Every channel's values are the same
// whichever block it falls in.

/** Loads floats p[j], p[j+1] as an f64x2. */
@inline
function load2(p: usize, j: i32): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p + (<usize>j << 2)));
}

/** Stores the two lanes of an f64x2 rounded to float32 at p[j], p[j+1]. */
@inline
function store2(p: usize, j: i32, v: v128): void {
  v128.store64_lane(p + (<usize>j << 2), f32x4.demote_f64x2_zero(v), 0);
}

/** Batch statistics of x [N, C] (row stride ld): mean, varSum (Σ of squared deviations) and invstd, each C doubles. */
export function bnStats(x: usize, N: i32, C: i32, ld: i32, eps: f64, mean: usize, varSum: usize, invstd: usize): void {
  const row = <usize>ld << 2;
  const dN = <f64>N;
  let j = 0;
  for (; j + 2 <= C; j += 2) {
    const o = <usize>j << 3;
    let s = f64x2.splat(0);
    for (let n = 0; n < N; n++) s = f64x2.add(s, load2(x + <usize>n * row, j));
    const mu = f64x2.div(s, f64x2.splat(dN));
    let q = f64x2.splat(0);
    for (let n = 0; n < N; n++) {
      const d = f64x2.sub(load2(x + <usize>n * row, j), mu);
      q = f64x2.add(q, f64x2.mul(d, d));
    }
    v128.store(mean + o, mu);
    v128.store(varSum + o, q);
    v128.store(invstd + o, f64x2.div(f64x2.splat(1), f64x2.sqrt(f64x2.add(f64x2.div(q, f64x2.splat(dN)), f64x2.splat(eps)))));
  }
  for (; j < C; j++) {
    const o = <usize>j << 3;
    let s: f64 = 0;
    for (let n = 0; n < N; n++) s += <f64>load<f32>(x + <usize>n * row + (<usize>j << 2));
    const mu = s / dN;
    let q: f64 = 0;
    for (let n = 0; n < N; n++) {
      const d = <f64>load<f32>(x + <usize>n * row + (<usize>j << 2)) - mu;
      q += d * d;
    }
    store<f64>(mean + o, mu);
    store<f64>(varSum + o, q);
    store<f64>(invstd + o, 1 / Math.sqrt(q / dN + eps));
  }
}

/**
 * y = float32(((x − mean)·invstd)·γ + β) over x [N, C] (row stride ld; y may be x), then, when
 * `relu`, y = max(y, 0) on the float32 value exactly as the `relu` kernel does (NaN kept, −0 → +0).
 */
export function bnForward(x: usize, y: usize, N: i32, C: i32, ld: i32, mean: usize, invstd: usize, gamma: usize, beta: usize, relu: bool): void {
  const row = <usize>ld << 2;
  const zero = f32x4.splat(0);
  let j = 0;
  for (; j + 2 <= C; j += 2) {
    const o = <usize>j << 3;
    const mu = v128.load(mean + o), is = v128.load(invstd + o);
    const ga = load2(gamma, j), be = load2(beta, j);
    for (let n = 0; n < N; n++) {
      const h = f64x2.mul(f64x2.sub(load2(x + <usize>n * row, j), mu), is);
      let v = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(h, ga), be));
      if (relu) v = v128.and(v, v128.or(f32x4.gt(v, zero), f32x4.ne(v, v)));
      v128.store64_lane(y + <usize>n * row + (<usize>j << 2), v, 0);
    }
  }
  for (; j < C; j++) {
    const o = <usize>j << 3;
    const mu = load<f64>(mean + o), is = load<f64>(invstd + o);
    const ga = <f64>load<f32>(gamma + (<usize>j << 2)), be = <f64>load<f32>(beta + (<usize>j << 2));
    for (let n = 0; n < N; n++) {
      const p = <usize>n * row + (<usize>j << 2);
      const h = (<f64>load<f32>(x + p) - mu) * is;
      const v = <f32>(h * ga + be);
      store<f32>(y + p, !relu || v > 0 || v != v ? v : 0);
    }
  }
}

/**
 * The backward pass: sumG and sumGX (C doubles each) always; dx [N, C] when dx ≠ 0, with batch
 * statistics when `batch`, else running ones (see the top of the file). `scale` is γ·invstd.
 * g, x and dx have row stride ld.
 */
export function bnBackward(
  g: usize, x: usize, dx: usize, N: i32, C: i32, ld: i32, mean: usize, invstd: usize, scale: usize,
  batch: bool, sumG: usize, sumGX: usize,
): void {
  const row = <usize>ld << 2;
  const dN = f64x2.splat(<f64>N);
  let j = 0;
  for (; j + 2 <= C; j += 2) {
    const o = <usize>j << 3;
    const mu = v128.load(mean + o), is = v128.load(invstd + o);
    let sg = f64x2.splat(0), sgx = f64x2.splat(0);
    for (let n = 0; n < N; n++) {
      const gv = load2(g + <usize>n * row, j);
      const h = f64x2.mul(f64x2.sub(load2(x + <usize>n * row, j), mu), is);
      sg = f64x2.add(sg, gv);
      sgx = f64x2.add(sgx, f64x2.mul(gv, h));
    }
    v128.store(sumG + o, sg);
    v128.store(sumGX + o, sgx);
    if (dx === 0) continue;
    const sc = v128.load(scale + o);
    if (batch) {
      const mg = f64x2.div(sg, dN), mgx = f64x2.div(sgx, dN);
      for (let n = 0; n < N; n++) {
        const gv = load2(g + <usize>n * row, j);
        const h = f64x2.mul(f64x2.sub(load2(x + <usize>n * row, j), mu), is);
        store2(dx + <usize>n * row, j, f64x2.mul(sc, f64x2.sub(f64x2.sub(gv, mg), f64x2.mul(h, mgx))));
      }
    } else {
      for (let n = 0; n < N; n++) store2(dx + <usize>n * row, j, f64x2.mul(sc, load2(g + <usize>n * row, j)));
    }
  }
  for (; j < C; j++) {
    const o = <usize>j << 3;
    const mu = load<f64>(mean + o), is = load<f64>(invstd + o);
    let sg: f64 = 0, sgx: f64 = 0;
    for (let n = 0; n < N; n++) {
      const p = <usize>n * row + (<usize>j << 2);
      const gv = <f64>load<f32>(g + p);
      sg += gv;
      sgx += gv * ((<f64>load<f32>(x + p) - mu) * is);
    }
    store<f64>(sumG + o, sg);
    store<f64>(sumGX + o, sgx);
    if (dx === 0) continue;
    const sc = load<f64>(scale + o);
    const mg = sg / <f64>N, mgx = sgx / <f64>N;
    for (let n = 0; n < N; n++) {
      const p = <usize>n * row + (<usize>j << 2);
      const gv = <f64>load<f32>(g + p);
      const h = (<f64>load<f32>(x + p) - mu) * is;
      store<f32>(dx + p, <f32>(batch ? sc * ((gv - mg) - h * mgx) : sc * gv));
    }
  }
}
