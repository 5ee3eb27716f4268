/**
 * mpo core (`import ... from 'mpo'`): multi-point optimization and loss-landscape evaluation,
 * isomorphic (Node and browsers). Node-only I/O (files, datasets on disk, PNG writing, the
 * worker pool, the CLI's runs) is `mpo/node` (`src/node/index.ts`).
 *
 * TF.js: the core uses `@tensorflow/tfjs-core` only (`./tf.ts`). Register the gradients once
 * before training: `import 'mpo/node'` in Node, `import 'mpo/gradients'` in a bundle.
 */
export { MpoError, check, firstLine } from './errors.js';
export { createRng, maskSeedOf, sampleWithoutReplacement, type Rng, type RngState } from './random.js';
export { checkGradients } from './tf.js';

// the session: one run's model, manifold, target and config, with its use cases (train, evaluate, the network at a cell, export, checkpoint)
export { cellPosition, checkCellIndex, parseCellText } from './session/cell.js';
export { defaultChunkSize, evalPassOf, stepOptionsOf, type EvalPass, type StepConfig } from './session/options.js';
export { runConfigOf, runConfigText, type Provenance, type RunConfig } from './session/run-config.js';
export { createSession, type Evaluation, type Session, type SessionEvalOptions, type SessionSpec, type TrainHost } from './session/session.js';

// settings
export { CONFIG_KEYS, DEFAULT_FIT_CONFIG, MODEL_DEFAULTS, flagName, inRange, modelDefaults, parseConfig, rangeText, resolveConfig, settingHelp,
  type FitConfig } from './config.js';
export { SETTINGS, type AppSetting, type Setting, type SettingKind, type SettingName, type SettingRange, type SettingValue } from './settings.js';

// the plane (eq. 1-2) and its grid of cells
export { cellCoords, cellCoordsOf, gridIndexOfCell, gridPoints, type CellShape, type GridSpec } from './plane/grid.js';
export { computeFrame, frameOf, gramSchmidt, pointAt, type Frame, type ManifoldTheta } from './plane/manifold.js';
export { MANIFOLD_DIMS, manifoldDims } from './plane/manifold.js';
export { initParamValues, paramCount, type ParamSet, type ParamSpec, type ParamValues } from './plane/params.js';
// beyond the plane (issue 11): d-dimensional patterns, classic views, mode connectivity, decorrelated ensembles
export { evaluateView, flattenValues, gridCoords, interpolationTs, interpolationView, lineNumbers, linspace, pathView, planeView, randomPlaneDirections,
  randomPlaneView, threeNetworkPlane, unflattenValues, type GridView, type InterpolationOptions, type LineNumbers, type PathViewOptions, type PlaneViewOptions,
  type PointValues, type RandomPlaneOptions, type ThreeNetworkPlane, type ViewData, type ViewEvalOptions } from './landscape/classic-views.js';
export { bezierGradients, bezierPoint, bezierValues, filterNormalizedDirection, frameFromValues, type BezierTask } from './landscape/classic.js';
export { cellsAsPlane, manifoldPatternMetrics } from './landscape/manifold-metrics.js';
export { pathPca, symmetricEigen, type PathPca } from './landscape/pca.js';
export { renderManifoldLandscape, renderTarget } from './landscape/views.js';
export { checkManifoldPattern, withManifoldDefaults } from './pattern/manifold-patterns.js';
export { SOLID_NAMES, isSolidPattern, isStripSpec, solidPattern, stripPattern } from './pattern/solids.js';
export { decorrelatedGradients, ensembleMetrics, errorCorrelationPenalty, type EnsembleMetrics } from './training/decorrelate.js';

// functional models
export { createCnn, type CnnOptions } from './models/cnn.js';
export { createMlp, type MlpOptions } from './models/mlp.js';
export { logitsAtPoints, type Model, type ModelContext, type ModelEntry } from './models/model.js';
export { MODELS, createModel } from './models/registry.js';
// your own model: a TF.js Layers model (model.json + weights) as an mpo functional model
export { LAYERS_ACTIVATIONS, LAYERS_CLASSES, createLayersModel, decodeLayersWeights, exportLayersNetwork, layersInputShape, layersParamValues, type LayersModel,
  type LayersSource, type LayersWeightSpec } from './models/layers-model.js';

// target pictures
export { BUILTIN_NAMES, BUILTIN_PATTERNS, builtinPattern, isBuiltinPattern, type BuiltinPattern } from './pattern/builtins.js';
export { patternFromPixels, patternToPixels, resizeGrey, targetSize, toGrey, type FromPixelsOptions, type RgbaImage } from './pattern/from-pixels.js';
export { BLACK, IGNORED, MAX_PATTERN_SIDE, WHITE, validatePattern, type Pattern, type TernaryMask } from './pattern/pattern.js';
export { randomMask, type RandomMaskOptions } from './pattern/random-mask.js';
export { toTernary, trainedCells, type TernaryOptions, type TrainedCells } from './pattern/ternary.js';
export { parsePatternText, patternToText, type PatternTextOptions } from './pattern/text.js';

// training (eq. 3, Adam, one step, the loop)
export { backendSelfTest, relativeDifference, selfTestCases, type SelfTestCase, type SelfTestOptions } from './backend-check.js';
export { adamMoments, adamUpdate, clipGlobalNorm, createAdamState, globalNorm, type AdamOptions, type AdamState, type AdamUndo } from './training/adam.js';
export { activationBytes, chunkSizeForDevice, type DeviceLimits } from './training/chunk.js';
export { learningRate, trainLoop, type GradientSource, type LoopOptions, type LrSchedule, type QuickEval, type StepResult } from './training/loop.js';
export { mpoLossTerms, oneHot, pointCrossEntropy, type MpoLossOptions } from './training/loss.js';
export { createPlaneState, disposePlaneState, stateFromValues, stateValues, thetaOf, thetaValues, type PlaneInitOptions,
  type PlaneState } from './training/plane-state.js';
export { applyStep, localGradients, mpoGradients, sampleStep, trainStep, type StepGradients, type StepOptions, type StepSample, type StepStats, type TrainCells,
  type TrainData } from './training/step.js';

// landscapes and how well they draw the pattern
export { evaluateLandscape, evaluatePoints, type EvalData, type Landscape, type LandscapeOptions, type PointEvaluator,
  type PointsOptions } from './landscape/evaluate.js';
export { correlation, patternMetrics, rocAuc, type PatternMetrics } from './landscape/metrics.js';

// saving planes, exporting cells, reading data
export { encodeIdx, parseIdxImagesRaw, parseIdxLabelsRaw, type IdxImages, type IdxLabels } from './data/idx.js';
export { CHECKPOINT_MAGIC, CHECKPOINT_MAGIC_V1, checkpointFormat, checkpointOf, decodeCheckpoint, encodeCheckpoint, stateOfCheckpoint,
  type Checkpoint } from './io/checkpoint.js';
export { crc32 } from './io/crc32.js';
export { EXPORTABLE_MODELS, EXPORT_WEIGHTS_FILE, checkExportable, exportLayersModel, type ExportLayersOptions, type LayersExport,
  type LayersModelJson } from './io/export-layers.js';

// drawing (SVG)
export { renderLineChart, type ChartSeries, type LineChart } from './render/chart.js';
export { colorFor, dataDomain, getColormap, normalize, type ColorScale, type ColormapName, type ScaleKind } from './render/colormap.js';
export { renderHeatmap, renderMask, type AxisCoords, type HeatmapOptions, type MapMark, type MaskOptions } from './render/heatmap.js';
export { compose, toSvg, type Figure } from './render/svg.js';

export * as ops from './ops/index.js';
