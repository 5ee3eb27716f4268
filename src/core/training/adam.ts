/**
 * Adam and gradient clipping over all of theta as ONE flat vector: a handful of kernels a step
 * whatever the number of weight tensors (on a GPU each kernel is a dispatch costing about as
 * much as a large one), and no read back to the host: the clipping factor and the guard that
 * skips a non-finite step are computed on the device.
 */
import * as tf from '../tf.js';
import { check } from '../errors.js';
import { sumScalars } from '../ops/reduce.js';

/** Adam hyper-parameters (PyTorch's defaults but the learning rate). */
export interface AdamOptions {
  /** Learning rate (the paper: 3e-4). */
  readonly lr: number;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-8, added outside the square root as in PyTorch. */
  readonly eps?: number;
}

/**
 * Adam's moment estimates and step count: everything a checkpoint needs to resume exactly.
 * The moments of all variables live in two flat vectors, the variables concatenated in the
 * order of `keys` (each flattened row-major); {@link adamMoments} splits them back by name.
 */
export interface AdamState {
  step: number;
  /** Variable names, in the order of the flat vectors. */
  readonly keys: readonly string[];
  /** Each variable's shape, in the order of `keys`. */
  readonly shapes: readonly (readonly number[])[];
  /** First moments, all variables concatenated. */
  m: tf.Tensor1D;
  /** Second moments, all variables concatenated. */
  v: tf.Tensor1D;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Zero moments for every variable (or the given per-variable moments, e.g. from a checkpoint). */
export function createAdamState(vars: Record<string, tf.Variable>,
  init?: { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array>; }): AdamState {
  const keys = Object.keys(vars);
  const shapes = keys.map((k) => [...vars[k].shape]);
  const total = shapes.reduce((a, s) => a + sizeOf(s), 0);
  const flat = (values?: Record<string, Float32Array>): tf.Tensor1D => {
    const out = new Float32Array(total);
    if (values) {
      let at = 0;
      keys.forEach((k, i) => {
        const a = values[k];
        check(a && a.length === sizeOf(shapes[i]), () => `Adam moments of "${k}" have ${a?.length ?? 0} values, expected ${sizeOf(shapes[i])}`);
        out.set(a, at);
        at += a.length;
      });
    }
    return tf.keep(tf.tensor1d(out, 'float32'));
  };
  return { step: init?.step ?? 0, keys, shapes, m: flat(init?.m), v: flat(init?.v) };
}

/** All tensors of `record` (in the order of `keys`), flattened and concatenated. */
export function flatten(record: Record<string, tf.Tensor>, keys: readonly string[]): tf.Tensor1D {
  return tf.tidy(() => tf.concat(keys.map((k) => tf.reshape(record[k], [-1])), 0) as tf.Tensor1D);
}

/** Splits a flat vector laid out as `state` (see {@link AdamState}) back into named arrays. */
export function splitFlat(values: Float32Array, state: Pick<AdamState, 'keys' | 'shapes'>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  let at = 0;
  state.keys.forEach((k, i) => {
    const n = sizeOf(state.shapes[i]);
    out[k] = values.slice(at, at + n);
    at += n;
  });
  return out;
}

/** Adam's moments read back per variable (for a checkpoint). */
export async function adamMoments(state: AdamState): Promise<{ m: Record<string, Float32Array>; v: Record<string, Float32Array>; }> {
  const [m, v] = await Promise.all([state.m.data(), state.v.data()]);
  return { m: splitFlat(m as Float32Array, state), v: splitFlat(v as Float32Array, state) };
}

/** Frees the moment tensors. */
export function disposeAdamState(state: AdamState): void {
  state.m.dispose();
  state.v.dispose();
}

/** Options of {@link adamUpdate} beyond Adam's hyper-parameters. */
export interface AdamUpdateOptions {
  /**
   * A boolean scalar on the device: where false, nothing changes (theta and the moments keep
   * their values; the step count still advances, so the caller restores it or stops). Lets a
   * step skip itself on a non-finite gradient without reading the gradient back first.
   */
  readonly guard?: tf.Scalar;
}

/**
 * One Adam update of `vars` in place with gradients `grads` (same keys as the state), with bias
 * correction, exactly as torch.optim.Adam. Runs on all variables at once as one flat vector.
 */
export function adamUpdate(vars: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, state: AdamState, opts: AdamOptions,
  update: AdamUpdateOptions = {}): void {
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  state.step += 1;
  const c1 = 1 - b1 ** state.step;
  const c2 = 1 - b2 ** state.step;
  const [m, v, theta] = tf.tidy(() => {
    const g = flatten(grads, state.keys);
    let m = tf.add(tf.mul(state.m, b1), tf.mul(g, 1 - b1));
    let v = tf.add(tf.mul(state.v, b2), tf.mul(tf.square(g), 1 - b2));
    const old = flatten(vars, state.keys);
    let theta = tf.sub(old, tf.mul(tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps)), opts.lr));
    if (update.guard) {
      m = tf.where(update.guard, m, state.m);
      v = tf.where(update.guard, v, state.v);
      theta = tf.where(update.guard, theta, old);
    }
    return [m, v, theta] as tf.Tensor1D[];
  });
  state.m.dispose();
  state.v.dispose();
  state.m = m;
  state.v = v;
  tf.tidy(() => {
    const parts = tf.split(theta, state.shapes.map(sizeOf));
    state.keys.forEach((k, i) => vars[k].assign(tf.reshape(parts[i], [...state.shapes[i]])));
  });
  theta.dispose();
}

/** The global L2 norm of all gradients as a scalar on the device (no read back). */
export function globalNorm(grads: Record<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => tf.sqrt(sumScalars(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
}

/**
 * Rescales gradients in place so that their global norm is at most `maxNorm` (0 or Infinity:
 * no clipping), on the device; returns the norm before clipping as a scalar tensor (the caller
 * disposes it).
 */
export function clipGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): tf.Scalar {
  const norm = globalNorm(grads);
  if (Number.isFinite(maxNorm) && maxNorm > 0) {
    const f = tf.tidy(() => tf.where(tf.greater(norm, maxNorm), tf.div(maxNorm, tf.add(norm, 1e-6)), tf.onesLike(norm)));
    for (const k of Object.keys(grads)) {
      const old = grads[k];
      grads[k] = tf.mul(old, f);
      old.dispose();
    }
    f.dispose();
  }
  return norm;
}
