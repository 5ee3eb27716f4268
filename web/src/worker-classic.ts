/**
 * The classic views of the app's worker, through the core's `src/core/landscape/classic.ts` (the
 * code behind `mpo view`): Li et al.'s filter-normalised random plane around a network, and the
 * straight line between two networks.
 */
import { createRng } from '../../src/core/random.js';
import { difference, disposeFrame, filterNormalizedDirection, frameFromValues } from '../../src/core/landscape/classic.js';
import { evaluatePoints, type EvalData } from '../../src/core/landscape/evaluate.js';
import type { Model } from '../../src/core/models/model.js';
import type { Frame } from '../../src/core/plane/manifold.js';
import type { ParamValues } from '../../src/core/plane/params.js';

/** Options shared by the views: `pause` is awaited now and then so that the worker can read its messages. */
interface ViewOptions {
  readonly points: number;
  readonly pause?: () => Promise<void>;
}

/** Loss and accuracy at the points of a frame, yielding every 40 ms. */
async function evaluate(model: Model, frame: Frame, coords: number[][], data: EvalData, pause?: () => Promise<void>) {
  let last = performance.now();
  return evaluatePoints(model, frame, coords, data, {
    batchSize: data.labels.length,
    pointsPerPass: model.forwardPoints ? 32 : 2,
    onProgress: async () => {
      if (pause && performance.now() - last > 40) {
        await pause();
        last = performance.now();
      }
    },
  });
}

/** What a view measured. */
export interface ViewResult {
  loss: Float32Array;
  acc: Float32Array;
  images: number;
  seconds: number;
}

/**
 * Li et al. (2018): the loss of `w + a * delta + b * eta` on a `points x points` grid, a and b in
 * [-1, 1], delta and eta filter-normalised Gaussian directions drawn with `seed` (biases not
 * moved), as `mpo view random-plane`. Rows: b from +1 (top) to -1; columns: a from -1 to +1.
 */
export async function randomPlaneView(model: Model, w: ParamValues, data: EvalData,
  opts: ViewOptions & { readonly seed: number; }): Promise<ViewResult & { points: number; seed: number; }> {
  const t0 = performance.now();
  const n = Math.max(1, Math.round(opts.points));
  const rng = createRng(opts.seed);
  const d1 = filterNormalizedDirection(model.params, w, rng);
  const d2 = filterNormalizedDirection(model.params, w, rng);
  const at = (i: number) => (n === 1 ? 0 : -1 + (2 * i) / (n - 1));
  const coords: number[][] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) coords.push([at(c), -at(r)]);
  const frame = frameFromValues(model.params, w, [d1, d2]);
  try {
    const { loss, acc } = await evaluate(model, frame, coords, data, opts.pause);
    return { loss, acc, points: n, seed: opts.seed, images: data.labels.length, seconds: (performance.now() - t0) / 1000 };
  } finally {
    disposeFrame(frame);
  }
}

/** `points` values of t from -0.5 to 1.5 (0 and 1 among them when `points` is 4k + 1). */
export function interpolationTs(points: number): number[] {
  const n = Math.max(2, Math.round(points));
  return Array.from({ length: n }, (_, i) => Number((-0.5 + (2 * i) / (n - 1)).toFixed(6)));
}

/** The loss of `(1 - t) a + t b` for t in [-0.5, 1.5] ({@link interpolationTs}), as `mpo view interpolate`. */
export async function interpolationView(model: Model, a: ParamValues, b: ParamValues, data: EvalData,
  opts: ViewOptions): Promise<ViewResult & { t: number[]; }> {
  const t0 = performance.now();
  const t = interpolationTs(opts.points);
  const frame = frameFromValues(model.params, a, [difference(a, b)]);
  try {
    const { loss, acc } = await evaluate(model, frame, t.map((v) => [v]), data, opts.pause);
    return { t, loss, acc, images: data.labels.length, seconds: (performance.now() - t0) / 1000 };
  } finally {
    disposeFrame(frame);
  }
}
