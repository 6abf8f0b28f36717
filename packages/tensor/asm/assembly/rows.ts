// Row-vector kernels of a Linear layer: adding the bias to every row of the product, and the bias
// gradient (the sum of the rows). Both are the exact counterparts of JavaScript loops in
// src/kernels/ops.ts: the same operations in the same order for every element, so the same bits.

/** y[i, j] += b[j] for i < rows, j < n (float32 adds); y has row stride ldy floats. */
export function addRowVector(y: usize, rows: i32, n: i32, ldy: i32, b: usize): void {
  const ld = <usize>ldy << 2;
  for (let i = 0; i < rows; i++) {
    const row = y + <usize>i * ld;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      v128.store(row + o, f32x4.add(v128.load(row + o), v128.load(b + o)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(row + o, load<f32>(row + o) + load<f32>(b + o));
    }
  }
}

/**
 * out[j] = float32(Σ_i x[i, j]) for j < n, summed in double in row order from +0 (as the
 * Float64Array accumulator of the JavaScript loop). `acc` is scratch for n doubles; x has row
 * stride ldx floats. Columns are independent, so two columns share one f64x2 lane pair.
 */
export function sumRows(x: usize, rows: i32, n: i32, ldx: i32, acc: usize, out: usize): void {
  const ld = <usize>ldx << 2;
  let j = 0;
  for (; j + 2 <= n; j += 2) v128.store(acc + (<usize>j << 3), f64x2.splat(0));
  for (; j < n; j++) store<f64>(acc + (<usize>j << 3), 0);
  for (let i = 0; i < rows; i++) {
    const row = x + <usize>i * ld;
    j = 0;
    for (; j + 4 <= n; j += 4) {
      const v = v128.load(row + (<usize>j << 2));
      const a = acc + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1))), 16);
    }
    for (; j < n; j++) {
      const a = acc + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>j << 2)));
    }
  }
  j = 0;
  for (; j + 4 <= n; j += 4) {
    const a = acc + (<usize>j << 3);
    const lo = f32x4.demote_f64x2_zero(v128.load(a));
    const hi = f32x4.demote_f64x2_zero(v128.load(a, 16));
    v128.store(out + (<usize>j << 2), v128.shuffle<f32>(lo, hi, 0, 1, 4, 5));
  }
  for (; j < n; j++) store<f32>(out + (<usize>j << 2), <f32>load<f64>(acc + (<usize>j << 3)));
}
