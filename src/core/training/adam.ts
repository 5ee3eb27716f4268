import * as tf from '../tf.js';

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

/** Zero moments for every variable. */
export function createAdamState(vars: Record<string, tf.Variable>): AdamState {
  const m: Record<string, tf.Tensor> = {};
  const v: Record<string, tf.Tensor> = {};
  for (const [k, x] of Object.entries(vars)) {
    m[k] = tf.keep(tf.zerosLike(x));
    v[k] = tf.keep(tf.zerosLike(x));
  }
  return { step: 0, m, v };
}

/**
 * One Adam update of `vars` in place with gradients `grads` (same keys), with bias correction,
 * exactly as torch.optim.Adam. Old moment tensors are disposed.
 */
export function adamUpdate(vars: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>, state: AdamState, opts: AdamOptions): void {
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  state.step += 1;
  const c1 = 1 - b1 ** state.step;
  const c2 = 1 - b2 ** state.step;
  for (const k of Object.keys(vars)) {
    const g = grads[k];
    const [m, v] = tf.tidy(() => [
      tf.keep(tf.add(tf.mul(state.m[k], b1), tf.mul(g, 1 - b1))),
      tf.keep(tf.add(tf.mul(state.v[k], b2), tf.mul(tf.square(g), 1 - b2))),
    ]);
    state.m[k].dispose();
    state.v[k].dispose();
    state.m[k] = m;
    state.v[k] = v;
    tf.tidy(() => {
      const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
      vars[k].assign(tf.sub(vars[k], tf.mul(update, opts.lr)));
    });
  }
}

/** Rescales gradients so that their global norm is at most `maxNorm`; returns the norm before clipping. */
export function clipGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): number {
  const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  if (Number.isFinite(maxNorm) && maxNorm > 0 && norm > maxNorm) {
    const f = maxNorm / (norm + 1e-6);
    for (const k of Object.keys(grads)) {
      const old = grads[k];
      grads[k] = tf.mul(old, f);
      old.dispose();
    }
  }
  return norm;
}
