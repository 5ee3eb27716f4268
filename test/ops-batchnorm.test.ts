import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import '@tensorflow/tfjs-backend-wasm';
import { batchNorm } from '../src/core/ops/batch-norm.js';
import { assertClose, randn } from './helpers.js';

/** Plain-autodiff reference: PyTorch training-mode batch norm through tf.moments. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon = 1e-5): tf.Tensor {
  const axes = x.rank === 4 ? [0, 1, 2] : [0];
  const { mean, variance } = tf.moments(x, axes);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** Value and gradients [x, gamma, beta] of sum(f(x, gamma, beta) * up). */
function valueAndGrads(f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor, shape: number[], seed: number): Float32Array[] {
  return tf.tidy(() => {
    const c = shape[shape.length - 1]!;
    const inputs = [randn(shape, seed, 0.7, 2), randn([c], seed + 1, 1, 0.3), randn([c], seed + 2)];
    const up = randn(shape, seed + 3);
    const out = f(inputs[0]!, inputs[1]!, inputs[2]!);
    const grads = tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(x, g, b), up)))(inputs);
    return [out.dataSync() as Float32Array, ...grads.map((t) => t.dataSync() as Float32Array)];
  });
}

const ours = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => batchNorm(x, g as tf.Tensor1D, b as tf.Tensor1D);
const SHAPES = [[4, 3, 3, 2], [1, 5, 4, 3], [6, 5], [16, 7, 7, 8]];
const NAMES = ['value', 'dx', 'dgamma', 'dbeta'];

test('batchNorm gives known values with the biased batch variance', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    tf.tidy(() => {
      // Channel 0 holds 1, 2, 3, 4 (mean 2.5, biased variance 1.25); channel 1 holds 10, 10, 10, 14 (mean 11, variance 3).
      const x = tf.tensor4d([1, 10, 2, 10, 3, 10, 4, 14], [2, 1, 2, 2]);
      const y = batchNorm(x, tf.tensor1d([2, 1]), tf.tensor1d([0.5, -1])).dataSync();
      const s0 = Math.sqrt(1.25 + 1e-5);
      const s1 = Math.sqrt(3 + 1e-5);
      const expected = [(1 - 2.5) / s0, -1 / s1, (2 - 2.5) / s0, -1 / s1, (3 - 2.5) / s0, -1 / s1, (4 - 2.5) / s0, 3 / s1].map((v, i) =>
        i % 2 === 0 ? 2 * v + 0.5 : v - 1
      );
      assertClose(y, expected, 0, 1e-5, backend);
      // epsilon option, and a 2D [N, C] input.
      const y2 = batchNorm(tf.tensor2d([[0], [2]]), tf.tensor1d([1]), tf.tensor1d([0]), { epsilon: 3 }).dataSync();
      assertClose(y2, [-0.5, 0.5], 0, 1e-6, `${backend} 2D, epsilon 3`);
    });
  }
});

test('batchNorm gradients match plain autodiff through tf.moments on cpu', async () => {
  await tf.setBackend('cpu');
  SHAPES.forEach((shape, i) => {
    const a = valueAndGrads(ours, shape, 10 * i);
    const r = valueAndGrads(reference, shape, 10 * i);
    a.forEach((v, k) => assertClose(v, r[k]!, 2e-5, 1e-5, `[${shape}] ${NAMES[k]}`));
    // The gradient with respect to x sums to zero over the batch in each channel.
    const c = shape[shape.length - 1]!;
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let j = ch; j < a[1]!.length; j += c) sum += a[1]![j]!;
      assert.ok(Math.abs(sum) < 1e-4, `[${shape}] channel ${ch}: dx sums to ${sum}`);
    }
  });
});

test('batchNorm gradients match float32 central finite differences', async () => {
  await tf.setBackend('cpu');
  const shape = [3, 2, 2, 2];
  tf.tidy(() => {
    const inputs = [randn(shape, 5, 0.7, 2), randn([2], 6, 1, 0.3), randn([2], 7)];
    const up = randn(shape, 8);
    const loss = (t: tf.Tensor[]): number => tf.sum(tf.mul(ours(t[0]!, t[1]!, t[2]!), up)).dataSync()[0]!;
    const grads = tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(ours(x, g, b), up)))(inputs).map((g) => g.dataSync());
    const eps = 1e-2;
    for (let p = 0; p < 3; p++) {
      const base = inputs[p]!.dataSync();
      for (const idx of [0, base.length - 1, Math.floor(base.length / 2)]) {
        const at = (delta: number): number => {
          const v = Float32Array.from(base);
          v[idx]! += delta;
          return loss(inputs.map((t, k) => (k === p ? tf.tensor(v, t.shape) : t)));
        };
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        const g = grads[p]![idx]!;
        assert.ok(Math.abs(fd - g) <= 3e-3 * Math.max(1, Math.abs(g)), `input ${p} entry ${idx}: finite difference ${fd} vs gradient ${g}`);
      }
    }
  });
});

test('batchNorm gives the same values and gradients on wasm as on cpu', async () => {
  await tf.setBackend('cpu');
  const cpu = SHAPES.map((shape, i) => valueAndGrads(ours, shape, 20 + i));
  assert.equal(await tf.setBackend('wasm'), true);
  SHAPES.forEach((shape, i) => {
    const wasm = valueAndGrads(ours, shape, 20 + i);
    wasm.forEach((v, k) => assertClose(v, cpu[i]![k]!, 1e-4, 1e-5, `[${shape}] ${NAMES[k]}`));
    // Plain autodiff through tf.moments also works on wasm and agrees.
    const auto = valueAndGrads(reference, shape, 20 + i);
    auto.forEach((v, k) => assertClose(v, cpu[i]![k]!, 1e-4, 1e-5, `[${shape}] autodiff ${NAMES[k]}`));
  });
});

test('batchNorm rejects bad shapes and options with one-line messages', async () => {
  await tf.setBackend('cpu');
  tf.tidy(() => {
    const x = tf.zeros([2, 3, 3, 4]);
    const ok = tf.zeros([4]) as tf.Tensor1D;
    assert.throws(() => batchNorm(x, tf.zeros([3]) as tf.Tensor1D, ok), {
      name: 'MpoError',
      message: /^batchNorm: gamma must have shape \[4\] \(the channels of x \[2,3,3,4\]\), got \[3\]$/,
    });
    assert.throws(() => batchNorm(x, ok, tf.zeros([4, 1]) as unknown as tf.Tensor1D), {
      name: 'MpoError',
      message: /^batchNorm: beta must have shape \[4\]/,
    });
    assert.throws(() => batchNorm(tf.zeros([1, 4]), ok, ok), {
      name: 'MpoError',
      message: /^batchNorm: x \[1,4\] has one value per channel, so its batch variance is 0: use a batch of more than one value per channel$/,
    });
    assert.throws(() => batchNorm(x, ok, ok, { epsilon: 0 }), { name: 'MpoError', message: /^batchNorm: epsilon must be a positive number, got 0$/ });
    assert.throws(() => batchNorm(tf.zeros([2, 3, 4]), ok, ok), { name: 'MpoError',
      message: /^batchNorm: x must be \[N, H, W, C\] or \[N, C\], got shape \[2,3,4\]$/ });
  });
});

test('batchNorm leaks no tensors inside tf.tidy', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    const inputs = [randn([3, 4, 4, 2], 1), randn([2], 2), randn([2], 3)];
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(ours(x, g, b))))(inputs);
    });
    assert.equal(tf.memory().numTensors, before, backend);
    tf.dispose(inputs);
  }
});
