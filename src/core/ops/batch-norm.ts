/**
 * Batch normalisation with the batch's own statistics (PyTorch's training mode).
 */
import * as tf from '../tf.js';
import { check } from '../errors.js';
import { channelMoments, channelSum } from './reduce.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Added to the variance before the square root, as PyTorch's `eps`. Default 1e-5. */
  epsilon?: number;
}

/**
 * Normalises `x` (channels last: [N, H, W, C], or [N, C]) per channel with the mean and the
 * biased variance (divided by the count, not count - 1) over all other axes of this batch, then
 * scales by `gamma` [C] and shifts by `beta` [C]:
 * y = (x - mean) / sqrt(var + epsilon) * gamma + beta, as PyTorch's `BatchNorm2d` in training
 * mode. No running statistics are kept. Differentiable with respect to x, gamma and beta,
 * including through the statistics.
 *
 * The forward pass is {@link channelMoments} (sums as products with a row of ones: `tf.moments`
 * over leading axes is several times slower on WASM) then the fused `tf.batchNorm` kernel.
 * Gradient: a custom gradient with the closed form per channel (x̂ = normalised x, means over
 * the batch):
 * dx = gamma / sqrt(var + eps) * (dy - mean(dy) - x̂ * mean(dy * x̂)), dgamma = sum(dy * x̂),
 * dbeta = sum(dy). Plain autodiff through `tf.moments` gives the same values on the wasm and
 * cpu backends (every kernel it needs exists) but runs more, slower kernels.
 * Throws {@link MpoError} on shapes that do not fit together or a bad epsilon.
 */
export function batchNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, opts: BatchNormOptions = {}): tf.Tensor {
  const epsilon = opts.epsilon ?? 1e-5;
  check(Number.isFinite(epsilon) && epsilon > 0, () => `batchNorm: epsilon must be a positive number, got ${epsilon}`);
  check(x.rank === 4 || x.rank === 2, () => `batchNorm: x must be [N, H, W, C] or [N, C], got shape [${x.shape}]`);
  const c = x.shape[x.rank - 1]!;
  check(gamma.rank === 1 && gamma.shape[0] === c, () => `batchNorm: gamma must have shape [${c}] (the channels of x [${x.shape}]), got [${gamma.shape}]`);
  check(beta.rank === 1 && beta.shape[0] === c, () => `batchNorm: beta must have shape [${c}] (the channels of x [${x.shape}]), got [${beta.shape}]`);
  const count = x.size / c;
  check(count > 1, () => `batchNorm: x [${x.shape}] has one value per channel, so its batch variance is 0: use a batch of more than one value per channel`);

  const op = tf.customGrad((xs, g, b, save) => {
    const xt = xs as tf.Tensor;
    const { mean, variance } = channelMoments(xt);
    (save as tf.GradSaveFunc)([xt, mean, variance, g as tf.Tensor]);
    return {
      value: tf.batchNorm(xt, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, epsilon),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xSaved, meanT, varianceT, gammaT] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
          const inv = tf.rsqrt(tf.add(varianceT, epsilon));
          const dBeta = channelSum(dy);
          const dGamma = tf.mul(channelSum(tf.mul(dy, tf.sub(xSaved, meanT))), inv); // sum(dy * xHat)
          // dx = a*dy + b*(x - mean) + c per channel, with a = gamma*inv,
          // b = -a*inv*dGamma/m, c = -a*dBeta/m; the last two terms as one fused batchNorm kernel.
          const a = tf.mul(gammaT, inv);
          const bCoef = tf.neg(tf.div(tf.mul(tf.mul(a, inv), dGamma), count)) as tf.Tensor1D;
          const cCoef = tf.neg(tf.div(tf.mul(a, dBeta), count)) as tf.Tensor1D;
          const affine = tf.batchNorm(xSaved, meanT, tf.onesLike(varianceT), cCoef, bCoef, 0);
          const dx = tf.add(tf.mul(dy, a), affine);
          return [dx, dGamma, dBeta];
        }),
    };
  });
  return op(x, gamma, beta);
}
