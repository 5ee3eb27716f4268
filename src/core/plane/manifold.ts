import * as tf from '../tf.js';
import { check } from '../errors.js';
import { axpy, dot, scaleSet, type ParamSet } from './params.js';

/**
 * The trained parameters theta of a d-dimensional flat manifold in weight space
 * (d = 2: the paper's plane; d = 1: a line).
 * `free[0]` is w_up; `free[1]` is phi_right; further entries are further free directions.
 * Only these are stored and trained.
 */
export interface ManifoldTheta {
  /** w_O: the point at coordinates (0, ..., 0). */
  readonly origin: ParamSet;
  /** Free direction parameters (w_up, phi_right, ...), turned into the frame by {@link frameOf}. */
  readonly free: readonly ParamSet[];
  /** The learnable scale s multiplying every direction (a scalar tensor). */
  readonly scale: tf.Scalar;
}

/**
 * An orthogonal frame of equal-norm directions, derived from a {@link ManifoldTheta}:
 * the point at coordinates c is `origin + scale * sum_i c_i * directions[i]`.
 */
export interface Frame {
  readonly origin: ParamSet;
  /** Mutually orthogonal directions, all of norm ||free[0]|| (eq. 2 of the paper). */
  readonly directions: readonly ParamSet[];
  readonly scale: tf.Scalar;
}

/**
 * Gram-Schmidt with equal norms (eq. 2 of the paper, generalised to d directions):
 * `directions[0] = free[0]` (w_up), and each further direction is `free[i]` made orthogonal to
 * the previous ones and rescaled to the norm of `free[0]`. Differentiable in every input.
 */
export function gramSchmidt(free: readonly ParamSet[]): ParamSet[] {
  if (free.length === 0) return []; // d = 0: a single point (an ordinary network)
  const first = free[0];
  const norm2 = dot(first, first);
  const dirs: ParamSet[] = [first];
  for (let i = 1; i < free.length; i++) {
    let hat = free[i];
    for (const d of dirs) hat = axpy(hat, tf.neg(tf.div(dot(hat, d), norm2)) as tf.Scalar, d);
    const ratio = tf.sqrt(tf.div(norm2, dot(hat, hat))) as tf.Scalar;
    dirs.push(scaleSet(hat, ratio));
  }
  return dirs;
}

/** The manifolds a run can train, by name, with their dimension d (`point`: an ordinary network, `mpo train`). */
export const MANIFOLD_DIMS: Readonly<Record<string, number>> = Object.freeze({ point: 0, line: 1, plane: 2, volume: 3 });

/** The dimension d of a manifold name (`line` 1, `plane` 2, `volume` 3, `point` 0). */
export function manifoldDims(name: string): number {
  const d = MANIFOLD_DIMS[name];
  check(d !== undefined, `unknown manifold "${name}": use one of ${Object.keys(MANIFOLD_DIMS).join(', ')}`);
  return d;
}

/** The frame (origin, orthogonal equal-norm directions, scale) of a manifold. */
export function frameOf(theta: ManifoldTheta): Frame {
  return { origin: theta.origin, directions: gramSchmidt(theta.free), scale: theta.scale };
}

/** The weights at manifold coordinates `coords` (one number per direction). */
export function pointAt(frame: Frame, coords: readonly number[]): ParamSet {
  check(coords.length === frame.directions.length, `coordinates have ${coords.length} entries but the manifold has ${frame.directions.length} directions`);
  const out: ParamSet = {};
  for (const k of Object.keys(frame.origin)) {
    let offset: tf.Tensor | null = null;
    coords.forEach((c, i) => {
      if (c === 0) return;
      const term = tf.mul(frame.directions[i][k], c);
      offset = offset ? tf.add(offset, term) : term;
    });
    out[k] = offset ? tf.add(frame.origin[k], tf.mul(offset, frame.scale)) : frame.origin[k];
  }
  return out;
}

/**
 * Computes the frame of `theta` outside any `tf.tidy` (for async work such as landscape
 * evaluation): `dispose()` frees the tensors it computed and leaves theta's own alone.
 */
export function computeFrame(theta: ManifoldTheta): { frame: Frame; dispose(): void; } {
  const computed = tf.tidy(() => gramSchmidt(theta.free).slice(1));
  return {
    frame: { origin: theta.origin, directions: theta.free.length ? [theta.free[0], ...computed] : [], scale: theta.scale },
    dispose: () => {
      for (const d of computed) for (const t of Object.values(d)) t.dispose();
    },
  };
}
