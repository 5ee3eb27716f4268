/**
 * mpo for Node (`import ... from 'mpo/node'`): the I/O around the isomorphic core. Importing it
 * registers TF.js's gradients and `cpu` backend (`./tf-node.ts`); `initBackend` starts `wasm`.
 * The runs below are what the `mpo` command does: fit, eval, export, gallery, study.
 */
import './tf-node.js';

export { BACKEND_NAMES, initBackend, type BackendName, type BackendOptions } from './backend.js';
export { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export { readConfigFile } from './config-file.js';
export { DATASET_NAMES, loadDataset, type Dataset, type DatasetName, type LoadOptions, type Split } from './data/dataset.js';
export { loadImageFolder, type ImageFolderOptions } from './data/image-folder.js';
export { isOwnDataset, loadOwnData, NPY_FILES, type OwnDataOptions } from './data/own-data.js';
export { initWeightsFor, type LayersFile, type LayersNetwork, readLayersFile, readLayersNetwork, readLayersSource,
  type ReadNetworkOptions } from './model-file.js';
export { decodePng, figureToPng, svgToPng, writeFigure, type SvgToPngOptions } from './output/png.js';
export { renderReport, writeReport, type ReportInput } from './output/report.js';
export { createWorkerPool, defaultWorkers, type PoolOptions, type WorkerPool } from './parallel/pool.js';
export { createProgress, formatDuration, type Progress, type ProgressOptions } from './progress.js';
export { CONNECT_KEYS, runConnect, type ConnectSummary } from './run/connect.js';
export { runEval, type EvalResult, type EvalRunOptions } from './run/eval.js';
export { runExport, type ExportRunOptions, type ExportRunResult } from './run/export.js';
export { resumeConfigOf, RUN_FILES, runFit, type FitRunOptions } from './run/fit.js';
export { folderKind, readRunConfig, type FolderKind } from './run/folder.js';
export { DEFAULT_GALLERY_PATTERNS, GALLERY_DEFAULTS, runGallery, type GalleryOptions, type GalleryRow } from './run/gallery.js';
export { checkNetworks, openNetwork, type SavedNetwork } from './run/network.js';
export { openRun, type OpenRun, type OpenRunOptions } from './run/open.js';
export { checkSavePath, MAX_PATH_BYTES, MAX_PATH_SNAPSHOTS, pathSteps, runTrain, TRAIN_KEYS, type TrainOptions, type TrainSummary } from './run/train.js';
export { readPath, runInterpolate, runPath, runPlane, runRandomPlane, type InterpolateSummary, type PathOptions, type PathSummary, type PlaneOptions,
  type PlaneSummary, type RandomPlaneSummary, type TrainingPath, type ViewOptions } from './run/view.js';
export { buildPlan, DEFAULT_FILLS, DEFAULT_SEEDS, describePlan, parseFills, parseSeeds, planRuns, shardRuns, STUDY_SCALES, type StudyPlan, type StudyRun,
  type StudyScale } from './study/plan.js';
export { mergeStudy, runStudy, type MergeResult, type StudyOptions, type StudyResult } from './study/study.js';
// batch jobs (gallery, study): child fits, shards of a cluster's array job, Ctrl-C and one-line errors at the entries
export { handleInterrupts, reportError, type Interrupts } from './jobs/entry.js';
export { defaultJobs, fitChildCommand, runFolderState, type RunFolderState } from './jobs/index.js';
export { describeShard, parseShard, shardFromEnv, type Shard } from './jobs/shard.js';
