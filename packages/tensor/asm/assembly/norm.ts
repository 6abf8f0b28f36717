// The sum of squares behind the gradient norm, in blocks whose order of additions does not depend
// on how many threads run them.
//
// A gradient is cut into blocks of NORM_BLOCK elements (src/kernels/ops.ts; the last block may be
// shorter). Within a block of n floats, lane j (j = 0 … 3) adds the squares of elements
// j, j + 4, j + 8, … in order, in double, from +0 (a float32 squared is exact in double: at most
// 48 significant bits); the block's sum is (s₀ + s₁) + (s₂ + s₃). The caller adds the block sums
// in order. The JavaScript loop `sumSquares` in src/kernels/ops.ts does exactly these additions.
// Four lanes instead of one running sum: the sequential chain of additions (~4 cycles an element)
// was the slowest part of Adam's step, and blocks let threads share the work.

/** Σ x_k² over one block of n float32 at x, with the lane order described above. */
export function sumSquares(x: usize, n: i32): f64 {
  let a01 = f64x2.splat(0), a23 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const v = v128.load(x + (<usize>k << 2));
    const lo = f64x2.promote_low_f32x4(v); // elements k, k + 1
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)); // k + 2, k + 3
    a01 = f64x2.add(a01, f64x2.mul(lo, lo));
    a23 = f64x2.add(a23, f64x2.mul(hi, hi));
  }
  let s0 = f64x2.extract_lane(a01, 0), s1 = f64x2.extract_lane(a01, 1);
  let s2 = f64x2.extract_lane(a23, 0);
  const s3 = f64x2.extract_lane(a23, 1);
  // The last n mod 4 elements: element k + t belongs to lane t.
  if (k < n) { const d = <f64>load<f32>(x + (<usize>k << 2)); s0 += d * d; }
  if (k + 1 < n) { const d = <f64>load<f32>(x + (<usize>(k + 1) << 2)); s1 += d * d; }
  if (k + 2 < n) { const d = <f64>load<f32>(x + (<usize>(k + 2) << 2)); s2 += d * d; }
  return (s0 + s1) + (s2 + s3);
}
