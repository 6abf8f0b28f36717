import * as T from '@minigan/tensor';
import { Variable } from '../variable.ts';
import { linearAct } from '../ops/linearAct.ts';
import { Module } from './module.ts';
import { Linear } from './linear.ts';
import { BatchNorm1d } from './batchnorm.ts';
import { LeakyReLU, ReLU } from './activation.ts';

/**
 * Modules applied in order; children are named '0', '1', … so keys read `0.weight`, `1.running_mean`.
 * A `Linear` directly followed by a `ReLU` or a `LeakyReLU` (slope ≥ 0) runs as one fused node
 * (`linearAct`), and so does a `BatchNorm1d` followed by a `ReLU` (`batchNorm` with `relu`): the
 * same values and gradients, without the intermediate array. Set `fuse` to false to see every
 * layer as its own node, e.g. when printing the graph.
 */
export class Sequential extends Module {
  /** Run Linear + ReLU / LeakyReLU pairs as one fused node (default true). */
  fuse = true;
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
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const m = layers[i]!;
      const act = this.fuse ? fusedActivation(m, layers[i + 1]) : null;
      if (act) {
        const lin = m as Linear;
        lin.checkInput(h);
        h = linearAct(h, lin.weight, lin.bias, act);
        i++;
      } else if (this.fuse && m.constructor === BatchNorm1d && layers[i + 1]?.constructor === ReLU) {
        h = (m as BatchNorm1d).forwardRelu(h);
        i++;
      } else {
        h = m.forward(h);
      }
    }
    return h;
  }
}

/**
 * The activation to fuse into `m` when m is a plain Linear (not a subclass, whose forward may
 * differ) and `next` a plain ReLU or LeakyReLU with a finite slope ≥ 0; else null.
 */
function fusedActivation(m: Module, next: Module | undefined): T.FusedActivation | null {
  if (next === undefined || m.constructor !== Linear) return null;
  if (next.constructor === ReLU) return { kind: 'relu' };
  if (next.constructor === LeakyReLU) {
    const slope = (next as LeakyReLU).negativeSlope;
    return slope >= 0 && Number.isFinite(slope) ? { kind: 'leakyRelu', slope } : null;
  }
  return null;
}
