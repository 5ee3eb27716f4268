import * as tf from '../tf.js';
import type { ParamSet, ParamSpec } from '../plane/params.js';
import { adaptiveAvgPool2d, batchNorm, conv2d, dense, maxPool2x2 } from '../ops/index.js';
import { convSpecs, denseSpecs, type Model } from './model.js';

/** Options shared by the convolutional models. */
export interface CnnOptions {
  /** Input shape [h, w, c] (default [28, 28, 1]; [32, 32, 3] for CIFAR-10). */
  inputShape?: readonly [number, number, number];
  /** Classes (default 10). */
  numClasses?: number;
  /** Output channels of each 3x3 convolution. */
  channels?: readonly number[];
  /** 2x2 max-pool after each convolution's ReLU (the paper's CNN) or none (the 6-conv models). */
  pool?: boolean;
  /** Batch norm (batch statistics) between each convolution and its ReLU. */
  batchNorm?: boolean;
  /**
   * Batch-norm scale convention (appendix C): `paper` stores U[-0.5, 0.5] and adds 0.5 in the
   * forward pass; `original` (the original code) stores 0 and adds 1.
   */
  bnScale?: 'paper' | 'original';
  /** Hidden units of the dense layer after the 4x4 adaptive average pool (default 128). */
  hidden?: number;
  /** Registry name and description. */
  name?: string;
  description?: string;
}

/**
 * A VGG-like CNN (appendix B): 3x3 convolutions (padding 1) with ReLU, optionally batch norm
 * before each ReLU and a 2x2 max-pool after it, then adaptive average pooling to 4x4,
 * flatten, dense -> ReLU -> dense.
 */
export function createCnn(opts: CnnOptions = {}): Model {
  const inputShape = opts.inputShape ?? [28, 28, 1];
  const classes = opts.numClasses ?? 10;
  const channels = opts.channels ?? [8, 32, 64];
  const pool = opts.pool ?? true;
  const bn = opts.batchNorm ?? false;
  const bnOffset = (opts.bnScale ?? 'paper') === 'paper' ? 0.5 : 1;
  const hidden = opts.hidden ?? 128;
  const params: ParamSpec[] = [];
  let cin = inputShape[2];
  channels.forEach((cout, i) => {
    params.push(...convSpecs(`conv${i + 1}`, cin, cout));
    if (bn) {
      params.push(
        { name: `bn${i + 1}.scale`, shape: [cout], init: bnOffset === 0.5 ? 'bn-scale-paper' : 'zeros', fanIn: 1, fanOut: 1 },
        { name: `bn${i + 1}.shift`, shape: [cout], init: 'zeros', fanIn: 1, fanOut: 1 },
      );
    }
    cin = cout;
  });
  const flat = 16 * cin;
  params.push(...denseSpecs('fc1', flat, hidden), ...denseSpecs('fc2', hidden, classes));

  function forward(w: ParamSet, x: tf.Tensor4D): tf.Tensor2D {
    let h = x;
    channels.forEach((_, i) => {
      const n = i + 1;
      // The first layer's input is data: skip its (unused) input gradient.
      h = conv2d(h, w[`conv${n}.w`] as tf.Tensor4D, w[`conv${n}.b`] as tf.Tensor1D, { pad: 'same', inputGrad: i > 0 });
      if (bn) h = batchNorm(h, tf.add(w[`bn${n}.scale`], bnOffset) as tf.Tensor1D, w[`bn${n}.shift`] as tf.Tensor1D) as tf.Tensor4D;
      h = tf.relu(h) as tf.Tensor4D;
      if (pool) h = maxPool2x2(h);
    });
    const pooled = adaptiveAvgPool2d(h, 4);
    const f = tf.reshape(pooled, [x.shape[0], flat]) as tf.Tensor2D;
    const z = tf.relu(dense(f, w['fc1.w'] as tf.Tensor2D, w['fc1.b'] as tf.Tensor1D)) as tf.Tensor2D;
    return dense(z, w['fc2.w'] as tf.Tensor2D, w['fc2.b'] as tf.Tensor1D);
  }

  return {
    name: opts.name ?? 'cnn',
    description: opts.description ?? `CNN convs ${channels.join('/')}${bn ? ' + BN' : ''}${pool ? ' + max-pool' : ''}, adaptive pool 4x4, dense ${hidden}`,
    inputShape,
    numClasses: classes,
    params,
    usesBatchStats: bn,
    forward,
  };
}
