import { join, resolve } from 'node:path';
import type { FitConfig } from '../../core/config.js';
import { MpoError } from '../../core/errors.js';
import { checkpointOf } from '../../core/io/checkpoint.js';
import { computeFrame } from '../../core/plane/manifold.js';
import { evaluatePoints } from '../../core/landscape/evaluate.js';
import type { Model } from '../../core/models/model.js';
import { createPlaneState, disposePlaneState, thetaOf, type PlaneState } from '../../core/training/plane-state.js';
import { paramCount } from '../../core/plane/params.js';
import { saveCheckpoint } from '../checkpoint.js';
import { writeJsonAtomic } from '../output/atomic.js';
import { toolVersion } from '../version.js';
import { writeNpy } from '../output/npy.js';
import { writeReport } from '../output/report.js';
import { headOf } from './setup.js';
import { defaultChunkSize } from '../../core/session/options.js';
import { type NetworkSession, openNetworkSession, trainNetwork } from './network.js';
import { inEmptyFolder, RUN_FILES, STOPPED_RUNS } from './folder.js';

/** The settings `mpo train` uses (the rest of the table is about patterns and planes). */
export const TRAIN_KEYS = ['model', 'bnScale', 'init', 'initFrom', 'dataset', 'dataDir', 'trainImages', 'steps', 'batchSize', 'lr', 'lrSchedule', 'gradClip',
  'seed', 'evalImages', 'logEvery', 'backend'] as const;

/** The numbers of a trained network, written as `summary.json`. */
export interface TrainSummary {
  test_loss: number;
  test_acc: number;
  train_loss: number;
  train_acc: number;
  /** Baseline that needs no training: the loss of a uniform prediction, ln(classes). */
  uniform_loss: number;
  /** Baseline: accuracy of guessing, 1 / classes. */
  chance_acc: number;
  steps: number;
  seconds: number;
  model: string;
  dataset: string;
  seed: number;
  /** With `--save-path N`: N and the snapshots kept in `path.npy`. */
  save_path?: number;
  path_snapshots?: number;
}

/** Most snapshots `mpo train --save-path N` keeps (the path's PCA works on their k x k Gram matrix). */
export const MAX_PATH_SNAPSHOTS = 501;

/** Most bytes of `path.npy` (`--save-path N` keeps the snapshots in memory until training ends). */
export const MAX_PATH_BYTES = 256 * 2 ** 20;

/** The steps at which `--save-path every` keeps the weights: 0, every, 2 every, ..., and the last step. */
export function pathSteps(steps: number, every: number): number[] {
  const out: number[] = [];
  for (let s = 0; s <= steps; s += every) out.push(s);
  if (out[out.length - 1] !== steps) out.push(steps);
  return out;
}

/** Checks `--save-path N` against `--steps` before anything is written: a whole number >= 1, at most {@link MAX_PATH_SNAPSHOTS} snapshots. */
export function checkSavePath(every: number | undefined, steps: number): void {
  if (every === undefined) return;
  if (!Number.isInteger(every) || every < 1) throw new MpoError(`--save-path must be a whole number of steps >= 1, got ${every}`);
  const k = pathSteps(steps, every).length;
  if (k > MAX_PATH_SNAPSHOTS) {
    throw new MpoError(
      `--save-path ${every} keeps ${k} snapshots of ${steps} steps, more than ${MAX_PATH_SNAPSHOTS}: pass --save-path ${
        Math.ceil(steps / (MAX_PATH_SNAPSHOTS - 2))
      } or more`,
    );
  }
}

/** Options of {@link runTrain}. */
export interface TrainOptions {
  readonly out: string;
  /** Keep the weights every N steps (and at steps 0 and the last) as the training path `path.npy` + `path.json`, for `mpo view path`. */
  readonly savePath?: number;
  readonly quiet?: boolean;
  readonly log?: (l: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Trains one ordinary network with Adam (`mpo train`): a 0-dimensional manifold (only w_O, no
 * directions) trained by the one `trainLoop` on a one-cell black pattern, so each step is plain
 * mini-batch cross-entropy. Holds the lock of `out` (src/node/run/lock.ts); a folder stopped
 * before its checkpoint starts afresh ({@link inEmptyFolder}). Writes `config.json`,
 * `checkpoint.mpo` (what `mpo view` and `mpo connect` read), `metrics.jsonl`, `report.html` and,
 * last, `summary.json`; with `savePath` N also the training path (`path.npy`, one row of the
 * flat weights per kept step, and `path.json`, the steps), written atomically after the
 * checkpoint: at most {@link MAX_PATH_SNAPSHOTS} snapshots and {@link MAX_PATH_BYTES} bytes.
 */
export async function runTrain(config: FitConfig, opts: TrainOptions): Promise<TrainSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  checkSavePath(opts.savePath, config.steps);
  const out = resolve(opts.out);
  return inEmptyFolder(out, { command: 'mpo train', log, stopped: STOPPED_RUNS.train }, () => trainIn(out, config, opts, log));
}

/** The flat weights (the order of the model's parameters) of a 0-dimensional state, read asynchronously. */
async function originWeights(model: Model, state: PlaneState): Promise<Float32Array> {
  const out = new Float32Array(paramCount(model.params));
  let o = 0;
  for (const p of model.params) {
    const v = (await state.vars[`origin/${p.name}`].data()) as Float32Array;
    out.set(v, o);
    o += v.length;
  }
  return out;
}

/** The training path `--save-path` keeps: the steps and the flat weights at each. */
interface TrainPath {
  steps: number[];
  weights: Float32Array[];
}

/** Trains in the locked, empty folder `out` (see {@link runTrain}). */
async function trainIn(out: string, config: FitConfig, opts: TrainOptions, log: (l: string) => void): Promise<TrainSummary> {
  const s = await openNetworkSession(config, log);
  const { model, train, test } = s;
  const keep = opts.savePath === undefined ? null : new Set(pathSteps(config.steps, opts.savePath));
  if (keep && keep.size * paramCount(model.params) * 4 > MAX_PATH_BYTES) {
    s.close();
    throw new MpoError(
      `--save-path ${opts.savePath} keeps ${keep.size} snapshots of ${paramCount(model.params)} weights (${
        Math.ceil((keep.size * paramCount(model.params) * 4) / 2 ** 20)
      } MiB), more than ${MAX_PATH_BYTES / 2 ** 20} MiB: pass a larger --save-path`,
    );
  }
  const state = createPlaneState(model, { seed: config.seed, scaleInit: 1, dims: 0, init: config.init });
  const path: TrainPath = { steps: [], weights: [] };
  try {
    if (keep) {
      path.steps.push(0);
      path.weights.push(await originWeights(model, state));
    }
    writeJsonAtomic(join(out, RUN_FILES.config), {
      ...Object.fromEntries(TRAIN_KEYS.map((k) => [k, config[k]])),
      provenance: { tool: toolVersion(), command: 'train', backend: s.backend, node: process.version, created: new Date().toISOString(),
        trainSource: train.source, testSource: test.source },
    });
    const batchSize = Math.min(config.batchSize, train.n);
    const { seconds, curve } = await trainNetwork({
      model,
      state,
      train,
      config,
      metricsPath: join(out, RUN_FILES.metrics),
      label: 'train',
      quiet: opts.quiet,
      signal: opts.signal,
      chunkSize: defaultChunkSize(model, batchSize),
      onStep: keep ?
        async (step) => {
          if (keep.has(step) && path.steps[path.steps.length - 1] !== step) {
            path.steps.push(step);
            path.weights.push(await originWeights(model, state));
          }
        } :
        undefined,
    });
    saveCheckpoint(join(out, RUN_FILES.checkpoint), await checkpointOf(model, state, { seconds, command: 'train' }));
    if (opts.signal?.aborted) {
      throw new MpoError(`interrupted at step ${state.step}: the network so far is saved in ${out}; train again with more --steps`, 130);
    }
    if (keep) writeTrainPath(out, model, path, opts.savePath);
    const { te, tr } = await evaluateTrained(model, state, s, config.evalImages, batchSize);
    const summary: TrainSummary = {
      test_loss: te.loss[0],
      test_acc: te.acc[0],
      train_loss: tr.loss[0],
      train_acc: tr.acc[0],
      uniform_loss: Math.log(train.numClasses),
      chance_acc: 1 / train.numClasses,
      steps: state.step,
      seconds: Number(seconds.toFixed(2)),
      model: model.name,
      dataset: config.dataset,
      seed: config.seed,
      ...(keep ? { path_snapshots: path.steps.length, save_path: opts.savePath } : {}),
    };
    writeTrainReport(join(out, RUN_FILES.report), summary, curve, config, test.n);
    writeJsonAtomic(join(out, RUN_FILES.summary), summary);
    return summary;
  } finally {
    disposePlaneState(state);
    s.close();
  }
}

/** Writes the kept training path: `path.npy` (one row of flat weights per kept step) and `path.json` (the steps, the parameters' names and shapes). */
function writeTrainPath(out: string, model: Model, path: TrainPath, every: number | undefined): void {
  const p = paramCount(model.params);
  const flat = new Float32Array(path.weights.length * p);
  path.weights.forEach((w, i) => flat.set(w, i * p));
  writeNpy(join(out, RUN_FILES.path), flat, [path.weights.length, p]);
  writeJsonAtomic(join(out, RUN_FILES.pathSteps), { every, steps: path.steps, params: model.params.map((q) => ({ name: q.name, shape: q.shape })),
    model: model.name });
}

/** The trained network's loss and accuracy on the test images (`te`) and the first `evalImages` training images (`tr`). */
async function evaluateTrained(model: Model, state: PlaneState, s: NetworkSession, evalImages: number, batchSize: number) {
  const { frame, dispose } = computeFrame(thetaOf(model, state));
  const trainSub = headOf(s.train, evalImages);
  try {
    const bs = model.usesBatchStats ? batchSize : 1000;
    const te = await evaluatePoints(model, frame, [[]], s.test, { batchSize: bs });
    const tr = await evaluatePoints(model, frame, [[]], trainSub, { batchSize: bs });
    return { te, tr };
  } finally {
    trainSub.x.dispose();
    dispose();
  }
}

/** Writes `report.html` of a trained network: its numbers beside the no-training baselines, and the training curve. */
function writeTrainReport(file: string, summary: TrainSummary, curve: [number, number][], config: FitConfig, testImages: number): void {
  writeReport(file, {
    title: `mpo train: ${summary.model} on ${summary.dataset}`,
    subtitle: `${summary.steps} steps, seed ${summary.seed}, ${testImages} test images`,
    summary: [
      { label: 'test loss', value: summary.test_loss, hint: `uniform prediction: ${summary.uniform_loss.toFixed(3)}` },
      { label: 'test accuracy', value: summary.test_acc, hint: `chance: ${summary.chance_acc}` },
      { label: 'train loss', value: summary.train_loss },
      { label: 'train accuracy', value: summary.train_acc },
      { label: 'training seconds', value: summary.seconds.toFixed(1) },
    ],
    figures: [],
    curves: [{ title: 'training loss (mini-batch cross-entropy)', xLabel: 'step', series: [{ name: 'loss', points: curve }] }],
    config,
  });
}
