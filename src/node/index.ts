/**
 * mpo for Node (`import ... from 'mpo/node'`): the I/O around the isomorphic core. Importing it
 * registers TF.js's gradients and `cpu` backend (`./tf-node.ts`); `initBackend` starts `wasm`.
 * The runs below are what the `mpo` command does: fit, eval, export, gallery, study.
 */
import './tf-node.js';

export { BACKEND_NAMES, initBackend, type BackendName, type BackendOptions } from './backend.js';
export { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export { DATASET_NAMES, loadDataset, type Dataset, type DatasetName, type LoadOptions, type Split } from './data/dataset.js';
export { loadImageFolder, type ImageFolderOptions } from './data/image-folder.js';
export { isOwnDataset, loadOwnData, NPY_FILES, type OwnDataOptions } from './data/own-data.js';
export { initWeightsFor, type LayersFile, type LayersNetwork, readLayersFile, readLayersNetwork, readLayersSource,
  type ReadNetworkOptions } from './model-file.js';
export { decodePng, figureToPng, svgToPng, writeFigure, type SvgToPngOptions } from './output/png.js';
export { renderReport, writeReport, type ReportInput } from './output/report.js';
export { createWorkerPool, defaultWorkers, type PoolOptions, type WorkerPool } from './parallel/pool.js';
export { createProgress, formatDuration, type Progress, type ProgressOptions } from './progress.js';
export { runEval, type EvalResult, type EvalRunOptions } from './run/eval.js';
export { runExport, type ExportRunOptions, type ExportRunResult } from './run/export.js';
export { RUN_FILES, runFit, type FitRunOptions } from './run/fit.js';
export { runGallery, type GalleryOptions, type GalleryRow } from './run/gallery.js';
export { checkNetworks, openNetwork, type SavedNetwork } from './run/network.js';
export { openRun, type OpenRun, type OpenRunOptions } from './run/open.js';
export { checkSavePath, MAX_PATH_BYTES, MAX_PATH_SNAPSHOTS, pathSteps, runTrain, type TrainOptions, type TrainSummary } from './run/train.js';
export { readPath, runInterpolate, runPath, runPlane, runRandomPlane, type InterpolateSummary, type PathOptions, type PathSummary, type PlaneOptions,
  type PlaneSummary, type RandomPlaneSummary, type TrainingPath, type ViewOptions } from './run/view.js';
export { mergeStudy, runStudy, type StudyOptions, type StudyResult } from './study/study.js';
