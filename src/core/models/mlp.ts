import * as tf from '../tf.js';
import type { Frame } from '../plane/manifold.js';
import type { ParamSet } from '../plane/params.js';
import { denseSpecs, type Model } from './model.js';
import { dense } from '../ops/dense.js';

/** Options of {@link createMlp}. */
export interface MlpOptions {
  /** Input shape [h, w, c] (default FashionMNIST's [28, 28, 1]). */
  inputShape?: readonly [number, number, number];
  /** Hidden units (default 128). */
  hidden?: number;
  /** Classes (default 10). */
  numClasses?: number;
}

/**
 * A one-hidden-layer perceptron (784 -> 128 -> ReLU -> 10 for FashionMNIST), for fast runs.
 * Its fast path shares the first layer across points: the first layer is linear in the
 * weights, so for K points on one batch the pre-activations are
 * `X W_O + s * sum_i c_ki (X D_i)`: d + 1 products instead of K.
 */
export function createMlp(opts: MlpOptions = {}): Model {
  const inputShape = opts.inputShape ?? [28, 28, 1];
  const hidden = opts.hidden ?? 128;
  const classes = opts.numClasses ?? 10;
  const inputs = inputShape[0] * inputShape[1] * inputShape[2];
  const params = [...denseSpecs('fc1', inputs, hidden), ...denseSpecs('fc2', hidden, classes)];

  function forward(w: ParamSet, x: tf.Tensor4D): tf.Tensor2D {
    const flat = tf.reshape(x, [x.shape[0], inputs]) as tf.Tensor2D;
    const h = tf.relu(dense(flat, w['fc1.w'] as tf.Tensor2D, w['fc1.b'] as tf.Tensor1D, { inputGrad: false })) as tf.Tensor2D;
    return dense(h, w['fc2.w'] as tf.Tensor2D, w['fc2.b'] as tf.Tensor1D);
  }

  /**
   * Both layers are linear in their weights, so every product is shared: with the frame's
   * origin and d directions stacked side by side, layer 1 is one product of the batch with
   * [W_O | D_1 | ... | D_d], and layer 2 one product of all points' hidden units with the
   * stacked second-layer weights; each point then combines the d + 1 results with its
   * coefficients (1, s*c_1, ..., s*c_d). Only 2D products: WASM's batched matMul is slow.
   */
  function forwardPoints(frame: Frame, coords: readonly (readonly number[])[], x: tf.Tensor4D): tf.Tensor3D {
    const b = x.shape[0];
    const k = coords.length;
    const d = frame.directions.length;
    const sets = [frame.origin, ...frame.directions];
    const flat = tf.reshape(x, [b, inputs]) as tf.Tensor2D;
    // [K, d + 1] coefficients: 1 for the origin, s * c_i for direction i.
    const coef = tf.concat([tf.ones([k, 1]), tf.mul(tf.tensor2d(coords.map((r) => [...r]), [k, d]), frame.scale)], 1) as tf.Tensor2D;
    // Layer 1: [B, (d+1)*H] in one product, then per point a combination of the d + 1 blocks.
    const w1 = tf.concat(sets.map((p) => p['fc1.w']), 1) as tf.Tensor2D;
    const b1 = tf.concat(sets.map((p) => p['fc1.b']), 0) as tf.Tensor1D;
    const z = dense(flat, w1, b1, { inputGrad: false }); // [B, (d+1)*H]
    const zBlocks = tf.reshape(tf.transpose(tf.reshape(z, [b, d + 1, hidden]), [1, 0, 2]), [d + 1, b * hidden]) as tf.Tensor2D;
    const h = tf.relu(tf.reshape(dense(coef, zBlocks), [k * b, hidden])) as tf.Tensor2D; // [K*B, H]
    // Layer 2: [K*B, (d+1)*C] in one product, combined per point the same way.
    const w2 = tf.concat(sets.map((p) => p['fc2.w']), 1) as tf.Tensor2D;
    const p2 = tf.reshape(dense(h, w2), [k, b, d + 1, classes]);
    const b2 = dense(coef, tf.stack(sets.map((p) => p['fc2.b'])) as tf.Tensor2D); // [K, C]
    const mixed = tf.sum(tf.mul(p2, tf.reshape(coef, [k, 1, d + 1, 1])), 2);
    return tf.add(mixed, tf.reshape(b2, [k, 1, classes])) as tf.Tensor3D;
  }

  return {
    name: 'mlp',
    description: `MLP ${inputs}-${hidden}-${classes} with ReLU (fast; first layer shared across cells)`,
    inputShape,
    numClasses: classes,
    params,
    usesBatchStats: false,
    forward,
    forwardPoints,
  };
}
