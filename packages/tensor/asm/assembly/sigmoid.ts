// The logistic sigmoid σ(x) = 1 / (1 + e^−x), forward and backward, with the exact values of the
// JavaScript loops in src/kernels/ops.ts:
//   forward:   e = exp(−|x|) in double;  y = float32(x ≥ 0 ? 1 / (1 + e) : e / (1 + e))
//   backward:  dx = float32((g·y)·(1 − y)) in double, from the saved output y.
//
// "exp" must be JavaScript's Math.exp bit for bit. V8 computes it with fdlibm's e_exp.c (Sun's
// freely distributable libm, as in FreeBSD's msun), and so does `expScalar` below: the same
// constants, the same argument reduction x = k·ln2 + r (ln2 split in a high part whose products
// with k are exact, and a low part), the same rational approximation of e^r, the same scaling by
// 2^k. test/ops.test.ts compares it with Math.exp on millions of arguments. (AssemblyScript's own
// Math.exp is musl's, a different algorithm whose last bit sometimes differs.)
//
// The vector path computes two arguments per f64x2 instruction when both lie in [−700, 0] and are
// not NaN (the sigmoid only ever takes exp of −|x|); it evaluates fdlibm's three cases there
// (|x| < 2⁻²⁸, |x| ≤ ln2/2 with k = 0, and the reduced case) and picks per lane with masks, so
// each lane gets exactly the operations the scalar code would do. Other pairs go to `expScalar`.

const halF0: f64 = 0.5;
const halF1: f64 = -0.5;
const ln2HI0: f64 = 6.93147180369123816490e-01; // 0x3fe62e42 fee00000
const ln2HI1: f64 = -6.93147180369123816490e-01;
const ln2LO0: f64 = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const ln2LO1: f64 = -1.90821492927058770002e-10;
const invln2: f64 = 1.44269504088896338700e+00; // 0x3ff71547 652b82fe
const P1: f64 = 1.66666666666666019037e-01;
const P2: f64 = -2.77777777770155933842e-03;
const P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06;
const P5: f64 = 4.13813679705723846039e-08;
const E: f64 = 2.718281828459045;
const oThreshold: f64 = 7.09782712893383973096e+02;
const uThreshold: f64 = -7.45133219101941108420e+02;
const huge: f64 = 1.0e+300;
const twom1000: f64 = 9.33263618503218878990e-302; // 2^-1000
const two1023: f64 = 8.988465674311579539e307; // 2^1023

/** 2^k as a double, for −1022 ≤ k ≤ 1023 (the exponent field set directly). */
@inline
function pow2(k: i32): f64 {
  return reinterpret<f64>(<i64>(0x3ff + k) << 52);
}

/** e^x exactly as fdlibm's __ieee754_exp (and so V8's Math.exp). */
export function expScalar(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >>> 32);
  const xsb = <i32>(hx >>> 31);
  hx &= 0x7fffffff;
  let hi: f64 = 0, lo: f64 = 0;
  let k: i32 = 0;
  if (hx >= 0x40862E42) { // |x| ≥ 709.78…: non-finite, overflow or underflow
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>bits) != 0) return x + x; // NaN
      return xsb == 0 ? x : 0; // e^+∞ = +∞, e^−∞ = 0
    }
    if (x > oThreshold) return huge * huge;
    if (x < uThreshold) return twom1000 * twom1000;
  }
  if (hx > 0x3fd62e42) { // |x| > ln2/2: reduce
    if (hx < 0x3ff0a2b2) { // and |x| < 3·ln2/2: k = ±1
      if (x == 1.0) return E;
      hi = x - (xsb ? ln2HI1 : ln2HI0);
      lo = xsb ? ln2LO1 : ln2LO0;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(invln2 * x + (xsb ? halF1 : halF0));
      const t = <f64>k;
      hi = x - t * ln2HI0; // t·ln2HI is exact here
      lo = t * ln2LO0;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { // |x| < 2^-28
    if (huge + x > 1) return 1 + x;
  } else {
    k = 0;
  }
  const t = x * x;
  const twopk = k >= -1021 ? pow2(k) : pow2(k + 1000);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

/** e^x for two arguments in [−700, 0] (no NaN), lane by lane as `expScalar` computes it. */
@inline
function exp2Lanes(x: v128): v128 {
  const one = f64x2.splat(1);
  const ax = f64x2.abs(x);
  // The three cases of fdlibm for x ≤ 0, as lane masks (boundaries on |x| as its high word does:
  // the high word of |x| compared with a constant is |x| compared with that constant's value
  // rounded down to a multiple of 2^-32 of its exponent, i.e. with the low word cleared).
  const tiny = f64x2.lt(ax, f64x2.splat(reinterpret<f64>(<u64>0x3e300000 << 32))); // |x| < 2^-28
  const noReduce = f64x2.lt(ax, f64x2.splat(reinterpret<f64>(<u64>0x3fd62e43 << 32))); // hx ≤ 0x3fd62e42
  const small = f64x2.lt(ax, f64x2.splat(reinterpret<f64>(<u64>0x3ff0a2b2 << 32))); // hx < 0x3ff0a2b2: k = −1
  // Reduced case: k = −1 near ln2, else trunc(x/ln2 − 1/2); hi = x − k·ln2HI, lo = k·ln2LO.
  const kf = v128.bitselect(f64x2.splat(-1), f64x2.trunc(f64x2.add(f64x2.mul(f64x2.splat(invln2), x), f64x2.splat(halF1))), small);
  const hi = f64x2.sub(x, f64x2.mul(kf, f64x2.splat(ln2HI0)));
  const lo = f64x2.mul(kf, f64x2.splat(ln2LO0));
  const r = f64x2.sub(hi, lo);
  // e^r by the rational approximation, for the reduced r and for the unreduced x (k = 0).
  const xr = v128.bitselect(x, r, noReduce);
  const t = f64x2.mul(xr, xr);
  let p = f64x2.add(f64x2.splat(P4), f64x2.mul(t, f64x2.splat(P5)));
  p = f64x2.add(f64x2.splat(P3), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P2), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P1), f64x2.mul(t, p));
  const c = f64x2.sub(xr, f64x2.mul(t, p));
  // One division serves both cases: (x·c)/(2 − c) is exactly −q for q = (x·c)/(c − 2), and
  // lo − (−q) is exactly lo + q.
  const q = f64x2.div(f64x2.mul(xr, c), f64x2.sub(c, f64x2.splat(2)));
  // k = 0:  1 − ((x·c)/(c − 2) − x)
  const y0 = f64x2.sub(one, f64x2.sub(q, xr));
  // k ≠ 0:  (1 − ((lo − (x·c)/(2 − c)) − hi)) · 2^k   (k ≥ −1010 here, so 2^k is a normal double)
  const yk = f64x2.sub(one, f64x2.sub(f64x2.add(lo, q), hi));
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kf));
  const twopk = i64x2.shl(i64x2.add(ki, i64x2.splat(0x3ff)), 52);
  const reduced = f64x2.mul(yk, twopk);
  const tinyRes = f64x2.add(one, x);
  return v128.bitselect(tinyRes, v128.bitselect(y0, reduced, noReduce), tiny);
}

/** σ of one float32 input, as the JavaScript loop computes it (NaN included). */
@inline
function sigmoidScalar(v: f64): f32 {
  if (v >= 0) return <f32>(1 / (1 + expScalar(-v)));
  const e = expScalar(v);
  return <f32>(e / (1 + e));
}

/** y = σ(x) for n floats (y may be x). */
export function sigmoid(x: usize, y: usize, n: i32): void {
  const lowest = f64x2.splat(-700);
  const one = f64x2.splat(1);
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const v = f64x2.promote_low_f32x4(v128.load64_zero(x + o));
    const a = f64x2.neg(f64x2.abs(v)); // −|x|
    // Both lanes in the vector path's range (and not NaN: a NaN fails the comparison)?
    if (!v128.all_true<i64>(f64x2.ge(a, lowest))) {
      store<f32>(y + o, sigmoidScalar(<f64>load<f32>(x + o)));
      store<f32>(y + o, sigmoidScalar(<f64>load<f32>(x + o, 4)), 4);
      continue;
    }
    const e = exp2Lanes(a);
    // 1/(1 + e) for x ≥ 0, e/(1 + e) otherwise: one division with the numerator picked per lane.
    const r = f64x2.div(v128.bitselect(one, e, f64x2.ge(v, zero)), f64x2.add(one, e));
    v128.store64_lane(y + o, f32x4.demote_f64x2_zero(r), 0);
  }
  if (i < n) store<f32>(y + (<usize>i << 2), sigmoidScalar(<f64>load<f32>(x + (<usize>i << 2))));
}

/** dx = (g·y)·(1 − y) in double, rounded to float32, from the sigmoid's output y. */
export function sigmoidBackward(g: usize, y: usize, dx: usize, n: i32): void {
  const one = f64x2.splat(1);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const gv = f64x2.promote_low_f32x4(v128.load64_zero(g + o));
    const s = f64x2.promote_low_f32x4(v128.load64_zero(y + o));
    v128.store64_lane(dx + o, f32x4.demote_f64x2_zero(f64x2.mul(f64x2.mul(gv, s), f64x2.sub(one, s))), 0);
  }
  if (i < n) {
    const o = <usize>i << 2;
    const s = <f64>load<f32>(y + o);
    store<f32>(dx + o, <f32>(<f64>load<f32>(g + o) * s * (1 - s)));
  }
}
