import { Variable } from '../variable.ts';
import { relu } from '../ops/relu.ts';
import { leakyRelu } from '../ops/leakyRelu.ts';
import { sigmoid } from '../ops/sigmoid.ts';
import { tanh } from '../ops/tanh.ts';
import { Module, pyFloat } from './module.ts';

/** max(x, 0), element-wise. */
export class ReLU extends Module {
  forward(x: Variable): Variable { return relu(x); }
}

/** x where x > 0, else negativeSlope·x (default slope 0.01, as PyTorch). */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  forward(x: Variable): Variable { return leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negative_slope=${pyFloat(this.negativeSlope)}`; }
}

/** σ(x) = 1 / (1 + e^−x), element-wise. */
export class Sigmoid extends Module {
  forward(x: Variable): Variable { return sigmoid(x); }
}

/** tanh(x), element-wise. */
export class Tanh extends Module {
  forward(x: Variable): Variable { return tanh(x); }
}
