// The core needs only what @tensorflow/tfjs-core gives a browser bundle: ops as functions and the
// registered gradients, not the chained tensor methods (`t.cast(...)`) that the umbrella package adds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '../src/node/tf-node.js';
import { createMlp } from '../src/core/models/mlp.js';
import { createCnn } from '../src/core/models/cnn.js';
import type { StepResult } from '../src/core/training/loop.js';
import { resolveConfig } from '../src/core/config.js';
import { createSession } from '../src/core/session/session.js';
import { MODELS } from '../src/core/models/registry.js';
import type { Model } from '../src/core/models/model.js';
import { CORE_GRADIENTS } from '../src/core/gradients.js';
import { randn, useCpu } from './helpers.js';

await useCpu();

/** Options of {@link trainBriefly}. */
interface BriefOptions {
  /** Manifold dimension (default 2). */
  readonly dims?: number;
  /** Train with the decorrelation regulariser's gradients (one pass over all points). */
  readonly decorrelate?: boolean;
  /** Run a quick evaluation at the last step. */
  readonly quick?: boolean;
}

/** Three training steps of `model` on six random images and a 2x2 pattern (two black, two white cells). */
async function trainBriefly(model: Model, opts: BriefOptions = {}): Promise<StepResult[]> {
  const x = randn([6, ...model.inputShape], 3) as tf.Tensor4D;
  const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
  const data = { x, labels, numClasses: 3 };
  const pattern = { name: 't', height: 2, width: 2, cells: Uint8Array.from([1, 0, 0, 1]) };
  const dims = opts.dims ?? 2;
  const config = resolveConfig({ seed: 1, scaleInit: 0.2, manifold: (['line', 'plane', 'volume'] as const)[dims - 1], batchSize: 4, cellsPerStep: 2, lr: 1e-3,
    lrSchedule: 'constant', gradClip: 100, whiteClip: 2.5, regulariser: opts.decorrelate ? 'decorrelate' : 'none', lambda: 1 });
  const session = createSession({ config, model, pattern, dims });
  const results: StepResult[] = [];
  try {
    for await (const r of session.train({ data, steps: 3, quick: opts.quick ? { every: 3, data: { x, labels } } : undefined })) results.push(r);
  } finally {
    session.dispose();
    x.dispose();
  }
  return results;
}

/** tfjs-core's dist folder. */
function coreDist(): string {
  return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core'));
}

/** The kernels whose gradients tfjs-core's `register_all_gradients` registers (what the umbrella package gives Node). */
function allGradientKernels(): string[] {
  const src = readFileSync(join(coreDist(), 'register_all_gradients.js'), 'utf8');
  return [...src.matchAll(/gradients\/(\w+)_grad'/g)].map((m) => m[1]);
}

/** The chained methods tfjs-core's `register_all_chained_ops` would add (one file per method). */
function chainedMethodNames(): string[] {
  const core = coreDist();
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
      const results = await trainBriefly(model, { quick: true });
      assert.equal(results.length, 3, model.name);
      assert.ok(Number.isFinite(results[2].quick!.auc), `${model.name}: the quick evaluation ran`);
    }
  } finally {
    for (const [n, f] of saved) proto[n] = f;
  }
});

test('training needs only the gradients src/core/gradients.ts registers for browser bundles', async () => {
  const kept = new Set(CORE_GRADIENTS.map((g) => g.kernelName));
  const all = allGradientKernels();
  assert.ok(all.length > 90 && all.includes('Max') && !kept.has('Max'), `found ${all.length} gradient kernels`);
  assert.ok([...kept].every((k) => all.includes(k)) && kept.size < 30, `the core registers ${kept.size}`);
  const saved = all.map((k) => tf.getGradient(k)).filter((g) => g !== undefined);
  for (const k of all) if (!kept.has(k)) tf.unregisterGradient(k);
  try {
    assert.equal(tf.getGradient('Max'), undefined, 'the other gradients are gone');
    assert.throws(() => tf.grad((v: tf.Tensor) => tf.max(v))(tf.ones([2])), /gradient function not found for Max/);
    // every model of the registry on the plane; the manifold code (Gram-Schmidt, which differs by
    // dimension) and the decorrelation regulariser do not depend on the model: the MLP covers them
    // (and the BN model once more, with the original code's batch-norm convention)
    const cases: [string, number, boolean][] = [
      ...Object.keys(MODELS).map((name): [string, number, boolean] => [name, 2, false]),
      ['mlp', 0, false],
      ['mlp', 1, false],
      ['mlp', 3, false],
      ['mlp', 2, true],
      ['bn-cnn-small', 2, true],
    ];
    for (const [name, dims, decorrelate] of cases) {
      const model = MODELS[name].create({ inputShape: [8, 8, 1], numClasses: 3, bnScale: decorrelate ? 'original' : 'paper' });
      const results = await trainBriefly(model, { dims, decorrelate }).catch((e: Error) => {
        throw new Error(`${name}, ${dims} dims${decorrelate ? ', decorrelate' : ''}: ${e.message}`);
      });
      assert.ok(results.length === 3 && Number.isFinite(results[2].loss), `${name}, ${dims} dims: trained`);
    }
  } finally {
    for (const g of saved) tf.registerGradient(g);
  }
});
