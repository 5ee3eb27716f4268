/**
 * Reading TF.js Layers model files (`model.json` and the weight files its manifest names) for
 * `--model path/model.json` and `--init-from path/model.json`. The files become the core's
 * {@link LayersSource}; `src/core/models/layers-model.ts` turns that into an mpo model.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { firstLine, MpoError } from '../core/errors.js';
import { createLayersModel, decodeLayersWeights, type LayersModel, type LayersSource, type LayersWeightSpec,
  layersParamValues } from '../core/models/layers-model.js';
import type { ModelContext } from '../core/models/registry.js';
import type { ParamValues } from '../core/plane/params.js';

/** A model file as read: its parsed JSON, its weights (when its weight files exist) and a hash of its bytes. */
export interface LayersFile {
  /** The path as given. */
  readonly path: string;
  /** `modelTopology` of the model.json. */
  readonly modelTopology: unknown;
  /** Weights by manifest name, or null when the manifest's files are missing (enough for an architecture). */
  readonly weights: Record<string, Float32Array> | null;
  /** Why `weights` is null (the first missing file), for messages. */
  readonly weightsMissing: string | null;
  /** SHA-256 (hex) of the model.json bytes followed by the weight files' bytes. */
  readonly sha256: string;
  /** `userDefinedMetadata` of the model.json (`mpo export` writes `{ mpo: { model, dataset, ... } }`). */
  readonly metadata: Record<string, unknown>;
}

const cache = new Map<string, { mtimes: string; file: LayersFile; }>();

function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MpoError(`${what} "${path}" does not exist: pass the model.json that TF.js model.save() or tensorflowjs_converter wrote`);
    if (code === 'EISDIR') throw new MpoError(`${what} "${path}" is a folder: pass the model.json inside it`);
    throw new MpoError(`cannot read ${what} "${path}" (${firstLine(e)}): check its permissions`);
  }
}

/**
 * Reads a TF.js Layers `model.json` and the weight files its manifest names (relative to its
 * folder, concatenated in manifest order). Missing weight files leave `weights` null (an
 * architecture is enough for `--model`); a file that is not JSON, not a Layers model, or whose
 * weights do not match its manifest throws a one-line MpoError naming the file. Cached by path
 * and modification times.
 */
export function readLayersFile(path: string): LayersFile {
  if (typeof path !== 'string' || path.length === 0) throw new MpoError('a model file path must be a non-empty string ending in .json');
  const abs = resolve(path);
  const stamp = (p: string) => {
    try {
      return String(statSync(p).mtimeMs);
    } catch {
      return 'missing';
    }
  };
  const bytes = readBytes(abs, 'model file');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new MpoError(`model file "${path}" is not JSON (${firstLine(e)}): pass the model.json of a TF.js Layers model`);
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) {
    throw new MpoError(
      `model file "${path}" has no modelTopology: pass a TF.js Layers model.json (format layers-model), not a graph model or a Keras .h5/.keras file (convert it with tensorflowjs_converter --output_format tfjs_layers_model)`,
    );
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new MpoError(
      `model file "${path}" is a TF.js ${
        String(json.format)
      }, not a layers-model: convert the Keras model with tensorflowjs_converter --output_format tfjs_layers_model`,
    );
  }
  const groups = Array.isArray(json.weightsManifest) ? (json.weightsManifest as { paths?: unknown; weights?: unknown; }[]) : [];
  const paths = groups.flatMap((g) => (Array.isArray(g.paths) ? g.paths.map(String) : []));
  const specs = groups.flatMap((g) => (Array.isArray(g.weights) ? (g.weights as LayersWeightSpec[]) : []));
  const files = paths.map((p) => join(dirname(abs), p));
  const mtimes = [abs, ...files].map(stamp).join(',');
  const hit = cache.get(abs);
  if (hit && hit.mtimes === mtimes) return hit.file;
  const hash = createHash('sha256').update(bytes);
  let weights: Record<string, Float32Array> | null = null;
  let weightsMissing: string | null = paths.length === 0 ? `"${path}" has no weightsManifest` : null;
  const parts: Uint8Array[] = [];
  for (const f of files) {
    if (stamp(f) === 'missing') {
      weightsMissing = `its weights file "${f}" does not exist`;
      break;
    }
    const b = readBytes(f, 'weights file');
    hash.update(b);
    parts.push(b);
  }
  if (!weightsMissing) weights = decodeLayersWeights(specs, Buffer.concat(parts), `weights of "${path}"`);
  const meta = json.userDefinedMetadata;
  const file: LayersFile = {
    path,
    modelTopology: json.modelTopology,
    weights,
    weightsMissing,
    sha256: hash.digest('hex'),
    metadata: typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : {},
  };
  cache.set(abs, { mtimes, file });
  return file;
}

/**
 * The core's {@link LayersSource} of a model file for `--model path/model.json`: its topology,
 * its weights when present (the moving statistics of `batchNorm: 'moving'`) and the mpo model name
 * `<path> (sha256 <first 16 hex digits>)`, which checkpoints record, so a run whose file changed
 * is refused on resume and eval. See {@link readLayersFile} for errors.
 */
export function readLayersSource(path: string, batchNorm: 'batch' | 'moving' = 'batch'): LayersSource {
  const f = readLayersFile(path);
  return { name: `${path} (sha256 ${f.sha256.slice(0, 16)})`, path, modelTopology: f.modelTopology, weights: f.weights ?? undefined, batchNorm };
}

/** Options of {@link readLayersNetwork}. */
export interface ReadNetworkOptions {
  /** The data's one-example shape [h, w, c] (default: the file's input shape). */
  readonly inputShape?: readonly [number, number, number];
  /** The data's class count (checked against the model's outputs when given). */
  readonly numClasses?: number;
  /** BatchNormalization: batch statistics (default) or the file's moving statistics. */
  readonly batchNorm?: 'batch' | 'moving';
  /** mpo's batch-norm scale convention for the stored gammas (default `paper`). */
  readonly bnScale?: 'paper' | 'original';
}

/** What {@link readLayersNetwork} returns: an mpo model, its weights from the file and its config fields. */
export interface LayersNetwork {
  /** The mpo functional model (name: path and hash, see {@link readLayersSource}). */
  readonly model: LayersModel;
  /** The file's weights by mpo parameter name (`dense_1/kernel`, ...), ready for `toParamSet(model.params, weights)`. */
  readonly weights: ParamValues;
  /** The config fields of a run on this network: `model` (the path), `inputShape`, `numClasses`, and `dataset` when the file says (mpo export). */
  readonly config: { model: string; inputShape: [number, number, number]; numClasses: number; dataset?: string; };
  /** SHA-256 of the files' bytes. */
  readonly sha256: string;
}

/**
 * Reads a trained TF.js Layers network (`model.json` with its weight files beside it) as an mpo
 * model plus its weights by mpo parameter name: for `--init-from`, and for views of a network
 * (`mpo view random-plane` / `interpolate` on such a file). `opts.inputShape` and `numClasses`
 * (the data's) are checked against the file. Throws a one-line MpoError for a missing or broken
 * file, missing weights, an unsupported layer (naming its index and class), or a shape that does
 * not fit.
 */
export function readLayersNetwork(path: string, opts: ReadNetworkOptions = {}): LayersNetwork {
  const f = readLayersFile(path);
  if (!f.weights) throw new MpoError(`model file "${path}" has no weights to start from: ${f.weightsMissing}; keep the weights.bin that was saved beside it`);
  const source: LayersSource = { name: `${path} (sha256 ${f.sha256.slice(0, 16)})`, path, modelTopology: f.modelTopology, weights: f.weights,
    batchNorm: opts.batchNorm };
  const ctx: Partial<ModelContext> = { inputShape: opts.inputShape, numClasses: opts.numClasses, bnScale: opts.bnScale };
  const model = createLayersModel(source, ctx);
  const weights = layersParamValues(model, f.weights, `the weights of "${path}"`);
  const mpo = f.metadata.mpo as Record<string, unknown> | undefined;
  const dataset = typeof mpo?.dataset === 'string' ? mpo.dataset : undefined;
  return {
    model,
    weights,
    config: { model: path, inputShape: [...model.inputShape], numClasses: model.numClasses, ...(dataset ? { dataset } : {}) },
    sha256: f.sha256,
  };
}

/**
 * The weights of the network in `path` (see {@link readLayersNetwork}) as values of `model`'s
 * parameters, by name and shape: what `--init-from` puts w_O at. For a model read from a file the
 * names are its layers' (`dense_1/kernel`); for a built-in model the file must use mpo's export
 * names (`fc1/kernel` for `fc1.w`, `conv1/bias` for `conv1.b`, as `mpo export` writes them).
 * Throws a one-line MpoError naming the first parameter the file lacks or holds in another size.
 */
export function initWeightsFor(
  model: { readonly name: string; readonly params: readonly { name: string; shape: readonly number[]; }[]; readonly bnOffset?: number; },
  path: string,
): ParamValues {
  const f = readLayersFile(path);
  if (!f.weights) throw new MpoError(`--init-from "${path}" has no weights: ${f.weightsMissing}; keep the weights.bin that was saved beside it`);
  const weights = f.weights;
  const out: ParamValues = {};
  for (const spec of model.params) {
    // A built-in's `fc1.w` / `conv1.b` are exported as `fc1/kernel` / `conv1/bias`.
    const fileName = spec.name.includes('/') ? spec.name : spec.name.replace(/\.w$/, '/kernel').replace(/\.b$/, '/bias');
    let w: Float32Array | undefined = weights[fileName];
    if (!w) {
      const hits = Object.keys(weights).filter((k) => k.endsWith(`/${fileName}`));
      w = hits.length === 1 ? weights[hits[0]!] : undefined;
    }
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (!w) {
      throw new MpoError(`--init-from "${path}" has no weight "${fileName}" for parameter ${spec.name} [${spec.shape}] of model ${model.name}: `
        + 'pass a network of the same architecture (for a model.json, --model and --init-from the same file)');
    }
    if (w.length !== size) {
      throw new MpoError(
        `--init-from "${path}": weight "${fileName}" has ${w.length} values but parameter ${spec.name} of model ${model.name} has ${size} ([${spec.shape}]): pass a network of the same architecture`,
      );
    }
    out[spec.name] = fileName.endsWith('/gamma') && model.bnOffset !== undefined ? Float32Array.from(w, (v) => v - model.bnOffset!) : Float32Array.from(w);
  }
  return out;
}
