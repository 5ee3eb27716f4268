/**
 * The classic views of the app's worker: thin callers of the core's
 * `src/core/landscape/classic-views.ts` (the code behind `mpo view`), Li et al.'s filter-normalised
 * random plane around a network and the straight line between two networks, on the app's test
 * images, yielding to the worker's messages every 40 ms.
 */
import { interpolationView as coreInterpolation, randomPlaneView as coreRandomPlane, type ViewEvalOptions } from '../../src/core/landscape/classic-views.js';
import type { EvalData } from '../../src/core/landscape/evaluate.js';
import type { Model } from '../../src/core/models/model.js';
import type { ParamValues } from '../../src/core/plane/params.js';

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
