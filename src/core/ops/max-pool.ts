/**
 * 2x2 max pooling at stride 2 (PyTorch's `MaxPool2d(2)`) with a custom gradient that is
 * correct on every backend. The WASM backend's `MaxPoolGrad` kernel is wrong for windows whose
 * values are all <= 0, so `tf.maxPool`'s gradient cannot be used on signed inputs there.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors.js';

/**
 * Max pooling of `x` [N, H, W, C] over 2x2 windows at stride 2 with 'valid' padding: the
 * output is [N, floor(H/2), floor(W/2), C] and an odd last row/column is dropped, as in
 * PyTorch's `MaxPool2d(2)`.
 *
 * Gradient: each window's incoming gradient goes to ONE element, the first position holding
 * the window's maximum in row-major order ((0,0), (0,1), (1,0), (1,1)), as PyTorch and TF's cpu
 * backend do (ties are common: a constant image background gives equal activations); the other
 * elements, and a dropped odd row/column, get 0. Windows of non-positive values are handled like
 * any other. NaN elements are ignored by the max on the cpu and wasm backends (unlike PyTorch,
 * which propagates NaN): a window of only NaN pools to -Infinity and routes no gradient.
 *
 * Implementation: the forward value is `tf.maxPool` (its forward kernel is correct on every
 * backend; only WASM's gradient kernel is not). It equals the reshape of x to
 * [N, H/2, 2, W/2, 2, C] and max over the two window axes, which is 8x slower on WASM, and the
 * tests check the two agree. The backward pass uses only fast 4D kernels: it marks the elements
 * equal to their window's max (the max upsampled by nearest neighbour), weights them by a
 * row-major priority 4, 3, 2, 1, keeps the highest per window (a max pool of the priorities),
 * and multiplies by the upsampled dy.
 * Throws {@link MpoError} if `x` is not 4D or smaller than 2x2.
 */
export function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
  check(x.rank === 4, () => `maxPool2x2: x must be a 4D tensor [N, H, W, C], got shape [${x.shape}]: reshape the input to NHWC`);
  const [n, h, w, c] = x.shape;
  check(h >= 2 && w >= 2, () => `maxPool2x2: input ${h}x${w} is smaller than the 2x2 window: remove this pooling layer or use a larger input`);
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const even = h === 2 * ho && w === 2 * wo;
  const up = (t: tf.Tensor4D): tf.Tensor4D => tf.image.resizeNearestNeighbor(t, [2 * ho, 2 * wo]);

  const op = tf.customGrad((xs, save) => {
    const value = tf.maxPool(xs as tf.Tensor4D, 2, 2, 'valid');
    (save as tf.GradSaveFunc)([xs as tf.Tensor4D, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const full = saved[0] as tf.Tensor4D;
          const xe = even ? full : tf.slice(full, [0, 0, 0, 0], [n, 2 * ho, 2 * wo, c]);
          const priority = tf.tile(tf.tensor4d([4, 3, 2, 1], [1, 2, 2, 1]), [1, ho, wo, 1]);
          // Priority of each element equal to its window's max, 0 elsewhere.
          const key = tf.mul(tf.cast(tf.equal(xe, up(saved[1] as tf.Tensor4D)), 'float32'), priority) as tf.Tensor4D;
          // The floor of 0.5 keeps a window where no element equals the max (all NaN) at all zeros.
          const best = tf.maximum(tf.maxPool(key, 2, 2, 'valid'), 0.5) as tf.Tensor4D;
          const first = tf.cast(tf.equal(key, up(best)), 'float32');
          const dx = tf.mul(first, up(dy)) as tf.Tensor4D;
          return even ? dx : tf.pad(dx, [[0, 0], [0, h - 2 * ho], [0, w - 2 * wo], [0, 0]]);
        }),
    };
  });
  return op(x) as tf.Tensor4D;
}
