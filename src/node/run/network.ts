import { appendFileSync, existsSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { parseConfig, resolveConfig, type FitConfig } from '../../core/config.js';
import { createModel, isModelFile, MODELS } from '../../core/models/registry.js';
import { initWeightsFor, readLayersFile, readLayersNetwork } from '../model-file.js';
import type { Model } from '../../core/models/model.js';
import type { ParamValues } from '../../core/plane/params.js';
import { trainLoop, type GradientSource } from '../../core/training/loop.js';
import { stepOptionsOf } from '../../core/session/options.js';
import type { PlaneState } from '../../core/training/plane-state.js';
import { initBackend } from '../backend.js';
import { createProgress } from '../progress.js';
import { loadCheckpoint } from '../checkpoint.js';
import { readConfigFile } from '../config-file.js';
import { loadRunData, modelOf, toDevice, type DeviceData } from './setup.js';
import { checkNetworkFolder, RUN_FILES } from './folder.js';

/** A trained network read from an `mpo train` folder. */
export interface SavedNetwork {
  /** The folder. */
  readonly dir: string;
  /** The config it was trained with (model, dataset, seed, ...). */
  readonly config: FitConfig;
  /** Its weights, by parameter name. */
  readonly weights: ParamValues;
  /** For a model read from a file: its parameters' names and shapes, which two such networks must share (built-in models compare by name). */
  readonly signature?: string;
}

/**
 * Reads the network of an `mpo train` folder (a checkpoint of a 0-dimensional manifold: just w_O).
 * A folder of anything else (an `mpo fit` run, a curve) is a one-line MpoError saying what it is.
 */
export function loadNetwork(dir: string): SavedNetwork {
  checkNetworkFolder(dir, dir);
  if (!existsSync(join(dir, RUN_FILES.config)) || !existsSync(join(dir, RUN_FILES.checkpoint))) {
    throw new MpoError(`"${dir}" is not a trained network (no ${RUN_FILES.config} and ${RUN_FILES.checkpoint}): pass the --out folder of mpo train`);
  }
  const config = resolveConfig(readConfigFile(join(dir, RUN_FILES.config)));
  const ckpt = loadCheckpoint(join(dir, RUN_FILES.checkpoint));
  if (ckpt.dims !== 0) throw new MpoError(`"${dir}" holds a ${ckpt.dims}-dimensional manifold, not one network: pass the --out folder of mpo train`);
  const weights: ParamValues = {};
  for (const [k, v] of Object.entries(ckpt.theta)) if (k.startsWith('origin/')) weights[k.slice('origin/'.length)] = v;
  return { dir, config, weights };
}

/** The model file of `pathOrFolder` when it is a TF.js Layers network (a `model.json`, or a folder holding one and no `config.json`, e.g. of `mpo export`), else null. */
export function layersFileOf(pathOrFolder: string): string | null {
  if (!existsSync(pathOrFolder)) return isModelFile(pathOrFolder) ? pathOrFolder : null;
  if (statSync(pathOrFolder).isFile()) return isModelFile(pathOrFolder) ? pathOrFolder : null;
  const inside = join(pathOrFolder, 'model.json');
  return !existsSync(join(pathOrFolder, RUN_FILES.config)) && existsSync(inside) ? inside : null;
}

/**
 * A TF.js Layers network as a {@link SavedNetwork}. A cell of `mpo export` (its metadata names a
 * built-in model and the dataset) becomes that built-in model with the cell's weights, so it sits
 * beside `mpo train` networks of the same model in one view; any other file is its own model
 * (`--model path/model.json`) on `dataset` (default: the file's, else the default dataset).
 */
function layersNetwork(file: string, dataset?: string): SavedNetwork {
  const read = readLayersNetwork(file);
  const meta = (readLayersFile(file).metadata.mpo ?? {}) as Record<string, unknown>;
  const data = dataset ?? read.config.dataset;
  const builtin = typeof meta.model === 'string' && Object.hasOwn(MODELS, meta.model) ? meta.model : null;
  if (builtin) {
    const config = resolveConfig(parseConfig({ model: builtin, ...(data ? { dataset: data } : {}) }, `the metadata of "${file}"`));
    const model = createModel(builtin, { inputShape: read.config.inputShape, numClasses: read.config.numClasses, bnScale: config.bnScale });
    return { dir: file, config, weights: initWeightsFor(model, file) };
  }
  const config = resolveConfig(parseConfig({ model: file, ...(data ? { dataset: data } : {}) }, `the model file "${file}"`));
  return { dir: file, config, weights: read.weights, signature: read.model.params.map((q) => `${q.name}[${q.shape.join(',')}]`).join(' ') };
}

/**
 * The network at `pathOrFolder`, one reader for every command's network input: the `--out`
 * folder of `mpo train` ({@link loadNetwork}), or a TF.js Layers network (a `model.json` with its
 * weights beside it, or a folder of `mpo export` holding one: {@link layersFileOf}). `dataset`
 * is the data a Layers file is evaluated on (default: the one its metadata names, else the
 * default dataset); an `mpo train` network keeps its own. One-line MpoError otherwise.
 */
export function openNetwork(pathOrFolder: string, opts: { readonly dataset?: string; } = {}): SavedNetwork {
  if (typeof pathOrFolder !== 'string' || pathOrFolder === '') throw new MpoError('a network argument is empty: pass the --out folder of mpo train');
  const file = layersFileOf(pathOrFolder);
  if (file) {
    if (!existsSync(file)) throw new MpoError(`model file "${file}" is not there: pass the --out folder of mpo train or a model.json with its weights`);
    return layersNetwork(file, opts.dataset);
  }
  return loadNetwork(pathOrFolder);
}

/**
 * Checks that networks can be compared in one view (`what` names the command): all different
 * (a line or plane through one network twice is no comparison) and of one model and dataset.
 */
export function checkNetworks(nets: readonly SavedNetwork[], what: string): void {
  const real = (d: string) => {
    try {
      return realpathSync(d);
    } catch {
      return resolve(d);
    }
  };
  for (let i = 0; i < nets.length; i++) {
    for (let j = 0; j < i; j++) {
      if (real(nets[i].dir) === real(nets[j].dir)) {
        throw new MpoError(
          `${what}: "${nets[j].dir}" is passed twice: pass ${nets.length} different networks of mpo train, e.g. of --seed 1, 2${
            nets.length > 2 ? ' and 3' : ''
          }`,
        );
      }
    }
  }
  for (const n of nets.slice(1)) checkSameModel(nets[0], n);
}

/** Checks that two networks can be compared (same model and dataset). */
export function checkSameModel(a: SavedNetwork, b: SavedNetwork): void {
  const same = a.signature !== undefined || b.signature !== undefined ? a.signature === b.signature : a.config.model === b.config.model;
  if (!same || a.config.dataset !== b.config.dataset) {
    throw new MpoError(
      `"${a.dir}" is a ${a.config.model} on ${a.config.dataset} but "${b.dir}" a ${b.config.model} on ${b.config.dataset}: pass two networks of the same model and dataset`,
    );
  }
}

/** Backend, data on the device and the model of a config (no pattern, no workers). */
export interface NetworkSession {
  readonly backend: string;
  readonly model: Model;
  readonly train: DeviceData;
  readonly test: DeviceData;
  /** Frees the data tensors. */
  close(): void;
}

/** Starts the backend, loads the data (all training images, `evalImages` test images) and builds the model. */
export async function openNetworkSession(config: FitConfig, log: (line: string) => void, opts: { trainLimit?: number; } = {}): Promise<NetworkSession> {
  const backend = await initBackend(config.backend);
  const { train: trainSet, test: testSet } = await loadRunData(config, log, opts);
  const model = modelOf(config, trainSet);
  const train = toDevice(trainSet);
  const test = toDevice(testSet);
  return { backend, model, train, test, close() {
    train.x.dispose();
    test.x.dispose();
  } };
}

/**
 * Checks that two networks are different folders (a curve or a line from a network to itself is no
 * comparison); `what` names the command in the error.
 */
export function checkTwoNetworks(a: SavedNetwork, b: SavedNetwork, what: string): void {
  const same = (() => {
    try {
      return realpathSync(a.dir) === realpathSync(b.dir);
    } catch {
      return resolve(a.dir) === resolve(b.dir);
    }
  })();
  if (same) throw new MpoError(`${what} A B: A and B are the same network "${a.dir}": pass two networks of mpo train, e.g. of --seed 1 and --seed 2`);
  checkSameModel(a, b);
}

/** Options of {@link trainNetwork}. */
export interface TrainNetworkOptions {
  readonly model: Model;
  /** A 0-dimensional state (one network: its origin). */
  readonly state: PlaneState;
  readonly train: DeviceData;
  /** steps, lr, lrSchedule, gradClip, batchSize (clamped to the data), logEvery. */
  readonly config: FitConfig;
  /** Where the metrics lines go (one JSON line every `logEvery` steps and at the last). */
  readonly metricsPath: string;
  /** Progress label. */
  readonly label: string;
  readonly quiet?: boolean;
  readonly signal?: AbortSignal;
  /** Gradient source (default: plain mini-batch cross-entropy of the one network). */
  readonly gradients?: GradientSource;
  /** Cells per gradient computation (default: all). */
  readonly chunkSize?: number;
  /** Awaited after every step with the steps done (e.g. to keep the weights of a training path). */
  readonly onStep?: (step: number, last: boolean) => void | Promise<void>;
}

/**
 * Trains one network with the one `trainLoop` on a one-cell black pattern (so each step is plain
 * mini-batch cross-entropy, unless `gradients` says otherwise), logging metrics lines and progress.
 * Returns the training seconds and the logged (step, loss) curve.
 */
export async function trainNetwork(o: TrainNetworkOptions): Promise<{ seconds: number; curve: [number, number][]; }> {
  const { config, train } = o;
  const progress = createProgress({ label: o.label, total: config.steps, quiet: o.quiet });
  let seconds = 0;
  const curve: [number, number][] = [];
  try {
    for await (const r of trainLoop({
      model: o.model,
      state: o.state,
      steps: config.steps,
      lrSchedule: config.lrSchedule,
      signal: o.signal,
      data: { x: train.x, labels: train.labels, numClasses: train.numClasses },
      cells: { height: 1, width: 1, black: [0], white: [] },
      // one network is a one-cell black target: each step is plain mini-batch cross-entropy (no white cell, so no clip applies)
      step: stepOptionsOf({ ...config, batchSize: Math.min(config.batchSize, train.n), cellsPerStep: 1, chunkSize: o.chunkSize ?? null, augment: false }),
      gradients: o.gradients,
    })) {
      seconds = r.seconds;
      if (r.step % config.logEvery === 0 || r.last) {
        appendFileSync(o.metricsPath,
          `${JSON.stringify({ step: r.step, loss: r.loss, grad_norm: r.gradNorm, lr: r.lr, seconds: Number(r.seconds.toFixed(3)) })}\n`);
        curve.push([r.step, r.loss]);
      }
      progress.update(r.step, `loss ${r.loss.toFixed(3)}`);
      if (o.onStep) await o.onStep(r.step, r.last);
    }
  } finally {
    progress.stop();
  }
  return { seconds, curve };
}
