import { describe, expect, it } from 'vitest';
import * as T from '@minigan/tensor';
import * as A from '@minigan/autograd';
import { nn } from '@minigan/autograd';

const course = () => new nn.Sequential(
  new nn.Linear(6, 8, { rng: new T.Rng(1) }),
  new nn.BatchNorm1d(8),
  new nn.ReLU(),
  new nn.Linear(8, 4, { rng: new T.Rng(2) }),
  new nn.LeakyReLU(0.2),
);

describe('Linear', () => {
  it('weight [out, in], bias [out], drawn from U(±1/√in) by the given Rng', () => {
    const l = new nn.Linear(16, 3, { rng: new T.Rng(5) });
    expect(l.weight.shape).toEqual([3, 16]);
    expect(l.bias!.shape).toEqual([3]);
    const w = [...l.weight.value.toFlat()];
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.2); // 48 draws span most of the range
    expect(Math.max(...[...l.bias!.value.toFlat()].map(Math.abs))).toBeLessThanOrEqual(0.25);
    const again = new nn.Linear(16, 3, { rng: new T.Rng(5) });
    expect(again.weight.value.toArray()).toEqual(l.weight.value.toArray());
    expect(new nn.Linear(16, 3, { rng: new T.Rng(6) }).weight.value.toArray()).not.toEqual(l.weight.value.toArray());
  });

  it('computes x·Wᵀ + b, without bias when asked, and names bad input shapes', () => {
    const l = new nn.Linear(2, 3, { bias: false, dtype: 'float64' });
    expect(l.bias).toBeNull();
    expect(l.namedParameters().map(([k]) => k)).toEqual(['weight']);
    l.loadStateDict({ weight: T.tensor([[1, 2], [3, 4], [5, 6]], undefined, 'float64') });
    const y = l.forward(new A.Variable(T.tensor([[1, -1]], undefined, 'float64')));
    expect(y.value.toArray()).toEqual([[-1, -1, -1]]);
    expect(() => l.forward(new A.Variable(T.zeros([4, 3])))).toThrow(/^Linear: expected input \[B,2\], got \[4,3\]/);
    expect(() => new nn.Linear(0, 3)).toThrow(/^Linear: inFeatures must be a positive integer/);
  });

  it('manualSeed makes the default generator reproducible', () => {
    nn.manualSeed(42);
    const a = new nn.Linear(4, 4).weight.value.toArray();
    nn.manualSeed(42);
    expect(new nn.Linear(4, 4).weight.value.toArray()).toEqual(a);
  });
});

describe('Module: names, modes, state dicts', () => {
  it('PyTorch dotted names for parameters, buffers and state dict keys', () => {
    const m = course();
    expect(m.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias']);
    expect(m.namedBuffers().map(([k]) => k)).toEqual(['1.running_mean', '1.running_var', '1.num_batches_tracked']);
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '3.weight', '3.bias']);
    expect(m.numParameters()).toBe(6 * 8 + 8 + 8 + 8 + 8 * 4 + 4);
    expect(m.namedModules().map(([k]) => k)).toEqual(['', '0', '1', '2', '3', '4']);
  });

  it('nested custom modules get nested names, and a shared parameter is listed once', () => {
    class Net extends nn.Module {
      readonly enc = this.registerModule('enc', new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh()));
      readonly head = this.registerModule('head', new nn.Linear(2, 1));
      readonly scale = this.registerParameter('scale', A.param(T.ones([1])));
      forward(x: A.Variable): A.Variable { return A.mul(this.head.forward(this.enc.forward(x)), this.scale); }
    }
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual(['scale', 'enc.0.weight', 'enc.0.bias', 'head.weight', 'head.bias']);
    const twice = new nn.Sequential(net.head, net.head);
    expect(twice.parameters().length).toBe(2);
    expect(() => net.registerParameter('scale', A.param(T.ones([1])))).toThrow(/^registerParameter: 'scale' is already registered in Net/);
    expect(() => net.registerModule('a.b', new nn.ReLU())).toThrow(/must be non-empty and contain no '\.'/);
  });

  it('prints the module tree exactly as PyTorch does', () => {
    const m = new nn.Sequential(new nn.Linear(6, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.LeakyReLU(0.2), new nn.Sigmoid(), new nn.Tanh());
    expect(m.toString()).toBe([
      'Sequential(',
      '  (0): Linear(in_features=6, out_features=8, bias=True)',
      '  (1): BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
      '  (2): ReLU()',
      '  (3): LeakyReLU(negative_slope=0.2)',
      '  (4): Sigmoid()',
      '  (5): Tanh()',
      ')',
    ].join('\n'));
  });

  it('train() and eval() reach every child; forward is bound', () => {
    const m = course();
    m.eval();
    expect(m.modules().every((c) => !c.training)).toBe(true);
    m.train();
    expect(m.modules().every((c) => c.training)).toBe(true);
    const f = m.forward;
    expect(f(new A.Variable(T.ones([3, 6]))).shape).toEqual([3, 4]);
  });

  it('stateDict is a snapshot; loadStateDict round-trips into another model', () => {
    const a = course();
    const sd = a.stateDict();
    const w0 = sd['0.weight']!.toArray();
    A.noGrad(() => a.forward(new A.Variable(new T.Rng(3).normal([5, 6])))); // moves running stats
    T.fill_(a.parameters()[0]!.value, 7);
    expect(sd['0.weight']!.toArray()).toEqual(w0);
    const b = course();
    T.fill_(b.parameters()[0]!.value, 0);
    b.loadStateDict(a.stateDict());
    for (const [k, t] of Object.entries(a.stateDict())) expect(b.stateDict()[k]!.toArray()).toEqual(t.toArray());
  });

  it('loadStateDict names the first missing, mis-shaped or unexpected key and loads nothing then', () => {
    const m = course();
    const before = m.stateDict();
    const good = course().stateDict();
    const without = { ...good };
    delete without['1.running_var'];
    expect(() => m.loadStateDict(without)).toThrow(/^loadStateDict: missing key '1\.running_var' \(expected \[8\]\)/);
    expect(() => m.loadStateDict({ ...good, '3.weight': T.zeros([8, 4]) })).toThrow(/^loadStateDict: '3\.weight' has shape \[8,4\], expected \[4,8\]/);
    expect(() => m.loadStateDict({ ...good, '5.weight': T.zeros([1]) })).toThrow(/^loadStateDict: unexpected key '5\.weight'; Sequential expects '0\.weight', '0\.bias'/);
    expect(() => m.loadStateDict({ ...good, '0.bias': [1, 2] as unknown as T.Tensor })).toThrow(/^loadStateDict: '0\.bias' is not a Tensor/);
    for (const [k, t] of Object.entries(m.stateDict())) expect(t.toArray()).toEqual(before[k]!.toArray());
  });

  it('a PyTorch state dict with num_batches_tracked also loads (float64 into float32 is converted)', () => {
    const m = course();
    const sd: Record<string, T.Tensor> = {};
    for (const [k, t] of Object.entries(m.stateDict())) sd[k] = T.fullLike(t, 0.1).astype('float64');
    sd['1.num_batches_tracked'] = T.scalar(12, 'float64');
    m.loadStateDict(sd);
    expect((m.at(1) as nn.BatchNorm1d).numBatchesTracked!.item()).toBe(12);
    expect(m.stateDict()['0.weight']!.dtype).toBe('float32');
    expect(m.stateDict()['0.weight']!.get(0, 0)).toBe(Math.fround(0.1));
  });
});

describe('BatchNorm1d', () => {
  const x = () => new A.Variable(T.tensor([[1, 10], [3, 20], [5, 60]], undefined, 'float64'));

  it('momentum null gives the cumulative average of batch statistics', () => {
    const bn = new nn.BatchNorm1d(2, { momentum: null, dtype: 'float64' });
    bn.forward(x());
    bn.forward(new A.Variable(T.tensor([[0, 0], [2, 2]], undefined, 'float64')));
    expect(bn.numBatchesTracked!.item()).toBe(2);
    expect(bn.runningMean!.toArray()).toEqual([(3 + 1) / 2, (30 + 1) / 2]);
    expect(bn.runningVar!.toArray()).toEqual([(4 + 2) / 2, (700 + 2) / 2]);
  });

  it('eval uses (and does not update) the running statistics; affine false has no parameters', () => {
    const bn = new nn.BatchNorm1d(2, { affine: false, dtype: 'float64' });
    expect(bn.parameters()).toEqual([]);
    bn.eval();
    const y = bn.forward(x());
    expect(y.value.get(0, 1)).toBeCloseTo(10 / Math.sqrt(1 + 1e-5), 12);
    expect(bn.runningMean!.toArray()).toEqual([0, 0]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(() => bn.forward(new A.Variable(T.zeros([3, 5])))).toThrow(/^BatchNorm1d: expected input \[N,2\], got \[3,5\]/);
  });

  it('a float64 model passes gradcheck end to end, in train and eval mode', () => {
    const m = new nn.Sequential(new nn.Linear(4, 5, { dtype: 'float64' }), new nn.BatchNorm1d(5, { dtype: 'float64' }), new nn.Tanh(), new nn.Linear(5, 2, { dtype: 'float64' }));
    const input = new T.Rng(9).normal([6, 4], 0, 1, 'float64');
    expect(A.gradcheck((v) => m.forward(v), [input]).ok).toBe(true);
    m.eval();
    expect(A.gradcheck((v) => m.forward(v), [input]).ok).toBe(true);
  });
});

describe('init', () => {
  const rng = () => new T.Rng(11);
  const stats = (t: T.Tensor) => {
    const d = [...t.toFlat()];
    const mu = d.reduce((s, v) => s + v, 0) / d.length;
    return { mu, sd: Math.sqrt(d.reduce((s, v) => s + (v - mu) ** 2, 0) / d.length), maxAbs: Math.max(...d.map(Math.abs)) };
  };

  it('gains and fans follow PyTorch', () => {
    expect(nn.init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(nn.init.calculateGain('tanh')).toBe(5 / 3);
    expect(nn.init.calculateGain('leaky_relu', 0.2)).toBe(Math.sqrt(2 / 1.04));
    expect(nn.init.computeFans([3, 4, 5])).toEqual({ fanIn: 20, fanOut: 15 });
    expect(() => nn.init.computeFans([3])).toThrow(/^init: fan in and fan out need a tensor of at least 2 dimensions/);
  });

  it('xavier and kaiming have the intended spread', () => {
    const t = T.zeros([200, 300], 'float64');
    expect(stats(nn.init.xavierUniform_(t, 1, rng())).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    expect(stats(nn.init.xavierUniform_(t, 1, rng())).sd).toBeCloseTo(Math.sqrt(2 / 500), 3);
    expect(stats(nn.init.xavierNormal_(t, 2, rng())).sd).toBeCloseTo(2 * Math.sqrt(2 / 500), 3);
    expect(stats(nn.init.kaimingNormal_(t, 0, 'fan_in', 'relu', rng())).sd).toBeCloseTo(Math.sqrt(2 / 300), 3);
    expect(stats(nn.init.kaimingUniform_(t, 0, 'fan_out', 'relu', rng())).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 200));
    const n = stats(nn.init.normal_(t, 3, 0.5, rng()));
    expect(n.mu).toBeCloseTo(3, 2);
    expect(n.sd).toBeCloseTo(0.5, 2);
    expect(stats(nn.init.zeros_(t)).maxAbs).toBe(0);
    const v = A.param(T.zeros([2, 2]));
    nn.init.ones_(v);
    expect(v.value.toArray()).toEqual([[1, 1], [1, 1]]);
  });
});
