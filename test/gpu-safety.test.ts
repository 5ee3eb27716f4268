// What the WebGPU backend needs of the core (../shared/notes/gpu-device.md): in Node it cannot read a
// tensor synchronously at all (`dataSync` throws "OffscreenCanvas is not defined"), and `tf.addN` of
// 8 or more tensors returns zeros there. These tests train, checkpoint and evaluate planes with the
// synchronous reads replaced by functions that throw, and with an AddN kernel that throws on 8 inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { MODELS } from '../src/core/models/registry.js';
import type { Model } from '../src/core/models/model.js';
import { createPlaneState, disposePlaneState, stateValues } from '../src/core/training/plane-state.js';
import { trainLoop, type StepResult } from '../src/core/training/loop.js';
import { resolveConfig } from '../src/core/config.js';
import { createSession } from '../src/core/session/session.js';
import { computeFrame } from '../src/core/plane/manifold.js';
import { evaluateLandscape } from '../src/core/landscape/evaluate.js';
import { sumScalars } from '../src/core/ops/reduce.js';
import { thetaOf } from '../src/core/training/plane-state.js';
import { randn, useCpu } from './helpers.js';

await useCpu();

/**
 * A stand-in for a GPU backend: the cpu backend's implementation and kernels registered under the
 * name `webgpu`, so the core takes its GPU paths (the CNNs stack their points, max-pool's backward
 * uses tensor ops) while the tests run here. With {@link withGpuRules} it reads like WebGPU in Node.
 */
async function useSimulatedGpu(): Promise<void> {
  if (!tf.findBackend('webgpu')) {
    const Cpu = tf.findBackend('cpu')!.constructor as new() => tf.KernelBackend;
    tf.registerBackend('webgpu', () => new Cpu(), 1);
    for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'webgpu' });
  }
  assert.ok(await tf.setBackend('webgpu'));
}

/** Runs `fn` with `dataSync`, `arraySync` and `bufferSync` throwing, and an AddN kernel that throws on 8 or more inputs. */
async function withGpuRules<T>(fn: () => Promise<T>): Promise<T> {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const names = ['dataSync', 'arraySync', 'bufferSync'];
  const saved = names.map((n) => proto[n]);
  for (const n of names) {
    proto[n] = function() {
      throw new Error(`${n}() called: a synchronous read (WebGPU in Node cannot read synchronously)`);
    };
  }
  const backend = tf.getBackend();
  const addN = tf.getKernel('AddN', backend)!;
  tf.unregisterKernel('AddN', backend);
  tf.registerKernel({
    ...addN,
    kernelFunc: (args) => {
      const n = (args.inputs as unknown as unknown[]).length;
      if (n >= 8) throw new Error(`addN of ${n} tensors (tfjs-backend-webgpu returns zeros for 8 or more)`);
      return addN.kernelFunc(args);
    },
  });
  try {
    return await fn();
  } finally {
    names.forEach((n, i) => (proto[n] = saved[i]));
    tf.unregisterKernel('AddN', backend);
    tf.registerKernel(addN);
  }
}

/** Trains `model` 3 steps on a 3x3 pattern (quick evaluation at the end), checkpoints it and evaluates a padded landscape. */
async function trainCheckpointEvaluate(model: Model, opts: { dims?: number; decorrelate?: boolean; chunkSize?: number; } = {}) {
  const x = randn([6, ...model.inputShape], 3) as tf.Tensor4D;
  const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
  const data = { x, labels, numClasses: 3 };
  const dims = opts.dims ?? 2;
  const pattern = { name: 't', height: 3, width: 3, cells: Uint8Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1]) };
  // The session's own use cases, as mpo fit and the app run them: train with a quick evaluation, checkpoint, evaluate.
  const config = resolveConfig({ seed: 1, scaleInit: 0.2, manifold: (['line', 'plane', 'volume'] as const)[dims - 1], batchSize: 4, cellsPerStep: 2, lr: 1e-3,
    lrSchedule: 'constant', gradClip: 1e-3, whiteClip: 2.5, chunkSize: opts.chunkSize ?? null, regulariser: opts.decorrelate ? 'decorrelate' : 'none',
    lambda: 1 });
  const session = createSession({ config, model, pattern, dims });
  const state = session.state;
  const results: StepResult[] = [];
  try {
    for await (const r of session.train({ data, steps: 3, quick: dims === 2 ? { every: 3, data: { x, labels } } : undefined })) results.push(r);
    const ckpt = await session.checkpoint({ seconds: 1 });
    const { frame, dispose } = computeFrame(thetaOf(model, state));
    try {
      const land = await evaluateLandscape(model, frame, { x, labels }, { height: 3, width: 3, padding: 1, dims, batchSize: 4, pointsPerPass: 4 });
      return { results, ckpt, land };
    } finally {
      dispose();
    }
  } finally {
    session.dispose();
    x.dispose();
  }
}

test('the guards work: a synchronous read and an addN of 8 tensors throw inside withGpuRules', async () => {
  await withGpuRules(async () => {
    assert.throws(() => tf.scalar(1).dataSync(), /dataSync\(\) called/);
    assert.throws(() => tf.scalar(1).arraySync(), /arraySync\(\) called/);
    assert.throws(() => tf.addN(Array.from({ length: 8 }, () => tf.scalar(1))), /addN of 8 tensors/);
    assert.equal((await tf.addN(Array.from({ length: 7 }, () => tf.scalar(1))).data())[0], 7);
    // the core's replacement sums any number of scalars
    assert.equal((await sumScalars(Array.from({ length: 40 }, (_, i) => tf.scalar(i))).data())[0], 780);
  });
  assert.equal(tf.scalar(2).dataSync()[0], 2, 'restored afterwards');
});

for (const name of ['mlp', 'cnn', 'bn-cnn-small', 'plain-cnn6-small']) {
  test(`${name}: a plane trains, quick-evaluates, checkpoints and evaluates on a GPU's paths with no synchronous read and no addN of 8+`, async () => {
    await useSimulatedGpu();
    const model = MODELS[name].create({ inputShape: [8, 8, 1], numClasses: 3 });
    if (name !== 'mlp') assert.ok(model.forwardPoints, 'the CNN stacks its points on a GPU backend');
    assert.ok(model.params.length * 3 + 1 >= 8, 'enough variables that one addN over them would have 8+ inputs');
    const { results, ckpt, land } = await withGpuRules(() => trainCheckpointEvaluate(model));
    assert.equal(results.length, 3);
    for (const r of results) assert.ok(Number.isFinite(r.loss) && r.gradNorm > 1e-3 && Number.isFinite(r.scale), `step ${r.step}: ${JSON.stringify(r)}`);
    assert.ok(Number.isFinite(results[2].quick!.auc), 'the quick evaluation ran');
    assert.equal(ckpt.step, 3);
    assert.equal(Object.keys(ckpt.adam.m).length, model.params.length * 3 + 1);
    assert.equal(land.loss.length, 25);
    assert.ok(land.loss.every(Number.isFinite));
  });
}

test('lines, volumes, chunked steps and the decorrelation regulariser also run without synchronous reads', async () => {
  await useSimulatedGpu();
  const model = MODELS.mlp.create({ inputShape: [4, 4, 1], numClasses: 3 });
  await withGpuRules(async () => {
    for (const opts of [{ dims: 1 }, { dims: 3 }, { chunkSize: 1 }, { decorrelate: true }]) {
      const { results } = await trainCheckpointEvaluate(model, opts);
      assert.equal(results.length, 3, JSON.stringify(opts));
    }
  });
});

test('one read a step: a training step of the loop reads the device once', async () => {
  const model = MODELS.mlp.create({ inputShape: [4, 4, 1], numClasses: 3 });
  const proto = tf.Tensor.prototype as unknown as { data: () => Promise<unknown>; };
  const data = proto.data;
  let reads = 0;
  proto.data = function(this: tf.Tensor) {
    reads++;
    return data.call(this);
  };
  try {
    const x = randn([6, 4, 4, 1], 3) as tf.Tensor4D;
    const state = createPlaneState(model, { seed: 1, scaleInit: 0.2 });
    let steps = 0;
    for await (const _ of trainLoop({
      model,
      state,
      steps: 5,
      data: { x, labels: Int32Array.from([0, 1, 2, 0, 1, 2]), numClasses: 3 },
      cells: { height: 2, width: 2, black: [0, 3], white: [1, 2] },
      step: { batchSize: 4, blackPerStep: 2, whitePerStep: 2, lr: 1e-3, gradClip: 100, whiteClip: 2.5, chunkSize: 1 },
    })) steps++;
    assert.equal(steps, 5);
    assert.equal(reads, 5, `${reads} reads in 5 steps`);
    disposePlaneState(state);
    x.dispose();
  } finally {
    proto.data = data;
  }
});

test('on a GPU backend a NaN step is undone: theta, Adam and the step stay as they were, with no synchronous read', async () => {
  await useSimulatedGpu();
  const model = MODELS.mlp.create({ inputShape: [2, 2, 1], numClasses: 3 });
  const state = createPlaneState(model, { seed: 1, scaleInit: 0.3 });
  const good = randn([6, 2, 2, 1], 3) as tf.Tensor4D;
  const nan = tf.fill([6, 2, 2, 1], NaN) as tf.Tensor4D;
  const cells = { height: 1, width: 2, black: [0], white: [1] };
  const step = { batchSize: 6, blackPerStep: 1, whitePerStep: 1, lr: 0.01, gradClip: 100, whiteClip: 2.5 };
  const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
  try {
    await withGpuRules(async () => {
      for await (const _ of trainLoop({ model, state, steps: 2, data: { x: good, labels, numClasses: 3 }, cells, step }));
      const before = await stateValues(state);
      const tensors = tf.memory().numTensors;
      await assert.rejects(async () => {
        for await (const _ of trainLoop({ model, state, steps: 3, data: { x: nan, labels, numClasses: 3 }, cells, step }));
      }, /^MpoError: training diverged at step 3 \(loss NaN/);
      assert.deepEqual(await stateValues(state), before);
      assert.equal(state.step, 2);
      assert.equal(state.adam.step, 2);
      assert.equal(tf.memory().numTensors, tensors, 'the undo freed what it kept');
    });
  } finally {
    disposePlaneState(state);
    good.dispose();
    nan.dispose();
  }
});
