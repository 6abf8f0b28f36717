import seedrandom from 'seedrandom';
import { Tensor, alloc, checkShape, shapeSize, type DType } from './tensor.ts';
import { fail } from './errors.ts';

/** The full state of an `Rng`, plain JSON: saving it and `Rng.fromState` continue the exact stream. */
export interface RngState {
  algorithm: 'alea';
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

type Alea = seedrandom.StatefulPRNG<seedrandom.State.Alea>;

/**
 * The one source of randomness in minigan: a seeded Alea generator (from `seedrandom`).
 * Everything random — weight init, noise, data order — draws from an `Rng`, so one seed
 * decides a whole run.
 */
export class Rng {
  private gen: Alea;

  constructor(seed: number | string = 0) {
    this.gen = seedrandom.alea(String(seed), { state: true });
  }

  /** Restores a generator that continues exactly where `state()` was taken. */
  static fromState(state: RngState): Rng {
    if (!state || state.algorithm !== 'alea' || ![state.c, state.s0, state.s1, state.s2].every((v) => typeof v === 'number' && Number.isFinite(v))) {
      fail('Rng.fromState', `expected { algorithm: 'alea', c, s0, s1, s2 } with finite numbers, got ${JSON.stringify(state)}`);
    }
    const r = new Rng(0);
    r.gen = seedrandom.alea('', { state: { c: state.c, s0: state.s0, s1: state.s1, s2: state.s2 } });
    return r;
  }

  /** A snapshot of the generator's state (JSON-serialisable). */
  state(): RngState {
    const s = this.gen.state();
    return { algorithm: 'alea', c: s.c, s0: s.s0, s1: s.s1, s2: s.s2 };
  }

  /** A new generator seeded from this one's stream (for independent sub-streams). */
  fork(): Rng {
    return new Rng(`fork:${this.gen.int32()}:${this.gen.int32()}`);
  }

  /** One uniform number in [0, 1). */
  random(): number {
    return this.gen();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) fail('Rng.int', `n must be a positive integer, got ${n}`);
    return Math.floor(this.gen() * n);
  }

  /** One standard normal number (Box–Muller; each call uses two uniforms). */
  randn(): number {
    let u = this.gen();
    while (u === 0) u = this.gen();
    const v = this.gen();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A tensor of uniform values in [lo, hi). */
  uniform(shape: readonly number[], lo = 0, hi = 1, dtype: DType = 'float32'): Tensor {
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) fail('Rng.uniform', `bounds must be finite with lo ≤ hi, got [${lo}, ${hi})`);
    checkShape('Rng.uniform', shape);
    const n = shapeSize(shape);
    const d = alloc(dtype, n, 'Rng.uniform');
    const w = hi - lo;
    for (let i = 0; i < n; i++) {
      d[i] = lo + w * this.gen();
      // Rounding to float32 (or lo + w·u in double) can land exactly on hi when u is within
      // 2⁻²⁵ of 1; draw again so the interval stays half-open [lo, hi).
      while (d[i]! >= hi && hi > lo) d[i] = lo + w * this.gen();
    }
    return new Tensor(d, shape);
  }

  /** A tensor of normal values N(mean, std²), by Box–Muller (both values of each pair are used). */
  normal(shape: readonly number[], mean = 0, std = 1, dtype: DType = 'float32'): Tensor {
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) fail('Rng.normal', `mean must be finite and std ≥ 0, got mean ${mean}, std ${std}`);
    checkShape('Rng.normal', shape);
    const n = shapeSize(shape);
    const d = alloc(dtype, n, 'Rng.normal');
    for (let i = 0; i < n; i += 2) {
      let u = this.gen();
      while (u === 0) u = this.gen();
      const v = this.gen();
      const r = Math.sqrt(-2 * Math.log(u));
      d[i] = mean + std * r * Math.cos(2 * Math.PI * v);
      if (i + 1 < n) d[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
    }
    return new Tensor(d, shape);
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(a: T[]): T[];
  shuffle<A extends { length: number; [i: number]: number }>(a: A): A;
  shuffle(a: { length: number; [i: number]: unknown }): unknown {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.gen() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) fail('Rng.permutation', `n must be a non-negative integer, got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
