/**
 * One point of a trained plane as a standalone TensorFlow.js Layers model: the `model.json`
 * (a Keras `Sequential` topology plus a weights manifest pointing at `weights.bin`) and the
 * `weights.bin` bytes that `tf.loadLayersModel` reads. Pure (no files, no tfjs-layers): the
 * Node CLI (`mpo export`) writes the two files, a browser offers them as downloads.
 *
 * Exactness. Every layer is a standard Keras layer computing what our functional model does:
 * - the MLP: Flatten -> Dense(relu) -> Dense. Flatten of NHWC data is the same row-major
 *   reshape as ours, so our [in, out] dense weights are Keras's kernels unchanged;
 * - the CNNs: Conv2D(3x3, padding 'same' = PyTorch's padding 1, relu) [-> MaxPooling2D(2, 'valid')
 *   = floor, as PyTorch's MaxPool2d(2)] per convolution, then PyTorch's adaptive average pool
 *   to 4x4, Flatten, Dense(relu), Dense. Our filters are [kh, kw, in, out] like Keras's kernels.
 *   The adaptive pool from S x S to 4 x 4 becomes: nothing when S = 4 (CIFAR's 32 -> 4);
 *   AveragePooling2D(S/4) when 4 divides S (windows do not overlap: exactly the adaptive pool);
 *   otherwise (FashionMNIST's 28 -> 14 -> 7 -> 3, pooled 3 -> 4 with overlapping windows, which
 *   no Keras pooling layer computes) it is folded into the first dense layer: the pool is linear,
 *   so Flatten(pool(h)) W1 = Flatten(h) (P^T W1) with P the pool's matrix (Kronecker product of
 *   the two axes' matrices, per channel); the exported Dense takes the 3x3xC activations with
 *   kernel P^T W1 (computed in float64, stored as float32), equal up to float rounding.
 *   Flatten after the pool keeps (h, w, c) order, as our reshape does: no permutation needed.
 * - `plain-cnn6-small` starts with AveragePooling2D(4) on the input, as its `withInputPool` does.
 *
 * Batch-norm models normalise with the statistics of the batch they are given, which no
 * standard layer does at inference: they are refused.
 */
import * as tf from '../tf.js';
import { check, MpoError } from '../errors.js';
import type { Model } from '../models/model.js';
import { STUDY_INPUT_POOL } from '../models/study-models.js';
import { adaptivePoolMatrix } from '../ops/adaptive-pool.js';
import type { ParamSet, ParamValues } from '../plane/params.js';

/** How each exportable model is built: `mlp`, or a CNN with or without 2x2 max-pools and an input average pool. */
interface Arch {
  readonly kind: 'mlp' | 'cnn';
  readonly maxPool?: boolean;
  readonly inputPool?: number;
}

const ARCHS: Readonly<Record<string, Arch>> = {
  mlp: { kind: 'mlp' },
  'mlp-deep': { kind: 'mlp' },
  cnn: { kind: 'cnn', maxPool: true },
  'cnn-color': { kind: 'cnn', maxPool: true },
  'cnn-color-nopool': { kind: 'cnn', maxPool: false },
  'plain-cnn6': { kind: 'cnn', maxPool: false },
  'plain-cnn6-small': { kind: 'cnn', maxPool: false, inputPool: STUDY_INPUT_POOL },
};

/** Registry names of the models {@link exportLayersModel} can export (batch-norm models cannot). */
export const EXPORTABLE_MODELS: readonly string[] = Object.keys(ARCHS);

/** The file name of the weights that `model.json`'s manifest points at. */
export const EXPORT_WEIGHTS_FILE = 'weights.bin';

/** One entry of a TF.js weights manifest. */
export interface ExportWeightSpec {
  /** `<layer name>/kernel` or `<layer name>/bias`. */
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32';
}

/** The content of `model.json` (TF.js `layers-model` format). */
export interface LayersModelJson {
  readonly format: 'layers-model';
  readonly generatedBy: string;
  readonly convertedBy: null;
  /** Keras JSON of a `Sequential` model. */
  readonly modelTopology: Record<string, unknown>;
  /** One group: `paths: ['weights.bin']` and the weights in file order. */
  readonly weightsManifest: { paths: string[]; weights: ExportWeightSpec[]; }[];
  /** `{ mpo: { model, output, ... } }`: where the weights came from. */
  readonly userDefinedMetadata: Record<string, unknown>;
}

/** What {@link exportLayersModel} returns. */
export interface LayersExport {
  /** Write as `model.json` (`JSON.stringify`). */
  readonly modelJson: LayersModelJson;
  /** The weight specs (the same as `modelJson.weightsManifest[0].weights`), for `tf.io.fromMemory`. */
  readonly weightSpecs: ExportWeightSpec[];
  /** Write as `weights.bin`: float32 little-endian, in `weightSpecs` order. */
  readonly weights: Uint8Array;
}

/** Options of {@link exportLayersModel}. */
export interface ExportLayersOptions {
  /**
   * `logits` (default): the last Dense layer is linear and the model outputs what mpo's
   * `model.forward` does; `softmax`: it outputs class probabilities.
   */
  readonly output?: 'logits' | 'softmax';
  /** Extra entries of `userDefinedMetadata.mpo` (e.g. the cell and plane coordinates). */
  readonly metadata?: Record<string, unknown>;
  /** `generatedBy` of `model.json`: the tool and its version, e.g. `mpo 0.1.0` (default `mpo`). */
  readonly generatedBy?: string;
}

function valuesOf(model: Model, weights: ParamValues | ParamSet): ParamValues {
  check(typeof weights === 'object' && weights !== null, "exportLayersModel: weights must be an object of the model's parameters");
  const out: ParamValues = {};
  for (const spec of model.params) {
    const w = weights[spec.name];
    check(w !== undefined, `exportLayersModel: weights lack "${spec.name}" of model ${model.name}: pass one point of the plane (pointAt)`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const arr = w instanceof Float32Array ? w : w instanceof tf.Tensor ? (w.dataSync() as Float32Array) : null;
    check(arr, `exportLayersModel: weights["${spec.name}"] must be a Float32Array or a tensor`);
    check(arr.length === size,
      `exportLayersModel: weights["${spec.name}"] has ${arr.length} values, model ${model.name} needs ${size} (shape [${spec.shape}])`);
    out[spec.name] = arr;
  }
  return out;
}

function layer(className: string, config: Record<string, unknown>): Record<string, unknown> {
  return { class_name: className, config: { trainable: true, dtype: 'float32', ...config } };
}

/**
 * The kernel of a dense layer that takes Flatten(h) for h of shape [s, t, c] and equals
 * Dense(W1) after PyTorch's adaptive average pool of h to [4, 4, c]: rows (p*t + q)*c + ch get
 * sum over (i, j) of A_s[i][p] * A_t[j][q] * W1[(i*4 + j)*c + ch]. Computed in float64.
 */
function foldAdaptivePool(w1: Float32Array, s: number, t: number, c: number, units: number): Float32Array {
  const as = adaptivePoolMatrix(s, 4);
  const at = adaptivePoolMatrix(t, 4);
  const out = new Float64Array(s * t * c * units);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      for (let p = 0; p < s; p++) {
        for (let q = 0; q < t; q++) {
          const a = as[i]![p]! * at[j]![q]!;
          if (a === 0) continue;
          for (let ch = 0; ch < c; ch++) {
            const src = ((i * 4 + j) * c + ch) * units;
            const dst = ((p * t + q) * c + ch) * units;
            for (let u = 0; u < units; u++) out[dst + u]! += a * w1[src + u]!;
          }
        }
      }
    }
  }
  return Float32Array.from(out);
}

/**
 * Throws a one-line MpoError unless `model` is one of {@link EXPORTABLE_MODELS} (batch-norm
 * models are not: they normalise with each batch's statistics), naming the models that export.
 */
export function checkExportable(model: Model): void {
  check(model && typeof model.name === 'string' && Array.isArray(model.params), 'exportLayersModel: model must be an mpo Model (createModel)');
  if (!ARCHS[model.name]) {
    throw new MpoError(
      `model ${model.name} cannot be exported as a TF.js Layers model${model.usesBatchStats ? ' (batch norm uses the statistics of each batch)' : ''}: `
        + `export works for ${EXPORTABLE_MODELS.join(', ')}`,
    );
  }
}

/**
 * Builds a standalone TF.js Layers model of `model` with the weights `weights` (one point of
 * the plane: a {@link ParamSet} from `pointAt`, or plain values, e.g. from {@link cellParamValues}).
 * The result loads with `tf.loadLayersModel` (files `model.json` + `weights.bin`, or
 * `tf.io.fromMemory({ modelTopology, weightSpecs, weightData })`); it takes NHWC images shaped
 * like the training data (e.g. [B, 28, 28, 1], scaled as mpo's datasets are) and returns logits
 * (default) or softmax probabilities, equal to `model.forward(weights, x)` up to float rounding.
 * Exports {@link EXPORTABLE_MODELS}; throws a one-line MpoError for other models (batch norm)
 * or weights that do not fit the model.
 */
export function exportLayersModel(model: Model, weights: ParamValues | ParamSet, opts: ExportLayersOptions = {}): LayersExport {
  checkExportable(model);
  const arch = ARCHS[model.name]!;
  const output = opts.output ?? 'logits';
  check(output === 'logits' || output === 'softmax', `exportLayersModel: output must be "logits" or "softmax", got "${String(output)}"`);
  const b: ExportBuild = { model, w: valuesOf(model, weights), layers: [], specs: [], arrays: [] };
  const { w, layers, specs } = b;
  const fc1 = arch.kind === 'cnn' ? addCnnLayers(b, arch) : { kernel: w['fc1.w']!, shape: shapeOf(model, 'fc1.w') };
  layers.push(layer('Flatten', { name: 'flatten', ...inputOf(b), data_format: 'channels_last' }));
  layers.push(layer('Dense', { name: 'fc1', units: fc1.shape[1], activation: 'relu', use_bias: true }));
  addWeights(b, 'fc1', fc1.kernel, fc1.shape, w['fc1.b']!);
  // fc2 .. fcN (N = 2 but for a deeper MLP): ReLU between them, the last linear (or softmax).
  const last = model.params.filter((p) => /^fc\d+\.w$/.test(p.name)).length;
  for (let i = 2; i <= last; i++) {
    const shape = shapeOf(model, `fc${i}.w`);
    const activation = i < last ? 'relu' : output === 'softmax' ? 'softmax' : 'linear';
    layers.push(layer('Dense', { name: `fc${i}`, units: shape[1], activation, use_bias: true }));
    addWeights(b, `fc${i}`, w[`fc${i}.w`]!, shape, w[`fc${i}.b`]!);
  }
  const modelJson: LayersModelJson = {
    format: 'layers-model',
    generatedBy: opts.generatedBy ?? 'mpo',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: `mpo_${model.name.replace(/[^A-Za-z0-9_]/g, '_')}`, layers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: [EXPORT_WEIGHTS_FILE], weights: specs }],
    userDefinedMetadata: { mpo: { model: model.name, output, inputShape: [...model.inputShape], numClasses: model.numClasses, ...opts.metadata } },
  };
  return { modelJson, weightSpecs: specs, weights: float32Bytes(b.arrays) };
}

/** An export being built: the model, its weights by parameter name, and the Keras layers, manifest entries and weight arrays so far, in order. */
interface ExportBuild {
  readonly model: Model;
  readonly w: ParamValues;
  readonly layers: Record<string, unknown>[];
  readonly specs: ExportWeightSpec[];
  readonly arrays: Float32Array[];
}

/** The config entry that declares the input shape, for the export's first layer only (else none). */
function inputOf(b: ExportBuild): Record<string, unknown> {
  const [h0, w0, c0] = b.model.inputShape;
  return b.layers.length === 0 ? { batch_input_shape: [null, h0, w0, c0] } : {};
}

/** Adds a layer's kernel and bias to the manifest (as `<name>/kernel`, `<name>/bias`) and the weight arrays. */
function addWeights(b: ExportBuild, name: string, kernel: Float32Array, kshape: number[], bias: Float32Array): void {
  b.specs.push({ name: `${name}/kernel`, shape: kshape, dtype: 'float32' }, { name: `${name}/bias`, shape: [bias.length], dtype: 'float32' });
  b.arrays.push(kernel, bias);
}

/** A copy of the shape of `model`'s parameter `name`. */
function shapeOf(model: Model, name: string): number[] {
  return [...model.params.find((p) => p.name === name)!.shape];
}

/**
 * Adds a CNN's layers before its Flatten: the input pool, Conv2D (and MaxPooling2D) per
 * convolution, and the adaptive pool to 4x4 (an AveragePooling2D, nothing, or folded into fc1:
 * see the module's note). Returns fc1's kernel and shape as exported.
 */
function addCnnLayers(b: ExportBuild, arch: Arch): { kernel: Float32Array; shape: number[]; } {
  const { model, w, layers } = b;
  const [h0, w0, c0] = model.inputShape;
  const fc1Shape = shapeOf(model, 'fc1.w');
  let [hh, ww] = [h0, w0];
  if (arch.inputPool && arch.inputPool > 1) {
    const f = arch.inputPool;
    layers.push(
      layer('AveragePooling2D', { name: 'input_pool', ...inputOf(b), pool_size: [f, f], strides: [f, f], padding: 'valid', data_format: 'channels_last' }),
    );
    hh /= f;
    ww /= f;
  }
  let c = c0;
  for (let i = 1; w[`conv${i}.w`]; i++) {
    const shape = shapeOf(model, `conv${i}.w`);
    c = shape[3]!;
    layers.push(layer('Conv2D', {
      name: `conv${i}`,
      ...inputOf(b),
      filters: c,
      kernel_size: [shape[0], shape[1]],
      strides: [1, 1],
      padding: 'same',
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      activation: 'relu',
      use_bias: true,
    }));
    addWeights(b, `conv${i}`, w[`conv${i}.w`]!, shape, w[`conv${i}.b`]!);
    if (arch.maxPool) {
      layers.push(layer('MaxPooling2D', { name: `pool${i}`, pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' }));
      hh = Math.floor(hh / 2);
      ww = Math.floor(ww / 2);
    }
  }
  if (hh % 4 !== 0 || ww % 4 !== 0) {
    return { kernel: foldAdaptivePool(w['fc1.w']!, hh, ww, c, fc1Shape[1]!), shape: [hh * ww * c, fc1Shape[1]!] };
  }
  if (hh > 4 || ww > 4) {
    layers.push(layer('AveragePooling2D', {
      name: 'adaptive_pool',
      pool_size: [hh / 4, ww / 4],
      strides: [hh / 4, ww / 4],
      padding: 'valid',
      data_format: 'channels_last',
    }));
  }
  return { kernel: w['fc1.w']!, shape: fc1Shape };
}

/** The arrays' values one after another as float32 little-endian bytes (`weights.bin`). */
function float32Bytes(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  let off = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) view.setFloat32(off + 4 * i, a[i]!, true);
    off += a.byteLength;
  }
  return bytes;
}
