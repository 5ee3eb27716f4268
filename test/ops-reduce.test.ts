import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import '@tensorflow/tfjs-backend-wasm';
import { channelMoments, channelSum } from '../src/core/ops/reduce.js';

test('channelSum and channelMoments give known per-channel values on cpu and wasm', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    tf.tidy(() => {
      // [2, 1, 2, 2]: channel 0 holds 1, 2, 3, 4; channel 1 holds 10, 10, 10, 14.
      const x = tf.tensor4d([1, 10, 2, 10, 3, 10, 4, 14], [2, 1, 2, 2]);
      assert.deepEqual(Array.from(channelSum(x).dataSync()), [10, 44], backend);
      const { mean, variance } = channelMoments(x);
      assert.deepEqual(mean.shape, [2]);
      assert.deepEqual(Array.from(mean.dataSync()), [2.5, 11], backend);
      assert.deepEqual(Array.from(variance.dataSync()), [1.25, 3], backend);
      assert.deepEqual(Array.from(channelSum(tf.tensor2d([[1, 2, 3], [4, 5, 6]])).dataSync()), [5, 7, 9], `${backend} 2D`);
      assert.deepEqual(Array.from(channelSum(tf.tensor1d([1, 2])).dataSync()), [1, 2], `${backend} 1D is its own sum`);
      // Two passes keep the variance exact-ish when the mean is large: 1000 + {0, 1}.
      const big = channelMoments(tf.tensor2d([[1000], [1001], [1000], [1001]]));
      assert.equal(big.variance.dataSync()[0], 0.25, `${backend} variance next to a large mean`);
    });
  }
});

test('channelSum equals tf.sum over the leading axes for a large tensor', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    tf.tidy(() => {
      const x = tf.randomUniform([64, 9, 9, 5], -1, 1, 'float32', 3);
      const ours = channelSum(x).dataSync();
      const ref = tf.sum(x, [0, 1, 2]).dataSync();
      for (let c = 0; c < 5; c++) assert.ok(Math.abs(ours[c]! - ref[c]!) < 1e-3, `${backend} channel ${c}: ${ours[c]} vs ${ref[c]}`);
    });
  }
});
