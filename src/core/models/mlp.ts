import * as tf from '../tf.js';
import type { Frame } from '../plane/manifold.js';
import type { ParamSet } from '../plane/params.js';
import { denseSpecs, type Model } from './model.js';
import { dense } from '../ops/dense.js';
import { MpoError } from '../errors.js';

/** Options of {@link createMlp}. */
export interface MlpOptions {
  /** Input shape [h, w, c] (default FashionMNIST's [28, 28, 1]). */
  inputShape?: readonly [number, number, number];
  /** Hidden units: one number for one hidden layer, a list for several (default 128). */
  hidden?: number | readonly number[];
  /** Classes (default 10). */
  numClasses?: number;
  /** Registry name (default `mlp`). */
  name?: string;
}

/**
 * A perceptron with ReLU between its dense layers (784 -> 128 -> ReLU -> 10 for FashionMNIST by
 * default, `fc1`, `fc2`, ...), for fast runs. Its fast path shares every product across points:
 * a dense layer is linear in its weights, so for K points on one batch layer l's pre-activations
 * are `H W_O + s * sum_i c_ki (H D_i)`: one product with the d + 1 stacked weights instead of K.
 */
export function createMlp(opts: MlpOptions = {}): Model {
  const inputShape = opts.inputShape ?? [28, 28, 1];
  const hidden = typeof opts.hidden === 'number' || opts.hidden === undefined ? [opts.hidden ?? 128] : [...opts.hidden];
  if (hidden.length === 0 || !hidden.every((n) => Number.isInteger(n) && n > 0)) {
    throw new MpoError(`MLP hidden is [${hidden.join(', ')}]: give one or more whole numbers of units, e.g. [128]`);
  }
  const classes = opts.numClasses ?? 10;
  const inputs = inputShape[0] * inputShape[1] * inputShape[2];
  const widths = [inputs, ...hidden, classes];
  const layers = widths.slice(1).map((fanOut, i) => ({ name: `fc${i + 1}`, fanIn: widths[i]!, fanOut }));
  const params = layers.flatMap((l) => denseSpecs(l.name, l.fanIn, l.fanOut));

  function forward(w: ParamSet, x: tf.Tensor4D): tf.Tensor2D {
    let h = tf.reshape(x, [x.shape[0], inputs]) as tf.Tensor2D;
    layers.forEach((l, i) => {
      const z = dense(h, w[`${l.name}.w`] as tf.Tensor2D, w[`${l.name}.b`] as tf.Tensor1D, i === 0 ? { inputGrad: false } : {});
      h = i < layers.length - 1 ? (tf.relu(z) as tf.Tensor2D) : z;
    });
    return h;
  }

  /**
   * Every layer is linear in its weights, so every product is shared: with the frame's origin
   * and d directions stacked side by side, layer 1 is one product of the batch with
   * [W_O | D_1 | ... | D_d] and each later layer one product of all points' hidden units with
   * its stacked weights; each point then combines the d + 1 results with its coefficients
   * (1, s*c_1, ..., s*c_d). Only 2D products: WASM's batched matMul is slow.
   */
  function forwardPoints(frame: Frame, coords: readonly (readonly number[])[], x: tf.Tensor4D): tf.Tensor3D {
    const b = x.shape[0];
    const k = coords.length;
    const d = frame.directions.length;
    const sets = [frame.origin, ...frame.directions];
    const flat = tf.reshape(x, [b, inputs]) as tf.Tensor2D;
    // [K, d + 1] coefficients: 1 for the origin, s * c_i for direction i.
    const coef = tf.concat([tf.ones([k, 1]), tf.mul(tf.tensor2d(coords.map((r) => [...r]), [k, d]), frame.scale)], 1) as tf.Tensor2D;
    // Layer 1: [B, (d+1)*H] in one product (the batch is shared), then per point a combination of the d + 1 blocks.
    const first = layers[0]!;
    const w1 = tf.concat(sets.map((p) => p[`${first.name}.w`]), 1) as tf.Tensor2D;
    const b1 = tf.concat(sets.map((p) => p[`${first.name}.b`]), 0) as tf.Tensor1D;
    const z = dense(flat, w1, b1, { inputGrad: false }); // [B, (d+1)*H]
    const zBlocks = tf.reshape(tf.transpose(tf.reshape(z, [b, d + 1, first.fanOut]), [1, 0, 2]), [d + 1, b * first.fanOut]) as tf.Tensor2D;
    let out = tf.reshape(dense(coef, zBlocks), [k, b, first.fanOut]) as tf.Tensor3D;
    // Later layers: [K*B, (d+1)*n] in one product, combined per point the same way.
    for (const l of layers.slice(1)) {
      const h = tf.relu(tf.reshape(out, [k * b, l.fanIn])) as tf.Tensor2D;
      const w = tf.concat(sets.map((p) => p[`${l.name}.w`]), 1) as tf.Tensor2D;
      const products = tf.reshape(dense(h, w), [k, b, d + 1, l.fanOut]);
      const bias = dense(coef, tf.stack(sets.map((p) => p[`${l.name}.b`])) as tf.Tensor2D); // [K, n]
      const mixed = tf.sum(tf.mul(products, tf.reshape(coef, [k, 1, d + 1, 1])), 2);
      out = tf.add(mixed, tf.reshape(bias, [k, 1, l.fanOut])) as tf.Tensor3D;
    }
    return out;
  }

  return {
    name: opts.name ?? 'mlp',
    description: `MLP ${widths.join('-')} with ReLU (fast; products shared across cells)`,
    inputShape,
    numClasses: classes,
    params,
    usesBatchStats: false,
    forward,
    forwardPoints,
  };
}
