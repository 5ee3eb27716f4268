/**
 * 2x2 max pooling at stride 2 (PyTorch's `MaxPool2d(2)`) with a custom gradient that is
 * correct on every backend. The WASM backend's `MaxPoolGrad` kernel is wrong for windows whose
 * values are all <= 0, so `tf.maxPool`'s gradient cannot be used on signed inputs there.
 */
import * as tf from '../tf.js';
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
 * tests check the two agree. The backward pass reads x and dy and routes each window's dy to its
 * arg-max in a plain loop: one pass over x, several times faster on WASM than both its
 * MaxPoolGrad kernel (which is also wrong) and a formulation with tensor ops (upsampling,
 * equality masks and a max pool of priorities, which took 9 kernels).
 * Throws {@link MpoError} if `x` is not 4D or smaller than 2x2.
 */
export function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
  check(x.rank === 4, () => `maxPool2x2: x must be a 4D tensor [N, H, W, C], got shape [${x.shape}]: reshape the input to NHWC`);
  const [n, h, w, c] = x.shape;
  check(h >= 2 && w >= 2, () => `maxPool2x2: input ${h}x${w} is smaller than the 2x2 window: remove this pooling layer or use a larger input`);
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const op = tf.customGrad((xs, save) => {
    const value = tf.maxPool(xs as tf.Tensor4D, 2, 2, 'valid');
    (save as tf.GradSaveFunc)([xs as tf.Tensor4D]);
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const xv = saved[0].dataSync();
        const dyv = dy.dataSync();
        const dx = new Float32Array(n * h * w * c);
        const row = w * c;
        let o = 0;
        for (let b = 0; b < n; b++) {
          for (let i = 0; i < ho; i++) {
            for (let j = 0; j < wo; j++) {
              const base = ((b * h + 2 * i) * w + 2 * j) * c;
              for (let ch = 0; ch < c; ch++, o++) {
                // The window's first arg-max, unrolled (no per-window allocation).
                const p0 = base + ch;
                const p1 = p0 + c;
                const p2 = p0 + row;
                const p3 = p2 + c;
                let at = -1;
                let best = -Infinity;
                if (xv[p0] > best) {
                  best = xv[p0];
                  at = p0;
                }
                if (xv[p1] > best) {
                  best = xv[p1];
                  at = p1;
                }
                if (xv[p2] > best) {
                  best = xv[p2];
                  at = p2;
                }
                if (xv[p3] > best) at = p3;
                if (at >= 0) dx[at] = dyv[o];
              }
            }
          }
        }
        return tf.tensor4d(dx, [n, h, w, c]);
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
