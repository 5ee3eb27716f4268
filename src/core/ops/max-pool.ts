/**
 * 2x2 max pooling at stride 2 (PyTorch's `MaxPool2d(2)`) with a custom gradient that is
 * correct on every backend. The WASM backend's `MaxPoolGrad` kernel is wrong for windows whose
 * values are all <= 0, and tfjs-backend-webgpu's routes a tied window's gradient to its LAST
 * maximum (its positions shader keeps `value >= max`), so `tf.maxPool`'s gradient is not used.
 */
import * as tf from '../tf.js';
import { check } from '../errors.js';

/** How {@link maxPool2x2}'s backward pass routes the gradient; see {@link MaxPoolOptions}. */
export type MaxPoolBackward = 'auto' | 'loop' | 'tensor';

/** Options of {@link maxPool2x2}. */
export interface MaxPoolOptions {
  /**
   * The backward pass's implementation: `loop` reads x and dy (`dataSync`) and routes each
   * window's gradient in a JavaScript loop; `tensor` uses tensor ops only (no read-back, so a
   * GPU backend never waits, and WebGPU in Node, where `dataSync` throws, works); `auto`
   * (default) takes `loop` on the `cpu` and `wasm` backends, where it is the fastest, and
   * `tensor` on every other backend, chosen by `tf.getBackend()` when the op is called. Both
   * give the same gradients.
   */
  backward?: MaxPoolBackward;
}

/** The backends on which the read-back loop is the faster backward pass (measured). */
const LOOP_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm']);

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
 * which propagates NaN): a window of only NaN pools to -Infinity and routes no gradient (but
 * wasm's forward kernel pools a window whose first element is NaN to -Infinity whatever the
 * others; the loop then routes to the largest of the others, the tensor pass nowhere).
 *
 * Implementation: the forward value is `tf.maxPool` (its forward kernel is correct on every
 * backend; only the gradient kernels are not). It equals the reshape of x to
 * [N, H/2, 2, W/2, 2, C] and max over the two window axes, which is 8x slower on WASM, and the
 * tests check the two agree. Two backward passes (`opts.backward`):
 * - `loop` reads x and dy and routes each window's dy to its arg-max in a plain loop: one pass
 *   over x, several times faster on WASM (and on cpu) than both its MaxPoolGrad kernel (which is
 *   also wrong) and the tensor formulation;
 * - `tensor`, 8 kernels (10 for an odd side), no read-back: with x seen as windows
 *   [N*H/2, 2, W/2, 2, C] and y the pooled value, `hit = (x == y)`; each hit gets its position's
 *   priority 4, 3, 2, 1 (row-major, first highest), a 2x2 max pool of those priorities finds
 *   each window's first hit, and dx = dy where `hit` and the priority equals that maximum.
 *   A window of only NaN has no hit and routes nothing.
 * Throws {@link MpoError} if `x` is not 4D or smaller than 2x2, or on an unknown `backward`.
 */
export function maxPool2x2(x: tf.Tensor4D, opts: MaxPoolOptions = {}): tf.Tensor4D {
  check(x.rank === 4, () => `maxPool2x2: x must be a 4D tensor [N, H, W, C], got shape [${x.shape}]: reshape the input to NHWC`);
  const [, h, w] = x.shape;
  check(h >= 2 && w >= 2, () => `maxPool2x2: input ${h}x${w} is smaller than the 2x2 window: remove this pooling layer or use a larger input`);
  const backward = opts.backward ?? 'auto';
  check(backward === 'auto' || backward === 'loop' || backward === 'tensor',
    () => `maxPool2x2: backward must be 'auto', 'loop' or 'tensor', got "${String(backward)}"`);
  const useLoop = backward === 'loop' || (backward === 'auto' && LOOP_BACKENDS.has(tf.getBackend()));
  const op = tf.customGrad((xs, save) => {
    const value = tf.maxPool(xs as tf.Tensor4D, 2, 2, 'valid');
    (save as tf.GradSaveFunc)(useLoop ? [xs as tf.Tensor4D] : [xs as tf.Tensor4D, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        useLoop ? routeLoop(saved[0] as tf.Tensor4D, dy) : routeTensor(saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, dy),
    };
  });
  return op(x) as tf.Tensor4D;
}

/** The `loop` backward pass: reads x and dy, routes each window's dy to its first arg-max. */
function routeLoop(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const xv = x.dataSync();
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
}

/** The `tensor` backward pass: the same routing as {@link routeLoop} with tensor ops only. */
function routeTensor(x: tf.Tensor4D, y: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const ho = Math.floor(h / 2);
    const wo = Math.floor(w / 2);
    const even = h === 2 * ho && w === 2 * wo;
    const cropped = even ? x : tf.slice(x, [0, 0, 0, 0], [n, 2 * ho, 2 * wo, c]);
    const windows = tf.reshape(cropped, [n * ho, 2, wo, 2, c]);
    const perWindow = (t: tf.Tensor): tf.Tensor => tf.reshape(t, [n * ho, 1, wo, 1, c]);
    const hit = tf.equal(windows, perWindow(y));
    const priority = tf.tensor([4, 3, 2, 1], [1, 2, 1, 2, 1]);
    const rank = tf.mul(tf.cast(hit, 'float32'), priority);
    const first = tf.maxPool(tf.reshape(rank, [n, 2 * ho, 2 * wo, c]) as tf.Tensor4D, 2, 2, 'valid');
    const chosen = tf.logicalAnd(hit, tf.equal(rank, perWindow(first)));
    const dx = tf.reshape(tf.mul(tf.cast(chosen, 'float32'), perWindow(dy)), [n, 2 * ho, 2 * wo, c]) as tf.Tensor4D;
    return even ? dx : tf.pad(dx, [[0, 0], [0, h - 2 * ho], [0, w - 2 * wo], [0, 0]]);
  });
}
