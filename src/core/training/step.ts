import * as tf from '../tf.js';
import { MpoError } from '../errors.js';
import { sampleWithoutReplacement } from '../random.js';
import { frameOf } from '../plane/manifold.js';
import { cellCoordsOf } from '../plane/grid.js';
import { logitsAtPoints, type Model } from '../models/model.js';
import { mpoLossTerms, oneHot, pointCrossEntropy } from './loss.js';
import { adamUpdate, clipGlobalNorm } from './adam.js';
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
 * (or a pool of workers) can split it. Returns the summed gradients and the per-point CE.
 */
export function mpoGradients(model: Model, state: PlaneState, x: tf.Tensor4D, labels: tf.Tensor2D,
  points: readonly { coords: readonly number[]; white: boolean; }[], nBlack: number, nWhite: number,
  opts: Pick<StepOptions, 'whiteClip' | 'chunkSize'>): { grads: Record<string, tf.Tensor>; loss: number; ce: Float32Array; } {
  const chunk = Math.max(1, opts.chunkSize ?? points.length);
  const varList = Object.values(state.vars);
  const keys = Object.keys(state.vars);
  let grads: Record<string, tf.Tensor> | null = null;
  let loss = 0;
  const ce = new Float32Array(points.length);
  for (let start = 0; start < points.length; start += chunk) {
    const part = points.slice(start, start + chunk);
    let ceChunk: tf.Tensor | null = null;
    const { value, grads: g } = tf.variableGrads(() => {
      const frame = frameOf(thetaOf(model, state));
      const logits = logitsAtPoints(model, frame, part.map((p) => p.coords), x);
      const c = pointCrossEntropy(logits, labels);
      ceChunk = tf.keep(c.clone());
      return mpoLossTerms(c, part.map((p) => p.white), nBlack, nWhite, { whiteClip: opts.whiteClip });
    }, varList);
    loss += value.dataSync()[0];
    value.dispose();
    ce.set((ceChunk as unknown as tf.Tensor).dataSync() as Float32Array, start);
    (ceChunk as unknown as tf.Tensor).dispose();
    const named: Record<string, tf.Tensor> = {};
    // A variable the loss does not use (the scale s of a 0-dimensional manifold) gets a zero gradient.
    keys.forEach((k, i) => {
      named[k] = g[varList[i].name] ?? tf.zerosLike(varList[i]);
    });
    if (!grads) grads = named;
    else {
      for (const k of keys) {
        const sum = tf.add(grads[k], named[k]);
        grads[k].dispose();
        named[k].dispose();
        grads[k] = sum;
      }
    }
  }
  return { grads: grads!, loss, ce };
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

/** The gradient work of one step: summed gradients (keys of `state.vars`), the loss and the per-point CE. */
export interface StepGradients {
  readonly grads: Record<string, tf.Tensor>;
  readonly loss: number;
  readonly ce: Float32Array;
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
 * Finishes a step from its gradients: clips them, checks for NaN (an MpoError, theta left
 * unchanged), applies Adam and disposes the gradients.
 */
export function applyStep(state: PlaneState, sample: StepSample, g: StepGradients, opts: StepOptions): StepStats {
  const { grads, loss, ce } = g;
  try {
    const gradNorm = clipGlobalNorm(grads, opts.gradClip);
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      throw new MpoError(`training diverged at step ${state.step + 1} (loss ${loss}, gradient norm ${gradNorm}): ` +
        `lower --lr (now ${opts.lr}) or --grad-clip, then resume from the last checkpoint with --resume`);
    }
    adamUpdate(state.vars, grads, state.adam, { lr: opts.lr });
    state.step += 1;
    let sb = 0, sw = 0;
    sample.points.forEach((p, i) => {
      if (p.white) sw += ce[i];
      else sb += ce[i];
    });
    return {
      step: state.step,
      loss,
      ceBlack: sb / Math.max(sample.nBlack, 1),
      ceWhite: sw / Math.max(sample.nWhite, 1),
      gradNorm,
      scale: state.vars.scale.dataSync()[0],
    };
  } finally {
    for (const t of Object.values(grads)) t.dispose();
  }
}

/**
 * One MPO training step in this thread: samples a batch and the step's black and white cells
 * with the state's generator, computes the gradient of eq. 3, clips it and applies Adam.
 * Throws an MpoError (and leaves theta unchanged) when the loss or gradient is not finite.
 */
export function trainStep(model: Model, state: PlaneState, data: TrainData, cells: TrainCells, opts: StepOptions): StepStats {
  const sample = sampleStep(state, data.labels.length, cells, opts);
  return applyStep(state, sample, localGradients(model, state, data, sample, opts), opts);
}
