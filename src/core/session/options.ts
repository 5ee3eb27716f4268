/**
 * What a run's config means for one training step and for one landscape pass: derived here once,
 * for `mpo fit`, `mpo train`, the bench and the browser app alike.
 */
import type { FitConfig } from '../config.js';
import { cifarAugment } from '../data/augment.js';
import type { Model } from '../models/model.js';
import type { StepOptions } from '../training/step.js';

/** The settings a step reads (a {@link FitConfig} has them all). */
export type StepConfig = Pick<FitConfig, 'batchSize' | 'cellsPerStep' | 'lr' | 'gradClip' | 'whiteClip' | 'chunkSize' | 'augment' | 'augmentErase'>;

/**
 * Cells per gradient computation when neither the config nor the device says: points stacked in
 * one pass (`forwardPoints`) go 1,000 at a time; a per-cell model holds a chunk's activations for
 * the backward pass, so about 512 images' worth (64 for batch norm and deep models) keeps a
 * wasm heap, which never shrinks, small at no cost in speed.
 */
export function defaultChunkSize(model: Model, batchSize: number): number {
  if (model.forwardPoints) return 1000;
  if (model.usesBatchStats || model.params.length > 12) return Math.max(1, Math.floor(64 / batchSize));
  return Math.max(1, Math.floor(512 / batchSize));
}

/**
 * The step options of a config: `batchSize` images and `cellsPerStep` black and white cells per
 * step, Adam's base rate `lr`, the gradient and white-cell clips, `--augment` with its erase
 * setting, and cells per gradient computation (`config.chunkSize`, else `chunkSize`, the host's
 * choice for its device, else all cells at once).
 */
export function stepOptionsOf(config: StepConfig, chunkSize?: number): StepOptions {
  return {
    batchSize: config.batchSize,
    blackPerStep: config.cellsPerStep,
    whitePerStep: config.cellsPerStep,
    lr: config.lr,
    gradClip: config.gradClip,
    whiteClip: config.whiteClip,
    chunkSize: config.chunkSize ?? chunkSize,
    ...(config.augment ? { augment: cifarAugment(config.augmentErase) } : {}),
  };
}

/** Images and points of one landscape pass. */
export interface EvalPass {
  /** Images per forward pass (a batch-norm model normalises with this batch: the training batch). */
  readonly batchSize: number;
  /** Points evaluated together. */
  readonly pointsPerPass: number;
}

/**
 * How a landscape of `model` is evaluated: a batch-norm model on batches of the training size
 * (the landscape that was trained), others 1,000 images a pass; 64 points a pass when the model
 * stacks points, else one.
 */
export function evalPassOf(model: Model, batchSize: number): EvalPass {
  return { batchSize: model.usesBatchStats ? batchSize : 1000, pointsPerPass: model.forwardPoints ? 64 : 1 };
}
