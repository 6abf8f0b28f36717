export {};
// data: toy distributions, finite datasets, Fashion-MNIST (IDX)
export { gaussian1d, mixture1d, ring2d, grid2d, type ToySampler } from './data/toy.ts';
export { TensorDataset, type TensorDatasetOptions, type TensorDatasetState } from './data/dataset.ts';
export { readIdx, parseIdx, encodeIdx, isGzip, IDX_TYPES, type IdxArray, type IdxType } from './data/idx.ts';
export { loadFashionMnist, FASHION_MNIST_CLASSES, SYSTEM_FASHION_MNIST_DIR, BUNDLED_FASHION_MNIST_DIR, type FashionMnist, type FashionMnistOptions } from './data/fashion.ts';
// io: crash-safe writes and safetensors
export { atomicWriteFile, type AtomicWriteOptions } from './io/atomic.ts';
export { writeSafetensors, readSafetensors, parseSafetensors, encodeSafetensors, type Safetensors, type WriteSafetensorsOptions } from './io/safetensors.ts';
// metrics: toy mode-collapse metrics, Fréchet distance, symmetric eigen-solver
export { toyMetrics, modeCounts, reverseKl, TOY_METRIC_SAMPLES, type ToyMetrics, type ToyMetricsOptions, type ToyTarget } from './metrics/toy.ts';
export { frechetDistance, frechetDistanceFromFeatures, meanCov } from './metrics/frechet.ts';
export { eigh, sqrtmPsd, type Eigh, type FlatMatrix, type MatrixLike, type VectorLike } from './metrics/linalg.ts';
