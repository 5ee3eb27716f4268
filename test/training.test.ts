import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { createMlp } from '../src/core/models/mlp.js';
import { logitsAtPoints } from '../src/core/models/model.js';
import { frameOf, pointAt } from '../src/core/plane/manifold.js';
import { createPlaneState, thetaOf, stateValues, stateFromValues } from '../src/core/training/plane-state.js';
import { mpoGradients, trainStep } from '../src/core/training/step.js';
import { mpoLossTerms, oneHot, pointCrossEntropy } from '../src/core/training/loss.js';
import { adamUpdate, createAdamState, clipGlobalNorm } from '../src/core/training/adam.js';
import { finiteDiff, useCpu } from './helpers.js';

await useCpu();

const model = createMlp({ inputShape: [2, 2, 1], hidden: 5, numClasses: 3 });
const x = tf.tensor4d(Array.from({ length: 6 * 4 }, (_, i) => Math.sin(i * 1.7)), [6, 2, 2, 1]);
const labelsArr = Int32Array.from([0, 1, 2, 0, 1, 2]);
const labels = oneHot(labelsArr, 3);
const points = [
  { coords: [1, -1], white: false },
  { coords: [0, 2], white: false },
  { coords: [-1, 0], white: true },
  { coords: [2, 1], white: true },
];

test('the MLP fast path (shared products) equals one forward pass per point, with one and three hidden layers, and so do its gradients', () => {
  for (const net of [model, createMlp({ inputShape: [2, 2, 1], hidden: [5, 4, 6], numClasses: 3, name: 'mlp-deep' })]) {
    for (const dims of [1, 2, 3]) {
      const state = createPlaneState(net, { seed: 3, scaleInit: 0.5, dims });
      const coords = points.map((p) => [...p.coords, 1.5].slice(0, dims));
      const vars = Object.values(state.vars);
      const run = (fast: boolean): tf.Tensor3D => {
        const frame = frameOf(thetaOf(net, state));
        return fast ? logitsAtPoints(net, frame, coords, x) : (tf.stack(coords.map((c) => net.forward(pointAt(frame, c), x))) as tf.Tensor3D);
      };
      const up = tf.tensor3d(Array.from({ length: 4 * 6 * 3 }, (_, i) => Math.cos(i)), [4, 6, 3]);
      const [fast, slow] = [true, false].map((f) => ({
        logits: run(f).dataSync(),
        grads: tf.variableGrads(() => tf.sum(tf.mul(run(f), up)) as tf.Scalar, vars).grads,
      }));
      const what = `${net.name}, ${dims} dims`;
      fast.logits.forEach((v, i) => assert.ok(Math.abs(v - slow.logits[i]!) < 1e-5, `${what}: logit ${i}: ${v} vs ${slow.logits[i]}`));
      assert.equal(Object.keys(fast.grads).length, (dims + 1) * net.params.length + 1, `${what}: a gradient for every variable`);
      for (const [name, g] of Object.entries(slow.grads)) {
        const [a, b] = [fast.grads[name]!.dataSync(), g.dataSync()];
        a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-4 * (1 + Math.abs(b[i]!)), `${what}: gradient of ${name}[${i}]: ${v} vs ${b[i]}`));
      }
    }
  }
  assert.throws(() => createMlp({ hidden: [] }), /MLP hidden is \[\]: give one or more whole numbers of units/);
});

test('eq. 3 value: mean black CE minus mean clipped white CE', () => {
  const ce = tf.tensor1d([1, 3, 2, 4]);
  const v = mpoLossTerms(ce, [false, false, true, true], 2, 2, { whiteClip: 2.5 }).dataSync()[0];
  assert.ok(Math.abs(v - ((1 + 3) / 2 - (2 + 2.5) / 2)) < 1e-6);
  const logits = tf.tensor3d([[[0, 0, 0]], [[10, 0, 0]]]);
  const pce = pointCrossEntropy(logits, tf.tensor2d([[1, 0, 0]])).dataSync();
  assert.ok(Math.abs(pce[0] - Math.log(3)) < 1e-5);
  assert.ok(pce[1] < 1e-3);
});

test('the MPO loss gradient with respect to theta matches finite differences', async () => {
  const state = createPlaneState(model, { seed: 5, scaleInit: 0.3 });
  const g0 = mpoGradients(model, state, x, labels, points, 2, 2, { whiteClip: 2.5 });
  const { grads } = g0;
  const loss = g0.loss.dataSync()[0];
  const vals = (await stateValues(state)).theta;
  const lossAt = () => {
    const s = stateFromValues(model.params, vals, 2, [1, 2, 3, 4], 0);
    const l = mpoGradients(model, s, x, labels, points, 2, 2, { whiteClip: 2.5 });
    Object.values(l.grads).forEach((g) => g.dispose());
    const v = l.loss.dataSync()[0];
    l.loss.dispose();
    l.ce.dispose();
    return v;
  };
  assert.ok(Math.abs(lossAt() - loss) < 1e-6);
  let checked = 0;
  for (const key of ['origin/fc1.w', 'up/fc1.w', 'phi_right/fc2.w', 'phi_right/fc1.b', 'scale']) {
    const g = grads[key].dataSync();
    for (const i of [0, Math.floor(vals[key].length / 2)]) {
      const fd = finiteDiff(lossAt, vals[key], i, 5e-3);
      assert.ok(Math.abs(fd - g[i]) < 3e-3 + 0.02 * Math.abs(g[i]), `${key}[${i}]: autodiff ${g[i]} vs finite difference ${fd}`);
      checked++;
    }
  }
  assert.equal(checked, 10);
});

test('chunked gradients (cells split into groups) equal the gradient of all cells at once', () => {
  const state = createPlaneState(model, { seed: 7, scaleInit: 0.3 });
  const a = mpoGradients(model, state, x, labels, points, 2, 2, { whiteClip: 2.5 });
  const b = mpoGradients(model, state, x, labels, points, 2, 2, { whiteClip: 2.5, chunkSize: 1 });
  assert.ok(Math.abs(a.loss.dataSync()[0] - b.loss.dataSync()[0]) < 1e-5);
  assert.deepEqual(Array.from(a.ce.dataSync()).map((v) => v.toFixed(5)), Array.from(b.ce.dataSync()).map((v) => v.toFixed(5)));
  for (const k of Object.keys(a.grads)) {
    const ga = a.grads[k].dataSync(), gb = b.grads[k].dataSync();
    ga.forEach((v, i) => assert.ok(Math.abs(v - gb[i]) < 1e-5, k));
  }
});

test('Adam matches a hand computation of torch.optim.Adam; clipping rescales to the max norm', () => {
  const v = { p: tf.variable(tf.tensor1d([1, -2])) };
  const st = createAdamState(v);
  adamUpdate(v, { p: tf.tensor1d([0.5, -4]) }, st, { lr: 0.1 });
  // first step: m_hat = g, v_hat = g^2, update = lr * g / (|g| + eps) = lr * sign(g)
  const p = v.p.dataSync();
  assert.ok(Math.abs(p[0] - 0.9) < 1e-6 && Math.abs(p[1] + 1.9) < 1e-6);
  const g = { a: tf.tensor1d([3, 4]) };
  assert.equal(clipGlobalNorm(g, 1).dataSync()[0], 5);
  const c = g.a.dataSync();
  assert.ok(Math.abs(Math.hypot(c[0], c[1]) - 1) < 1e-5);
});

test('training lowers black-cell loss, raises white-cell loss, and keeps the tensor count flat', async () => {
  const state = createPlaneState(model, { seed: 11, scaleInit: 0.3 });
  const cells = { height: 3, width: 3, black: [0, 1, 3], white: [5, 7, 8] };
  const opts = { batchSize: 6, blackPerStep: 3, whitePerStep: 3, lr: 0.02, gradClip: 100, whiteClip: 2.5 };
  const data = { x, labels: labelsArr, numClasses: 3 };
  const first = await trainStep(model, state, data, cells, opts);
  const before = tf.memory().numTensors;
  let last = first;
  for (let i = 0; i < 150; i++) last = await trainStep(model, state, data, cells, opts);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak per step');
  assert.equal(last.step, 151);
  assert.ok(last.ceBlack < first.ceBlack, `black CE ${first.ceBlack} -> ${last.ceBlack}`);
  assert.ok(last.ceWhite > first.ceWhite, `white CE ${first.ceWhite} -> ${last.ceWhite}`);
});

test('a NaN in training stops with a one-line error and leaves theta and Adam unchanged', async () => {
  const state = createPlaneState(model, { seed: 1, scaleInit: 0.3 });
  const nanX = tf.fill([6, 2, 2, 1], NaN) as tf.Tensor4D;
  const before = await stateValues(state);
  await assert.rejects(
    () =>
      trainStep(model, state, { x: nanX, labels: labelsArr, numClasses: 3 }, { height: 1, width: 2, black: [0], white: [1] }, { batchSize: 6, blackPerStep: 1,
        whitePerStep: 1, lr: 0.01, gradClip: 100, whiteClip: 2.5 }),
    /^MpoError: training diverged at step 1 \(loss NaN.*lower --lr/,
  );
  assert.deepEqual(await stateValues(state), before);
  assert.equal(state.step, 0);
  assert.equal(state.adam.step, 0);
});
