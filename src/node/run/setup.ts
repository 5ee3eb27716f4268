import { existsSync } from 'node:fs';
import * as tf from '../tf-node.js';
import { MpoError } from '../../core/errors.js';
import type { FitConfig } from '../../core/config.js';
import { createModel, isModelFile, type ModelContext } from '../../core/models/registry.js';
import { layersInputShape } from '../../core/models/layers-model.js';
import { initWeightsFor, readLayersFile, readLayersSource } from '../model-file.js';
import { isOwnDataset, loadOwnData } from '../data/own-data.js';
import type { Model } from '../../core/models/model.js';
import { randomMask } from '../../core/pattern/random-mask.js';
import { framedRandomMask } from '../../core/pattern/framed-mask.js';
import { maskSeedOf } from '../../core/random.js';
import { toTernary, trainedCells } from '../../core/pattern/ternary.js';
import { validatePattern, type Pattern, type TernaryMask } from '../../core/pattern/pattern.js';
import { loadDataset, type Dataset } from '../data/dataset.js';
import { resolvePattern } from '../pattern-source.js';
import { checkManifoldPattern } from '../../core/pattern/manifold-patterns.js';
import type { PlainData } from '../parallel/protocol.js';
import { chunkSizeForDevice } from '../../core/training/chunk.js';
import { defaultChunkSize } from '../../core/session/options.js';

/**
 * The pattern of a config: a random mask when `randomMask` is set (framed as the original's with
 * `randomMaskFrame`; drawn from `maskSeed`, by default a hash of `seed`, see {@link maskSeedOf}), else the named picture.
 */
export function patternOf(config: FitConfig): Pattern {
  const p = config.randomMask !== null
    ? (config.randomMaskFrame ? framedRandomMask : randomMask)({ side: config.patternSize, fill: config.randomMask, seed: maskSeedOf(config) })
    : resolvePattern(config.pattern, { size: config.patternSize, threshold: config.threshold, invert: config.invert });
  return validatePattern(p);
}

/** A pattern with the cells a run trains. */
export interface RunPattern {
  readonly pattern: Pattern;
  readonly mask: TernaryMask;
  readonly black: number[];
  readonly white: number[];
}

/**
 * Resolves the pattern and its trained cells. The pattern is the config's own (`resolveConfig`
 * gives a line or volume its default pattern when none is named); one that does not fit the
 * manifold is a one-line MpoError ({@link checkManifoldPattern}), never replaced.
 */
export function runPatternOf(config: FitConfig): RunPattern {
  const pattern = checkManifoldPattern(config.manifold, patternOf(config), config.randomMask);
  const mask = toTernary(pattern, { ignoreInterior: config.ignoreInterior });
  const { black, white } = trainedCells(mask);
  return { pattern, mask, black, white };
}

/** A dataset split on the device. */
export interface DeviceData {
  readonly x: tf.Tensor4D;
  readonly labels: Int32Array;
  readonly numClasses: number;
  readonly source: string;
  readonly n: number;
  /** The same data as plain arrays (for worker threads). */
  readonly plain: PlainData;
}

/** Moves a loaded dataset split to a tensor [N, h, w, c]. */
export function toDevice(d: Dataset): DeviceData {
  return {
    x: tf.tensor4d(d.images, [d.n, d.height, d.width, d.channels]),
    labels: d.labels,
    numClasses: d.numClasses,
    source: d.source,
    n: d.n,
    plain: { images: d.images, labels: d.labels, shape: [d.n, d.height, d.width, d.channels] },
  };
}

/**
 * Loads the data a run needs: training images (the first `trainImages`, or `trainLimit` when
 * given) and `evalImages` test images. `--data-dir` with the embedded subset is an error when the
 * folder does not exist and a warning otherwise (the subset is read from mpo's own files).
 * A `--dataset` that is not a built-in name is your own folder ({@link loadOwnData}: class folders
 * of images, or x_train.npy...); images are resized to the input size of a `--model` file that
 * declares one ([h, w, c]).
 */
export async function loadRunData(config: FitConfig, log: (line: string) => void, opts: { trainLimit?: number; } = {}): Promise<{
  train: Dataset;
  test: Dataset;
}> {
  if (isOwnDataset(config.dataset)) {
    if (config.dataDir !== null) log(`warning: --data-dir "${config.dataDir}" is not used: --dataset "${config.dataset}" is a folder of your own`);
    let size: [number, number] | undefined;
    if (isModelFile(config.model)) {
      const input = layersInputShape(readLayersFile(config.model).modelTopology);
      if (input && input.length === 3 && typeof input[0] === 'number' && typeof input[1] === 'number') size = [input[0], input[1]];
    }
    const own = loadOwnData(config.dataset, { testSplit: config.testSplit, size, trainLimit: opts.trainLimit ?? config.trainImages ?? undefined,
      testLimit: config.evalImages });
    return own;
  }
  if (config.dataDir !== null && config.dataset === 'fashion-mnist-subset') {
    if (!existsSync(config.dataDir)) {
      throw new MpoError(`--data-dir "${config.dataDir}" does not exist (and the embedded fashion-mnist-subset does not use it): ` +
        'drop --data-dir, or fix the path and choose --dataset fashion-mnist, mnist or cifar10');
    }
    log(
      `warning: --data-dir "${config.dataDir}" is not used: the dataset fashion-mnist-subset is embedded in mpo (choose --dataset fashion-mnist to read that folder)`,
    );
  }
  const load = { dataDir: config.dataDir ?? undefined, log };
  const train = await loadDataset(config.dataset, 'train', { ...load, limit: opts.trainLimit ?? config.trainImages ?? undefined });
  const test = await loadDataset(config.dataset, 'test', { ...load, limit: config.evalImages });
  return { train, test };
}

/**
 * The model context of a config for a dataset's shape; for a `--model` file it carries the parsed
 * file (worker threads build their model from it).
 */
export function modelContextOf(config: FitConfig, d: Pick<Dataset, 'height' | 'width' | 'channels' | 'numClasses'>): ModelContext {
  const ctx: ModelContext = { inputShape: [d.height, d.width, d.channels], numClasses: d.numClasses, bnScale: config.bnScale };
  return isModelFile(config.model) ? { ...ctx, layers: readLayersSource(config.model, config.bnStats) } : ctx;
}

/**
 * The model of a config, shaped for the dataset: a registry model, or a TF.js Layers model file
 * (`--model path/model.json`); with `--init-from` its `initialWeights` are that network's weights
 * (the plane's origin starts there). One-line MpoErrors for a file that does not fit the data
 * (input shape, class count), an unsupported layer, or init weights of another architecture.
 */
export function modelOf(config: FitConfig, d: Pick<Dataset, 'height' | 'width' | 'channels' | 'numClasses'>): Model {
  const model = createModel(config.model, modelContextOf(config, d));
  if (config.initFrom === null || config.initFrom === undefined) return model;
  return Object.assign(model, { initialWeights: initWeightsFor(model, config.initFrom) });
}

/**
 * Cells per gradient computation on the active backend: on webgpu as many as the device's
 * limits allow (its largest buffer; `MPO_GPU_MEMORY_GB`, default 8, for all activations), since a
 * GPU runs a large dispatch about as fast as a small one; elsewhere {@link defaultChunkSize}.
 */
export async function chunkSizeFor(model: Model, batchSize: number, backend: string, dims = 2): Promise<number> {
  if (backend !== 'webgpu') return defaultChunkSize(model, batchSize);
  const device = (tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number; }; }; }).device;
  const maxTensorBytes = device?.limits?.maxStorageBufferBindingSize ?? 128 * 2 ** 20;
  const gb = Number(process.env.MPO_GPU_MEMORY_GB ?? 8);
  const memoryBytes = (Number.isFinite(gb) && gb > 0 ? gb : 8) * 2 ** 30;
  return chunkSizeForDevice(model, batchSize, { maxTensorBytes, memoryBytes }, { dims });
}

/** A prefix of a device data set (the first `n` examples). */
export function headOf(d: DeviceData, n: number): DeviceData {
  const m = Math.min(n, d.n);
  if (m === d.n) return { ...d, x: tf.clone(d.x) };
  const [, h, w, c] = d.plain.shape;
  return {
    ...d,
    n: m,
    x: tf.slice(d.x, 0, m) as tf.Tensor4D,
    labels: d.labels.subarray(0, m),
    plain: { images: d.plain.images.subarray(0, m * h * w * c), labels: d.labels.subarray(0, m), shape: [m, h, w, c] },
  };
}
