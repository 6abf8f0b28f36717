// @minigan/loss — binary cross-entropy on probabilities and on logits, with PyTorch's exact semantics.
export { bce, bceTerms, type BceOptions, type BceTerms } from './bce.ts';
export { bceWithLogits, type BceWithLogitsOptions } from './bce-with-logits.ts';
export type { Reduction, LossInput } from './common.ts';
