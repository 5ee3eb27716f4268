/**
 * PyTorch's `adaptive_avg_pool2d` for NHWC tensors. Output cell i of an axis of length
 * `inSize` averages the input cells start..end-1 with start = floor(i*in/out) and
 * end = ceil((i+1)*in/out), so windows may overlap (3 -> 4) or differ in size (7 -> 4).
 * `tf.image.resizeBilinear` is not equivalent.
 */
import * as tf from '../tf.js';
import { check } from '../errors.js';

/**
 * The [outSize, inSize] averaging matrix of one axis under PyTorch's adaptive pooling rule:
 * row i holds 1/(end - start) in columns start..end-1, zeros elsewhere. For 3 -> 4 it is
 * [[1,0,0],[.5,.5,0],[0,.5,.5],[0,0,1]]; for 28 -> 4 each row averages 7 consecutive cells.
 */
export function adaptivePoolMatrix(inSize: number, outSize: number): number[][] {
  check(Number.isInteger(inSize) && inSize >= 1, () => `adaptive pool: input size must be a positive integer, got ${inSize}`);
  check(Number.isInteger(outSize) && outSize >= 1, () => `adaptive pool: output size must be a positive integer, got ${outSize}`);
  const rows: number[][] = [];
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    const row = new Array<number>(inSize).fill(0);
    for (let j = start; j < end; j++) row[j] = 1 / (end - start);
    rows.push(row);
  }
  return rows;
}

/**
 * Adaptive average pooling of `x` [N, H, W, C] to [N, outH, outW, C], as PyTorch's
 * `adaptive_avg_pool2d` (see {@link adaptivePoolMatrix}). `outSize` is one number for a square
 * output or [outH, outW]; default 4 (the paper's CNN pools to 4x4).
 *
 * When H and W are multiples of outH and outW (e.g. 28 -> 4) the windows do not overlap and
 * this is `tf.avgPool` with a (H/outH) x (W/outW) window and stride. Otherwise (e.g. 3 -> 4,
 * 7 -> 4) it is one matMul of x laid out as [N*C, H*W] with the transposed Kronecker product of
 * the two axes' matrices, with a custom gradient that multiplies by the untransposed product
 * (a plain matMul: the WASM backend's matMul with transpose flags is 5-17x slower).
 * Throws {@link MpoError} if `x` is not 4D or a size is not a positive integer.
 */
export function adaptiveAvgPool2d(x: tf.Tensor4D, outSize: number | [number, number] = 4): tf.Tensor4D {
  check(x.rank === 4, () => `adaptiveAvgPool2d: x must be a 4D tensor [N, H, W, C], got shape [${x.shape}]: reshape the input to NHWC`);
  const [outH, outW] = typeof outSize === 'number' ? [outSize, outSize] : outSize;
  const [n, h, w, c] = x.shape;
  const rowsH = adaptivePoolMatrix(h, outH);
  const rowsW = adaptivePoolMatrix(w, outW);
  if (h % outH === 0 && w % outW === 0) {
    const window: [number, number] = [h / outH, w / outW];
    return tf.avgPool(x, window, window, 'valid');
  }
  // kron[i*outW + j][p*W + q] = A_h[i][p] * A_w[j][q]: y[i, j] = sum_{p,q} kron x[p, q].
  const kron = new Float32Array(outH * outW * h * w);
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < outW; j++) {
      for (let p = 0; p < h; p++) {
        const a = rowsH[i]![p]!;
        if (a === 0) continue;
        for (let q = 0; q < w; q++) kron[(i * outW + j) * h * w + p * w + q] = a * rowsW[j]![q]!;
      }
    }
  }
  const op = tf.customGrad((xs) => {
    const value = tf.tidy(() => {
      const m = tf.tensor2d(kron, [outH * outW, h * w]);
      const flat = tf.reshape(tf.transpose(xs as tf.Tensor4D, [0, 3, 1, 2]), [n * c, h * w]) as tf.Tensor2D;
      const pooled = tf.matMul(flat, tf.transpose(m)); // [N*C, outH*outW]
      return tf.transpose(tf.reshape(pooled, [n, c, outH, outW]), [0, 2, 3, 1]) as tf.Tensor4D;
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor4D) =>
        tf.tidy(() => {
          const m = tf.tensor2d(kron, [outH * outW, h * w]);
          const flat = tf.reshape(tf.transpose(dy, [0, 3, 1, 2]), [n * c, outH * outW]) as tf.Tensor2D;
          const dx = tf.matMul(flat, m); // [N*C, H*W]
          return tf.transpose(tf.reshape(dx, [n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
        }),
    };
  });
  return op(x) as tf.Tensor4D;
}
