import * as tf from '../tf.js';

/**
 * Mean cross-entropy per point: `logits` [K, B, C] against one-hot `labels` [B, C]
 * (the same batch for every point) -> [K].
 */
export function pointCrossEntropy(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Tensor1D {
  const logp = tf.logSoftmax(logits);
  return tf.neg(tf.mean(tf.sum(tf.mul(logp, labels), -1), -1)) as tf.Tensor1D;
}

/** Options of the MPO objective (eq. 3 of the paper). */
export interface MpoLossOptions {
  /** White cells' cross-entropy is clipped to [0, whiteClip] (appendix B: 2.5). */
  readonly whiteClip: number;
}

/**
 * The MPO objective of eq. 3 restricted to the points given, as a sum of per-point terms so that
 * it can be split into chunks: `sum_k weight_k * term_k` where a black point contributes
 * `+CE / nBlack` and a white point `-clip(CE, 0, whiteClip) / nWhite`. Summed over all chunks of a
 * step this is `mean_black CE - mean_white clip(CE)`.
 * @param ce per-point cross-entropies [K]
 * @param isWhite K flags (true for a white cell)
 * @param nBlack number of black cells in the whole step (not only this chunk)
 * @param nWhite number of white cells in the whole step
 */
export function mpoLossTerms(ce: tf.Tensor1D, isWhite: readonly boolean[], nBlack: number, nWhite: number, opts: MpoLossOptions): tf.Scalar {
  const clipped = tf.clipByValue(ce, 0, opts.whiteClip);
  const wb = tf.tensor1d(isWhite.map((w) => (w ? 0 : 1 / Math.max(nBlack, 1))));
  const ww = tf.tensor1d(isWhite.map((w) => (w ? 1 / Math.max(nWhite, 1) : 0)));
  return tf.sub(tf.sum(tf.mul(ce, wb)), tf.sum(tf.mul(clipped, ww))) as tf.Scalar;
}

/** One-hot [B, classes] float labels from integer labels. */
export function oneHot(labels: Int32Array | number[], classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), classes), 'float32') as tf.Tensor2D);
}
