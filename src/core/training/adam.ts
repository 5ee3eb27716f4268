/**
 * Adam and gradient clipping with no read back to the host: the clipping factor is computed on
 * the device, and a step that turns out non-finite is undone from the tensors it replaced
 * ({@link AdamUndo}) once the step's one read says so. On a GPU backend the update runs on all
 * of theta as one flat vector (a handful of dispatches whatever the number of weight tensors);
 * on wasm and cpu it runs tensor by tensor, which is faster there (slicing a flat vector back
 * into tensors copies the whole vector once per slice on wasm).
 */
import * as tf from '../tf.js';
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

/** Adam's moment estimates and step count: everything a checkpoint needs to resume exactly. */
export interface AdamState {
  step: number;
  readonly m: Record<string, tf.Tensor>;
  readonly v: Record<string, tf.Tensor>;
}

/** Zero moments for every variable (or the given per-variable moments, e.g. from a checkpoint). */
export function createAdamState(vars: Record<string, tf.Variable>,
  init?: { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array>; }): AdamState {
  const m: Record<string, tf.Tensor> = {};
  const v: Record<string, tf.Tensor> = {};
  for (const [k, x] of Object.entries(vars)) {
    m[k] = tf.keep(init ? tf.tensor(init.m[k]!, x.shape, 'float32') : tf.zerosLike(x));
    v[k] = tf.keep(init ? tf.tensor(init.v[k]!, x.shape, 'float32') : tf.zerosLike(x));
  }
  return { step: init?.step ?? 0, m, v };
}

/** Adam's moments read back per variable (for a checkpoint), asynchronously. */
export async function adamMoments(state: AdamState): Promise<{ m: Record<string, Float32Array>; v: Record<string, Float32Array>; }> {
  const keys = Object.keys(state.m);
  const [m, v] = await Promise.all([Promise.all(keys.map((k) => state.m[k]!.data())), Promise.all(keys.map((k) => state.v[k]!.data()))]);
  return {
    m: Object.fromEntries(keys.map((k, i) => [k, m[i] as Float32Array])),
    v: Object.fromEntries(keys.map((k, i) => [k, v[i] as Float32Array])),
  };
}

/** Frees the moment tensors. */
export function disposeAdamState(state: AdamState): void {
  for (const k of Object.keys(state.m)) {
    state.m[k]!.dispose();
    state.v[k]!.dispose();
  }
}

/** All tensors of `record` (in the order of `keys`), flattened and concatenated. */
export function flatten(record: Record<string, tf.Tensor>, keys: readonly string[]): tf.Tensor1D {
  return tf.tidy(() => tf.concat(keys.map((k) => tf.reshape(record[k]!, [-1])), 0) as tf.Tensor1D);
}

/** The backends on which {@link adamUpdate} works on one flat vector (launch-bound GPUs). */
const FLAT_BACKENDS: ReadonlySet<string> = new Set(['webgpu', 'webgl']);

/**
 * What {@link adamUpdate} replaced, to undo a step that turned out non-finite: `restore()` puts
 * theta, the moments and the step count back; `release()` frees the old tensors. Call exactly
 * one of them. (The old tensors are kept, not copied: a variable's `assign` and the new moments
 * are new tensors, so keeping the old ones costs no copy on any backend.)
 */
export interface AdamUndo {
  restore(): void;
  release(): void;
}

/**
 * One Adam update of `vars` in place with gradients `grads` (same keys), with bias correction,
 * exactly as torch.optim.Adam. Returns the {@link AdamUndo} of the update.
 */
export function adamUpdate(vars: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, state: AdamState, opts: AdamOptions): AdamUndo {
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  const keys = Object.keys(vars);
  const old = { step: state.step, m: { ...state.m }, v: { ...state.v }, theta: Object.fromEntries(keys.map((k) => [k, tf.clone(vars[k]!)])) };
  state.step += 1;
  const c1 = 1 - b1 ** state.step;
  const c2 = 1 - b2 ** state.step;
  const moments = (m: tf.Tensor, v: tf.Tensor, g: tf.Tensor) => [tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)), tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2))];
  const moved = (theta: tf.Tensor, m: tf.Tensor, v: tf.Tensor) => tf.sub(theta, tf.mul(tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps)), opts.lr));
  if (FLAT_BACKENDS.has(tf.getBackend())) {
    tf.tidy(() => {
      const [m, v] = moments(flatten(state.m, keys), flatten(state.v, keys), flatten(grads, keys));
      const theta = moved(flatten(vars, keys), m!, v!);
      const sizes = keys.map((k) => vars[k]!.size);
      const [ms, vs, ts] = [tf.split(m!, sizes), tf.split(v!, sizes), tf.split(theta, sizes)];
      keys.forEach((k, i) => {
        state.m[k] = tf.keep(tf.reshape(ms[i]!, vars[k]!.shape));
        state.v[k] = tf.keep(tf.reshape(vs[i]!, vars[k]!.shape));
        vars[k]!.assign(tf.reshape(ts[i]!, vars[k]!.shape));
      });
    });
  } else {
    for (const k of keys) {
      tf.tidy(() => {
        const [m, v] = moments(state.m[k]!, state.v[k]!, grads[k]!);
        state.m[k] = tf.keep(m!);
        state.v[k] = tf.keep(v!);
        vars[k]!.assign(moved(vars[k]!, m!, v!));
      });
    }
  }
  const release = () => {
    for (const k of keys) {
      old.m[k]!.dispose();
      old.v[k]!.dispose();
      old.theta[k]!.dispose();
    }
  };
  return {
    release,
    restore() {
      state.step = old.step;
      for (const k of keys) {
        state.m[k]!.dispose();
        state.v[k]!.dispose();
        state.m[k] = old.m[k]!;
        state.v[k] = old.v[k]!;
        vars[k]!.assign(old.theta[k]!);
        old.theta[k]!.dispose();
      }
    },
  };
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
      const old = grads[k]!;
      grads[k] = tf.mul(old, f);
      old.dispose();
    }
    f.dispose();
  }
  return norm;
}
