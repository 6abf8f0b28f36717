// @minigan/autograd — reverse-mode differentiation over tensors; nn modules; optimizers; gradcheck.
export { Variable, record, noGrad, isGradEnabled, asVariable, param, unbroadcast, topoSort, type BackwardFn, type Input, type VariableOptions } from './variable.ts';
export { formatGraph, walkGraph } from './graph.ts';
export { add } from './ops/add.ts';
export { mul } from './ops/mul.ts';
export { matmul } from './ops/matmul.ts';
