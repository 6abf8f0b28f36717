// optim: SGD and Adam with PyTorch's update rules, and their state dicts.
export { Optimizer, gradNorm, type OptimizerStateDict, type ParamState } from './optimizer.ts';
export { SGD, type SGDOptions } from './sgd.ts';
export { Adam, type AdamOptions } from './adam.ts';
