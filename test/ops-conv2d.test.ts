import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import '@tensorflow/tfjs-backend-wasm';
import { conv2d } from '../src/core/ops/conv2d.js';
import { assertClose, randn } from './helpers.js';

type Shape4 = [number, number, number, number];

interface Case {
  x: Shape4;
  f: Shape4;
  pad: 'same' | 'valid';
}

const CASES: Case[] = [
  { x: [1, 5, 5, 1], f: [3, 3, 1, 2], pad: 'valid' }, // batch 1
  { x: [1, 5, 5, 1], f: [3, 3, 1, 2], pad: 'same' },
  { x: [3, 7, 6, 2], f: [3, 3, 2, 4], pad: 'valid' }, // odd / non-square sizes
  { x: [3, 7, 6, 2], f: [3, 3, 2, 4], pad: 'same' },
  { x: [2, 6, 5, 3], f: [2, 4, 3, 3], pad: 'same' }, // even kernel sizes: asymmetric padding
  { x: [2, 6, 5, 3], f: [2, 4, 3, 3], pad: 'valid' },
  { x: [2, 4, 4, 3], f: [1, 1, 3, 2], pad: 'same' }, // 1x1
  { x: [2, 3, 3, 2], f: [3, 3, 2, 2], pad: 'valid' }, // output 1x1
];

/** Inputs of a case: x, filter, bias, and the fixed upstream weights of the loss. */
function inputs(c: Case, seed: number): { x: tf.Tensor4D; f: tf.Tensor4D; b: tf.Tensor1D; up: tf.Tensor4D; } {
  const x = randn(c.x, seed) as tf.Tensor4D;
  const f = randn(c.f, seed + 1) as tf.Tensor4D;
  const b = randn([c.f[3]], seed + 2) as tf.Tensor1D;
  const out = tf.conv2d(x, f, 1, c.pad);
  const up = randn(out.shape, seed + 3) as tf.Tensor4D;
  out.dispose();
  return { x, f, b, up };
}

/** Loss sum(conv(x) * up) and its gradients [dx, dW, db] with our op or with tf.conv2d autodiff. */
function lossAndGrads(c: Case, seed: number, ours: boolean): { value: Float32Array; grads: Float32Array[]; } {
  return tf.tidy(() => {
    const { x, f, b, up } = inputs(c, seed);
    const forward = (xs: tf.Tensor, fs: tf.Tensor, bs: tf.Tensor): tf.Tensor4D =>
      ours
        ? conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, bs as tf.Tensor1D, { pad: c.pad })
        : (tf.add(tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, 1, c.pad), bs) as tf.Tensor4D);
    const value = forward(x, f, b).dataSync() as Float32Array;
    const grads = tf.grads((xs: tf.Tensor, fs: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(forward(xs, fs, bs), up)))([x, f, b]);
    return { value, grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}

test('conv2d matches tf.conv2d and its autodiff gradients on the cpu backend', async () => {
  await tf.setBackend('cpu');
  CASES.forEach((c, i) => {
    const ours = lossAndGrads(c, 10 * i, true);
    const ref = lossAndGrads(c, 10 * i, false);
    const name = `x [${c.x}] f [${c.f}] ${c.pad}`;
    assertClose(ours.value, ref.value, 1e-6, 1e-5, `${name}: forward`);
    ['dx', 'dW', 'db'].forEach((g, k) => assertClose(ours.grads[k]!, ref.grads[k]!, 1e-6, 1e-5, `${name}: ${g}`));
  });
});

test('conv2d gradients match float32 central finite differences', async () => {
  await tf.setBackend('cpu');
  const c: Case = { x: [2, 5, 4, 2], f: [3, 2, 2, 3], pad: 'same' };
  tf.tidy(() => {
    const { x, f, b, up } = inputs(c, 77);
    const loss = (xs: tf.Tensor, fs: tf.Tensor, bs: tf.Tensor): number =>
      tf.sum(tf.mul(conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, bs as tf.Tensor1D, { pad: c.pad }), up)).dataSync()[0]!;
    const grads = tf.grads((xs: tf.Tensor, fs: tf.Tensor, bs: tf.Tensor) =>
      tf.sum(tf.mul(conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, bs as tf.Tensor1D, { pad: c.pad }), up))
    )([x, f, b]).map((g) => g.dataSync());
    const params = [x, f, b];
    const eps = 0.05; // the loss is linear in each input, so only float32 rounding limits the accuracy
    for (let p = 0; p < 3; p++) {
      const base = params[p]!.dataSync();
      for (const idx of [0, Math.floor(base.length / 2), base.length - 1]) {
        const shifted = (delta: number): tf.Tensor => {
          const v = Float32Array.from(base);
          v[idx]! += delta;
          return tf.tensor(v, params[p]!.shape);
        };
        const args = (t: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] => params.map((q, k) => (k === p ? t : q)) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const fd = (loss(...args(shifted(eps))) - loss(...args(shifted(-eps)))) / (2 * eps);
        const g = grads[p]![idx]!;
        assert.ok(Math.abs(fd - g) <= 2e-3 * Math.max(1, Math.abs(g)), `input ${p} entry ${idx}: finite difference ${fd} vs gradient ${g}`);
      }
    }
  });
});

test('conv2d gradients on wasm equal the cpu ones', async () => {
  const cases: Case[] = [...CASES, { x: [8, 12, 12, 3], f: [3, 3, 3, 8], pad: 'same' }, { x: [8, 12, 12, 3], f: [3, 3, 3, 8], pad: 'valid' }];
  await tf.setBackend('cpu');
  const cpu = cases.map((c, i) => lossAndGrads(c, 100 + i, true));
  assert.equal(await tf.setBackend('wasm'), true);
  cases.forEach((c, i) => {
    const wasm = lossAndGrads(c, 100 + i, true);
    const name = `x [${c.x}] f [${c.f}] ${c.pad}`;
    assertClose(wasm.value, cpu[i]!.value, 1e-5, 1e-5, `${name}: forward`);
    ['dx', 'dW', 'db'].forEach((g, k) => assertClose(wasm.grads[k]!, cpu[i]!.grads[k]!, 1e-4, 1e-5, `${name}: ${g}`));
  });
});

test('conv2d without bias, and with inputGrad: false (dx reported as zeros, dW unchanged)', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    tf.tidy(() => {
      const c: Case = { x: [2, 6, 6, 2], f: [3, 3, 2, 3], pad: 'valid' };
      const { x, f, up } = inputs(c, 5);
      const full = tf.grads((xs: tf.Tensor, fs: tf.Tensor) => tf.sum(tf.mul(conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D), up)))([x, f]);
      const skip = tf.grads((xs: tf.Tensor, fs: tf.Tensor) =>
        tf.sum(tf.mul(conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, undefined, { inputGrad: false }), up))
      )([x, f]);
      assert.deepEqual(skip[0]!.shape, c.x);
      assert.equal(tf.max(tf.abs(skip[0]!)).dataSync()[0], 0, `${backend}: dx should be zeros`);
      assert.ok(tf.max(tf.abs(full[0]!)).dataSync()[0]! > 0.1, `${backend}: full dx should not be zero`);
      assertClose(skip[1]!.dataSync(), full[1]!.dataSync(), 0, 0, `${backend}: dW`);
      // Default padding is 'valid'.
      assert.deepEqual(conv2d(x, f).shape, [2, 4, 4, 3]);
    });
  }
});

test('conv2d leaks no tensors inside tf.tidy', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    const x = randn([2, 5, 5, 2], 1) as tf.Tensor4D;
    const f = randn([3, 3, 2, 2], 2) as tf.Tensor4D;
    const b = randn([2], 3) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grads((xs: tf.Tensor, fs: tf.Tensor, bs: tf.Tensor) => tf.sum(conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, bs as tf.Tensor1D, { pad: 'same' })))([x, f,
        b]);
    });
    assert.equal(tf.memory().numTensors, before, backend);
    tf.dispose([x, f, b]);
  }
});

test('conv2d rejects shapes that do not fit with one-line messages', async () => {
  await tf.setBackend('cpu');
  tf.tidy(() => {
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    assert.throws(() => conv2d(x, tf.zeros([3, 3, 3, 4]) as tf.Tensor4D), {
      name: 'MpoError',
      message: /^conv2d: filter \[3,3,3,4\] expects 3 input channels but x \[1,4,4,2\] has 2: fix the layer's input channels$/,
    });
    assert.throws(() => conv2d(x, tf.zeros([5, 3, 2, 4]) as tf.Tensor4D), {
      name: 'MpoError',
      message: /^conv2d: a 5x3 filter does not fit in a 4x4 input with pad 'valid': use pad 'same' or a larger input$/,
    });
    assert.throws(() => conv2d(x, tf.zeros([3, 3, 2, 4]) as tf.Tensor4D, tf.zeros([3]) as tf.Tensor1D), {
      name: 'MpoError',
      message: /^conv2d: bias must have shape \[4\] \(the filter's output channels\), got \[3\]$/,
    });
    assert.throws(() => conv2d(tf.zeros([4, 4, 2]) as unknown as tf.Tensor4D, tf.zeros([3, 3, 2, 4]) as tf.Tensor4D), {
      name: 'MpoError',
      message: /^conv2d: x must be a 4D tensor \[N, H, W, Cin\], got shape \[4,4,2\]: reshape the input to NHWC$/,
    });
    assert.throws(() => conv2d(x, tf.zeros([3, 3, 2, 4]) as tf.Tensor4D, undefined, { pad: 'full' as 'same' }), {
      name: 'MpoError',
      message: /^conv2d: pad must be 'same' or 'valid', got "full"$/,
    });
  });
});
