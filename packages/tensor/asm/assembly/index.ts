// Entry file of the WebAssembly kernels module (see ../build.ts): one file per kernel family,
// all exported from one module that every thread instantiates on the same shared memory.
// Pointers are byte offsets into that memory; the caller (src/kernels/*.ts) places the data.
export * from './gemm';
export * from './adam';
export * from './activation';
export * from './rows';
export * from './batchnorm';
export * from './binary';
export * from './sigmoid';
export * from './norm';
export * from './parallel';
