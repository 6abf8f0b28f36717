// data: toy distributions, finite datasets, Fashion-MNIST (IDX)
export { gaussian1d, mixture1d, ring2d, grid2d, type ToySampler } from './data/toy.ts';
export { TensorDataset, type TensorDatasetOptions, type TensorDatasetState } from './data/dataset.ts';
export { readIdx, parseIdx, encodeIdx, isGzip, IDX_TYPES, type IdxArray, type IdxType } from './data/idx.ts';
export { loadFashionMnist, FASHION_MNIST_CLASSES, SYSTEM_FASHION_MNIST_DIR, BUNDLED_FASHION_MNIST_DIR, type FashionMnist, type FashionMnistOptions } from './data/fashion.ts';
// io: crash-safe writes and safetensors
export { atomicWriteFile, type AtomicWriteOptions } from './io/atomic.ts';
export { writeSafetensors, readSafetensors, parseSafetensors, encodeSafetensors, type Safetensors, type WriteSafetensorsOptions } from './io/safetensors.ts';
export { loadModuleWeights, saveModuleWeights, type LoadWeightsOptions } from './io/weights.ts';
// metrics: toy mode-collapse metrics, Fréchet distance, symmetric eigen-solver
export { toyMetrics, modeCounts, reverseKl, TOY_METRIC_SAMPLES, type ToyMetrics, type ToyMetricsOptions, type ToyTarget } from './metrics/toy.ts';
export { frechetDistance, frechetDistanceFromFeatures, meanCov } from './metrics/frechet.ts';
export { eigh, sqrtmPsd, type Eigh, type FlatMatrix, type MatrixLike, type VectorLike } from './metrics/linalg.ts';
// plot: charts (Vega-Lite → SVG → PNG), image grids, reports
export { renderChart, svgToPng, writeChart, writePng, CHART_FONT, type Chart, type RenderOptions, type TopLevelSpec } from './plot/render.ts';
export { lineChart, scatterHeatmap, histogram1d, COLORS, type LineChartOptions, type ScatterHeatmapOptions, type Histogram1dOptions, type HeatGrid } from './plot/charts.ts';
export { imageGrid, type ImageGridOptions } from './plot/image.ts';
export { writeReport, formatCell, type ReportOptions, type ReportSection, type Table } from './plot/report.ts';
export { checkXml, type XmlSummary } from './plot/xml.ts';
// models, objectives and the training step
export { mlpGenerator, mlpDiscriminator, buildModels, MODEL_PRESETS, type GeneratorOptions, type DiscriminatorOptions, type ModelSpec, type Activation, type OutActivation } from './models.ts';
export { discriminatorLoss, generatorLoss, type GeneratorLossKind, type DiscriminatorLossOptions } from './objectives.ts';
export { ganStep, discriminatorStep, generatorStep, gradNorm, NonFiniteError, type NonFiniteDetail, type UpdatePhase, type GanParts, type StepOptions, type NonFinitePolicy, type DStepResult, type GStepResult } from './step.ts';
// runs: config and presets, the loop, checkpoints, outputs
export { PRESETS, ConfigError, makeConfig, validateConfig, lrFactor, type RunConfig, type DataName } from './train/config.ts';
export { makeDataSource, toySampler, type DataSource } from './train/data.ts';
export { GanRun, train, trainAsync, FIXED_NOISE, MAX_SKIPPED_IN_A_ROW, type HistoryRecord, type TrainCallbacks, type TrainOptions, type TrainAsyncOptions, type ResumeOverrides } from './train/run.ts';
export { saveCheckpoint, loadCheckpoint, readCheckpointState, splitModels, prefixKeys, type CheckpointData, type LoadedCheckpoint, type LatestPointer } from './train/checkpoint.ts';
export { evaluateRun, imageEvalSize, formatMetrics, writeHistoryCsv, writeSamplesCsv, writeImageGrid, snapshotter, type RunMetrics } from './train/outputs.ts';
export { readCsv, parseCsv, type CsvPoints } from './data/csv.ts';
export { fashionClassifier, crossEntropy, classifierLogits, predictClasses, classifierAccuracy, trainFashionClassifier, saveFashionClassifier, loadFashionClassifier, defaultFashionClassifier, fashionFeatures, fid, classHistogram, FASHION_CLASSIFIER_FILE, FASHION_CLASSIFIER_SIZES, type LabelledImages, type TrainClassifierOptions, type ClassifierEpoch } from './metrics/classifier.ts';
export { fashionReference, imageMetrics, maxReferenceSize, formatClassHistogram, shippedClassifierAccuracy, type FashionReference, type ImageMetrics } from './metrics/images.ts';
