import * as tf from '../tf.js';
import { check } from '../errors.js';
import { createCnn } from './cnn.js';
import type { Frame } from '../plane/manifold.js';
import type { Model, ModelEntry } from './model.js';

/**
 * Reduced versions of the batch-norm study's 6-conv pair (appendix B) for the CPU scale of
 * `mpo study bn`. The full pair (`bn-cnn`, `plain-cnn6`: 28x28 inputs, convs 8/8/32/32/64/64,
 * no pooling) costs about 53 M multiply-adds per image, so one forward and backward pass per
 * cell at batch 128 takes about 3 s on one WASM thread: the 90 runs of the study would take days.
 *
 * The `-small` pair keeps the architecture's shape (six 3x3 convolutions, padding 1, no pooling,
 * channel ratio 1:1:4:4:8:8, batch norm before each ReLU in the BN model, adaptive average pool
 * to 4x4, dense -> ReLU -> dense) and reduces the cost about 60x: the 28x28 input is first
 * average-pooled 4x4 to 7x7 (a fixed, parameter-free step, as if the data were 7x7), and the
 * convolutions have half the channels (4/4/16/16/32/32), the hidden layer 64 units: about
 * 0.8 M multiply-adds per image. Measured on one WASM thread (batch 16, 4 + 4 cells per step):
 * about 0.11 s per training step without BN, 0.22 s with BN.
 * The two models are identical but for batch norm.
 */

/** Channels of the reduced 6-conv pair's convolutions (half of appendix B's 8/8/32/32/64/64). */
export const STUDY_CHANNELS: readonly number[] = [4, 4, 16, 16, 32, 32];
/** Hidden units of the reduced pair's dense layer. */
export const STUDY_HIDDEN = 64;
/** Side of the average-pooling window applied to the input (28x28 -> 7x7). */
export const STUDY_INPUT_POOL = 4;

/** Options of {@link withInputPool}. */
export interface InputPoolOptions {
  /** Registry name of the resulting model. */
  readonly name: string;
  /** One-line description. */
  readonly description: string;
  /** Shape [h, w, c] of the data the result takes (before pooling). */
  readonly inputShape: readonly [number, number, number];
  /** Side of the non-overlapping average-pooling window. */
  readonly factor: number;
}

/**
 * Wraps `inner` (built for inputs `factor` times smaller per side) into a model that takes
 * the full-size data and average-pools it `factor x factor` first (e.g. 28x28 -> 7x7 for 4),
 * in `forward` and, whenever `inner` has it (read at each access: a CNN's depends on the
 * backend), in the many-points fast path `forwardPoints`. The pooling has no weights and acts on
 * data only, so no gradient flows through it. Throws an MpoError when the input sides are not
 * multiples of `factor` or do not match `inner`.
 */
export function withInputPool(inner: Model, opts: InputPoolOptions): Model {
  const [h, w, c] = opts.inputShape;
  const f = opts.factor;
  check(Number.isInteger(f) && f >= 1 && h % f === 0 && w % f === 0,
    `input pool ${f} does not divide the input ${h}x${w}: use a factor that divides both sides (e.g. 2 for 28x28)`);
  check(inner.inputShape[0] === h / f && inner.inputShape[1] === w / f && inner.inputShape[2] === c,
    `model "${inner.name}" takes ${inner.inputShape.join('x')}, expected ${h / f}x${w / f}x${c}: build it for the pooled input`);
  const pool = (x: tf.Tensor4D): tf.Tensor4D => (f === 1 ? x : (tf.avgPool(x, f, f, 'valid') as tf.Tensor4D));
  const pooledPoints = (frame: Frame, coords: readonly (readonly number[])[], x: tf.Tensor4D): tf.Tensor3D => inner.forwardPoints!(frame, coords, pool(x));
  const wrapped: Model = {
    ...inner,
    name: opts.name,
    description: opts.description,
    inputShape: opts.inputShape,
    forward: (weights, x) => inner.forward(weights, pool(x)),
  };
  // Read inner's fast path at each access, not once here: a CNN's `forwardPoints` depends on the
  // backend in use (`points: 'auto'`).
  return Object.defineProperty(wrapped, 'forwardPoints', {
    enumerable: true,
    configurable: true,
    get: () => (inner.forwardPoints ? pooledPoints : undefined),
  });
}

function smallPair(batchNorm: boolean, name: string, description: string): ModelEntry {
  return {
    description,
    create: (ctx) => {
      const [h, w, c] = ctx.inputShape;
      const inner = createCnn({
        inputShape: [h / STUDY_INPUT_POOL, w / STUDY_INPUT_POOL, c],
        numClasses: ctx.numClasses,
        channels: STUDY_CHANNELS,
        pool: false,
        batchNorm,
        bnScale: ctx.bnScale,
        hidden: STUDY_HIDDEN,
        name,
      });
      return withInputPool(inner, { name, description, inputShape: ctx.inputShape, factor: STUDY_INPUT_POOL });
    },
  };
}

/**
 * The study's extra registry entries: `bn-cnn-small` and `plain-cnn6-small` (see the module comment).
 * Meant to be spread into the registry's `MODELS`.
 */
export const STUDY_MODELS: Readonly<Record<string, ModelEntry>> = {
  'bn-cnn-small': smallPair(true, 'bn-cnn-small', 'reduced BN study CNN: input avg-pooled to 7x7, convs 4/4/16/16/32/32 with batch norm, no pooling, dense 64'),
  'plain-cnn6-small': smallPair(false, 'plain-cnn6-small',
    'reduced BN study CNN without batch norm: input avg-pooled to 7x7, convs 4/4/16/16/32/32, no pooling, dense 64'),
};
