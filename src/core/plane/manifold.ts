import * as tf from '../tf.js';
import { check } from '../errors.js';
import type { ParamSet } from './params.js';

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
 *
 * Each direction is handled as ONE flat vector (its tensors concatenated), so the inner products
 * and updates are a handful of kernels whatever the number of weight tensors: per tensor they
 * took about 400 kernels forward and backward for the paper's CNN at d = 2, each a dispatch on
 * a GPU. The results are split back into the directions' tensors.
 */
export function gramSchmidt(free: readonly ParamSet[]): ParamSet[] {
  if (free.length === 0) return []; // d = 0: a single point (an ordinary network)
  const first = free[0];
  if (free.length === 1) return [first];
  const keys = Object.keys(first);
  // (One tensor: no concat and split, whose gradients TF.js does not define for a single part.)
  const flatOf = (set: ParamSet): tf.Tensor1D =>
    (keys.length === 1 ? tf.reshape(set[keys[0]!]!, [-1]) : tf.concat(keys.map((k) => tf.reshape(set[k]!, [-1])), 0)) as tf.Tensor1D;
  const vdot = (a: tf.Tensor1D, b: tf.Tensor1D): tf.Scalar => tf.sum(tf.mul(a, b));
  const f0 = flatOf(first);
  const norm2 = vdot(f0, f0);
  const flats: tf.Tensor1D[] = [f0];
  for (let i = 1; i < free.length; i++) {
    let hat = flatOf(free[i]);
    for (const d of flats) hat = tf.sub(hat, tf.mul(tf.div(vdot(hat, d), norm2), d));
    flats.push(tf.mul(hat, tf.sqrt(tf.div(norm2, vdot(hat, hat)))));
  }
  const sizes = keys.map((k) => first[k]!.size);
  return [first, ...flats.slice(1).map((flat) => {
    const parts = keys.length === 1 ? [flat] : tf.split(flat, sizes);
    return Object.fromEntries(keys.map((k, j) => [k, tf.reshape(parts[j]!, first[k]!.shape)]));
  })];
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
 * The weights of K points at once: for each tensor, one product of the points' coefficients
 * [K, d+1] = (1, s*c_1, ..., s*c_d) with the stacked origin and directions [d+1, size], split
 * into K rows. Equal to `coords.map((c) => pointAt(frame, c))` up to rounding, with a number of
 * ops per tensor that does not grow with K (3 + K reshapes instead of about 5 per point), which
 * is what sets the step time of small models on WASM. Throws an MpoError when a point's
 * coordinates do not match the frame's dimension.
 */
export function pointsAt(frame: Frame, coords: readonly (readonly number[])[]): ParamSet[] {
  const d = frame.directions.length;
  const k = coords.length;
  for (const c of coords) {
    check(c.length === d, `coordinates have ${c.length} entries but the manifold has ${d} directions`);
  }
  if (k === 0) return [];
  if (d === 0) return coords.map(() => ({ ...frame.origin }));
  const coef = tf.concat([tf.ones([k, 1]), tf.mul(tf.tensor2d(coords.map((r) => [...r]), [k, d]), frame.scale)], 1) as tf.Tensor2D;
  const sets = [frame.origin, ...frame.directions];
  const points: ParamSet[] = coords.map(() => ({}));
  for (const key of Object.keys(frame.origin)) {
    const shape = frame.origin[key]!.shape;
    const stacked = tf.concat(sets.map((p) => tf.reshape(p[key]!, [1, p[key]!.size])), 0) as tf.Tensor2D;
    const rows = tf.matMul(coef, stacked); // [K, size]
    if (shape.length === 1) {
      // A vector gets its own buffer (a slice): the WASM backend's fused kernels check the rank
      // of a bias's buffer, which a reshaped row of `rows` would share.
      const flat = tf.reshape(rows, [rows.size]);
      coords.forEach((_, i) => {
        points[i]![key] = tf.slice(flat, [i * shape[0]!], [shape[0]!]);
      });
      continue;
    }
    const parts = k === 1 ? [rows] : tf.split(rows, k, 0);
    parts.forEach((row, i) => {
      points[i]![key] = tf.reshape(row, shape);
    });
  }
  return points;
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
