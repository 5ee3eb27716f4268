// The core needs only what @tensorflow/tfjs-core gives a browser bundle: ops as functions and the
// registered gradients, not the chained tensor methods (`t.cast(...)`) that the umbrella package adds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '../src/node/tf-node.js';
import { createMlp } from '../src/core/models/mlp.js';
import { createCnn } from '../src/core/models/cnn.js';
import { createPlaneState } from '../src/core/training/plane-state.js';
import { trainLoop, quickEvaluate } from '../src/core/training/loop.js';
import { randn, useCpu } from './helpers.js';

await useCpu();

/** The chained methods tfjs-core's `register_all_chained_ops` would add (one file per method). */
function chainedMethodNames(): string[] {
  const core = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core'));
  const files = readdirSync(join(core, 'public', 'chained_ops')).filter((f) => f.endsWith('.js') && !f.includes('register') && !f.includes('test'));
  const byLower = new Map(Object.getOwnPropertyNames(tf.Tensor.prototype).map((n) => [n.toLowerCase(), n]));
  return files.map((f) => byLower.get(f.replace(/\.js$/, '').replace(/_/g, '').toLowerCase())).filter((n): n is string => !!n);
}

test('training and landscape evaluation work without the chained tensor methods (tfjs-core alone in a browser)', async () => {
  const names = chainedMethodNames();
  assert.ok(names.includes('cast') && names.includes('expandDims') && names.length > 50, `found ${names.length} chained methods`);
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const saved = new Map(names.map((n) => [n, proto[n]]));
  for (const n of names) delete proto[n];
  try {
    assert.throws(() => (tf.zeros([2]) as unknown as { cast: (d: string) => unknown; }).cast('int32'), /not a function/, 'the methods are gone');
    for (const model of [createMlp({ inputShape: [4, 4, 1], hidden: 5, numClasses: 3 }),
      createCnn({ inputShape: [8, 8, 1], numClasses: 3, channels: [2, 3], hidden: 4 })]) {
      const x = randn([6, ...model.inputShape], 3) as tf.Tensor4D;
      const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
      const state = createPlaneState(model, { seed: 1, scaleInit: 0.2 });
      const pattern = { name: 't', height: 2, width: 2, cells: Uint8Array.from([1, 0, 0, 1]) };
      const results = [];
      for await (const r of trainLoop({
        model,
        state,
        steps: 3,
        data: { x, labels, numClasses: 3 },
        cells: { height: 2, width: 2, black: [0, 3], white: [1, 2] },
        step: { batchSize: 4, blackPerStep: 2, whitePerStep: 2, lr: 1e-3, gradClip: 100, whiteClip: 2.5 },
        quick: { every: 3, run: (s) => quickEvaluate(model, s, pattern, { x, labels }, { batchSize: 6 }) },
      })) results.push(r);
      assert.equal(results.length, 3, model.name);
      assert.ok(Number.isFinite(results[2].quick!.auc), `${model.name}: the quick evaluation ran`);
      x.dispose();
    }
  } finally {
    for (const [n, f] of saved) proto[n] = f;
  }
});
