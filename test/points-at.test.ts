import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { initBackend } from '../src/node/backend.js';
import { frameOf, pointAt, pointsAt } from '../src/core/plane/manifold.js';
import { createModel } from '../src/core/models/registry.js';
import { createPlaneState, thetaOf } from '../src/core/training/plane-state.js';
import { createRng } from '../src/core/random.js';
import type { ParamSet } from '../src/core/plane/params.js';

// On WASM, the backend the CLI trains on: its fused kernels read a bias's shape from its buffer.
await initBackend('wasm');

function randomSet(rng: ReturnType<typeof createRng>): ParamSet {
  const t = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5), shape);
  return { 'conv.w': t([3, 3, 2, 4]), 'conv.b': t([4]), 'fc.w': t([5, 3]) };
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

test('pointsAt equals pointAt at every point, for lines, planes and volumes', () => {
  const rng = createRng(3);
  for (const d of [1, 2, 3]) {
    const frame = { origin: randomSet(rng), directions: Array.from({ length: d }, () => randomSet(rng)), scale: tf.scalar(0.37) };
    const coords = Array.from({ length: 5 }, () => Array.from({ length: d }, () => 4 * rng.next() - 2));
    const many = pointsAt(frame, coords);
    assert.equal(many.length, 5);
    coords.forEach((c, i) => {
      const one = pointAt(frame, c);
      for (const k of Object.keys(one)) {
        assert.deepEqual(many[i][k].shape, one[k].shape, `${k} shape (d = ${d})`);
        assert.ok(maxDiff(many[i][k], one[k]) < 1e-5, `${k} at point ${i} (d = ${d})`);
      }
    });
  }
  assert.throws(() => pointsAt({ origin: randomSet(rng), directions: [randomSet(rng)], scale: tf.scalar(1) }, [[1, 2]]),
    /2 entries but the manifold has 1 directions/);
});

test('pointsAt: theta gradients equal those through pointAt', () => {
  const model = createModel('plain-cnn6-small', { inputShape: [28, 28, 1], numClasses: 10 });
  const state = createPlaneState(model, { seed: 5, scaleInit: 0.3 });
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const coords = [[0.5, -1], [-2, 0.25], [1, 1]];
  const vars = Object.values(state.vars);
  const loss = (many: boolean) =>
    tf.variableGrads(() => {
      const frame = frameOf(thetaOf(model, state));
      const points = many ? pointsAt(frame, coords) : coords.map((c) => pointAt(frame, c));
      // A CNN on WASM: the points' biases go through the fused convolution kernel.
      return tf.addN(points.map((w, i) => tf.mul(tf.mean(tf.square(model.forward(w, x))), i + 1))) as tf.Scalar;
    }, vars);
  const a = loss(true);
  const b = loss(false);
  assert.ok(Math.abs(a.value.dataSync()[0] - b.value.dataSync()[0]) < 1e-4 * Math.abs(b.value.dataSync()[0]), 'same loss');
  for (const v of vars) {
    const ga = a.grads[v.name];
    const gb = b.grads[v.name];
    const scale = Math.max(tf.max(tf.abs(gb)).dataSync()[0], 1e-6);
    assert.ok(maxDiff(ga, gb) / scale < 1e-3, `gradient of ${v.name}`);
  }
  assert.ok(tf.max(tf.abs(a.grads[vars[0].name])).dataSync()[0] > 0, 'the origin gets a gradient');
});
