import * as tf from '../tf.js';
import { MpoError } from '../errors.js';
import { sampleWithoutReplacement } from '../random.js';
import { frameOf } from '../plane/manifold.js';
import { cellCoordsOf } from '../plane/grid.js';
import { logitsAtPoints, type Model } from '../models/model.js';
import { mpoLossTerms, oneHot, pointCrossEntropy } from './loss.js';
import { adamUpdate, clipGlobalNorm, type AdamUndo } from './adam.js';
import { thetaOf, type PlaneState } from './plane-state.js';
import { applyAugment, drawAugment, type AugmentDraw, type AugmentOptions } from '../data/augment.js';

/** Hyper-parameters of one MPO training step. Every field is part of the run's config. */
export interface StepOptions {
  /** Images per step, shared by all cells of the step (the paper: 512). */
  readonly batchSize: number;
  /** Black cells sampled per step, without replacement (the paper: 50; all when fewer). */
  readonly blackPerStep: number;
  /** White cells sampled per step (the paper: 50). */
  readonly whitePerStep: number;
  /** Adam learning rate (the paper: 3e-4). */
  readonly lr: number;
  /** Global gradient-norm clipping over all of theta (the original code: 100; 0 = off). */
  readonly gradClip: number;
  /** White cells' cross-entropy clip (the paper: 2.5). */
  readonly whiteClip: number;
  /** Cells per gradient computation; smaller uses less memory (default: all cells of the step at once). */
  readonly chunkSize?: number;
  /** Augment each step's images (drawn by {@link sampleStep} with the state's generator; default none). */
  readonly augment?: AugmentOptions;
}

/**
 * The cells a run trains: indices (slice-major, then row-major) of black and white cells of a
 * `depth x height x width` pattern; their coordinates follow the state's manifold dimension
 * (`cellCoordsOf`: a line uses the column, a plane row and column, a volume all three).
 */
export interface TrainCells {
  /** Slices of a 3D pattern (default 1). */
  readonly depth?: number;
  readonly height: number;
  readonly width: number;
  readonly black: readonly number[];
  readonly white: readonly number[];
}

/** Training images and labels, kept on the device for the whole run. */
export interface TrainData {
  /** All training images [N, h, w, c]. */
  readonly x: tf.Tensor4D;
  /** N integer labels. */
  readonly labels: Int32Array;
  readonly numClasses: number;
}

/** What one step measured. */
export interface StepStats {
  /** Step number (1-based: the step just completed). */
  readonly step: number;
  /** The MPO objective of eq. 3 on this step's cells and batch. */
  readonly loss: number;
  /** Mean cross-entropy of the step's black cells. */
  readonly ceBlack: number;
  /** Mean (unclipped) cross-entropy of the step's white cells. */
  readonly ceWhite: number;
  /** Gradient norm before clipping. */
  readonly gradNorm: number;
  /** The scale s after the step. */
  readonly scale: number;
}

/**
 * The per-step gradient work: sums over chunks of points, so a backend with little memory
 * (or a pool of workers) can split it. Returns the summed gradients, the loss and the per-point
 * CE as tensors on the device: nothing is read back, so a GPU step runs without waiting.
 */
export function mpoGradients(model: Model, state: PlaneState, x: tf.Tensor4D, labels: tf.Tensor2D,
  points: readonly { coords: readonly number[]; white: boolean; }[], nBlack: number, nWhite: number,
  opts: Pick<StepOptions, 'whiteClip' | 'chunkSize'>): StepGradients {
  const chunk = Math.max(1, opts.chunkSize ?? points.length);
  const varList = Object.values(state.vars);
  const keys = Object.keys(state.vars);
  let grads: Record<string, tf.Tensor> | null = null;
  let loss: tf.Scalar | null = null;
  let ce: tf.Tensor1D | null = null;
  for (let start = 0; start < points.length; start += chunk) {
    const part = points.slice(start, start + chunk);
    let ceChunk: tf.Tensor1D | null = null;
    const { value, grads: g } = tf.variableGrads(() => {
      const frame = frameOf(thetaOf(model, state));
      const logits = logitsAtPoints(model, frame, part.map((p) => p.coords), x);
      const c = pointCrossEntropy(logits, labels);
      ceChunk = tf.keep(c.clone());
      return mpoLossTerms(c, part.map((p) => p.white), nBlack, nWhite, { whiteClip: opts.whiteClip });
    }, varList);
    loss = accumulate(loss, value);
    ce = ce ? concatDisposing(ce, ceChunk!) : ceChunk!;
    const named: Record<string, tf.Tensor> = {};
    // A variable the loss does not use (the scale s of a 0-dimensional manifold) gets a zero gradient.
    keys.forEach((k, i) => {
      named[k] = g[varList[i].name] ?? tf.zerosLike(varList[i]);
    });
    if (!grads) grads = named;
    else for (const k of keys) grads[k] = accumulate(grads[k], named[k]);
  }
  return { grads: grads!, loss: loss ?? tf.scalar(0), ce: ce ?? tf.tensor1d([]) };
}

/** `a + b`, disposing both (a null `a` is taken as zero). */
function accumulate<T extends tf.Tensor>(a: T | null, b: T): T {
  if (!a) return b;
  const sum = tf.add(a, b) as T;
  a.dispose();
  b.dispose();
  return sum;
}

/** `concat([a, b])`, disposing both. */
function concatDisposing(a: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor1D {
  const out = tf.concat([a, b]);
  a.dispose();
  b.dispose();
  return out;
}

/** What a step samples: the batch and the cells, with their plane coordinates. */
export interface StepSample {
  /** Indices of the step's training images. */
  readonly batchIdx: number[];
  /** The step's cells as points of the plane, black first. */
  readonly points: { coords: number[]; white: boolean; }[];
  readonly nBlack: number;
  readonly nWhite: number;
  /** The step's image augmentation, when the step options ask for it: applied wherever the gradients are computed. */
  readonly augment?: { readonly draw: AugmentDraw; readonly options: AugmentOptions; };
}

/** Draws a step's batch and cells with the state's generator (the same draws on every engine). */
export function sampleStep(state: PlaneState, n: number, cells: TrainCells, opts: StepOptions): StepSample {
  const batchIdx = sampleWithoutReplacement(state.rng, n, Math.min(opts.batchSize, n));
  const black = sampleWithoutReplacement(state.rng, cells.black.length, opts.blackPerStep).map((i) => cells.black[i]);
  const white = sampleWithoutReplacement(state.rng, cells.white.length, opts.whitePerStep).map((i) => cells.white[i]);
  const shape = { dims: state.dims, depth: cells.depth ?? 1, height: cells.height, width: cells.width };
  const points = [...black.map((c) => ({ c, white: false })), ...white.map((c) => ({ c, white: true }))].map(({ c, white: w }) => ({
    coords: cellCoordsOf(c, shape),
    white: w,
  }));
  // Drawn after the batch and the cells, so runs without augmentation draw what they always drew.
  const augment = opts.augment ? { draw: drawAugment(state.rng, batchIdx.length, opts.augment), options: opts.augment } : undefined;
  return { batchIdx, points, nBlack: black.length, nWhite: white.length, ...(augment ? { augment } : {}) };
}

/**
 * The gradient work of one step, on the device: summed gradients (keys of `state.vars`), the
 * objective of eq. 3 and the per-point CE [K] (black points first, as in the sample). The
 * consumer ({@link applyStep}) disposes them.
 */
export interface StepGradients {
  readonly grads: Record<string, tf.Tensor>;
  readonly loss: tf.Scalar;
  readonly ce: tf.Tensor1D;
}

/** Computes a step's gradients in this thread (the path browsers use). */
export function localGradients(model: Model, state: PlaneState, data: TrainData, sample: StepSample,
  opts: Pick<StepOptions, 'whiteClip' | 'chunkSize'>): StepGradients {
  const x = tf.tidy(() => {
    const batch = tf.gather(data.x, tf.tensor1d(sample.batchIdx, 'int32')) as tf.Tensor4D;
    return sample.augment ? applyAugment(batch, sample.augment.draw, sample.augment.options) : batch;
  });
  const labels = oneHot(sample.batchIdx.map((i) => data.labels[i]), data.numClasses);
  try {
    return mpoGradients(model, state, x, labels, sample.points, sample.nBlack, sample.nWhite, opts);
  } finally {
    x.dispose();
    labels.dispose();
  }
}

/**
 * Finishes a step from its gradients: clips them, applies Adam and disposes the gradients, all
 * on the device, then reads what the step reports in ONE read (loss, gradient norm, black and
 * white CE and the scale packed into one tensor). A non-finite loss or gradient is undone
 * (theta, Adam's moments and step count put back, see {@link AdamUndo}) and throws an MpoError.
 */
export async function applyStep(state: PlaneState, sample: StepSample, g: StepGradients, opts: StepOptions): Promise<StepStats> {
  const { grads, loss, ce } = g;
  let report: tf.Tensor1D;
  let undo: AdamUndo;
  try {
    const norm = clipGlobalNorm(grads, opts.gradClip);
    try {
      undo = adamUpdate(state.vars, grads, state.adam, { lr: opts.lr });
      report = tf.tidy(() => {
        const white = tf.tensor1d(sample.points.map((p) => (p.white ? 1 : 0)));
        const ceBlack = tf.div(tf.sum(tf.mul(ce, tf.sub(1, white))), Math.max(sample.nBlack, 1));
        const ceWhite = tf.div(tf.sum(tf.mul(ce, white)), Math.max(sample.nWhite, 1));
        return tf.stack([loss, norm, ceBlack, ceWhite, tf.reshape(state.vars.scale, [])]) as tf.Tensor1D;
      });
    } finally {
      norm.dispose();
    }
  } finally {
    for (const t of [...Object.values(grads), loss, ce]) t.dispose();
  }
  const values = await report.data();
  report.dispose();
  const [lossValue, gradNorm, ceBlack, ceWhite, scale] = Array.from(values);
  if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
    undo.restore();
    throw new MpoError(`training diverged at step ${state.step + 1} (loss ${lossValue}, gradient norm ${gradNorm}): ` +
      `lower --lr (now ${opts.lr}) or --grad-clip, then resume from the last checkpoint with --resume`);
  }
  undo.release();
  state.step += 1;
  return { step: state.step, loss: lossValue, ceBlack, ceWhite, gradNorm, scale };
}

/**
 * One MPO training step in this thread: samples a batch and the step's black and white cells
 * with the state's generator, computes the gradient of eq. 3, clips it and applies Adam.
 * Throws an MpoError (and leaves theta unchanged) when the loss or gradient is not finite.
 */
export async function trainStep(model: Model, state: PlaneState, data: TrainData, cells: TrainCells, opts: StepOptions): Promise<StepStats> {
  const sample = sampleStep(state, data.labels.length, cells, opts);
  return applyStep(state, sample, localGradients(model, state, data, sample, opts), opts);
}
