/**
 * Image patches (im2col) for convolutions written as matrix products: one depthwise
 * convolution with one-hot filters, and a custom gradient made of another.
 */
import * as tf from '../tf.js';
import { check } from '../errors.js';

/**
 * The k x k neighbourhoods of every pixel of `x` [N, H, W, C] with zero padding 'same' (k odd,
 * stride 1): [N, H, W, C*k*k], where channel `c*k*k + i*k + j` at (y, x) holds
 * x[y + i - (k-1)/2, x + j - (k-1)/2, c] (0 outside the image). A k x k convolution of x with
 * a filter F [k, k, C, Cout] and 'same' padding is then the product of the patches laid out as
 * [N*H*W, C*k*k] with F transposed to [C, k, k, Cout] and laid out as [C*k*k, Cout].
 *
 * Forward: one `tf.depthwiseConv2d` of x with the one-hot filter [k, k, C, k*k] (channel
 * multiplier k*k): one kernel, k*k multiply-adds per output. Gradient (the op is linear; its
 * adjoint sums each patch entry back to its pixel): a depthwise convolution of dy
 * [N, H, W, C*k*k] with the reversed one-hot filter [k, k, C*k*k, 1], then a sum over each
 * channel's k*k entries: two kernels. Only forward depthwise convolutions are used, so it works
 * on backends without depthwise backprop kernels (WASM) and needs no registered gradient.
 * Throws {@link MpoError} if `x` is not 4D or `k` is not a positive odd integer.
 */
export function patches(x: tf.Tensor4D, k = 3): tf.Tensor4D {
  check(x.rank === 4, () => `patches: x must be a 4D tensor [N, H, W, C], got shape [${x.shape}]: reshape the input to NHWC`);
  check(Number.isInteger(k) && k >= 1 && k % 2 === 1, () => `patches: the window side must be a positive odd integer, got ${k}`);
  const [n, h, w, c] = x.shape;
  const kk = k * k;
  const op = tf.customGrad((xs) => {
    const value = tf.tidy(() => tf.depthwiseConv2d(xs as tf.Tensor4D, oneHot(k, c, false), 1, 'same'));
    return {
      value,
      gradFunc: (dy: tf.Tensor4D) =>
        tf.tidy(() => {
          const spread = tf.depthwiseConv2d(dy, oneHot(k, c, true), 1, 'same'); // [N, H, W, C*k*k]
          return tf.reshape(tf.sum(tf.reshape(spread, [n * h * w * c, kk]), 1), [n, h, w, c]) as tf.Tensor4D;
        }),
    };
  });
  return op(x) as tf.Tensor4D;
}

/**
 * The one-hot depthwise filter of {@link patches}: forward [k, k, C, k*k] with a 1 at
 * (i, j, c, i*k + j); reversed [k, k, C*k*k, 1] with a 1 at (k-1-i, k-1-j, c*k*k + i*k + j, 0).
 */
function oneHot(k: number, c: number, reversed: boolean): tf.Tensor4D {
  const kk = k * k;
  const values = new Float32Array(kk * c * kk);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const q = i * k + j;
      for (let ch = 0; ch < c; ch++) {
        // Flat index of [i', j', channel, multiplier] in a [k, k, C*k*k, 1] or [k, k, C, k*k] filter: the same layout.
        const at = reversed ? ((k - 1 - i) * k + (k - 1 - j)) * c * kk + ch * kk + q : (i * k + j) * c * kk + ch * kk + q;
        values[at] = 1;
      }
    }
  }
  return tf.tensor4d(values, reversed ? [k, k, c * kk, 1] : [k, k, c, kk]);
}
