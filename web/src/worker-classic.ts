import { createLayersModel, decodeLayersWeights, type EvalData, interpolationView as coreInterpolation, type LayersModel, layersParamValues,
  type LayersWeightSpec, type Model, MpoError, type ParamValues, randomPlaneView as coreRandomPlane, type ViewEvalOptions } from '../../src/core/index.js';

/** Options shared by the views: `pause` is awaited now and then so that the worker can read its messages. */
interface ViewOptions {
  readonly points: number;
  readonly pause?: () => Promise<void>;
}

/** The app's evaluation: all its test images in one pass (the batch its landscapes use), yielding every 40 ms. */
function evalOptions(model: Model, data: EvalData, pause?: () => Promise<void>): ViewEvalOptions {
  let last = performance.now();
  return {
    batchSize: data.labels.length,
    pointsPerPass: model.forwardPoints ? 32 : 2,
    onProgress: async () => {
      if (pause && performance.now() - last > 40) {
        await pause();
        last = performance.now();
      }
    },
  };
}

/** What a view measured. */
export interface ViewResult {
  loss: Float32Array;
  acc: Float32Array;
  images: number;
  seconds: number;
}

/**
 * Li et al. (2018) on the app's test images, as `mpo view random-plane` (the core's
 * `randomPlaneView`): rows b from +1 (top) to -1, columns a from -1 to +1.
 */
export async function randomPlaneView(model: Model, w: ParamValues, data: EvalData,
  opts: ViewOptions & { readonly seed: number; }): Promise<ViewResult & { points: number; seed: number; }> {
  const t0 = performance.now();
  const points = Math.max(1, Math.round(opts.points));
  const v = await coreRandomPlane(model, w, { test: data }, { points, seed: opts.seed, ...evalOptions(model, data, opts.pause) });
  return { ...v.values.test, points, seed: opts.seed, images: data.labels.length, seconds: (performance.now() - t0) / 1000 };
}

/** The loss of `(1 - t) a + t b` for t in [-0.5, 1.5] on the app's test images, as `mpo view interpolate` (the core's `interpolationView`). */
export async function interpolationView(model: Model, a: ParamValues, b: ParamValues, data: EvalData,
  opts: ViewOptions): Promise<ViewResult & { t: number[]; }> {
  const t0 = performance.now();
  const v = await coreInterpolation(model, a, b, { test: data }, { points: Math.max(2, Math.round(opts.points)), ...evalOptions(model, data, opts.pause) });
  return { t: v.t, ...v.values.test, images: data.labels.length, seconds: (performance.now() - t0) / 1000 };
}

/** A file the page read (its name and bytes). */
export interface OpenedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A TF.js Layers network opened in the app: an mpo model of the file and its weights. */
export interface OpenedNetwork {
  readonly model: LayersModel;
  readonly weights: ParamValues;
  /** The model.json's name, for the page. */
  readonly name: string;
  /** Its layers, e.g. `TF.js Layers model model.json: Flatten > Dense > Dense`. */
  readonly description: string;
}

/**
 * Opens a TF.js Layers network from the files a person chose (`model.json` and the weight files
 * its manifest names, e.g. `weights.bin` of `mpo export`) with the core's Layers import, for the
 * app's data (`inputShape`, `numClasses`, checked against the file). Throws a one-line MpoError
 * naming what is missing or wrong (no model.json, a weight file not chosen, an unsupported layer).
 */
export function openLayersNetwork(files: readonly OpenedFile[],
  data: { readonly inputShape: readonly [number, number, number]; readonly numClasses: number; }): OpenedNetwork {
  const jsonFiles = files.filter((f) => /\.json$/i.test(f.name));
  if (jsonFiles.length !== 1) {
    throw new MpoError(`choose one model.json and its weight files (e.g. weights.bin of mpo export), got ${jsonFiles.length} .json files`);
  }
  const file = jsonFiles[0];
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(file.bytes)) as Record<string, unknown>;
  } catch {
    throw new MpoError(`"${file.name}" is not JSON: choose the model.json of a TF.js Layers model`);
  }
  if (!json || typeof json !== 'object' || !('modelTopology' in json)) {
    throw new MpoError(`"${file.name}" has no modelTopology: choose a TF.js Layers model.json (format layers-model)`);
  }
  const groups = Array.isArray(json.weightsManifest) ? (json.weightsManifest as { paths?: unknown; weights?: unknown; }[]) : [];
  const paths = groups.flatMap((g) => (Array.isArray(g.paths) ? g.paths.map(String) : []));
  const specs = groups.flatMap((g) => (Array.isArray(g.weights) ? (g.weights as LayersWeightSpec[]) : []));
  if (paths.length === 0) throw new MpoError(`"${file.name}" has no weightsManifest: choose a model.json saved with its weights`);
  const parts = paths.map((p) => {
    const base = p.split('/').pop()!;
    const hit = files.find((f) => f.name === base);
    if (!hit) throw new MpoError(`"${file.name}" keeps its weights in "${base}": choose it together with the model.json`);
    return hit.bytes;
  });
  const bytes = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of parts) {
    bytes.set(b, at);
    at += b.length;
  }
  const weights = decodeLayersWeights(specs, bytes, `the weights of "${file.name}"`);
  const model = createLayersModel({ name: file.name, path: file.name, modelTopology: json.modelTopology, weights }, data);
  return { model, weights: layersParamValues(model, weights, `the weights of "${file.name}"`), name: file.name, description: model.description };
}
