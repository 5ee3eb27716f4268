// Tensor counts stay flat over 1,000 training steps (issue 3, memory): every op's custom
// gradient, the frame, Adam and clipping dispose what they make. The count is checked, not time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { createMlp } from '../src/core/models/mlp.js';
import { createCnn } from '../src/core/models/cnn.js';
import type { Model } from '../src/core/models/model.js';
import { createPlaneState, thetaOf } from '../src/core/training/plane-state.js';
import { trainStep } from '../src/core/training/step.js';
import { computeFrame } from '../src/core/plane/manifold.js';
import { evaluatePoints } from '../src/core/landscape/evaluate.js';
import { randn, useCpu } from './helpers.js';

await useCpu();

const STEPS = 1000;

/** Trains `model` for 1,000 steps; returns the tensor counts after step 1, 10, 100 and 1,000. */
async function countsOver(model: Model, shape: [number, number, number], chunkSize?: number): Promise<number[]> {
  const n = 4;
  const x = randn([n, ...shape], 1) as tf.Tensor4D;
  const data = { x, labels: Int32Array.from([0, 1, 2, 1]), numClasses: 3 };
  const state = createPlaneState(model, { seed: 2, scaleInit: 0.3 });
  const cells = { height: 2, width: 2, black: [0, 3], white: [1, 2] };
  const opts = { batchSize: 3, blackPerStep: 1, whitePerStep: 1, lr: 1e-3, gradClip: 100, whiteClip: 2.5, chunkSize };
  const counts: number[] = [];
  for (let step = 1; step <= STEPS; step++) {
    await trainStep(model, state, data, cells, opts);
    if (step === 1 || step === 10 || step === 100 || step === STEPS) counts.push(tf.memory().numTensors);
  }
  assert.equal(state.step, STEPS);
  return counts;
}

test('MLP: the tensor count after 1,000 steps equals the count after the first step', async () => {
  const counts = await countsOver(createMlp({ inputShape: [3, 3, 1], hidden: 4, numClasses: 3 }), [3, 3, 1], 1);
  assert.deepEqual(counts, [counts[0], counts[0], counts[0], counts[0]], `tensor counts at steps 1/10/100/1000: ${counts}`);
});

test('CNN with batch norm and max-pool: the tensor count stays flat over 1,000 steps', async () => {
  const model = createCnn({ inputShape: [4, 4, 1], numClasses: 3, channels: [2, 2], batchNorm: true, hidden: 3 });
  const counts = await countsOver(model, [4, 4, 1]);
  assert.deepEqual(counts, [counts[0], counts[0], counts[0], counts[0]], `tensor counts at steps 1/10/100/1000: ${counts}`);
});

test('landscape evaluation leaves no tensors behind', async () => {
  const model = createCnn({ inputShape: [4, 4, 1], numClasses: 3, channels: [2], hidden: 3 });
  const state = createPlaneState(model, { seed: 3, scaleInit: 0.3 });
  const x = randn([5, 4, 4, 1], 4) as tf.Tensor4D;
  const labels = Int32Array.from([0, 1, 2, 0, 1]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) {
    const { frame, dispose } = computeFrame(thetaOf(model, state));
    await evaluatePoints(model, frame, [[0, 0], [1, -1], [-2, 1]], { x, labels }, { batchSize: 2, pointsPerPass: 1 });
    dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});
