import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { activateBackend, initBackend, type BackendName } from '../src/node/backend.js';

/** Whether a package can be imported here (decides what the tensorflow case must do). */
async function importable(name: string): Promise<boolean> {
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

test('initBackend starts wasm by default and cpu on request, and reports the active backend', async () => {
  assert.equal(await initBackend(), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(await initBackend('cpu'), 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal(await initBackend('wasm', { threads: 1 }), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  // The active backend computes.
  assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync()), [2, 3]);
});

test('initBackend rejects an unknown backend name and a bad thread count', async () => {
  await assert.rejects(initBackend('vulkan' as BackendName), {
    name: 'MpoError',
    message: /^unknown backend "vulkan": use one of wasm, cpu, tensorflow, webgpu$/,
  });
  for (const threads of [0, 1.5, -2]) {
    await assert.rejects(initBackend('wasm', { threads }), {
      name: 'MpoError',
      message: new RegExp(`^threads must be a positive integer, got ${threads}: pass e.g. 1 or 2$`),
    });
  }
});

test('initBackend tensorflow fails with install advice when @tensorflow/tfjs-node is missing', async (t) => {
  if (await importable('@tensorflow/tfjs-node')) {
    t.skip('@tensorflow/tfjs-node is installed here');
    return;
  }
  await assert.rejects(initBackend('tensorflow'), {
    name: 'MpoError',
    message: /^--backend tensorflow needs @tensorflow\/tfjs-node, which is not installed: npm install @tensorflow\/tfjs-node, or use --backend wasm$/,
  });
});

test('a backend that fails to start raises MpoError instead of silently staying on another backend', async () => {
  await initBackend('cpu');
  tf.registerBackend('mpo-test-broken', () => {
    throw new Error('boom');
  });
  tf.registerBackend('mpo-test-broken-async', async () => {
    throw new Error('async boom');
  });
  const warn = console.warn;
  console.warn = () => {}; // TF.js logs the factory error as a warning
  try {
    for (const name of ['mpo-test-broken', 'mpo-test-broken-async']) {
      await assert.rejects(activateBackend(name, 'try --backend cpu'), {
        name: 'MpoError',
        message: new RegExp(`^the ${name} backend failed to start: tf\\.setBackend\\('${name}'\\) returned false .*; try --backend cpu$`),
      });
    }
  } finally {
    console.warn = warn;
    tf.removeBackend('mpo-test-broken');
    tf.removeBackend('mpo-test-broken-async');
  }
  assert.equal(await activateBackend('cpu', 'unused'), 'cpu');
});
