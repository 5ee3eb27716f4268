import * as tf from '../tf.js';
import type { ParamSet, ParamSpec, ParamValues } from '../plane/params.js';
import { pointsAt, type Frame } from '../plane/manifold.js';

/**
 * A functional model: its weights are not stored in it but passed in, so the same code
 * evaluates any point of the plane.
 */
export interface Model {
  /** Registry name, e.g. `mlp`, `cnn`. */
  readonly name: string;
  /** One-line description for `--help` and reports. */
  readonly description: string;
  /** Input shape of one example, [height, width, channels]. */
  readonly inputShape: readonly [number, number, number];
  /** Number of classes (logits per example). */
  readonly numClasses: number;
  /** The weight tensors, in order. */
  readonly params: readonly ParamSpec[];
  /**
   * True when the forward pass normalises with the statistics of the batch it is given
   * (batch norm): then evaluation must use batches like those of training.
   */
  readonly usesBatchStats: boolean;
  /** Logits [B, classes] of the model with weights `w` on inputs `x` [B, h, w, c]. */
  forward(w: ParamSet, x: tf.Tensor4D): tf.Tensor2D;
  /**
   * Optional fast path: logits [K, B, classes] at K points of the plane at once
   * (e.g. sharing the first layer, which is linear in the weights).
   */
  forwardPoints?(frame: Frame, coords: readonly (readonly number[])[], x: tf.Tensor4D): tf.Tensor3D;
  /**
   * Optional weights, by parameter name, that a new plane's origin w_O starts at instead of a
   * random draw (a trained network: `--init-from`); see `createPlaneState`.
   */
  readonly initialWeights?: ParamValues;
}

/**
 * Logits [K, B, classes] of `model` at K points of the plane (coordinates per point) on one
 * shared batch `x`: the model's fast path when it has one, else one forward pass per point.
 */
export function logitsAtPoints(model: Model, frame: Frame, coords: readonly (readonly number[])[], x: tf.Tensor4D): tf.Tensor3D {
  if (model.forwardPoints) return model.forwardPoints(frame, coords, x);
  const points = pointsAt(frame, coords);
  return tf.stack(points.map((w) => model.forward(w, x))) as tf.Tensor3D;
}

/** A dense layer's specs: weight [fanIn, fanOut] (Xavier) and bias [fanOut]. */
export function denseSpecs(name: string, fanIn: number, fanOut: number): ParamSpec[] {
  return [
    { name: `${name}.w`, shape: [fanIn, fanOut], init: 'xavier', fanIn, fanOut },
    { name: `${name}.b`, shape: [fanOut], init: 'bias', fanIn, fanOut },
  ];
}

/** A 3x3 convolution's specs: filter [3, 3, cin, cout] (Xavier) and bias [cout]. */
export function convSpecs(name: string, cin: number, cout: number, k = 3): ParamSpec[] {
  return [
    { name: `${name}.w`, shape: [k, k, cin, cout], init: 'xavier', fanIn: k * k * cin, fanOut: k * k * cout },
    { name: `${name}.b`, shape: [cout], init: 'bias', fanIn: k * k * cin, fanOut: k * k * cout },
  ];
}

/** What a model is built for: the data's shape and the batch-norm convention. */
export interface ModelContext {
  /** One example's shape [h, w, c]. */
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  /** Appendix C convention for batch-norm models (default `paper`). */
  readonly bnScale?: 'paper' | 'original';
}

/** A registry entry: a one-line description and a constructor. */
export interface ModelEntry {
  readonly description: string;
  create(ctx: ModelContext): Model;
}
