import * as tf from '../tf.js';
import { check } from '../errors.js';
import type { Rng } from '../random.js';
import type { ParamSet, ParamSpec, ParamValues } from '../plane/params.js';
import type { Frame } from '../plane/manifold.js';
import type { Model } from '../models/model.js';
import { pointCrossEntropy } from '../training/loss.js';
import type { StepGradients, StepSample } from '../training/step.js';

/**
 * A filter-normalised random direction around weights `w` (Li et al. 2018, "Visualizing the loss
 * landscape of neural nets"): a Gaussian direction whose every filter is rescaled to the norm of
 * the same filter of `w`. A filter is one output unit: for a dense kernel `[in, out]` and a conv
 * kernel `[kh, kw, in, out]`, the entries sharing the last index. One-dimensional parameters
 * (biases, batch-norm scales and shifts) get a zero direction, as Li et al.'s default
 * (`--xignore biasbn`).
 */
export function filterNormalizedDirection(specs: readonly ParamSpec[], w: ParamValues, rng: Rng): ParamValues {
  const out: ParamValues = {};
  for (const s of specs) {
    const v = w[s.name];
    check(v !== undefined, `the weights have no parameter "${s.name}": pass weights of the same model`);
    const d = new Float32Array(v.length);
    if (s.shape.length >= 2) {
      const units = s.shape[s.shape.length - 1];
      for (let i = 0; i < d.length; i++) d[i] = rng.normal();
      const dn = new Float64Array(units), wn = new Float64Array(units);
      for (let i = 0; i < d.length; i++) {
        dn[i % units] += d[i] * d[i];
        wn[i % units] += v[i] * v[i];
      }
      for (let i = 0; i < d.length; i++) {
        const u = i % units;
        d[i] = dn[u] > 0 ? (d[i] * Math.sqrt(wn[u])) / Math.sqrt(dn[u]) : 0;
      }
    }
    out[s.name] = d;
  }
  return out;
}

/** A frame built from plain values (no Gram-Schmidt: the directions are used as they are). Dispose its tensors with {@link disposeFrame}. */
export function frameFromValues(specs: readonly ParamSpec[], origin: ParamValues, directions: readonly ParamValues[], scale = 1): Frame {
  const set = (v: ParamValues): ParamSet => Object.fromEntries(specs.map((s) => [s.name, tf.tensor(v[s.name], [...s.shape], 'float32')]));
  return { origin: set(origin), directions: directions.map(set), scale: tf.scalar(scale) };
}

/** Frees the tensors of a frame made by {@link frameFromValues}. */
export function disposeFrame(f: Frame): void {
  for (const p of [f.origin, ...f.directions]) for (const t of Object.values(p)) t.dispose();
  f.scale.dispose();
}

/** `b - a` for every parameter (the direction of linear interpolation from a to b). */
export function difference(a: ParamValues, b: ParamValues): ParamValues {
  return Object.fromEntries(Object.keys(a).map((k) => {
    check(b[k] !== undefined && b[k].length === a[k].length, `the two networks differ in parameter "${k}": pass two networks of the same model`);
    return [k, Float32Array.from(a[k], (v, i) => b[k][i] - v)];
  }));
}

/** The midpoint `(a + b) / 2` of two networks: the initial bend of a curve between them. */
export function midpoint(a: ParamValues, b: ParamValues): ParamValues {
  return Object.fromEntries(Object.keys(a).map((k) => [k, Float32Array.from(a[k], (v, i) => (v + b[k][i]) / 2)]));
}

/**
 * The point at `t` in [0, 1] of the quadratic Bezier curve with end points `a`, `b` and bend
 * `theta` (Garipov et al. 2018): `(1-t)^2 a + 2t(1-t) theta + t^2 b`. At t = 0 it is `a`, at
 * t = 1 it is `b`, exactly.
 */
export function bezierPoint(a: ParamSet, theta: ParamSet, b: ParamSet, t: number): ParamSet {
  const out: ParamSet = {};
  for (const k of Object.keys(a)) {
    if (t === 0) out[k] = a[k];
    else if (t === 1) out[k] = b[k];
    else out[k] = tf.add(tf.add(tf.mul(a[k], (1 - t) * (1 - t)), tf.mul(theta[k], 2 * t * (1 - t))), tf.mul(b[k], t * t));
  }
  return out;
}

/** The plain-value form of {@link bezierPoint}. */
export function bezierValues(a: ParamValues, theta: ParamValues, b: ParamValues, t: number): ParamValues {
  const c0 = (1 - t) * (1 - t), c1 = 2 * t * (1 - t), c2 = t * t;
  return Object.fromEntries(Object.keys(a).map((k) => [k, Float32Array.from(a[k], (v, i) => c0 * v + c1 * theta[k][i] + c2 * b[k][i])]));
}

/** What {@link bezierGradients} needs: the model, the fixed end points and the training images. */
export interface BezierTask {
  readonly model: Model;
  /** End point at t = 0 (fixed). */
  readonly a: ParamSet;
  /** End point at t = 1 (fixed). */
  readonly b: ParamSet;
  /** Training images [N, h, w, c] and labels. */
  readonly x: tf.Tensor4D;
  readonly labels: Int32Array;
  readonly numClasses: number;
  /** Draws the step's t ~ U(0, 1) (the training state's generator, so runs repeat). */
  readonly rng: Rng;
}

/**
 * The gradient of one step of curve finding (Garipov et al. 2018), as a `trainLoop` gradient
 * source: draws t ~ U(0, 1), and returns the gradient of the mean cross-entropy at the curve's
 * point w(t) on the step's batch with respect to the bend `theta` (the state's `origin/<param>`
 * variables); the state's other variables get zero gradients, the end points never change.
 */
export function bezierGradients(task: BezierTask, vars: Record<string, tf.Variable>, sample: StepSample): StepGradients {
  const t = task.rng.next();
  const keys = Object.keys(vars);
  const bendKeys = keys.filter((k) => k.startsWith('origin/'));
  const bendVars = bendKeys.map((k) => vars[k]);
  return tf.tidy(() => {
    const x = tf.gather(task.x, tf.tensor1d(sample.batchIdx, 'int32')) as tf.Tensor4D;
    const y = tf.cast(tf.oneHot(tf.tensor1d(sample.batchIdx.map((i) => task.labels[i]), 'int32'), task.numClasses), 'float32') as tf.Tensor2D;
    const { value, grads } = tf.variableGrads(() => {
      const theta: ParamSet = Object.fromEntries(bendKeys.map((k) => [k.slice('origin/'.length), vars[k] as tf.Tensor]));
      const w = bezierPoint(task.a, theta, task.b, t);
      const logits = tf.expandDims(task.model.forward(w, x), 0) as tf.Tensor3D;
      return tf.mean(pointCrossEntropy(logits, y)) as tf.Scalar;
    }, bendVars);
    const named: Record<string, tf.Tensor> = {};
    for (const k of keys) named[k] = tf.keep(grads[vars[k].name] ?? tf.zerosLike(vars[k]));
    return { grads: named, loss: tf.keep(value), ce: tf.keep(tf.reshape(value, [1])) as tf.Tensor1D };
  });
}
