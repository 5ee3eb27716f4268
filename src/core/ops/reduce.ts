/**
 * Per-channel reductions written as matrix products. On the WASM backend `tf.sum` and
 * `tf.moments` over the leading axes of a channels-last tensor first transpose the whole tensor
 * (up to 30x slower than a product with a row of ones, which runs in XNNPACK's GEMM).
 */
import * as tf from '../tf.js';

/**
 * Sums a channels-last tensor (any rank >= 1; the last axis holds C channels) over all other
 * axes: [..., C] -> [C]. Computed as ones[1, M] x t[M, C] with M = t.size / C.
 */
export function channelSum(t: tf.Tensor): tf.Tensor1D {
  const c = t.shape[t.rank - 1]!;
  if (t.rank === 1) return t as tf.Tensor1D;
  return tf.tidy(() => {
    const m = t.size / c;
    return tf.reshape(tf.matMul(tf.ones([1, m]), tf.reshape(t, [m, c]) as tf.Tensor2D), [c]) as tf.Tensor1D;
  });
}

/**
 * Mean and biased variance (divided by the count) of a channels-last tensor over all axes but
 * the last, as `tf.moments(t, allButLastAxes)`: each [C]. The variance is the mean of squared
 * differences from the mean (two passes), which keeps its float32 precision when |mean| >> std.
 */
export function channelMoments(t: tf.Tensor): { mean: tf.Tensor1D; variance: tf.Tensor1D; } {
  const c = t.shape[t.rank - 1]!;
  const m = t.size / c;
  return tf.tidy(() => {
    const mean = tf.div(channelSum(t), m) as tf.Tensor1D;
    const variance = tf.div(channelSum(tf.squaredDifference(t, mean)), m) as tf.Tensor1D;
    return { mean, variance };
  });
}

/**
 * The sum of scalar tensors as one scalar, safe on every backend: `tf.addN` of 8 or more
 * tensors returns zeros on tfjs-backend-webgpu 4.22 (it exceeds the shader's storage-buffer
 * limit), so this stacks the scalars (concat splits its inputs to fit that limit) and sums them.
 * An empty list sums to 0.
 */
export function sumScalars(terms: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => (terms.length === 0 ? tf.scalar(0) : tf.sum(tf.stack(terms.map((t) => tf.reshape(t, [])))))) as tf.Scalar;
}
