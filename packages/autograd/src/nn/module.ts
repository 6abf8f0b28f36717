import * as T from '@minigan/tensor';
import type { Tensor } from '@minigan/tensor';
import { Variable } from '../variable.ts';

/** A state dict: PyTorch-style dotted keys (`0.weight`, `1.running_mean`) to tensors. */
export type StateDict = Record<string, Tensor>;

/** Options of `registerBuffer`. */
export interface BufferOptions {
  /** Saved in `stateDict()` (PyTorch's `persistent`). Default true. */
  persistent?: boolean;
}

/**
 * Base class of layers and models, as `torch.nn.Module`. A subclass registers its parameters
 * (Variables that `backward()` fills and optimizers update), buffers (state that is saved but not
 * trained, such as running statistics) and children once, in its constructor; values are then
 * changed in place so that optimizers and views keep pointing at the same tensors.
 */
export abstract class Module {
  /** Training mode (batch statistics in BatchNorm) versus evaluation mode; set by `train()`/`eval()`. */
  training = true;
  private readonly _parameters = new Map<string, Variable | null>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _modules = new Map<string, Module>();

  constructor() {
    // Bind forward so `const f = m.forward; f(x)` and `xs.map(m.forward)` work.
    const self = this as unknown as { forward: (x: Variable) => Variable };
    self.forward = self.forward.bind(this);
  }

  /** The computation: [B, ...] → [B, ...]. */
  abstract forward(x: Variable): Variable;

  private checkName(kind: string, name: string): void {
    if (name === '' || name.includes('.')) T.fail(`register${kind}`, `name must be non-empty and contain no '.', got '${name}'`);
    if (this._parameters.has(name) || this._buffers.has(name) || this._modules.has(name)) {
      T.fail(`register${kind}`, `'${name}' is already registered in ${this.constructor.name}`);
    }
  }

  /** Registers a trainable parameter under `name` (null: a declared but absent one, like `bias=False`). */
  registerParameter<V extends Variable | null>(name: string, v: V): V {
    this.checkName('Parameter', name);
    if (v !== null && !(v instanceof Variable)) T.fail('registerParameter', `'${name}' must be a Variable`);
    if (v !== null && v.name === undefined) v.name = name;
    this._parameters.set(name, v);
    return v;
  }

  /** Registers a buffer: state saved with the model but not trained (e.g. BatchNorm's running mean). */
  registerBuffer<B extends Tensor | null>(name: string, t: B, opts: BufferOptions = {}): B {
    this.checkName('Buffer', name);
    this._buffers.set(name, t);
    if (opts.persistent === false) this._nonPersistent.add(name);
    return t;
  }

  /** Registers a child module; its parameters appear as `<name>.<param>`. */
  registerModule<M extends Module>(name: string, m: M): M {
    this.checkName('Module', name);
    if (!(m instanceof Module)) T.fail('registerModule', `'${name}' must be a Module`);
    this._modules.set(name, m);
    return m;
  }

  /** Direct children with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this._modules.entries()];
  }

  /** Direct children, in registration order. */
  children(): Module[] {
    return [...this._modules.values()];
  }

  /** This module and all below it, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const stack: [string, Module][] = [[prefix, this]];
    while (stack.length > 0) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      out.push([name, m]);
      const kids = m.namedChildren();
      for (let i = kids.length - 1; i >= 0; i--) {
        const [k, c] = kids[i]!;
        stack.push([name === '' ? k : `${name}.${k}`, c]);
      }
    }
    return out;
  }

  /** This module and all below it. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with PyTorch's dotted names (`0.weight`), each once even if shared. */
  namedParameters(): [string, Variable][] {
    const out: [string, Variable][] = [];
    const seen = new Set<Variable>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, v] of m._parameters) {
        if (v === null || seen.has(v)) continue;
        seen.add(v);
        out.push([prefix === '' ? k : `${prefix}.${k}`, v]);
      }
    }
    return out;
  }

  /** All parameters (to hand to an optimizer). */
  parameters(): Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** Buffers with dotted names (`1.running_mean`), persistent or not. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, t] of m._buffers) if (t !== null) out.push([prefix === '' ? k : `${prefix}.${k}`, t]);
    }
    return out;
  }

  /** All buffers. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** Sets training mode here and in every child; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (running statistics in BatchNorm); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears `.grad` of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Number of scalar parameters. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** The live tensors a state dict holds, in PyTorch's order: each module's parameters, then its buffers, then its children. */
  private stateEntries(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      const key = (k: string) => (prefix === '' ? k : `${prefix}.${k}`);
      for (const [k, v] of m._parameters) if (v !== null) out.push([key(k), v.value]);
      for (const [k, t] of m._buffers) if (t !== null && !m._nonPersistent.has(k)) out.push([key(k), t]);
    }
    return out;
  }

  /** Keys (relative to this module) that `loadStateDict` accepts but does not require. */
  protected optionalStateKeys(): string[] {
    return [];
  }

  /**
   * A snapshot of parameters and persistent buffers under PyTorch's key names. Unlike PyTorch,
   * the tensors are copies, so training on does not change a state dict already taken.
   */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [k, t] of this.stateEntries()) sd[k] = t.clone();
    return sd;
  }

  /**
   * Copies a state dict into this module's tensors (in place, converting the dtype). Every key
   * and shape is checked first, so an error leaves the module untouched; the error names the
   * first missing, mis-shaped or unexpected key.
   */
  loadStateDict(sd: StateDict): this {
    if (sd === null || typeof sd !== 'object') T.fail('loadStateDict', `expected an object of tensors, got ${String(sd)}`);
    const entries = this.stateEntries();
    const expected = new Set(entries.map(([k]) => k));
    for (const [k, t] of entries) {
      if (!Object.prototype.hasOwnProperty.call(sd, k)) {
        T.fail('loadStateDict', `missing key '${k}' (expected ${T.fmtShape(t.shape)}); the state dict has ${fmtKeys(Object.keys(sd))}`);
      }
      const s = sd[k];
      if (!(s instanceof T.Tensor)) T.fail('loadStateDict', `'${k}' is not a Tensor`);
      if (!sameShape(s.shape, t.shape)) T.fail('loadStateDict', `'${k}' has shape ${T.fmtShape(s.shape)}, expected ${T.fmtShape(t.shape)}`);
    }
    const optional = new Map<string, Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const k of m.optionalStateKeys()) {
        const t = m._buffers.get(k);
        if (t) optional.set(prefix === '' ? k : `${prefix}.${k}`, t);
      }
    }
    for (const k of Object.keys(sd)) {
      if (expected.has(k)) continue;
      const t = optional.get(k);
      if (t === undefined) T.fail('loadStateDict', `unexpected key '${k}'; ${this.constructor.name} expects ${fmtKeys([...expected])}`);
      const s = sd[k];
      if (!(s instanceof T.Tensor) || s.size !== t.size) T.fail('loadStateDict', `'${k}' must be a Tensor with ${t.size} element(s)`);
    }
    for (const [k, t] of entries) T.copy_(t, sd[k]!);
    for (const [k, t] of optional) if (sd[k] !== undefined) T.copy_(t, sd[k]!.reshape(t.shape));
    return this;
  }

  /** The part inside the parentheses of this module's text, as PyTorch's `extra_repr`. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's text for the module tree, e.g. `Sequential(\n  (0): Linear(in_features=6, out_features=8, bias=True)\n ...)`. */
  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const lines = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fmtKeys(keys: string[]): string {
  if (keys.length === 0) return 'no keys';
  const shown = keys.slice(0, 8).map((k) => `'${k}'`).join(', ');
  return keys.length > 8 ? `${shown}, … (${keys.length} keys)` : shown;
}

/** A number as Python's `repr` prints it in a module's text: `1e-05`, `0.1`, `2.0`. */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  // Python switches to exponent notation below 1e-4 and from 1e16; digits are the shortest round-trip ones in both languages.
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** Python's spelling of a boolean. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}
