// Minimal typings for the parts of `ndarray-ops` that minigan uses (the package ships none).
declare module 'ndarray-ops' {
  import type { NdArray } from 'ndarray';
  type A = NdArray<Float32Array | Float64Array | Uint8Array>;
  type Binary = (out: A, a: A, b: A) => A;
  type BinaryS = (out: A, a: A, s: number) => A;
  type Unary = (out: A, a: A) => A;
  interface Ops {
    assign: Unary; assigns: (out: A, s: number) => A;
    add: Binary; sub: Binary; mul: Binary; div: Binary; max: Binary; min: Binary; pow: Binary;
    adds: BinaryS; subs: BinaryS; muls: BinaryS; divs: BinaryS; maxs: BinaryS; mins: BinaryS; pows: BinaryS;
    lt: Binary; leq: Binary; gt: Binary; geq: Binary; eq: Binary; neq: Binary;
    neg: Unary; exp: Unary; log: Unary; sqrt: Unary; abs: Unary;
    sum: (a: A) => number; sup: (a: A) => number; inf: (a: A) => number;
  }
  const ops: Ops;
  export default ops;
}
