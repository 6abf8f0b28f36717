// Adam's float32 update (torch.optim.Adam, L2 weight decay), four parameters per instruction.
//
// The reference is the fused loop in src/kernels/ops.ts (`adamJs`), which rounds to float32 after
// every double operation (Math.fround). Here every operation is one f32x4 instruction, correctly
// rounded to float32. The two agree bit for bit: for +, −, ×, ÷ and √ of float32 operands, the
// double result rounded to float32 is the correctly rounded float32 result, because double has
// at least 2·24 + 2 bits of significand (rounding twice is then the same as rounding once).
//
// Per element k (λ = wd, β₁ = b1, β₂ = b2, omb = 1 − β, all float32 as the caller rounded them):
//   g ← g + λ·p (only if λ ≠ 0);  m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + ((1 − β₂)·g)·g;
//   p ← p + (−step·m) / (√v / √(1 − β₂ᵗ) + eps).

/** One Adam update of n float32 parameters at p (gradients g, moments m and v at s), in place. */
export function adam(
  p: usize, g: usize, m: usize, s: usize, n: i32,
  wd: f32, b1: f32, b2: f32, omb1: f32, omb2: f32, bc2s: f32, eps: f32, negStep: f32,
): void {
  const vwd = f32x4.splat(wd), vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2);
  const vomb1 = f32x4.splat(omb1), vomb2 = f32x4.splat(omb2), vbc2s = f32x4.splat(bc2s);
  const veps = f32x4.splat(eps), vstep = f32x4.splat(negStep);
  const decay = wd !== 0;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 2;
    const pk = v128.load(p + o);
    let gk = v128.load(g + o);
    if (decay) gk = f32x4.add(gk, f32x4.mul(vwd, pk));
    const mk = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(vomb1, gk));
    const sk = f32x4.add(f32x4.mul(v128.load(s + o), vb2), f32x4.mul(f32x4.mul(vomb2, gk), gk));
    v128.store(m + o, mk);
    v128.store(s + o, sk);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(sk), vbc2s), veps);
    v128.store(p + o, f32x4.add(pk, f32x4.div(f32x4.mul(vstep, mk), denom)));
  }
  for (; k < n; k++) {
    const o = <usize>k << 2;
    const pk = load<f32>(p + o);
    let gk = load<f32>(g + o);
    if (decay) gk = gk + wd * pk;
    const mk = load<f32>(m + o) * b1 + omb1 * gk;
    const sk = load<f32>(s + o) * b2 + omb2 * gk * gk;
    store<f32>(m + o, mk);
    store<f32>(s + o, sk);
    const denom = Mathf.sqrt(sk) / bc2s + eps;
    store<f32>(p + o, pk + negStep * mk / denom);
  }
}
