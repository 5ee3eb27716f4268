import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { gramSchmidt, pointAt, frameOf } from '../src/core/plane/manifold.js';
import { dot, type ParamSet } from '../src/core/plane/params.js';
import { cellCoords, gridPoints, gridIndexOfCell } from '../src/core/plane/grid.js';
import { finiteDiff, useCpu } from './helpers.js';

await useCpu();

const set = (a: number[], b: number[]): ParamSet => ({ w: tf.tensor1d(a), b: tf.tensor1d(b) });
const num = (t: tf.Tensor) => t.dataSync()[0];

test('eq. 2: w_right is orthogonal to w_up and has its norm, across all layers', () => {
  const up = set([1, 2, 0], [3]);
  const phi = set([0.5, -1, 4], [1]);
  const [d0, d1] = gramSchmidt([up, phi]);
  assert.ok(Math.abs(num(dot(d0, d1))) < 1e-5, 'orthogonal');
  assert.ok(Math.abs(num(dot(d0, d0)) - num(dot(d1, d1))) < 1e-4, 'equal norms');
  assert.deepEqual(Array.from(d0.w.dataSync()), [1, 2, 0], 'w_up is kept as is');
  // hand computation: <phi,up> = 0.5 - 2 + 0 + 3 = 1.5, |up|^2 = 14
  const hat = [0.5 - 1.5 / 14, -1 - 3 / 14, 4, 1 - 4.5 / 14];
  const scale = Math.sqrt(14 / hat.reduce((s, v) => s + v * v, 0));
  const got = [...d1.w.dataSync(), ...d1.b.dataSync()];
  hat.forEach((h, i) => assert.ok(Math.abs(got[i] - h * scale) < 1e-5, `entry ${i}`));
});

test('a third direction is orthogonal to both others (d-dimensional manifolds)', () => {
  const dirs = gramSchmidt([set([1, 0, 0], [1]), set([1, 1, 0], [0]), set([0, 1, 1], [2])]);
  for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) assert.ok(Math.abs(num(dot(dirs[i], dirs[j]))) < 1e-5);
  assert.ok(Math.abs(num(dot(dirs[2], dirs[2])) - 2) < 1e-4);
});

test('gradients flow through eq. 2 and match finite differences', () => {
  const upV = new Float32Array([0.3, -0.7, 1.1, 0.2]);
  const phiV = new Float32Array([0.9, 0.4, -0.5, 1.3]);
  const target = tf.tensor1d([0.2, 0.1, -0.3, 0.5]);
  const f = (up: tf.Tensor, phi: tf.Tensor) => {
    const frame = frameOf({ origin: { w: tf.zeros([4]) }, free: [{ w: up }, { w: phi }], scale: tf.scalar(0.5) });
    const p = pointAt(frame, [0.7, -1.3]);
    return tf.sum(tf.square(tf.sub(p.w, target))) as tf.Scalar;
  };
  const [gUp, gPhi] = tf.grads(f)([tf.tensor1d(upV), tf.tensor1d(phiV)]).map((g) => g.dataSync());
  const value = () => num(f(tf.tensor1d(upV), tf.tensor1d(phiV)));
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(finiteDiff(value, upV, i, 1e-2) - gUp[i]) < 2e-3, `d/d up[${i}]`);
    assert.ok(Math.abs(finiteDiff(value, phiV, i, 1e-2) - gPhi[i]) < 2e-3, `d/d phi[${i}]`);
  }
  assert.ok(Math.abs(gPhi[0]) > 1e-3, 'phi_right receives a gradient');
});

test('pointAt: origin + s * (a * up + b * right)', () => {
  const frame = { origin: { w: tf.tensor1d([1, 1]) }, directions: [{ w: tf.tensor1d([1, 0]) }, { w: tf.tensor1d([0, 1]) }], scale: tf.scalar(0.1) };
  assert.deepEqual(Array.from(pointAt(frame, [2, -3]).w.dataSync()).map((v) => +v.toFixed(5)), [1.2, 0.7]);
  assert.throws(() => pointAt(frame, [1]), /1 entries but the manifold has 2 directions/);
});

test('the grid is centred on w_O, row 0 at the top (up), columns to the right', () => {
  assert.deepEqual(cellCoords(0, 0, 3, 3), [1, -1]);
  assert.deepEqual(cellCoords(1, 1, 3, 3), [0, 0]);
  assert.deepEqual(cellCoords(0, 3, 4, 4), [1.5, 1.5]);
  const g = gridPoints({ height: 3, width: 4, padding: 1, resolution: 2 });
  assert.equal(g.rows, (2 + 2) * 2 + 1);
  assert.equal(g.cols, (3 + 2) * 2 + 1);
  // the pattern's cell (0, 0) is a grid point at exactly its coordinates
  assert.deepEqual(g.coords[gridIndexOfCell({ height: 3, width: 4, padding: 1, resolution: 2 }, 0, 0)], cellCoords(0, 0, 3, 4));
  assert.deepEqual(g.coords[gridIndexOfCell({ height: 3, width: 4, padding: 1, resolution: 2 }, 2, 3)], cellCoords(2, 3, 3, 4));
});

test('weight initialisation: xavier (the paper) and he (for deep ReLU stacks) have their ranges and variances', async () => {
  const { initParamValues } = await import('../src/core/plane/params.js');
  const { createRng } = await import('../src/core/random.js');
  const spec = { name: 'conv.w', shape: [3, 3, 16, 32], init: 'xavier' as const, fanIn: 144, fanOut: 288 };
  const bias = { name: 'conv.b', shape: [32], init: 'bias' as const, fanIn: 144, fanOut: 288 };
  const variance = (v: Float32Array) => v.reduce((s, x) => s + x * x, 0) / v.length;
  const x = initParamValues([spec, bias], createRng(1));
  const h = initParamValues([spec, bias], createRng(1), 'he');
  const ax = Math.sqrt(6 / (144 + 288));
  const ah = Math.sqrt(6 / 144);
  assert.ok(Math.max(...x['conv.w'].map(Math.abs)) <= ax && Math.max(...x['conv.w'].map(Math.abs)) > 0.95 * ax);
  assert.ok(Math.max(...h['conv.w'].map(Math.abs)) <= ah && Math.max(...h['conv.w'].map(Math.abs)) > 0.95 * ah);
  // U[-a, a] has variance a^2 / 3: 2 / (fanIn + fanOut) and 2 / fanIn
  assert.ok(Math.abs(variance(x['conv.w']) / (2 / 432) - 1) < 0.1, 'xavier variance');
  assert.ok(Math.abs(variance(h['conv.w']) / (2 / 144) - 1) < 0.1, 'he variance');
  assert.deepEqual(Array.from(h['conv.b']).length, 32);
  assert.ok(Math.max(...h['conv.b'].map(Math.abs)) <= 1 / 12, 'biases keep their rule');
});

test('createPlaneState threads the init rule to the origin and every direction (same draws, rescaled)', async () => {
  const { createModel } = await import('../src/core/models/registry.js');
  const { createPlaneState } = await import('../src/core/training/plane-state.js');
  const model = createModel('mlp', { inputShape: [4, 4, 1], numClasses: 3 });
  const x = createPlaneState(model, { seed: 9, scaleInit: 0.1 });
  const h = createPlaneState(model, { seed: 9, scaleInit: 0.1, init: 'he' });
  const ratio = Math.sqrt((16 + 128) / 16); // fc1: fanIn 16, fanOut 128
  for (const key of ['origin/fc1.w', 'up/fc1.w', 'phi_right/fc1.w']) {
    const a = x.vars[key].dataSync();
    const b = h.vars[key].dataSync();
    assert.ok(Math.abs(b[3] / a[3] - ratio) < 1e-4, key);
  }
  assert.deepEqual(Array.from(h.vars['origin/fc1.b'].dataSync()), Array.from(x.vars['origin/fc1.b'].dataSync()), 'biases unchanged');
});
