import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import '@tensorflow/tfjs-backend-wasm';
import { batchedDense, dense } from '../src/core/ops/dense.js';
import { assertClose, randn } from './helpers.js';

/** Value and gradients of sum(f(...inputs) * up) for fixed random up, read back as arrays. */
function valueAndGrads(f: (...t: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], seed: number): Float32Array[] {
  return tf.tidy(() => {
    const out = f(...inputs);
    const up = randn(out.shape, seed);
    const grads = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(f(...t), up)))(inputs);
    return [out.dataSync() as Float32Array, ...grads.map((g) => g.dataSync() as Float32Array)];
  });
}

interface Case {
  name: string;
  shapes: number[][];
  ours: (...t: tf.Tensor[]) => tf.Tensor;
  reference: (...t: tf.Tensor[]) => tf.Tensor;
}

const CASES: Case[] = [
  {
    name: 'dense with bias',
    shapes: [[5, 7], [7, 3], [3]],
    ours: (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
    reference: (x, w, b) => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b!),
  },
  {
    name: 'dense without bias, batch 1',
    shapes: [[1, 6], [6, 4]],
    ours: (x, w) => dense(x as tf.Tensor2D, w as tf.Tensor2D),
    reference: (x, w) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
  },
  {
    name: 'batchedDense with bias',
    shapes: [[4, 5, 6], [4, 6, 3], [4, 3]],
    ours: (x, w, b) => batchedDense(x as tf.Tensor3D, w as tf.Tensor3D, b as tf.Tensor2D),
    reference: (x, w, b) => tf.add(tf.matMul(x as tf.Tensor3D, w as tf.Tensor3D), tf.expandDims(b!, 1)),
  },
  {
    name: 'batchedDense without bias',
    shapes: [[3, 2, 5], [3, 5, 4]],
    ours: (x, w) => batchedDense(x as tf.Tensor3D, w as tf.Tensor3D),
    reference: (x, w) => tf.matMul(x as tf.Tensor3D, w as tf.Tensor3D),
  },
  {
    name: 'batchedDense with a shared 2D input and bias',
    shapes: [[5, 6], [4, 6, 3], [4, 3]],
    ours: (x, w, b) => batchedDense(x as tf.Tensor2D, w as tf.Tensor3D, b as tf.Tensor2D),
    // Reference: tile x to [K, B, in] explicitly.
    reference: (x, w, b) => tf.add(tf.matMul(tf.tile(tf.expandDims(x!, 0), [4, 1, 1]) as tf.Tensor3D, w as tf.Tensor3D), tf.expandDims(b!, 1)),
  },
  {
    name: 'batchedDense with a shared 2D input, no bias, K = 1',
    shapes: [[3, 4], [1, 4, 2]],
    ours: (x, w) => batchedDense(x as tf.Tensor2D, w as tf.Tensor3D),
    reference: (x, w) => tf.matMul(tf.expandDims(x!, 0) as tf.Tensor3D, w as tf.Tensor3D),
  },
];

test('dense ops match tf.matMul and its autodiff gradients on the cpu backend', async () => {
  await tf.setBackend('cpu');
  CASES.forEach((c, i) => {
    const inputs = c.shapes.map((s, k) => randn(s, 10 * i + k));
    const ours = valueAndGrads(c.ours, inputs, 99);
    const ref = valueAndGrads(c.reference, inputs, 99);
    assert.equal(ours.length, c.shapes.length + 1);
    ours.forEach((v, k) => assertClose(v, ref[k]!, 1e-6, 1e-6, `${c.name}: ${k === 0 ? 'value' : `gradient ${k - 1}`}`));
    tf.dispose(inputs);
  });
});

test('dense ops give the same values and gradients on wasm as on cpu', async () => {
  const big: Case = {
    name: 'batchedDense [6, 32, 50] x [6, 50, 20]',
    shapes: [[6, 32, 50], [6, 50, 20], [6, 20]],
    ours: CASES[2]!.ours,
    reference: CASES[2]!.reference,
  };
  const cases = [...CASES, big];
  await tf.setBackend('cpu');
  const cpu = cases.map((c, i) => {
    const inputs = c.shapes.map((s, k) => randn(s, 10 * i + k));
    const out = valueAndGrads(c.ours, inputs, 98);
    tf.dispose(inputs);
    return out;
  });
  assert.equal(await tf.setBackend('wasm'), true);
  cases.forEach((c, i) => {
    const inputs = c.shapes.map((s, k) => randn(s, 10 * i + k));
    const wasm = valueAndGrads(c.ours, inputs, 98);
    wasm.forEach((v, k) => assertClose(v, cpu[i]![k]!, 1e-5, 1e-5, `${c.name}: ${k === 0 ? 'value' : `gradient ${k - 1}`}`));
    tf.dispose(inputs);
  });
});

test('dense gradient matches a hand-computed example', async () => {
  await tf.setBackend('cpu');
  tf.tidy(() => {
    // y = x w + b with x = [[1, 2]], w = [[3], [4]], b = [5]: y = 16; loss = 2 y.
    const [dx, dw, db] = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.mul(tf.sum(dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D)), 2))(
      [tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]), tf.tensor1d([5])],
    );
    assert.deepEqual(dx!.arraySync(), [[6, 8]]);
    assert.deepEqual(dw!.arraySync(), [[2], [4]]);
    assert.deepEqual(db!.arraySync(), [2]);
  });
});

test('dense ops reject shapes that do not fit with one-line messages', async () => {
  await tf.setBackend('cpu');
  tf.tidy(() => {
    assert.throws(() => dense(tf.zeros([2, 5]) as tf.Tensor2D, tf.zeros([4, 3]) as tf.Tensor2D), {
      name: 'MpoError',
      message: /^dense: x \[2,5\] has 5 features but w \[4,3\] expects 4: fix the layer's input size$/,
    });
    assert.throws(() => dense(tf.zeros([2, 4]) as tf.Tensor2D, tf.zeros([4, 3]) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D), {
      name: 'MpoError',
      message: /^dense: bias must have shape \[3\], got \[4\]$/,
    });
    assert.throws(() => dense(tf.zeros([2, 2, 4]) as unknown as tf.Tensor2D, tf.zeros([4, 3]) as tf.Tensor2D), {
      name: 'MpoError',
      message: /^dense: x must be a 2D tensor \[B, in\], got shape \[2,2,4\]: flatten the input first$/,
    });
    assert.throws(() => batchedDense(tf.zeros([3, 2, 4]) as tf.Tensor3D, tf.zeros([2, 4, 5]) as tf.Tensor3D), {
      name: 'MpoError',
      message: /^batchedDense: x \[3,2,4\] holds 3 batches but w \[2,4,5\] holds 2 layers: pass one batch per layer$/,
    });
    assert.throws(() => batchedDense(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 4, 5]) as tf.Tensor3D), {
      name: 'MpoError',
      message: /^batchedDense: x \[2,3\] has 3 features but w \[2,4,5\] expects 4/,
    });
    assert.throws(() => batchedDense(tf.zeros([2, 4]) as tf.Tensor2D, tf.zeros([2, 4, 5]) as tf.Tensor3D, tf.zeros([5]) as unknown as tf.Tensor2D), {
      name: 'MpoError',
      message: /^batchedDense: bias must have shape \[2,5\], got \[5\]$/,
    });
  });
});

test('inputGrad: false reports zeros for x and leaves the weight and bias gradients unchanged', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    const cases: Array<{ shapes: number[][]; op: (opts: { inputGrad?: boolean; }) => (...t: tf.Tensor[]) => tf.Tensor; }> = [
      { shapes: [[5, 7], [7, 3], [3]], op: (o) => (x, w, b) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, o) },
      { shapes: [[4, 5, 6], [4, 6, 3], [4, 3]], op: (o) => (x, w, b) => batchedDense(x as tf.Tensor3D, w as tf.Tensor3D, b as tf.Tensor2D, o) },
      { shapes: [[5, 6], [4, 6, 3], [4, 3]], op: (o) => (x, w, b) => batchedDense(x as tf.Tensor2D, w as tf.Tensor3D, b as tf.Tensor2D, o) },
    ];
    cases.forEach((c, i) => {
      const inputs = c.shapes.map((s, k) => randn(s, 30 + 10 * i + k));
      const full = valueAndGrads(c.op({}), inputs, 97);
      const skip = valueAndGrads(c.op({ inputGrad: false }), inputs, 97);
      assert.ok(full[1]!.some((v) => Math.abs(v) > 0.1), `${backend} case ${i}: full dx is not zero`);
      assert.ok(skip[1]!.every((v) => v === 0), `${backend} case ${i}: dx is zeros`);
      assert.equal(skip[1]!.length, full[1]!.length);
      for (const k of [0, 2, 3]) assert.deepEqual(skip[k], full[k], `${backend} case ${i}: output ${k}`);
      tf.dispose(inputs);
    });
  }
});

test('dense ops leak no tensors inside tf.tidy', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    const inputs = [randn([5, 6], 1), randn([6, 3], 2), randn([3], 3), randn([4, 6, 3], 4), randn([4, 3], 5)];
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const [x, w, b, w3, b3] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor3D, tf.Tensor2D];
      tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(dense(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D)))([x, w, b]);
      tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(batchedDense(a as tf.Tensor2D, c as tf.Tensor3D, d as tf.Tensor2D)))([x, w3, b3]);
    });
    assert.equal(tf.memory().numTensors, before, backend);
    tf.dispose(inputs);
  }
});
