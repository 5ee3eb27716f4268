/**
 * 2D convolution (stride 1, NHWC) with a custom gradient built only from forward
 * convolutions, transposes and reverses. The WASM backend has no `Conv2DBackpropFilter`
 * kernel (the weight gradient of `tf.conv2d` fails there) and its `Conv2DBackpropInput`
 * is 7-9x slower than the equivalent forward convolution.
 */
import * as tf from '../tf.js';
import { check } from '../errors.js';
import { channelSum } from './reduce.js';

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /**
   * `'valid'` (default, like PyTorch's `padding=0`): no padding, the output is
   * (H - kh + 1) x (W - kw + 1). `'same'`: zero padding so the output is H x W; for an even
   * kernel size the extra row/column of padding goes at the bottom/right (as TF and PyTorch do).
   */
  pad?: 'same' | 'valid';
  /**
   * Whether the backward pass computes the gradient with respect to `x` (default true).
   * Set false for a first layer whose input is data: the backward pass then skips one
   * convolution and reports a gradient of zeros for `x`.
   */
  inputGrad?: boolean;
}

/** Zero padding of one spatial axis: `before` rows/columns in front, `after` behind. */
interface AxisPad {
  before: number;
  after: number;
}

/**
 * Convolves `x` [N, H, W, Cin] with `filter` [kh, kw, Cin, Cout] at stride 1 and adds
 * `bias` [Cout] if given; returns [N, Ho, Wo, Cout]. Differentiable with respect to all
 * three inputs through a custom gradient:
 * - dx = conv2d(dy, filter reversed in kh, kw and transposed to [kh, kw, Cout, Cin]) with the
 *   padding that makes it the full correlation;
 * - dW = conv2d(x transposed to [Cin, H, W, N], dy transposed to [Ho, Wo, N, Cout] as the filter,
 *   with x's forward padding) = [Cin, kh, kw, Cout], transposed to [kh, kw, Cin, Cout];
 * - db = the sum of dy over N, Ho, Wo (as a product with a row of ones, see {@link channelSum}).
 * Like every `tf.customGrad` op, the backward pass computes all of these even when only
 * some are needed; `opts.inputGrad: false` skips dx.
 * Throws {@link MpoError} on shapes that do not fit together.
 */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, bias?: tf.Tensor1D, opts: Conv2dOptions = {}): tf.Tensor4D {
  const pad = opts.pad ?? 'valid';
  const inputGrad = opts.inputGrad ?? true;
  check(pad === 'same' || pad === 'valid', () => `conv2d: pad must be 'same' or 'valid', got "${String(pad)}"`);
  check(x.rank === 4, () => `conv2d: x must be a 4D tensor [N, H, W, Cin], got shape [${x.shape}]: reshape the input to NHWC`);
  check(filter.rank === 4, () => `conv2d: filter must be a 4D tensor [kh, kw, Cin, Cout], got shape [${filter.shape}]`);
  const [, h, w, cin] = x.shape;
  const [kh, kw, fcin, cout] = filter.shape;
  check(fcin === cin, () => `conv2d: filter [${filter.shape}] expects ${fcin} input channels but x [${x.shape}] has ${cin}: fix the layer's input channels`);
  check(
    pad === 'same' || (h >= kh && w >= kw),
    () => `conv2d: a ${kh}x${kw} filter does not fit in a ${h}x${w} input with pad 'valid': use pad 'same' or a larger input`,
  );
  if (bias !== undefined) {
    check(bias.rank === 1 && bias.shape[0] === cout, () => `conv2d: bias must have shape [${cout}] (the filter's output channels), got [${bias.shape}]`);
  }
  const padH = axisPad(pad, kh);
  const padW = axisPad(pad, kw);
  const ho = h + padH.before + padH.after - kh + 1;
  const wo = w + padW.before + padW.after - kw + 1;
  const forwardPad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [padH.before, padH.after],
    [padW.before, padW.after],
    [0, 0],
  ];
  // Full correlation of dy with the flipped filter, cropped to x's size.
  const inputGradPad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [kh - 1 - padH.before, h - ho + padH.before],
    [kw - 1 - padW.before, w - wo + padW.before],
    [0, 0],
  ];

  const gradients = (xs: tf.Tensor4D, f: tf.Tensor4D, dy: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] =>
    tf.tidy(() => {
      let dx: tf.Tensor4D;
      if (inputGrad) {
        const flipped = tf.transpose(tf.reverse(f, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        dx = tf.conv2d(dy, flipped, 1, inputGradPad);
      } else {
        dx = tf.zerosLike(xs);
      }
      const xT = tf.transpose(xs, [3, 1, 2, 0]) as tf.Tensor4D; // [Cin, H, W, N]
      const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, Cout]
      const dW = tf.transpose(tf.conv2d(xT, dyT, 1, forwardPad), [1, 2, 0, 3]) as tf.Tensor4D;
      return [dx, dW];
    });

  if (bias === undefined) {
    const op = tf.customGrad((xs, f, save) => {
      const xt = xs as tf.Tensor4D;
      const ft = f as tf.Tensor4D;
      (save as tf.GradSaveFunc)([xt, ft]);
      return {
        value: tf.conv2d(xt, ft, 1, pad),
        gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => gradients(saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, dy),
      };
    });
    return op(x, filter) as tf.Tensor4D;
  }
  const op = tf.customGrad((xs, f, b, save) => {
    const xt = xs as tf.Tensor4D;
    const ft = f as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xt, ft]);
    return {
      value: tf.fused.conv2d({ x: xt, filter: ft, strides: 1, pad, bias: b as tf.Tensor1D }),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [dx, dW] = gradients(saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, dy);
        return [dx, dW, channelSum(dy)];
      },
    };
  });
  return op(x, filter, bias) as tf.Tensor4D;
}

/** TF's padding of one axis at stride 1: none for 'valid'; k - 1 in total for 'same', the odd one behind. */
function axisPad(pad: 'same' | 'valid', k: number): AxisPad {
  if (pad === 'valid') return { before: 0, after: 0 };
  const before = Math.floor((k - 1) / 2);
  return { before, after: k - 1 - before };
}
