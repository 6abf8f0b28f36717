// ReLU and LeakyReLU, forward and backward, four floats per instruction. Each is the exact
// counterpart of a JavaScript loop in src/kernels/ops.ts (the reference, and the path for small
// tensors): the same value for every input, NaN, ±0 and ±∞ included.
//
// Selections are bit masks (v128.and / bitselect with a comparison's all-ones or all-zeros
// lanes), so a kept value keeps its bits (a NaN its payload) and a dropped one becomes +0,
// as `v > 0 ? v : 0` does. LeakyReLU's slope is a double, as in JavaScript: x·slope is computed
// in double (f64x2) and rounded once to float32, as storing `v * slope` into a Float32Array does.

/** y = x where x > 0 or x is NaN, else +0 (n floats; y may be x). */
export function relu(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const keep = v128.or(f32x4.gt(v, zero), f32x4.ne(v, v));
    v128.store(y + o, v128.and(v, keep));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, v > 0 || v != v ? v : 0);
  }
}

/** dx = g where the ReLU's output y > 0, else +0. */
export function reluBackward(g: usize, y: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(g + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(g + o) : 0);
  }
}

/** float32(v·slope) for the four lanes of v, the product taken in double. */
@inline
function scaleInDouble(v: v128, slope: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), slope));
  const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), slope));
  return v128.shuffle<f32>(lo, hi, 0, 1, 4, 5);
}

/**
 * y = x where x > 0, else float32(x·slope) (double product). NaN inputs are passed through
 * unchanged (as x·slope would leave a quiet NaN).
 */
export function leakyRelu(x: usize, y: usize, n: i32, slope: f64): void {
  const zero = f32x4.splat(0);
  const s = f64x2.splat(slope);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const keep = v128.or(f32x4.gt(v, zero), f32x4.ne(v, v));
    v128.store(y + o, v128.bitselect(v, scaleInDouble(v, s), keep));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, v > 0 || v != v ? v : <f32>(<f64>v * slope));
  }
}

/** dx = g where the input x > 0, else float32(g·slope) (double product); a NaN g passes through. */
export function leakyReluBackward(g: usize, x: usize, dx: usize, n: i32, slope: f64): void {
  const zero = f32x4.splat(0);
  const s = f64x2.splat(slope);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const keep = v128.or(f32x4.gt(v128.load(x + o), zero), f32x4.ne(gv, gv));
    v128.store(dx + o, v128.bitselect(gv, scaleInDouble(gv, s), keep));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gv = load<f32>(g + o);
    store<f32>(dx + o, load<f32>(x + o) > 0 || gv != gv ? gv : <f32>(<f64>gv * slope));
  }
}
