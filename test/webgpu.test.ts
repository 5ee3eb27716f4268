// --backend webgpu in Node (Dawn's `webgpu` package): where no GPU adapter exists (CI, these
// machines) it must fail with one line, never fall back; where one exists it must pass the
// self-test against wasm and train like wasm. The self-test's comparison logic is checked on cpu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { initBackend } from '../src/node/backend.js';
import { backendSelfTest, relativeDifference, selfTestCases } from '../src/core/backend-check.js';
import { createModel } from '../src/core/models/registry.js';
import { createPlaneState, disposePlaneState } from '../src/core/training/plane-state.js';
import { trainLoop } from '../src/core/training/loop.js';
import { chunkSizeForDevice } from '../src/core/training/chunk.js';
import { randn } from './helpers.js';

test('the self-test passes cpu against wasm and names the first case that differs or fails', async () => {
  await initBackend('wasm');
  assert.equal(selfTestCases().length, 5);
  assert.equal(await backendSelfTest('cpu', { reference: 'wasm' }), null);
  assert.equal(tf.getBackend(), 'cpu', 'the backend under test is left active');
  const differs = { name: 'a backend-dependent value', run: async () => Float32Array.of(tf.getBackend() === 'cpu' ? 1.01 : 1, 2) };
  assert.equal(await backendSelfTest('cpu', { reference: 'wasm', cases: [differs] }),
    'a backend-dependent value differs from wasm by 5.0e-3 (relative; at most 1e-4)');
  const throws = { name: 'a kernel', run: async () => (tf.getBackend() === 'cpu' ? Promise.reject(new Error('no kernel\nstack')) : Float32Array.of(1)) };
  assert.equal(await backendSelfTest('cpu', { reference: 'wasm', cases: [throws] }), 'a kernel failed on cpu: no kernel');
  assert.equal(relativeDifference(Float32Array.of(1, NaN), Float32Array.of(1, 2)), Infinity);
  assert.equal(relativeDifference(Float32Array.of(1), Float32Array.of(1, 2)), Infinity);
});

test('chunk sizes follow the device limits: the largest buffer and the memory', async () => {
  await initBackend('cpu');
  const model = createModel('cnn', { inputShape: [28, 28, 1], numClasses: 10 });
  const big = await chunkSizeForDevice(model, 512, { maxTensorBytes: 2 ** 40, memoryBytes: 2 ** 40 });
  assert.equal(big, 1000, 'no limit binds: the cap');
  const byBuffer = await chunkSizeForDevice(model, 512, { maxTensorBytes: 128 * 2 ** 20, memoryBytes: 2 ** 40 });
  const byMemory = await chunkSizeForDevice(model, 512, { maxTensorBytes: 2 ** 40, memoryBytes: 2 ** 30 });
  // the paper CNN's largest activation is 28x28x8 floats (25 KB) an image: 512 images take 12.8 MB a point
  assert.equal(byBuffer, Math.floor((128 * 2 ** 20) / (28 * 28 * 8 * 4 * 512)));
  assert.ok(byMemory >= 1 && byMemory < byBuffer, `memory-bound chunk ${byMemory}`);
  assert.equal(await chunkSizeForDevice(model, 512, { maxTensorBytes: 1, memoryBytes: 1 }), 1, 'at least one point');
});

test('--backend webgpu: a one-line error without a GPU adapter; with one, the self-test passes and steps equal wasm', async (t) => {
  let started: string | null = null;
  try {
    started = await initBackend('webgpu');
  } catch (e) {
    const err = e as Error;
    assert.equal(err.name, 'MpoError');
    assert.match(err.message,
      /^(no GPU adapter found \(Dawn needs a Vulkan driver: libvulkan1 and the GPU vendor's ICD[;)]|--backend webgpu needs the optional package "webgpu")/);
    assert.ok(!err.message.includes('\n'), 'one line');
    assert.notEqual(tf.getBackend(), 'webgpu', 'no silent webgpu');
    t.diagnostic(`no WebGPU adapter here, so the GPU checks were not run: ${err.message}`);
    return;
  }
  assert.equal(started, 'webgpu');
  // Five steps of the default model on webgpu equal five on wasm within 1e-4.
  const run = async (backend: 'webgpu' | 'wasm') => {
    await initBackend(backend);
    const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10 });
    const x = randn([64, 28, 28, 1], 1) as tf.Tensor4D;
    const state = createPlaneState(model, { seed: 3, scaleInit: 0.1 });
    const losses: number[] = [];
    for await (const r of trainLoop({
      model,
      state,
      steps: 5,
      data: { x, labels: Int32Array.from({ length: 64 }, (_, i) => i % 10), numClasses: 10 },
      cells: { height: 4, width: 4, black: [0, 1, 4, 5], white: [10, 11, 14, 15] },
      step: { batchSize: 32, blackPerStep: 4, whitePerStep: 4, lr: 3e-4, gradClip: 100, whiteClip: 2.5 },
    })) losses.push(r.loss);
    disposePlaneState(state);
    x.dispose();
    return Float32Array.from(losses);
  };
  const gpu = await run('webgpu');
  const cpu = await run('wasm');
  assert.ok(relativeDifference(gpu, cpu) <= 1e-4, `webgpu ${gpu} vs wasm ${cpu}`);
});
