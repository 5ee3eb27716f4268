/**
 * A TF.js Layers model (what `model.save()` writes and `tensorflowjs_converter` makes from a
 * Keras model: `model.json` with a Keras topology and a weights manifest, plus the weight bytes)
 * as an mpo functional {@link Model}: the inverse of `io/export-layers.ts`. Pure (no files): the
 * Node side (`src/node/model-file.ts`) reads the files, a browser can hand in a picked file.
 *
 * Accepted: a `Sequential` model, or a functional `Model` whose layers form a plain chain (each
 * layer fed by the one before), of Dense, Conv2D, MaxPooling2D (2x2 at stride 2),
 * AveragePooling2D, GlobalAveragePooling2D, Flatten, Reshape, Activation / ReLU / Softmax and the
 * activations relu, tanh, sigmoid, softmax, elu, gelu and linear, Dropout (a no-op: mpo evaluates
 * networks, it does not train them with dropout), BatchNormalization and InputLayer. Anything
 * else is a one-line MpoError naming the layer's index, class and name.
 *
 * Parameters: each weight a layer trains becomes an mpo parameter named `<layer name>/<weight>`
 * (`dense_1/kernel`, `dense_1/bias`, `conv2d/kernel`, `batch_normalization/gamma`, `.../beta`),
 * shaped as in the file (Keras's kernels are [in, out] and [kh, kw, in, out], as mpo's).
 * BatchNormalization normalises with the statistics of each batch (`batchNorm: 'batch'`, as mpo's
 * own BN models) or with its moving mean and variance read from the file, then constants
 * (`'moving'`); its gamma is stored with mpo's batch-norm convention (`bnScale`: `paper` stores
 * gamma - 0.5, `original` gamma - 1; {@link layersParamValues} converts).
 *
 * Logits: mpo's loss is the cross-entropy of logits, so a final softmax (the last layer's
 * activation, or a last Activation/Softmax layer) is left out of `forward`: the loss is the same
 * as Keras's categorical cross-entropy of the model's probabilities.
 */
import * as tf from '../tf.js';
import { check, MpoError } from '../errors.js';
import type { ParamSet, ParamSpec, ParamValues } from '../plane/params.js';
import { batchNorm, conv2d, dense, maxPool2x2 } from '../ops/index.js';
import type { Model, ModelContext } from './model.js';

/** What {@link createLayersModel} builds a model from: a parsed `model.json` and, when read, its weights. */
export interface LayersSource {
  /** The mpo model name: e.g. the file's path and a hash of its bytes (checkpoints record it). */
  readonly name: string;
  /** How messages name the model (e.g. the file's path; default `name`). */
  readonly path?: string;
  /** `model.json`'s `modelTopology` (Keras JSON of the model). */
  readonly modelTopology: unknown;
  /** The file's weights by their manifest names (see {@link decodeLayersWeights}); needed for `batchNorm: 'moving'`. */
  readonly weights?: Readonly<Record<string, Float32Array>>;
  /** BatchNormalization: each batch's statistics (`batch`, default, as mpo's BN models) or the file's moving statistics. */
  readonly batchNorm?: 'batch' | 'moving';
}

/** One entry of a TF.js weights manifest. */
export interface LayersWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype?: string;
  readonly quantization?: unknown;
}

/** The activations mpo computes (Keras names). */
export const LAYERS_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'elu', 'gelu'];

/** The layer classes mpo reads. */
export const LAYERS_CLASSES: readonly string[] = [
  'InputLayer',
  'Dense',
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'Flatten',
  'Reshape',
  'Activation',
  'ReLU',
  'Softmax',
  'Dropout',
  'BatchNormalization',
];

type Shape = number[];

/** One layer of the chain, resolved. */
type Op =
  | { kind: 'dense'; name: string; units: number; bias: boolean; act: string; }
  | { kind: 'conv'; name: string; filters: number; k: [number, number]; s: [number, number]; pad: 'same' | 'valid'; bias: boolean; act: string; }
  | { kind: 'maxpool'; }
  | { kind: 'avgpool'; pool: [number, number]; s: [number, number]; pad: 'same' | 'valid'; }
  | { kind: 'gap'; }
  | { kind: 'reshape'; shape: Shape; }
  | { kind: 'act'; act: string; }
  | { kind: 'bn'; name: string; eps: number; center: boolean; scale: boolean; moving?: { mean: Float32Array; inv: Float32Array; }; };

/** A {@link Model} read from a TF.js Layers model; `layers` lists its parameters' layers. */
export interface LayersModel extends Model {
  /** The input shape the file declares, without the batch axis (e.g. [784] or [28, 28, 1]). */
  readonly declaredInputShape: readonly number[];
  /** True when a final softmax was left out of `forward` (see the module's note on logits). */
  readonly droppedSoftmax: boolean;
  /** The offset added to each stored BatchNormalization gamma (0.5 for `paper`, 1 for `original`). */
  readonly bnOffset: number;
  /** The batch-norm mode in use. */
  readonly batchNorm: 'batch' | 'moving';
  /** The file's topology, as read (for {@link exportLayersNetwork}). */
  readonly modelTopology: unknown;
  /** Every weight of the file in file order: parameters by name, BatchNormalization's moving statistics as constants (null when not read). */
  readonly fileWeights: readonly { readonly name: string; readonly shape: readonly number[]; readonly constant?: Float32Array | null; }[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Decodes the weight bytes of a TF.js weights manifest (all groups' files concatenated in
 * manifest order) into float32 arrays by weight name. float32 (little-endian) only; int32 weights
 * are converted; quantised or float16 weights, and bytes that do not match the manifest, throw a
 * one-line MpoError naming `source`.
 */
export function decodeLayersWeights(specs: readonly LayersWeightSpec[], data: Uint8Array, source = 'weights'): Record<string, Float32Array> {
  check(Array.isArray(specs), `${source}: the weights manifest must be a list of {name, shape, dtype}`);
  check(data instanceof Uint8Array, `${source}: the weight bytes must be a Uint8Array`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: Record<string, Float32Array> = {};
  let at = 0;
  for (const s of specs) {
    check(isObj(s) && typeof s.name === 'string' && Array.isArray(s.shape) && s.shape.every((d) => Number.isInteger(d) && d >= 0), () =>
      `${source}: a weights manifest entry is not {name, shape, dtype}: ${JSON.stringify(s).slice(0, 80)}`);
    if (s.quantization) throw new MpoError(`${source}: weight "${s.name}" is quantised: save the model without quantisation (float32)`);
    const dtype = s.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new MpoError(`${source}: weight "${s.name}" has dtype ${dtype}: mpo reads float32 weights; convert the model with float32 weights`);
    }
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (at + 4 * n > data.byteLength) {
      throw new MpoError(
        `${source}: the weight bytes end at ${data.byteLength} bytes but the manifest needs ${
          at + 4 * n
        } by "${s.name}": the weights file is truncated or belongs to another model.json`,
      );
    }
    const arr = new Float32Array(n);
    for (let i = 0; i < n; i++) arr[i] = dtype === 'float32' ? view.getFloat32(at + 4 * i, true) : view.getInt32(at + 4 * i, true);
    out[s.name] = arr;
    at += 4 * n;
  }
  if (at !== data.byteLength) {
    throw new MpoError(
      `${source}: the weight bytes hold ${data.byteLength} bytes but the manifest describes ${at}: the weights file belongs to another model.json`,
    );
  }
  return out;
}

/** Two numbers from a Keras config value: `3` or `[3, 3]`. */
function pair(v: unknown, what: string, where: string): [number, number] {
  const a = typeof v === 'number' ? [v, v] : Array.isArray(v) ? v : null;
  if (!a || a.length !== 2 || !a.every((x) => Number.isInteger(x) && (x as number) >= 1)) {
    throw new MpoError(`${where}: ${what} must be a positive whole number or a pair of them, got ${JSON.stringify(v)}`);
  }
  return [a[0] as number, a[1] as number];
}

/** The activation name of a Keras config value (`null`/missing: linear). */
function activationOf(v: unknown, where: string): string {
  const name = v === undefined || v === null ? 'linear' : isObj(v) && typeof v.class_name === 'string' ? v.class_name : v;
  if (typeof name !== 'string' || !LAYERS_ACTIVATIONS.includes(name)) {
    throw new MpoError(`${where}: activation ${JSON.stringify(name)} is not supported: mpo computes ${LAYERS_ACTIVATIONS.join(', ')}`);
  }
  return name;
}

/** The layers of a topology in chain order, and the declared input shape (without batch). */
function chainOf(topology: unknown): { layers: Json[]; input: (number | null)[] | null; } {
  let topo = topology;
  if (isObj(topo) && isObj(topo.model_config)) topo = topo.model_config;
  if (!isObj(topo) || typeof topo.class_name !== 'string') {
    throw new MpoError(
      'the model.json has no Keras model topology (modelTopology.class_name): save the model with TF.js model.save() or tensorflowjs_converter --output_format tfjs_layers_model',
    );
  }
  const cls = topo.class_name;
  const config = topo.config;
  let layers: unknown[];
  if (cls === 'Sequential') {
    layers = Array.isArray(config) ? config : isObj(config) && Array.isArray(config.layers) ? config.layers : [];
  } else if (cls === 'Model' || cls === 'Functional') {
    layers = isObj(config) && Array.isArray(config.layers) ? config.layers : [];
    checkPlainChain(layers, config as Json);
  } else {
    throw new MpoError(`the model.json holds a ${cls}: mpo reads a Sequential model or a functional Model whose layers form a plain chain`);
  }
  if (layers.length === 0) throw new MpoError('the model.json has no layers');
  const ls = layers.map((l, i) => {
    if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) throw new MpoError(`layer ${i} of the model.json is not {class_name, config}`);
    return l;
  });
  const shapeOfLayer = (l: Json): (number | null)[] | null => {
    const c = l.config as Json;
    const s = c.batch_input_shape ?? c.batch_shape;
    if (Array.isArray(s)) return (s as (number | null)[]).slice(1);
    if (Array.isArray(c.input_shape)) return c.input_shape as (number | null)[];
    return null;
  };
  // Keras 3 keeps a Sequential's input shape beside its layers when no InputLayer is listed.
  const built = isObj(config) && Array.isArray(config.build_input_shape) ? (config.build_input_shape as (number | null)[]).slice(1) : null;
  return { layers: ls, input: shapeOfLayer(ls[0]!) ?? built };
}

/**
 * The input shape (without the batch axis; null for a size left open) that a Layers model's
 * topology declares, or null when its first layer declares none. Throws a one-line MpoError when
 * the topology is not a Sequential model or plain chain.
 */
export function layersInputShape(modelTopology: unknown): (number | null)[] | null {
  return chainOf(modelTopology).input;
}

/** The names of the layers a functional layer's first inbound node reads (Keras 2 and Keras 3 formats). */
function inboundNames(layer: Json): string[] | null {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes)) return null;
  if (nodes.length === 0) return [];
  if (nodes.length > 1) return null;
  const node = nodes[0];
  if (Array.isArray(node)) return node.map((e) => (Array.isArray(e) ? String(e[0]) : '?'));
  if (isObj(node) && Array.isArray(node.args)) {
    const names: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (isObj(v) && isObj(v.config) && Array.isArray(v.config.keras_history)) names.push(String(v.config.keras_history[0]));
    };
    walk(node.args);
    return names;
  }
  return null;
}

/** Throws unless a functional model's layers form a plain chain, each fed by the one before. */
function checkPlainChain(layers: unknown[], config: Json): void {
  layers.forEach((l, i) => {
    if (!isObj(l)) return;
    const name = (isObj(l.config) && l.config.name) ?? l.name;
    const ins = inboundNames(l);
    const prev = i > 0 && isObj(layers[i - 1]) ? (layers[i - 1] as Json).name : undefined;
    const ok = i === 0 ? ins === null || ins.length === 0 : ins !== null && ins.length === 1 && ins[0] === prev;
    if (!ok) {
      throw new MpoError(
        `layer ${i} (${String(l.class_name)} "${String(name)}") is not fed by the layer before it alone: mpo reads models whose layers form a plain chain`,
      );
    }
  });
  const outs = config.output_layers;
  const last = isObj(layers[layers.length - 1]) ? (layers[layers.length - 1] as Json).name : undefined;
  const outNames = Array.isArray(outs) ? (Array.isArray(outs[0]) ? outs.map((o) => (o as unknown[])[0]) : [outs[0]]) : [last];
  if (outNames.length !== 1 || outNames[0] !== last) {
    throw new MpoError(`the model's output is not its last layer "${String(last)}": mpo reads models with one output at the end of a plain chain`);
  }
}

/** The weight of layer `layer` called `w` among `weights` (manifest names `layer/w`, possibly behind a scope prefix). */
function findWeight(weights: Readonly<Record<string, Float32Array>> | undefined, layer: string, w: string): Float32Array | undefined {
  if (!weights) return undefined;
  const exact = weights[`${layer}/${w}`];
  if (exact) return exact;
  const hits = Object.keys(weights).filter((k) => k.endsWith(`/${layer}/${w}`));
  return hits.length === 1 ? weights[hits[0]!] : undefined;
}

/**
 * Builds an mpo functional model from a parsed TF.js Layers model (see the module's notes).
 * `ctx` gives the data it will see: its one-example shape (the file's input shape must equal it,
 * or hold as many values when the file declares a flat input; unknown (null) dimensions are taken
 * from it), its class count (the model's outputs must equal it) and the batch-norm convention.
 * Without `ctx.inputShape` the file's input shape is used ([n] becomes [1, 1, n]).
 * Throws a one-line MpoError for an unsupported layer (naming its index, class and name), an
 * input shape or class count that does not fit the data, or missing moving statistics.
 */
export function createLayersModel(source: LayersSource, ctx: Partial<ModelContext> = {}): LayersModel {
  check(isObj(source) && typeof source.name === 'string' && source.name.length > 0, 'createLayersModel: source must be {name, modelTopology, weights?}');
  const mode = source.batchNorm ?? 'batch';
  check(mode === 'batch' || mode === 'moving', () => `createLayersModel: batchNorm must be "batch" or "moving", got "${String(mode)}"`);
  const bnOffset = (ctx.bnScale ?? 'paper') === 'paper' ? 0.5 : 1;
  const { layers, input } = chainOf(source.modelTopology);
  const file = source.path ?? source.name;
  if (!input) {
    throw new MpoError(`model "${file}": its first layer declares no input shape (batch_input_shape): build the model with an input shape before saving it`);
  }
  const { declared, inputShape } = resolveInputShape(input, ctx.inputShape, file);
  const chain: ChainBuild = { shape: [...declared], ops: [], params: [], fileWeights: [], bnOffset, mode, weights: source.weights };
  for (const spec of layerSpecs(layers, file)) buildLayer(spec, chain);
  const { ops, params, fileWeights, shape } = chain;
  const droppedSoftmax = dropFinalSoftmax(ops);
  if (shape.length !== 1) {
    throw new MpoError(`model "${file}" outputs [${shape}] per example: mpo needs one logit per class ([classes]); end the model with Flatten and Dense`);
  }
  const numClasses = shape[0]!;
  if (ctx.numClasses !== undefined && ctx.numClasses !== numClasses) {
    throw new MpoError(
      `model "${file}" outputs ${numClasses} classes but the data has ${ctx.numClasses}: choose a dataset with ${numClasses} classes or a model with ${ctx.numClasses} outputs`,
    );
  }
  if (!params.some((p) => p.init === 'xavier')) throw new MpoError(`model "${file}" has no Dense or Conv2D layer: there is nothing to sightsee`);
  return {
    name: source.name,
    description: `TF.js Layers model ${file}: ${layers.map((l) => l.class_name).join(' > ')}${droppedSoftmax ? ' (final softmax left to the loss)' : ''}`,
    inputShape,
    numClasses,
    params,
    usesBatchStats: ops.some((o) => o.kind === 'bn' && !o.moving),
    forward: chainForward(ops, declared, inputShape, bnOffset),
    declaredInputShape: declared,
    modelTopology: source.modelTopology,
    fileWeights,
    droppedSoftmax,
    bnOffset,
    batchNorm: mode,
  };
}

/**
 * The file's input shape with its unknown sizes filled from the data's one-example shape `data`
 * (`declared`), checked against it, and the [h, w, c] shape the model takes (`inputShape`: the
 * data's, else the declared one with [h, w] as [h, w, 1] and [n] as [1, 1, n]).
 */
function resolveInputShape(input: (number | null)[], data: ModelContext['inputShape'] | undefined, file: string): {
  declared: Shape;
  inputShape: [number, number, number];
} {
  let declared: Shape;
  if (data) {
    const known = input.filter((d): d is number => d !== null);
    let filled = [...input];
    if (input.length === 3) filled = input.map((d, i) => d ?? data[i]!);
    else if (known.length < input.length) {
      throw new MpoError(
        `model "${file}" declares the input shape [${input.map((d) => d ?? 'null')}] with unknown sizes: mpo fills them only in an [h, w, c] input`,
      );
    }
    declared = filled as number[];
    const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    const trim = (s: readonly number[]) => {
      const t = [...s];
      while (t.length > 1 && t[t.length - 1] === 1) t.pop();
      return t.join('x');
    };
    const fits = size(declared) === size(data) && (declared.length === 1 || trim(declared) === trim(data));
    if (!fits) {
      throw new MpoError(`model "${file}" takes inputs of shape [${input.map((d) => d ?? 'null')}] but the data's images are ${data.join('x')}: `
        + 'choose a dataset of that shape or a model built for these images');
    }
  } else {
    if (input.some((d) => d === null)) {
      throw new MpoError(`model "${file}" declares the input shape [${input.map((d) => d ?? 'null')}] with unknown sizes: give the data's shape`);
    }
    declared = input as number[];
  }
  const inputShape: [number, number, number] = data
    ? [data[0], data[1], data[2]]
    : declared.length === 3
    ? [declared[0]!, declared[1]!, declared[2]!]
    : declared.length === 2
    ? [declared[0]!, declared[1]!, 1]
    : [1, 1, declared.reduce((a, b) => a * b, 1)];
  return { declared, inputShape };
}

/** One layer of the file's chain as its builder sees it: its index, class, name, Keras config and how messages name it. */
interface LayerSpec {
  readonly index: number;
  readonly cls: string;
  readonly name: string;
  readonly config: Json;
  readonly where: string;
}

/** The topology's layers (from {@link chainOf}) as {@link LayerSpec}s, named for messages about the model `file`. */
function layerSpecs(layers: readonly Json[], file: string): LayerSpec[] {
  return layers.map((l, i) => {
    const config = l.config as Json;
    const cls = l.class_name as string;
    const name = String(config.name ?? l.name ?? `layer_${i}`);
    return { index: i, cls, name, config, where: `model "${file}", layer ${i} (${cls} "${name}")` };
  });
}

/** A weight of the file in its order: a parameter by name, or (BatchNormalization's moving statistics) a constant. */
type FileWeight = { name: string; shape: number[]; constant?: Float32Array | null; };

/** The chain built so far: the shape of the next layer's input, the resolved layers, parameters and file weights. */
interface ChainBuild {
  shape: Shape;
  readonly ops: Op[];
  readonly params: ParamSpec[];
  /** Every weight of the file in its order (trainable ones are parameters; BN moving statistics constants), for export. */
  readonly fileWeights: FileWeight[];
  readonly bnOffset: number;
  readonly mode: 'batch' | 'moving';
  readonly weights?: Readonly<Record<string, Float32Array>>;
}

/** Adds the chain's next layer: reads and checks `spec` with its class's builder, or throws naming what mpo reads. */
function buildLayer(spec: LayerSpec, chain: ChainBuild): void {
  if (!Object.hasOwn(LAYER_BUILDERS, spec.cls)) throw new MpoError(`${spec.where} is not supported: mpo reads ${LAYERS_CLASSES.join(', ')}`);
  LAYER_BUILDERS[spec.cls]!(spec, chain);
}

/** A parameter of the model, also a weight of the file. */
function addParam(chain: ChainBuild, spec: ParamSpec): void {
  chain.params.push(spec);
  chain.fileWeights.push({ name: spec.name, shape: [...spec.shape] });
}

/** Throws a one-line MpoError naming the layer `spec` unless `ok`. */
function need(spec: LayerSpec, ok: boolean, what: string): void {
  if (!ok) throw new MpoError(`${spec.where}: ${what}`);
}

/** Throws unless the layer's data_format is channels_last (mpo's images are NHWC). */
function needChannelsLast(spec: LayerSpec): void {
  const f = spec.config.data_format;
  need(spec, f === undefined || f === null || f === 'channels_last', `data_format ${String(f)} is not supported: mpo's images are channels_last (NHWC)`);
}

/** Throws unless the layer's input is an image ([h, w, c]). */
function needSpatial(spec: LayerSpec, shape: Shape): void {
  need(spec, shape.length === 3, `needs an [h, w, c] input, got [${shape}]`);
}

/** The layer's padding (default valid). */
function paddingOf(spec: LayerSpec): 'same' | 'valid' {
  const p = spec.config.padding ?? 'valid';
  need(spec, p === 'same' || p === 'valid', `padding ${JSON.stringify(p)} is not supported: use same or valid`);
  return p as 'same' | 'valid';
}

/** An output size of a window of `k` at stride `s` over `n` values, as Keras computes it. */
const outSize = (n: number, k: number, s: number, pad: 'same' | 'valid') => (pad === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1);

/** Reads one layer of a class into the chain: checks its config against its input shape, adds its parameters and resolved op, sets the next shape. */
type LayerBuilder = (spec: LayerSpec, chain: ChainBuild) => void;

/** Dense: a kernel [in, units] and a bias, on the last axis. */
function buildDense(spec: LayerSpec, chain: ChainBuild): void {
  const c = spec.config;
  const units = c.units;
  need(spec, Number.isInteger(units) && (units as number) >= 1, `units must be a positive whole number, got ${JSON.stringify(units)}`);
  const bias = c.use_bias !== false;
  const fanIn = chain.shape[chain.shape.length - 1]!;
  addParam(chain, { name: `${spec.name}/kernel`, shape: [fanIn, units as number], init: 'xavier', fanIn, fanOut: units as number });
  if (bias) addParam(chain, { name: `${spec.name}/bias`, shape: [units as number], init: 'bias', fanIn, fanOut: units as number });
  chain.ops.push({ kind: 'dense', name: spec.name, units: units as number, bias, act: activationOf(c.activation, spec.where) });
  chain.shape = [...chain.shape.slice(0, -1), units as number];
}

/** Conv2D: a kernel [kh, kw, in, filters] and a bias, any stride, padding same or valid, not dilated or grouped. */
function buildConv2D(spec: LayerSpec, chain: ChainBuild): void {
  const { config: c, where } = spec;
  const shape = chain.shape;
  needSpatial(spec, shape);
  needChannelsLast(spec);
  need(spec, c.groups === undefined || c.groups === 1, `groups ${String(c.groups)} is not supported: use groups 1`);
  const dil = pair(c.dilation_rate ?? 1, 'dilation_rate', where);
  need(spec, dil[0] === 1 && dil[1] === 1, `dilation_rate [${dil}] is not supported: mpo's convolutions are not dilated`);
  const filters = c.filters;
  need(spec, Number.isInteger(filters) && (filters as number) >= 1, `filters must be a positive whole number, got ${JSON.stringify(filters)}`);
  const k = pair(c.kernel_size, 'kernel_size', where);
  const s = pair(c.strides ?? 1, 'strides', where);
  const pad = paddingOf(spec);
  const cin = shape[2]!;
  const f = filters as number;
  const [ho, wo] = [outSize(shape[0]!, k[0], s[0], pad), outSize(shape[1]!, k[1], s[1], pad)];
  need(spec, ho >= 1 && wo >= 1, `a ${k[0]}x${k[1]} kernel does not fit its ${shape[0]}x${shape[1]} input with padding valid`);
  const bias = c.use_bias !== false;
  addParam(chain, { name: `${spec.name}/kernel`, shape: [k[0], k[1], cin, f], init: 'xavier', fanIn: k[0] * k[1] * cin, fanOut: k[0] * k[1] * f });
  if (bias) addParam(chain, { name: `${spec.name}/bias`, shape: [f], init: 'bias', fanIn: k[0] * k[1] * cin, fanOut: k[0] * k[1] * f });
  chain.ops.push({ kind: 'conv', name: spec.name, filters: f, k, s, pad, bias, act: activationOf(c.activation, where) });
  chain.shape = [ho, wo, f];
}

/** A pooling layer's input shape (checked: spatial, channels last), window, strides (default: the window) and padding. */
function poolWindow(spec: LayerSpec, chain: ChainBuild): { shape: Shape; p: [number, number]; s: [number, number]; pad: ReturnType<typeof paddingOf>; } {
  const { config: c, where } = spec;
  needSpatial(spec, chain.shape);
  needChannelsLast(spec);
  const p = pair(c.pool_size ?? 2, 'pool_size', where);
  return { shape: chain.shape, p, s: pair(c.strides ?? p, 'strides', where), pad: paddingOf(spec) };
}

/** MaxPooling2D: mpo's 2x2 max pool at stride 2 only. */
function buildMaxPooling2D(spec: LayerSpec, chain: ChainBuild): void {
  const { shape, p, s, pad } = poolWindow(spec, chain);
  const even = shape[0]! % 2 === 0 && shape[1]! % 2 === 0;
  need(spec, p.every((v) => v === 2) && s.every((v) => v === 2) && (pad === 'valid' || even),
    `pool_size [${p}] strides [${s}] padding ${pad} on a ${shape[0]}x${
      shape[1]
    } input is not supported: mpo's max pool is 2x2 at stride 2 (padding valid, or same on even sizes)`);
  need(spec, shape[0]! >= 2 && shape[1]! >= 2, `its ${shape[0]}x${shape[1]} input is smaller than the 2x2 window`);
  chain.ops.push({ kind: 'maxpool' });
  chain.shape = [Math.floor(shape[0]! / 2), Math.floor(shape[1]! / 2), shape[2]!];
}

/** AveragePooling2D: any window and stride, padding same or valid. */
function buildAveragePooling2D(spec: LayerSpec, chain: ChainBuild): void {
  const { shape, p, s, pad } = poolWindow(spec, chain);
  const [ho, wo] = [outSize(shape[0]!, p[0], s[0], pad), outSize(shape[1]!, p[1], s[1], pad)];
  need(spec, ho >= 1 && wo >= 1, `a ${p[0]}x${p[1]} window does not fit its ${shape[0]}x${shape[1]} input with padding valid`);
  chain.ops.push({ kind: 'avgpool', pool: p, s, pad });
  chain.shape = [ho, wo, shape[2]!];
}

/** GlobalAveragePooling2D: the mean of each channel (without keepdims). */
function buildGlobalAveragePooling2D(spec: LayerSpec, chain: ChainBuild): void {
  needSpatial(spec, chain.shape);
  needChannelsLast(spec);
  need(spec, !spec.config.keepdims, 'keepdims is not supported');
  chain.ops.push({ kind: 'gap' });
  chain.shape = [chain.shape[2]!];
}

/** Reshape: a target shape with at most one -1 (the size left), holding the input's values. */
function buildReshape(spec: LayerSpec, chain: ChainBuild): void {
  const t = spec.config.target_shape;
  const shape = chain.shape;
  need(spec, Array.isArray(t) && t.every((d) => Number.isInteger(d) && (d === -1 || d >= 1)), `target_shape must be a list of sizes, got ${JSON.stringify(t)}`);
  const size = shape.reduce((a, b) => a * b, 1);
  const target = [...(t as number[])];
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const free = target.indexOf(-1);
  if (free >= 0) target[free] = size / known;
  need(spec, target.every((d) => Number.isInteger(d) && d >= 1) && target.reduce((a, b) => a * b, 1) === size,
    `target_shape [${t as number[]}] does not hold the ${size} values of its input [${shape}]`);
  chain.ops.push({ kind: 'reshape', shape: target });
  chain.shape = target;
}

/**
 * BatchNormalization over the last (channel) axis: gamma and beta parameters (as `center` and
 * `scale` say), the moving statistics as file weights, and as constants in `moving` mode.
 */
function buildBatchNormalization(spec: LayerSpec, chain: ChainBuild): void {
  const { config: c, name: lname } = spec;
  const { shape, bnOffset } = chain;
  const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis ?? -1;
  need(spec, axis === -1 || axis === shape.length, `axis ${JSON.stringify(c.axis)} is not supported: mpo normalises the last (channel) axis`);
  need(spec, shape.length === 1 || shape.length === 3, `needs a [features] or [h, w, c] input, got [${shape}]`);
  const ch = shape[shape.length - 1]!;
  const eps = typeof c.epsilon === 'number' && c.epsilon > 0 ? c.epsilon : 1e-3;
  const center = c.center !== false;
  const scale = c.scale !== false;
  if (scale) addParam(chain, { name: `${lname}/gamma`, shape: [ch], init: bnOffset === 0.5 ? 'bn-scale-paper' : 'zeros', fanIn: 1, fanOut: 1 });
  if (center) addParam(chain, { name: `${lname}/beta`, shape: [ch], init: 'zeros', fanIn: 1, fanOut: 1 });
  let moving: { mean: Float32Array; inv: Float32Array; } | undefined;
  if (chain.mode === 'moving') {
    const mean = findWeight(chain.weights, lname, 'moving_mean');
    const variance = findWeight(chain.weights, lname, 'moving_variance');
    need(spec, mean !== undefined && variance !== undefined && mean.length === ch && variance.length === ch,
      `--bn-stats moving needs its moving_mean and moving_variance (${ch} values each) from the weights file beside the model.json`);
    moving = { mean: mean!, inv: Float32Array.from(variance!, (v) => 1 / Math.sqrt(v + eps)) };
  }
  chain.fileWeights.push({ name: `${lname}/moving_mean`, shape: [ch], constant: findWeight(chain.weights, lname, 'moving_mean') ?? null }, {
    name: `${lname}/moving_variance`,
    shape: [ch],
    constant: findWeight(chain.weights, lname, 'moving_variance') ?? null,
  });
  chain.ops.push({ kind: 'bn', name: lname, eps, center, scale, moving });
}

/** A layer that computes nothing in mpo (Dropout: mpo evaluates networks, it does not train them with dropout). */
const buildNothing: LayerBuilder = () => {};

/** The builder of each layer class mpo reads (Keras class names). */
const LAYER_BUILDERS: Readonly<Record<string, LayerBuilder>> = {
  InputLayer: (spec) => need(spec, spec.index === 0, 'an InputLayer must come first'),
  Dropout: buildNothing,
  SpatialDropout2D: buildNothing,
  Dense: buildDense,
  Conv2D: buildConv2D,
  MaxPooling2D: buildMaxPooling2D,
  AveragePooling2D: buildAveragePooling2D,
  GlobalAveragePooling2D: buildGlobalAveragePooling2D,
  Flatten: (_spec, chain) => {
    chain.ops.push({ kind: 'reshape', shape: [chain.shape.reduce((a, b) => a * b, 1)] });
    chain.shape = [chain.shape.reduce((a, b) => a * b, 1)];
  },
  Reshape: buildReshape,
  Activation: (spec, chain) => {
    chain.ops.push({ kind: 'act', act: activationOf(spec.config.activation, spec.where) });
  },
  ReLU: (spec, chain) => {
    const c = spec.config;
    need(spec, !c.max_value && !c.negative_slope && !c.threshold, 'only a plain ReLU (no max_value, negative_slope or threshold) is supported');
    chain.ops.push({ kind: 'act', act: 'relu' });
  },
  Softmax: (spec, chain) => {
    const a = spec.config.axis;
    need(spec, a === undefined || a === -1 || (Array.isArray(a) && a.length === 1 && a[0] === -1), 'softmax over an axis other than the last is not supported');
    chain.ops.push({ kind: 'act', act: 'softmax' });
  },
  BatchNormalization: buildBatchNormalization,
};

/** Leaves a final softmax out of `ops` (it is the loss's business: see the module's note); true when there was one. */
function dropFinalSoftmax(ops: Op[]): boolean {
  for (let j = ops.length - 1; j >= 0; j--) {
    const op = ops[j]!;
    if (op.kind === 'act' && op.act === 'linear') continue;
    if (op.kind === 'act' && op.act === 'softmax') {
      ops.splice(j, 1);
      return true;
    }
    if ((op.kind === 'dense' || op.kind === 'conv') && op.act === 'softmax') {
      ops[j] = { ...op, act: 'linear' };
      return true;
    }
    return false;
  }
  return false;
}

/** The model's forward pass: the data (of `inputShape`) reshaped to the file's `declared` input when they differ, then `ops` in order. */
function chainForward(ops: readonly Op[], declared: Shape, inputShape: readonly number[], bnOffset: number): Model['forward'] {
  const flatInput = declared.join('x') !== inputShape.join('x');
  return function forward(w: ParamSet, x: tf.Tensor4D): tf.Tensor2D {
    const b = x.shape[0];
    let h: tf.Tensor = flatInput ? tf.reshape(x, [b, ...declared]) : x;
    let first = true; // the first weighted layer's input is data: skip its input gradient
    for (const op of ops) {
      h = applyOp(op, h, w, first, bnOffset);
      // After a weighted layer, or a BN layer (its output depends on gamma and beta), later layers need their input gradient.
      if (op.kind === 'dense' || op.kind === 'conv' || op.kind === 'bn') first = false;
    }
    return h as tf.Tensor2D;
  };
}

/** One resolved layer `op` on `h` with the parameters `w`; `first`: `h` is the data (no input gradient needed). */
function applyOp(op: Op, h: tf.Tensor, w: ParamSet, first: boolean, bnOffset: number): tf.Tensor {
  switch (op.kind) {
    case 'dense': {
      const last = h.shape[h.rank - 1]!;
      const h2 = h.rank === 2 ? (h as tf.Tensor2D) : (tf.reshape(h, [-1, last]) as tf.Tensor2D);
      const y = dense(h2, w[`${op.name}/kernel`] as tf.Tensor2D, op.bias ? (w[`${op.name}/bias`] as tf.Tensor1D) : undefined, { inputGrad: !first });
      return activate(h.rank === 2 ? y : tf.reshape(y, [...h.shape.slice(0, -1), op.units]), op.act);
    }
    case 'conv':
      return activate(
        convLayer(h as tf.Tensor4D, w[`${op.name}/kernel`] as tf.Tensor4D, op.bias ? (w[`${op.name}/bias`] as tf.Tensor1D) : undefined, op, !first),
        op.act,
      );
    case 'maxpool':
      return maxPool2x2(h as tf.Tensor4D);
    case 'avgpool':
      return tf.avgPool(h as tf.Tensor4D, op.pool, op.s, op.pad);
    case 'gap':
      return tf.mean(h, [1, 2]);
    case 'reshape':
      return tf.reshape(h, [h.shape[0]!, ...op.shape]);
    case 'act':
      return activate(h, op.act);
    case 'bn':
      return bnLayer(h, op, w, bnOffset);
  }
}

/** A BatchNormalization layer: each batch's statistics, or its moving ones as constants; stored gammas plus `bnOffset`. */
function bnLayer(h: tf.Tensor, op: Extract<Op, { kind: 'bn'; }>, w: ParamSet, bnOffset: number): tf.Tensor {
  const ch = h.shape[h.rank - 1]!;
  const gamma = op.scale ? (tf.add(w[`${op.name}/gamma`]!, bnOffset) as tf.Tensor1D) : tf.ones([ch]) as tf.Tensor1D;
  const beta = op.center ? (w[`${op.name}/beta`] as tf.Tensor1D) : tf.zeros([ch]) as tf.Tensor1D;
  if (!op.moving) return batchNorm(h, gamma, beta, { epsilon: op.eps });
  // Frozen: (x - moving_mean) / sqrt(moving_variance + eps) * gamma + beta, statistics constant.
  const mean = tf.tensor1d(op.moving.mean);
  const inv = tf.tensor1d(op.moving.inv);
  return tf.add(tf.mul(tf.sub(h, mean), tf.mul(inv, gamma)), beta);
}

/** Applies a Keras activation by name. */
function activate(h: tf.Tensor, act: string): tf.Tensor {
  switch (act) {
    case 'relu':
      return tf.relu(h);
    case 'tanh':
      return tf.tanh(h);
    case 'sigmoid':
      return tf.sigmoid(h);
    case 'softmax':
      return tf.softmax(h);
    case 'elu':
      return tf.elu(h);
    case 'gelu':
      // As tfjs-layers: x * 0.5 * (1 + erf(x / sqrt(2))).
      return tf.mul(h, tf.mul(0.5, tf.add(1, tf.erf(tf.div(h, Math.SQRT2)))));
    default:
      return h;
  }
}

/**
 * A Conv2D layer with mpo's stride-1 convolution (whose gradients work on every backend): stride 1
 * directly; a larger stride as TF computes it, by padding as TF's `same` does (or not, for
 * `valid`), convolving at stride 1 and keeping every s-th row and column.
 */
function convLayer(x: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor1D | undefined, op: Extract<Op, { kind: 'conv'; }>, inputGrad: boolean): tf.Tensor4D {
  const [sh, sw] = op.s;
  if (sh === 1 && sw === 1) return conv2d(x, k, b, { pad: op.pad, inputGrad });
  const [n, h, w] = x.shape;
  const [kh, kw] = op.k;
  let input = x;
  if (op.pad === 'same') {
    const total = (size: number, kk: number, s: number) => Math.max((Math.ceil(size / s) - 1) * s + kk - size, 0);
    const th = total(h, kh, sh);
    const tw = total(w, kw, sw);
    input = tf.pad(x, [[0, 0], [Math.floor(th / 2), th - Math.floor(th / 2)], [Math.floor(tw / 2), tw - Math.floor(tw / 2)], [0, 0]]);
  }
  const full = conv2d(input, k, b, { pad: 'valid', inputGrad }); // [N, Hv, Wv, C]
  const [, hv, wv, c] = full.shape;
  const ho = Math.floor((hv - 1) / sh) + 1;
  const wo = Math.floor((wv - 1) / sw) + 1;
  // Every s-th row and column: pad to [ho*sh, wo*sw], view as [N, ho, sh, wo, sw, C], take index 0.
  const padded = tf.pad(full, [[0, 0], [0, ho * sh - hv], [0, wo * sw - wv], [0, 0]]);
  const picked = tf.slice(tf.reshape(padded, [n, ho, sh, wo, sw, c]), [0, 0, 0, 0, 0, 0], [n, ho, 1, wo, 1, c]);
  return tf.reshape(picked, [n, ho, wo, c]) as tf.Tensor4D;
}

/**
 * The mpo parameter values of `model` from a file's weights by manifest name (from
 * {@link decodeLayersWeights}): `<layer>/kernel` etc. as they are, BatchNormalization gammas
 * minus the model's `bnOffset` (mpo's convention). A weight the file lacks, or of another size,
 * throws a one-line MpoError naming it and `source`.
 */
export function layersParamValues(model: LayersModel, weights: Readonly<Record<string, Float32Array>>, source = 'the weights file'): ParamValues {
  check(typeof model === 'object' && model !== null && 'bnOffset' in model, 'layersParamValues: model must be a LayersModel (createLayersModel)');
  check(typeof weights === 'object' && weights !== null, () => `layersParamValues: weights must be an object of Float32Arrays (from ${source})`);
  const out: ParamValues = {};
  for (const spec of model.params) {
    const cut = spec.name.lastIndexOf('/');
    const w = findWeight(weights, spec.name.slice(0, cut), spec.name.slice(cut + 1));
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (!w) throw new MpoError(`${source} has no weight "${spec.name}" (shape [${spec.shape}]) of model ${model.name}: pass the weights saved with that model`);
    if (w.length !== size) {
      throw new MpoError(
        `${source}: weight "${spec.name}" has ${w.length} values but model ${model.name} needs ${size} (shape [${spec.shape}]): pass the weights saved with that model`,
      );
    }
    out[spec.name] = spec.name.endsWith('/gamma') ? Float32Array.from(w, (v) => v - model.bnOffset) : Float32Array.from(w);
  }
  return out;
}

/**
 * One point of a plane of an imported model as a TF.js Layers model again: the file's own
 * topology with the weights `values` (mpo parameter values, e.g. a cell's; BatchNormalization's
 * moving statistics as read from the file). What `mpo export` needs for a `--model` file; the
 * model's outputs are the file's (probabilities when it ends with a softmax). Models whose
 * BatchNormalization uses each batch's statistics (`batchNorm: 'batch'`) cannot be exported (no
 * Keras layer computes that at inference): a one-line MpoError, as for a missing or mis-sized value.
 */
export function exportLayersNetwork(model: LayersModel, values: ParamValues): {
  modelJson: Record<string, unknown>;
  weightSpecs: { name: string; shape: number[]; dtype: 'float32'; }[];
  weights: Uint8Array;
} {
  check(typeof model === 'object' && model !== null && 'fileWeights' in model, 'exportLayersNetwork: model must be a LayersModel (createLayersModel)');
  if (model.usesBatchStats) {
    throw new MpoError(
      `model ${model.name} cannot be exported as a TF.js Layers model: its BatchNormalization uses each batch's statistics; fit it with --bn-stats moving to export`,
    );
  }
  const arrays: Float32Array[] = [];
  const weightSpecs = model.fileWeights.map((fw) => {
    const size = fw.shape.reduce((a, b) => a * b, 1);
    let v: Float32Array | null | undefined = fw.constant;
    if (fw.constant === undefined) {
      const p = values[fw.name];
      check(p instanceof Float32Array && p.length === size, () =>
        `exportLayersNetwork: values lack "${fw.name}" of ${size} values: pass one point of the plane`);
      v = fw.name.endsWith('/gamma') ? Float32Array.from(p, (x) => x + model.bnOffset) : p;
    }
    check(v && v.length === size, () => `exportLayersNetwork: the file's "${fw.name}" was not read: read the model with its weights file`);
    arrays.push(v);
    return { name: fw.name, shape: [...fw.shape], dtype: 'float32' as const };
  });
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const weights = new Uint8Array(total * 4);
  const view = new DataView(weights.buffer);
  let at = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) view.setFloat32(at + 4 * i, a[i]!, true);
    at += 4 * a.length;
  }
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'mpo',
    convertedBy: null,
    modelTopology: model.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }],
  };
  return { modelJson, weightSpecs, weights };
}
