// nn: modules with PyTorch's names, parameters, buffers and state dicts.
export { Module, type StateDict, type BufferOptions } from './module.ts';
export { Linear, type LinearOptions } from './linear.ts';
export { BatchNorm1d, type BatchNorm1dOptions } from './batchnorm.ts';
export { ReLU, LeakyReLU, Sigmoid, Tanh } from './activation.ts';
export { Sequential } from './sequential.ts';
export * as init from './init.ts';
export { manualSeed } from './init.ts';
