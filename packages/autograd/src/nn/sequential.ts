import * as T from '@minigan/tensor';
import { Variable } from '../variable.ts';
import { Module } from './module.ts';

/** Modules applied in order; children are named '0', '1', … so keys read `0.weight`, `1.running_mean`. */
export class Sequential extends Module {
  private readonly layers: Module[] = [];

  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  /** Adds a module at the end (named by its position). */
  append(m: Module): this {
    this.registerModule(String(this.layers.length), m);
    this.layers.push(m);
    return this;
  }

  /** Number of modules. */
  get length(): number {
    return this.layers.length;
  }

  /** The module at position i (negative counts from the end). */
  at(i: number): Module {
    const m = this.layers.at(i);
    if (m === undefined) T.fail('Sequential.at', `index ${i} is out of range for ${this.layers.length} modules`);
    return m;
  }

  /** x → m₀(x) → m₁(…) → …. */
  forward(x: Variable): Variable {
    let h = x;
    for (const m of this.layers) h = m.forward(h);
    return h;
  }
}
