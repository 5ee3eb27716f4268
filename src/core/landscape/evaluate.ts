import * as tf from '../tf.js';
import { check } from '../errors.js';
import { gridPoints, type GridSpec } from '../plane/grid.js';
import type { Frame } from '../plane/manifold.js';
import { logitsAtPoints, type Model } from '../models/model.js';

/** Evaluation data: images and integer labels. */
export interface EvalData {
  /** Images [N, h, w, c]. */
  readonly x: tf.Tensor4D;
  /** N labels. */
  readonly labels: Int32Array;
}

/** Options of {@link evaluateLandscape}. */
export interface LandscapeOptions extends GridSpec {
  /**
   * Images per forward pass. For a batch-norm model this is also the batch whose statistics
   * normalise it, so pass the training batch size: the landscape is then the one that was trained.
   */
  readonly batchSize: number;
  /** Points evaluated together in one pass (default 16). */
  readonly pointsPerPass?: number;
  /** Called after each pass with the fraction done, and awaited (lets a UI repaint). */
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** The grid a landscape was evaluated on: height, width, padding and resolution always; depth and dims for other manifolds than the plane. */
export type LandscapeGrid = Required<Pick<GridSpec, 'height' | 'width' | 'padding' | 'resolution'>> & Pick<GridSpec, 'depth' | 'dims'>;

/**
 * Loss and accuracy over a grid of points of the manifold, slice-major then row-major, row 0 at
 * the top (a line: one row; a volume: `slices` stacked grids).
 */
export interface Landscape {
  /** Slices of a volume's grid (absent: 1). */
  readonly slices?: number;
  /** Grid rows and columns (pattern size + padding, times resolution). */
  readonly rows: number;
  readonly cols: number;
  /** Mean cross-entropy at each point. */
  readonly loss: Float32Array;
  /** Accuracy at each point. */
  readonly acc: Float32Array;
  /** The grid that was evaluated. */
  readonly grid: LandscapeGrid;
}

/** Options of {@link evaluatePoints}. */
export interface PointsOptions {
  /** Images per forward pass (for a batch-norm model: the batch whose statistics normalise it). */
  readonly batchSize: number;
  /** Points evaluated together in one pass (default 16). */
  readonly pointsPerPass?: number;
  /** Called after each pass, and awaited (lets a UI repaint). */
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** Mean loss and accuracy at arbitrary points of the plane on all of `data`. */
export async function evaluatePoints(model: Model, frame: Frame, coords: readonly (readonly number[])[], data: EvalData,
  opts: PointsOptions): Promise<{ loss: Float32Array; acc: Float32Array; }> {
  const n = data.labels.length;
  check(n > 0, 'no evaluation images: pass a dataset with at least one image');
  const perPass = Math.max(1, opts.pointsPerPass ?? 16);
  const bs = Math.max(1, Math.min(opts.batchSize, n));
  const lossSum = new Float64Array(coords.length);
  const correct = new Float64Array(coords.length);
  const batches: { x: tf.Tensor4D; y: tf.Tensor1D; size: number; }[] = [];
  for (let s = 0; s < n; s += bs) {
    const size = Math.min(bs, n - s);
    batches.push({
      x: (size === n ? tf.clone(data.x) : tf.slice(data.x, [s, 0, 0, 0], [size, -1, -1, -1])) as tf.Tensor4D,
      y: tf.tensor1d(data.labels.subarray(s, s + size), 'int32'),
      size,
    });
  }
  const total = Math.ceil(coords.length / perPass) * batches.length;
  let done = 0;
  try {
    for (let p = 0; p < coords.length; p += perPass) {
      const part = coords.slice(p, p + perPass);
      for (const b of batches) {
        // One read per pass: the points' summed CE and hits packed in one [2, P] tensor.
        const packed = tf.tidy(() => {
          const logits = logitsAtPoints(model, frame, part, b.x);
          const classes = logits.shape[2];
          const labels = tf.cast(tf.oneHot(b.y, classes), 'float32');
          const ce = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), labels), -1));
          const hit = tf.cast(tf.equal(tf.argMax(logits, -1), tf.expandDims(b.y, 0)), 'float32');
          return tf.stack([tf.sum(ce, -1), tf.sum(hit, -1)]);
        });
        const values = await packed.data();
        packed.dispose();
        const ls = values.subarray(0, part.length);
        const cs = values.subarray(part.length);
        for (let i = 0; i < part.length; i++) {
          lossSum[p + i] += ls[i];
          correct[p + i] += cs[i];
        }
        done += 1;
        if (opts.onProgress) await opts.onProgress(done, total);
      }
    }
  } finally {
    for (const b of batches) {
      b.x.dispose();
      b.y.dispose();
    }
  }
  return { loss: Float32Array.from(lossSum, (v) => v / n), acc: Float32Array.from(correct, (v) => v / n) };
}

/**
 * Something that evaluates points of the plane: {@link evaluatePoints} in this thread, or a
 * pool of workers (Node) that splits the points.
 */
export type PointEvaluator = (coords: readonly (readonly number[])[],
  onProgress?: PointsOptions['onProgress']) => Promise<{ loss: Float32Array; acc: Float32Array; }>;

/**
 * Evaluates loss and accuracy at every point of the grid over the pattern (plus padding,
 * at the given resolution; `dims` and `depth` of the spec for lines and volumes) on all of `data`. Tensor counts are the same before and after.
 * `evaluator` replaces the in-thread evaluation (e.g. by a worker pool).
 */
export async function evaluateLandscape(model: Model, frame: Frame, data: EvalData, opts: LandscapeOptions, evaluator?: PointEvaluator): Promise<Landscape> {
  const grid: LandscapeGrid = {
    height: opts.height,
    width: opts.width,
    padding: opts.padding ?? 0,
    resolution: opts.resolution ?? 1,
    ...(opts.dims !== undefined && opts.dims !== 2 ? { dims: opts.dims } : {}),
    ...((opts.depth ?? 1) > 1 ? { depth: opts.depth } : {}),
  };
  check(Number.isInteger(grid.resolution) && grid.resolution >= 1, `resolution must be a positive integer, got ${grid.resolution}`);
  check(Number.isInteger(grid.padding) && grid.padding >= 0, `padding must be a non-negative integer, got ${grid.padding}`);
  const { slices, rows, cols, coords } = gridPoints(grid);
  check(coords[0].length === frame.directions.length,
    `the grid has ${coords[0].length} coordinates per point but the manifold has ${frame.directions.length} directions: pass dims ${frame.directions.length}`);
  const { loss, acc } = evaluator
    ? await evaluator(coords, opts.onProgress)
    : await evaluatePoints(model, frame, coords, data, opts);
  return { ...(slices > 1 ? { slices } : {}), rows, cols, loss, acc, grid };
}
