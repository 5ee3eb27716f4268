import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { createModel } from '../src/core/models/registry.js';
import { computeFrame } from '../src/core/plane/manifold.js';
import { evaluatePoints } from '../src/core/landscape/evaluate.js';
import { createPlaneState, thetaOf } from '../src/core/training/plane-state.js';
import { localGradients, sampleStep } from '../src/core/training/step.js';
import { createWorkerPool, splitEven } from '../src/node/parallel/pool.js';
import { useCpu } from './helpers.js';

await useCpu();

test('splitEven covers every item once, in order', () => {
  assert.deepEqual(splitEven(5, 2), [[0, 2], [2, 5]]);
  assert.deepEqual(splitEven(1, 3), [[0, 0], [0, 0], [0, 1]]);
});

for (const name of ['mlp', 'cnn']) {
  test(`two workers give the gradients and landscape points of one thread (${name})`, async () => {
    const ctx = { inputShape: [8, 8, 1] as [number, number, number], numClasses: 4 };
    const model = createModel(name, ctx);
    const n = 24;
    const images = Float32Array.from({ length: n * 64 }, (_, i) => Math.sin(i * 0.37));
    const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
    const data = { x: tf.tensor4d(images, [n, 8, 8, 1]), labels, numClasses: 4 };
    const state = createPlaneState(model, { seed: 2, scaleInit: 0.2 });
    const opts = { batchSize: 8, blackPerStep: 3, whitePerStep: 2, lr: 1e-3, gradClip: 100, whiteClip: 2.5 };
    const sample = sampleStep(state, n, { height: 4, width: 4, black: [0, 1, 2, 5], white: [10, 11, 15] }, opts);
    const local = localGradients(model, state, data, sample, opts);
    const pool = await createWorkerPool({ workers: 2, model: name, ctx, backend: 'cpu', train: { images, labels, shape: [n, 8, 8, 1] } });
    try {
      const par = await pool.gradients(state, sample, opts);
      const [parLoss, localLoss] = [par.loss.dataSync()[0], local.loss.dataSync()[0]];
      assert.ok(Math.abs(parLoss - localLoss) < 1e-5, `loss ${parLoss} vs ${localLoss}`);
      assert.deepEqual(Array.from(par.ce.dataSync()).map((v) => v.toFixed(4)), Array.from(local.ce.dataSync()).map((v) => v.toFixed(4)));
      for (const k of Object.keys(local.grads)) {
        const a = local.grads[k].dataSync(), b = par.grads[k].dataSync();
        a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-5 + 1e-4 * Math.abs(v), `${k}[${i}]: ${v} vs ${b[i]}`));
      }
      await pool.addData('eval', { images, labels, shape: [n, 8, 8, 1] });
      const coords = [[0, 0], [1, -1], [2, 3], [-1, 0.5], [0.25, 0]];
      const { frame, dispose } = computeFrame(thetaOf(model, state));
      const one = await evaluatePoints(model, frame, coords, data, { batchSize: 10 });
      dispose();
      let calls = 0;
      const two = await pool.evaluator(state, 'eval', { batchSize: 10, pointsPerPass: 2 })(coords, () => {
        calls++;
      });
      assert.ok(calls >= 2, 'progress is reported');
      one.loss.forEach((v, i) => assert.ok(Math.abs(v - two.loss[i]) < 1e-5));
      assert.deepEqual(Array.from(two.acc), Array.from(one.acc));
    } finally {
      await pool.close();
    }
  });
}

test('a worker that cannot start gives a one-line error', async () => {
  await assert.rejects(createWorkerPool({ workers: 1, model: 'no-such-model', ctx: { inputShape: [8, 8, 1], numClasses: 4 }, backend: 'cpu' }),
    /a worker (failed to start|exited).*--workers 1|unknown model/);
});
