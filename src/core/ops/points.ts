/**
 * Helpers for evaluating a model at K points of a flat manifold in one pass ("stacked
 * points"): the point at coordinates c has weights `origin + s * sum_i c_i * D_i`, so every
 * per-point weight is one product of the points' coefficients with the stacked frame.
 */
import * as tf from '../tf.js';
import { check } from '../errors.js';
import { dense } from './dense.js';

/**
 * The points' coefficients [K, d+1] = (1, s*c_1, ..., s*c_d) per row, for the frame's origin and
 * its d directions: the weights of point k are `sum_j coef[k, j] * set_j`. Differentiable in
 * `scale`. Throws {@link MpoError} when a point does not have d coordinates.
 */
export function pointCoefficients(coords: readonly (readonly number[])[], scale: tf.Scalar, d: number): tf.Tensor2D {
  const k = coords.length;
  check(k >= 1, 'pointCoefficients: no points: pass at least one point');
  for (const c of coords) check(c.length === d, () => `coordinates have ${c.length} entries but the manifold has ${d} directions`);
  return tf.tidy(() => {
    const ones = tf.ones([k, 1]);
    if (d === 0) return ones as tf.Tensor2D;
    return tf.concat([ones, tf.mul(tf.tensor2d(coords.map((r) => [...r]), [k, d]), scale)], 1) as tf.Tensor2D;
  });
}

/**
 * Per-point copies of one weight tensor: `coef` [K, m] times the m tensors `sets` (all of one
 * shape S, e.g. the origin's and the directions' values of one parameter) stacked: [K, ...S],
 * row k = sum_j coef[k, j] * sets[j]. One stack and one product (a {@link dense}: fast
 * gradients) whatever K. `perm`, if given, first transposes each tensor (a permutation of S's
 * axes), in one transpose of the stack. Throws {@link MpoError} if the shapes differ or m does
 * not match `coef`.
 */
export function mixPoints(coef: tf.Tensor2D, sets: readonly tf.Tensor[], perm?: readonly number[]): tf.Tensor {
  const m = sets.length;
  check(m >= 1 && coef.rank === 2 && coef.shape[1] === m, () => `mixPoints: coef [${coef.shape}] must have one column per tensor (${m})`);
  const shape = sets[0]!.shape;
  for (const t of sets) {
    check(t.shape.length === shape.length && t.shape.every((s, i) => s === shape[i]), () =>
      `mixPoints: tensors of shapes [${shape}] and [${t.shape}] cannot be mixed`);
  }
  let stacked = m === 1 ? tf.expandDims(sets[0]!, 0) : tf.stack(sets as tf.Tensor[]);
  let out = shape;
  if (perm) {
    check(perm.length === shape.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i), () =>
      `mixPoints: [${perm}] is not a permutation of ${shape.length} axes`);
    stacked = tf.transpose(stacked, [0, ...perm.map((p) => p + 1)]);
    out = perm.map((p) => shape[p]!);
  }
  const size = sets[0]!.size;
  const rows = dense(coef, tf.reshape(stacked, [m, size]) as tf.Tensor2D);
  return tf.reshape(rows, [coef.shape[0], ...out]);
}

/** Options of {@link pointsBatchNorm}. */
export interface PointsBatchNormOptions {
  /** Added to the variance before the square root, as PyTorch's `eps`. Default 1e-5. */
  epsilon?: number;
}

/**
 * Batch normalisation of K points' activations at once: `x` [K, M, C] holds, for each point, the
 * M = N*H*W values per channel of that point's own batch; each point is normalised with its own
 * batch's mean and biased variance per channel (over axis 1), then scaled by its `gamma` [K, C]
 * and shifted by its `beta` [K, C]. For K = 1 it equals `batchNorm` (batch-norm.ts) of x laid out as
 * [M, C]. Differentiable with respect to all three through a custom gradient with the closed
 * form per point and channel (x̂ the normalised x, sums over M):
 * dx = gamma / sqrt(var + eps) * (dy - sum(dy)/M - x̂ * sum(dy * x̂)/M), dgamma = sum(dy * x̂),
 * dbeta = sum(dy). The statistics are reductions over axis 1 (a transpose and a reduction each):
 * meant for GPU backends; the per-point loop's `batchNorm` is faster on WASM.
 * Throws {@link MpoError} on shapes that do not fit together or a bad epsilon.
 */
export function pointsBatchNorm(x: tf.Tensor3D, gamma: tf.Tensor2D, beta: tf.Tensor2D, opts: PointsBatchNormOptions = {}): tf.Tensor3D {
  const epsilon = opts.epsilon ?? 1e-5;
  check(Number.isFinite(epsilon) && epsilon > 0, () => `pointsBatchNorm: epsilon must be a positive number, got ${epsilon}`);
  check(x.rank === 3, () => `pointsBatchNorm: x must be [K, M, C], got shape [${x.shape}]`);
  const [k, m, c] = x.shape;
  check(gamma.rank === 2 && gamma.shape[0] === k && gamma.shape[1] === c, () => `pointsBatchNorm: gamma must have shape [${k}, ${c}], got [${gamma.shape}]`);
  check(beta.rank === 2 && beta.shape[0] === k && beta.shape[1] === c, () => `pointsBatchNorm: beta must have shape [${k}, ${c}], got [${beta.shape}]`);
  check(m > 1, () => `pointsBatchNorm: x [${x.shape}] has one value per point and channel, so its batch variance is 0: use a batch of more than one value`);

  const op = tf.customGrad((xs, g, b, save) => {
    const { xHat, inv, value } = tf.tidy(() => {
      const mean = tf.mean(xs as tf.Tensor3D, 1, true);
      const centred = tf.sub(xs as tf.Tensor3D, mean);
      const invT = tf.rsqrt(tf.add(tf.mean(tf.square(centred), 1, true), epsilon)); // [K, 1, C]
      const hat = tf.mul(centred, invT);
      const y = tf.add(tf.mul(hat, tf.expandDims(g as tf.Tensor2D, 1)), tf.expandDims(b as tf.Tensor2D, 1));
      return { xHat: hat, inv: invT, value: y as tf.Tensor3D };
    });
    (save as tf.GradSaveFunc)([xHat, inv, g as tf.Tensor]);
    return {
      value,
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [hat, invT, gammaT] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];
          const dBeta = tf.sum(dy, 1); // [K, C]
          const dGamma = tf.sum(tf.mul(dy, hat), 1);
          const a = tf.mul(tf.expandDims(gammaT, 1), invT); // [K, 1, C]
          const inner = tf.sub(tf.sub(dy, tf.expandDims(tf.div(dBeta, m), 1)), tf.mul(hat, tf.expandDims(tf.div(dGamma, m), 1)));
          return [tf.mul(a, inner), dGamma, dBeta];
        }),
    };
  });
  return op(x, gamma, beta) as tf.Tensor3D;
}
