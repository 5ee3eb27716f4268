import * as tf from '@tensorflow/tfjs';
import type { Frame } from '../plane/manifold.js';
import type { ParamSet } from '../plane/params.js';
import { denseSpecs, type Model } from './model.js';

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
    const h = tf.relu(tf.add(tf.matMul(flat, w['fc1.w'] as tf.Tensor2D), w['fc1.b']));
    return tf.add(tf.matMul(h as tf.Tensor2D, w['fc2.w'] as tf.Tensor2D), w['fc2.b']) as tf.Tensor2D;
  }

  function forwardPoints(frame: Frame, coords: readonly (readonly number[])[], x: tf.Tensor4D): tf.Tensor3D {
    const b = x.shape[0];
    const k = coords.length;
    const d = frame.directions.length;
    const flat = tf.reshape(x, [b, inputs]) as tf.Tensor2D;
    // [K, d] coordinates times s.
    const c = tf.mul(tf.tensor2d(coords.map((r) => [...r]), [k, d]), frame.scale) as tf.Tensor2D;
    // First layer, shared: (d + 1) products of the batch with origin and directions.
    const zO = tf.add(tf.matMul(flat, frame.origin['fc1.w'] as tf.Tensor2D), frame.origin['fc1.b']);
    const zDirs = tf.stack(frame.directions.map((dir) =>
      tf.reshape(tf.add(tf.matMul(flat, dir['fc1.w'] as tf.Tensor2D), dir['fc1.b']), [b * hidden]))) as tf.Tensor2D;
    const z1 = tf.add(tf.reshape(zO, [1, b, hidden]), tf.reshape(tf.matMul(c, zDirs), [k, b, hidden]));
    const h = tf.relu(z1) as tf.Tensor3D;
    // Second layer: per-point weights, one batched product.
    const perPoint = (name: string, shape: number[]) => {
      const size = shape.reduce((p, q) => p * q, 1);
      const dirs = tf.stack(frame.directions.map((dir) => tf.reshape(dir[name], [size]))) as tf.Tensor2D;
      return tf.reshape(tf.add(tf.reshape(frame.origin[name], [1, size]), tf.matMul(c, dirs)), [k, ...shape]);
    };
    const w2 = perPoint('fc2.w', [hidden, classes]) as tf.Tensor3D;
    const b2 = perPoint('fc2.b', [1, classes]) as tf.Tensor3D;
    return tf.add(tf.matMul(h, w2), b2) as tf.Tensor3D;
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
