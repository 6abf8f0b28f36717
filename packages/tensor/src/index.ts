// @minigan/tensor — n-d float tensors on ndarray: storage, views, broadcasting, kernels, seeded RNG.
export { Tensor, alloc, allocEmpty, setPoisonEmpty, contiguousStrides, shapeSize, formatTensor, type DType, type TypedArray, type NestedArray } from './tensor.ts';
export { isPinned, type ZerosOptions } from './create.ts';
export { tensor, scalar, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, concat, stack, assignInto } from './create.ts';
export * from './elementwise.ts';
export { sum, mean, max, min, argmax, variance, var, type Axes, type ReduceOptions, type VarOptions } from './reduce.ts';
export { linear, linearBackward, linearAct, linearActBackward, type LinearGrads, type FusedActivation } from './linear.ts';
export { matmul, matmul_, registerMatmulBackend, setMatmulBackend, matmulBackend, type MatmulOptions } from './matmul.ts';
export { gemmNaive, gemmBlocked, jsBackend, type GemmBackend } from './kernels/gemm.ts';
// Importing the wasm kernel registers the 'wasm' matmul backend and makes it the default where SIMD works.
export { gemmWasm, wasmBackend, wasmSimdAvailable, setKernelTiming, kernelTiming, type KernelTiming } from './kernels/wasm.ts';
export { setThreads, getThreads } from './kernels/threads.ts';
export { kernelMemory } from './kernels/wasm-runtime.ts';
// The kernels of the training step besides matmul (element-wise, BatchNorm, Adam), as T.kernels.relu …
export * as kernels from './kernels/ops.ts';
export { setKernelBackend, kernelBackend, type KernelBackend, type AdamStepF32 } from './kernels/ops.ts';
export { Rng, type RngState } from './rng.ts';
export { fail, fmtShape, normAxis, checkFinite } from './errors.ts';
