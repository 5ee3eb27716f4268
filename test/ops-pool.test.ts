import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import '@tensorflow/tfjs-backend-wasm';
import { maxPool2x2 } from '../src/core/ops/max-pool.js';
import { adaptiveAvgPool2d, adaptivePoolMatrix } from '../src/core/ops/adaptive-pool.js';
import { assertClose, randn } from './helpers.js';
import { createRng } from '../src/core/random.js';

type Shape4 = [number, number, number, number];

/** Distinct signed values -k*0.01 .. +k*0.01 in a seeded random order: no ties, gaps of 0.01. */
function distinct(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.01);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return tf.tensor(values, shape);
}

/** Value and gradient of sum(op(x) * up) with up a fixed random tensor. */
function valueAndGrad(op: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, seed: number): { value: Float32Array; grad: Float32Array; } {
  return tf.tidy(() => {
    const out = op(x);
    const up = randn(out.shape, seed);
    const grad = tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(op(xs as tf.Tensor4D), up)))(x);
    return { value: out.dataSync() as Float32Array, grad: grad.dataSync() as Float32Array };
  });
}

/** Reference forward: crop to even size, reshape to [N, H/2, 2, W/2, 2, C], max over the window axes. */
function reshapeMax(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const cropped = tf.slice(x, [0, 0, 0, 0], [n, 2 * ho, 2 * wo, c]);
  return tf.max(tf.reshape(cropped, [n, ho, 2, wo, 2, c]), [2, 4]) as tf.Tensor4D;
}

const POOL_SHAPES: Shape4[] = [[1, 4, 4, 1], [2, 6, 8, 3], [3, 5, 7, 2], [2, 2, 3, 4], [4, 9, 9, 5]];

test('maxPool2x2 equals reshape + max, also for odd sizes and all-negative windows, on cpu and wasm', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    POOL_SHAPES.forEach((shape, i) => {
      tf.tidy(() => {
        for (const x of [randn(shape, i) as tf.Tensor4D, tf.sub(tf.neg(tf.abs(randn(shape, i))), 0.5) as tf.Tensor4D]) {
          const ours = maxPool2x2(x);
          assert.deepEqual(ours.shape, [shape[0], Math.floor(shape[1] / 2), Math.floor(shape[2] / 2), shape[3]]);
          assertClose(ours.dataSync(), reshapeMax(x).dataSync(), 0, 0, `${backend} [${shape}]`);
        }
      });
    });
  }
});

test('maxPool2x2 gradient with signed inputs matches the cpu tf.maxPool gradient, on cpu and on wasm', async () => {
  await tf.setBackend('cpu');
  const reference = POOL_SHAPES.map((shape, i) => valueAndGrad((x) => tf.maxPool(x, 2, 2, 'valid'), randn(shape, 40 + i) as tf.Tensor4D, 50 + i));
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    POOL_SHAPES.forEach((shape, i) => {
      const ours = valueAndGrad(maxPool2x2, randn(shape, 40 + i) as tf.Tensor4D, 50 + i);
      assertClose(ours.value, reference[i]!.value, 0, 0, `${backend} [${shape}] value`);
      assertClose(ours.grad, reference[i]!.grad, 0, 1e-7, `${backend} [${shape}] gradient`);
    });
  }
});

test('maxPool2x2 gradient matches float32 central finite differences on signed inputs', async () => {
  await tf.setBackend('cpu');
  tf.tidy(() => {
    const shape: Shape4 = [2, 5, 4, 2];
    const x = tf.sub(distinct(shape, 3), 0.3) as tf.Tensor4D; // mostly negative windows
    const up = randn([2, 2, 2, 2], 4);
    const loss = (xs: tf.Tensor): number => tf.sum(tf.mul(maxPool2x2(xs as tf.Tensor4D), up)).dataSync()[0]!;
    const grad = tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(maxPool2x2(xs as tf.Tensor4D), up)))(x).dataSync();
    const base = x.dataSync();
    const eps = 1e-3; // well below the 0.01 gap between values: no window changes its arg-max
    let nonZero = 0;
    for (let idx = 0; idx < base.length; idx++) {
      const at = (delta: number): number => {
        const v = Float32Array.from(base);
        v[idx]! += delta;
        return loss(tf.tensor(v, shape));
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(Math.abs(fd - grad[idx]!) <= 2e-3, `entry ${idx}: finite difference ${fd} vs gradient ${grad[idx]}`);
      if (grad[idx] !== 0) nonZero++;
    }
    assert.equal(nonZero, 2 * 2 * 2 * 2, 'one element per window receives the gradient');
  });
});

test('maxPool2x2 routes a tied window to its first maximum in row-major order', async () => {
  // One 4x4 image with four windows: all equal, a tie on the anti-diagonal, all-negative with a
  // tie, and a tie in the bottom row. dy = 1, 2, 3, 4 per window.
  const x = tf.tensor4d([1, 1, 0, 2, 1, 1, 2, 0, -1, -3, 5, 4, -1, -1, 7, 7], [1, 4, 4, 1]);
  const expected = [1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 4, 0];
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    const grad = tf.tidy(() => {
      const dy = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
      return tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(maxPool2x2(xs as tf.Tensor4D), dy)))(x).dataSync();
    });
    assert.deepEqual(Array.from(grad), expected, backend);
  }
  await tf.setBackend('cpu');
  const cpuKernel = tf.tidy(() => {
    const dy = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    return tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xs as tf.Tensor4D, 2, 2, 'valid'), dy)))(x).dataSync();
  });
  assert.deepEqual(Array.from(cpuKernel), expected, 'the cpu tf.maxPool gradient breaks ties the same way');
});

test('maxPool2x2 ignores NaN elements; a window of only NaN routes no gradient', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    tf.tidy(() => {
      const x = tf.tensor4d([NaN, NaN, 1, 2, NaN, NaN, 3, NaN], [1, 2, 4, 1]);
      assert.deepEqual(Array.from(maxPool2x2(x).dataSync()), [-Infinity, 3], backend);
      const grad = tf.grad((xs: tf.Tensor) => tf.sum(maxPool2x2(xs as tf.Tensor4D)))(x).dataSync();
      assert.deepEqual(Array.from(grad), [0, 0, 0, 0, 0, 0, 1, 0], backend);
    });
  }
});

test('maxPool2x2 rejects a non-4D or too small input', async () => {
  await tf.setBackend('cpu');
  assert.throws(() => maxPool2x2(tf.zeros([4, 4, 1]) as unknown as tf.Tensor4D), {
    name: 'MpoError',
    message: /^maxPool2x2: x must be a 4D tensor \[N, H, W, C\], got shape \[4,4,1\]: reshape the input to NHWC$/,
  });
  assert.throws(() => maxPool2x2(tf.zeros([1, 1, 4, 1]) as tf.Tensor4D), {
    name: 'MpoError',
    message: /^maxPool2x2: input 1x4 is smaller than the 2x2 window/,
  });
});

test("adaptivePoolMatrix follows PyTorch's start/end rule", () => {
  assert.deepEqual(adaptivePoolMatrix(3, 4), [[1, 0, 0], [0.5, 0.5, 0], [0, 0.5, 0.5], [0, 0, 1]]);
  const t = 1 / 3;
  assert.deepEqual(adaptivePoolMatrix(7, 4), [
    [0.5, 0.5, 0, 0, 0, 0, 0],
    [0, t, t, t, 0, 0, 0],
    [0, 0, 0, t, t, t, 0],
    [0, 0, 0, 0, 0, 0.5, 0.5],
  ]);
  const m28 = adaptivePoolMatrix(28, 4);
  assert.deepEqual(m28[1]!.map((v, j) => (v === 0 ? 0 : j)).filter((j) => j > 0), [7, 8, 9, 10, 11, 12, 13]);
  assert.ok(m28.every((row) => Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12));
  assert.throws(() => adaptivePoolMatrix(0, 4), { name: 'MpoError', message: /^adaptive pool: input size must be a positive integer, got 0$/ });
});

test('adaptiveAvgPool2d gives known values for 3x3, 7x7 and 28x28 inputs on cpu and wasm', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    tf.tidy(() => {
      // 3x3 -> 4x4 is A X Aᵀ; two channels: X and 10 X.
      const x3 = tf.stack([tf.range(1, 10).reshape([3, 3]), tf.range(1, 10).reshape([3, 3]).mul(10)], 2).expandDims(0) as tf.Tensor4D;
      const expected3 = [[1, 1.5, 2.5, 3], [2.5, 3, 4, 4.5], [5.5, 6, 7, 7.5], [7, 7.5, 8.5, 9]];
      const y3 = adaptiveAvgPool2d(x3).arraySync()[0]!;
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          assert.ok(Math.abs(y3[i]![j]![0]! - expected3[i]![j]!) < 1e-5, `${backend} 3x3 [${i},${j}]`);
          assert.ok(Math.abs(y3[i]![j]![1]! - 10 * expected3[i]![j]!) < 1e-4, `${backend} 3x3 [${i},${j}] channel 1`);
        }
      }
      // x[p, q] = 7p + q: output = 7 * rowMean_i + colMean_j with means 0.5, 2, 4, 5.5.
      const means7 = [0.5, 2, 4, 5.5];
      const y7 = adaptiveAvgPool2d(tf.range(0, 49).reshape([1, 7, 7, 1]) as tf.Tensor4D).arraySync()[0]!;
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) assert.ok(Math.abs(y7[i]![j]![0]! - (7 * means7[i]! + means7[j]!)) < 1e-4, `${backend} 7x7 [${i},${j}]`);
      }
      // x[p, q] = 28p + q: 7x7 blocks, mean (7i + 3) * 28 + 7j + 3.
      const y28 = adaptiveAvgPool2d(tf.range(0, 784).reshape([1, 28, 28, 1]) as tf.Tensor4D).arraySync()[0]!;
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) assert.ok(Math.abs(y28[i]![j]![0]! - ((7 * i + 3) * 28 + 7 * j + 3)) < 1e-3, `${backend} 28x28 [${i},${j}]`);
      }
      // Non-square output size.
      assert.deepEqual(adaptiveAvgPool2d(tf.zeros([2, 5, 3, 2]) as tf.Tensor4D, [2, 4]).shape, [2, 2, 4, 2]);
    });
  }
});

test('adaptiveAvgPool2d gradients match finite differences (cpu) and agree between cpu and wasm', async () => {
  const shapes: Array<{ x: Shape4; out: number | [number, number]; }> = [
    { x: [2, 3, 3, 4], out: 4 },
    { x: [3, 7, 5, 2], out: [4, 3] },
    { x: [2, 28, 28, 3], out: 4 },
  ];
  await tf.setBackend('cpu');
  const cpu = shapes.map((s, i) => valueAndGrad((x) => adaptiveAvgPool2d(x, s.out), randn(s.x, 60 + i) as tf.Tensor4D, 70 + i));
  tf.tidy(() => {
    // The op is linear, so central differences are exact up to float32 rounding.
    const s = shapes[1]!;
    const x = randn(s.x, 61) as tf.Tensor4D;
    const up = randn([3, 4, 3, 2], 71);
    const loss = (xs: tf.Tensor): number => tf.sum(tf.mul(adaptiveAvgPool2d(xs as tf.Tensor4D, s.out), up)).dataSync()[0]!;
    const base = x.dataSync();
    for (const idx of [0, 7, 33, base.length - 1]) {
      const at = (delta: number): number => {
        const v = Float32Array.from(base);
        v[idx]! += delta;
        return loss(tf.tensor(v, s.x));
      };
      const fd = (at(0.05) - at(-0.05)) / 0.1;
      assert.ok(Math.abs(fd - cpu[1]!.grad[idx]!) < 2e-3, `entry ${idx}: finite difference ${fd} vs gradient ${cpu[1]!.grad[idx]}`);
    }
  });
  assert.equal(await tf.setBackend('wasm'), true);
  shapes.forEach((s, i) => {
    const wasm = valueAndGrad((x) => adaptiveAvgPool2d(x, s.out), randn(s.x, 60 + i) as tf.Tensor4D, 70 + i);
    assertClose(wasm.value, cpu[i]!.value, 1e-5, 1e-6, `[${s.x}] value`);
    assertClose(wasm.grad, cpu[i]!.grad, 1e-5, 1e-6, `[${s.x}] gradient`);
  });
});

test('maxPool2x2 and adaptiveAvgPool2d leak no tensors inside tf.tidy', async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    const x = randn([2, 7, 7, 3], 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grad((a: tf.Tensor) => tf.sum(maxPool2x2(a as tf.Tensor4D)))(x);
      tf.grad((a: tf.Tensor) => tf.sum(adaptiveAvgPool2d(a as tf.Tensor4D)))(x);
    });
    assert.equal(tf.memory().numTensors, before, backend);
    x.dispose();
  }
});

/** The values of a gradient as numbers, -0 as 0 (the tensor pass multiplies dy by 0). */
function plain(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => v + 0);
}

/** Gradient of sum(maxPool2x2(x) * up) with the given backward pass. */
function poolGrad(x: tf.Tensor4D, up: tf.Tensor, backward: 'loop' | 'tensor' | 'auto'): tf.Tensor {
  return tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(maxPool2x2(xs as tf.Tensor4D, { backward }), up)))(x);
}

test("maxPool2x2's tensor backward pass equals the loop: signed, all-negative, tied and NaN windows, odd sizes, on cpu (and wasm)", async () => {
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    POOL_SHAPES.forEach((shape, i) => {
      tf.tidy(() => {
        const signed = randn(shape, 80 + i) as tf.Tensor4D;
        const negative = tf.sub(tf.neg(tf.abs(signed)), 0.5) as tf.Tensor4D;
        // Values in {-2, -1, 0, 1}: most windows have ties, many are all <= 0.
        const tied = tf.clipByValue(tf.round(signed), -2, 1) as tf.Tensor4D;
        const zeros = tf.zeros(shape) as tf.Tensor4D;
        const values = Float32Array.from(signed.dataSync());
        for (let j = 0; j < values.length; j += 3) values[j] = NaN;
        values.fill(NaN, 0, Math.min(values.length, 4 * shape[3]));
        const withNaN = tf.tensor4d(values, shape);
        const up = randn([shape[0], Math.floor(shape[1] / 2), Math.floor(shape[2] / 2), shape[3]], 90 + i);
        // (wasm's forward kernel pools a window whose first element is NaN to -Infinity, so the
        // two passes differ there: the NaN case runs on cpu only.)
        const cases: [tf.Tensor4D, string][] = [[signed, 'signed'], [negative, 'negative'], [tied, 'tied'], [zeros, 'zeros']];
        if (backend === 'cpu') cases.push([withNaN, 'NaN']);
        for (const [x, what] of cases) {
          const loop = poolGrad(x, up, 'loop').dataSync();
          assert.deepEqual(plain(poolGrad(x, up, 'tensor').dataSync()), plain(loop), `${backend} [${shape}] ${what}`);
        }
      });
    });
  }
});

test("maxPool2x2's tensor backward pass reads nothing back; 'auto' takes the loop on cpu and wasm", async () => {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const saved = { dataSync: proto.dataSync, arraySync: proto.arraySync };
  for (const backend of ['cpu', 'wasm']) {
    assert.equal(await tf.setBackend(backend), true);
    const x = tf.clipByValue(tf.round(randn([2, 5, 7, 3], 7)), -2, 1) as tf.Tensor4D;
    const up = randn([2, 2, 3, 3], 8);
    const expected = poolGrad(x, up, 'loop').dataSync();
    let grad: tf.Tensor;
    let reads = 0;
    proto.dataSync = proto.arraySync = () => {
      throw new Error('a synchronous read');
    };
    try {
      grad = poolGrad(x, up, 'tensor');
      proto.dataSync = function(this: tf.Tensor) {
        reads++;
        return (saved.dataSync as () => unknown).call(this);
      };
      poolGrad(x, up, 'auto');
    } finally {
      Object.assign(proto, saved);
    }
    assert.deepEqual(plain(grad.dataSync()), plain(expected), backend);
    assert.equal(reads, 2, `${backend}: 'auto' reads x and dy (the loop)`);
  }
  await tf.setBackend('cpu');
  assert.throws(() => maxPool2x2(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, { backward: 'gpu' as never }), {
    name: 'MpoError',
    message: /^maxPool2x2: backward must be 'auto', 'loop' or 'tensor', got "gpu"$/,
  });
});
