/**
 * Fully connected layers with custom gradients that transpose explicitly and then call a
 * plain `matMul`: on the WASM backend `matMul` with `transposeA`/`transposeB` (what autodiff
 * uses) is 5-17x slower than an explicit `tf.transpose` followed by `matMul`.
 */
import * as tf from '../tf.js';
import { check } from '../errors.js';
import { channelSum } from './reduce.js';

/** Options of {@link dense} and {@link batchedDense}. */
export interface DenseOptions {
  /**
   * Whether the backward pass computes the gradient with respect to `x` (default true).
   * Set false when x is data (a first layer): the backward pass then skips that product and
   * reports a gradient of zeros for `x`.
   */
  inputGrad?: boolean;
}

/**
 * `x` [B, in] times `w` [in, out], plus `b` [out] if given: [B, out].
 * Gradients: dx = dy wᵀ (skipped with `opts.inputGrad: false`), dw = xᵀ dy, db = the sum of
 * dy over B.
 * Throws {@link MpoError} on shapes that do not fit together.
 */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D, opts: DenseOptions = {}): tf.Tensor2D {
  const inputGrad = opts.inputGrad ?? true;
  check(x.rank === 2, () => `dense: x must be a 2D tensor [B, in], got shape [${x.shape}]: flatten the input first`);
  check(w.rank === 2, () => `dense: w must be a 2D tensor [in, out], got shape [${w.shape}]`);
  check(x.shape[1] === w.shape[0],
    () => `dense: x [${x.shape}] has ${x.shape[1]} features but w [${w.shape}] expects ${w.shape[0]}: fix the layer's input size`);
  checkBias('dense', b, [w.shape[1]]);
  const grads = (xs: tf.Tensor2D, ws: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] =>
    tf.tidy(() => [inputGrad ? tf.matMul(dy, tf.transpose(ws)) : tf.zerosLike(xs), tf.matMul(tf.transpose(xs), dy)]);
  if (b === undefined) {
    return tf.customGrad((xs, ws, save) => {
      (save as tf.GradSaveFunc)([xs as tf.Tensor, ws as tf.Tensor]);
      return {
        value: tf.matMul(xs as tf.Tensor2D, ws as tf.Tensor2D) as tf.Tensor2D,
        gradFunc: (dy: tf.Tensor2D, s: tf.Tensor[]) => grads(s[0] as tf.Tensor2D, s[1] as tf.Tensor2D, dy),
      };
    })(x, w) as tf.Tensor2D;
  }
  return tf.customGrad((xs, ws, bs, save) => {
    (save as tf.GradSaveFunc)([xs as tf.Tensor, ws as tf.Tensor]);
    return {
      value: tf.fused.matMul({ a: xs as tf.Tensor2D, b: ws as tf.Tensor2D, bias: bs as tf.Tensor1D }) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, s: tf.Tensor[]) => [...grads(s[0] as tf.Tensor2D, s[1] as tf.Tensor2D, dy), channelSum(dy)],
    };
  })(x, w, b) as tf.Tensor2D;
}

/**
 * K independent dense layers at once: `x` [K, B, in] times `w` [K, in, out], plus `b` [K, out]
 * if given: [K, B, out] (layer k maps batch k).
 *
 * Shared input: `x` may also be 2D [B, in], one batch fed to all K layers, which gives the same
 * [K, B, out] as tiling x K times, without the copies. Its gradient dx is then [B, in], the sum
 * over the K layers, computed as one matMul of dy laid out as [B, K*out] with w laid out as
 * [K*out, in].
 *
 * Gradients (per k): dx = dy wᵀ (skipped with `opts.inputGrad: false`), dw = xᵀ dy, db = the
 * sum of dy over B.
 *
 * Speed on WASM: a 3D `matMul` (K > 1) runs TF.js's own batched kernel, several times slower
 * per multiply-add than the XNNPACK GEMM behind a 2D `matMul`; the shared-input case uses only
 * 2D products.
 * Throws {@link MpoError} on shapes that do not fit together.
 */
export function batchedDense(x: tf.Tensor3D | tf.Tensor2D, w: tf.Tensor3D, b?: tf.Tensor2D, opts: DenseOptions = {}): tf.Tensor3D {
  const inputGrad = opts.inputGrad ?? true;
  check(x.rank === 3 || x.rank === 2, () => `batchedDense: x must be a 3D tensor [K, B, in] or a shared 2D [B, in], got shape [${x.shape}]`);
  check(w.rank === 3, () => `batchedDense: w must be a 3D tensor [K, in, out], got shape [${w.shape}]`);
  const [k, inSize, outSize] = w.shape;
  const xIn = x.shape[x.rank - 1]!;
  check(xIn === inSize, () => `batchedDense: x [${x.shape}] has ${xIn} features but w [${w.shape}] expects ${inSize}: fix the layer's input size`);
  if (x.rank === 3) {
    check(x.shape[0] === k, () => `batchedDense: x [${x.shape}] holds ${x.shape[0]} batches but w [${w.shape}] holds ${k} layers: pass one batch per layer`);
  }
  checkBias('batchedDense', b, [k, outSize]);
  const shared = x.rank === 2;
  const batch = x.shape[x.rank - 2]!;

  const forward = (xs: tf.Tensor, ws: tf.Tensor3D): tf.Tensor3D =>
    tf.tidy(() => {
      if (!shared) return tf.matMul(xs as tf.Tensor3D, ws);
      // [B, in] x [in, K*out] -> [B, K, out] -> [K, B, out]
      const wFlat = tf.reshape(tf.transpose(ws, [1, 0, 2]), [inSize, k * outSize]) as tf.Tensor2D;
      return tf.transpose(tf.reshape(tf.matMul(xs as tf.Tensor2D, wFlat), [batch, k, outSize]), [1, 0, 2]) as tf.Tensor3D;
    });
  const grads = (xs: tf.Tensor, ws: tf.Tensor3D, dy: tf.Tensor3D): [tf.Tensor, tf.Tensor3D] =>
    tf.tidy(() => {
      if (!shared) {
        const x3 = xs as tf.Tensor3D;
        const dx = inputGrad ? tf.matMul(dy, tf.transpose(ws, [0, 2, 1])) : tf.zerosLike(x3);
        return [dx, tf.matMul(tf.transpose(x3, [0, 2, 1]), dy)];
      }
      const dyFlat = tf.reshape(tf.transpose(dy, [1, 0, 2]), [batch, k * outSize]) as tf.Tensor2D; // [B, K*out]
      let dx: tf.Tensor;
      if (inputGrad) {
        const wT = tf.reshape(tf.transpose(ws, [0, 2, 1]), [k * outSize, inSize]) as tf.Tensor2D; // [K*out, in]
        dx = tf.matMul(dyFlat, wT);
      } else {
        dx = tf.zerosLike(xs);
      }
      const dwFlat = tf.matMul(tf.transpose(xs as tf.Tensor2D), dyFlat); // [in, K*out]
      const dw = tf.transpose(tf.reshape(dwFlat, [inSize, k, outSize]), [1, 0, 2]) as tf.Tensor3D;
      return [dx, dw];
    });

  if (b === undefined) {
    return tf.customGrad((xs, ws, save) => {
      (save as tf.GradSaveFunc)([xs as tf.Tensor, ws as tf.Tensor]);
      return {
        value: forward(xs as tf.Tensor, ws as tf.Tensor3D),
        gradFunc: (dy: tf.Tensor3D, s: tf.Tensor[]) => grads(s[0]!, s[1] as tf.Tensor3D, dy),
      };
    })(x, w) as tf.Tensor3D;
  }
  return tf.customGrad((xs, ws, bs, save) => {
    (save as tf.GradSaveFunc)([xs as tf.Tensor, ws as tf.Tensor]);
    return {
      value: tf.tidy(() => tf.add(forward(xs as tf.Tensor, ws as tf.Tensor3D), tf.expandDims(bs as tf.Tensor2D, 1)) as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor3D, s: tf.Tensor[]) => [...grads(s[0]!, s[1] as tf.Tensor3D, dy), tf.sum(dy, 1)],
    };
  })(x, w, b) as tf.Tensor3D;
}

/** Checks that an optional bias has exactly `shape`. */
function checkBias(op: string, b: tf.Tensor | undefined, shape: number[]): void {
  if (b === undefined) return;
  check(
    b.rank === shape.length && b.shape.every((d, i) => d === shape[i]),
    () => `${op}: bias must have shape [${shape}], got [${b.shape}]`,
  );
}
