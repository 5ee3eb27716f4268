import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { ensembleMetrics, errorCorrelationPenalty } from '../src/core/training/decorrelate.js';
import { finiteDiff, useCpu } from './helpers.js';
import { createRng } from '../src/core/random.js';

await useCpu();

const K = 3, B = 4, C = 3;
const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), C).cast('float32') as tf.Tensor2D;

function randomLogits(seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: K * B * C }, () => 2 * rng.normal());
}

test('the decorrelation penalty is the mean pairwise Pearson correlation of the error vectors (by hand)', () => {
  const v = randomLogits(1);
  const got = errorCorrelationPenalty(tf.tensor3d(v, [K, B, C]), labels).dataSync()[0];
  // by hand: e_k = softmax - onehot, flattened
  const y = labels.dataSync();
  const e: number[][] = [];
  for (let k = 0; k < K; k++) {
    const row: number[] = [];
    for (let b = 0; b < B; b++) {
      const z = Array.from({ length: C }, (_, c) => v[(k * B + b) * C + c]);
      const m = Math.max(...z);
      const ex = z.map((q) => Math.exp(q - m));
      const s = ex.reduce((a, q) => a + q, 0);
      for (let c = 0; c < C; c++) row.push(ex[c] / s - y[b * C + c]);
    }
    e.push(row);
  }
  const corr = (a: number[], b: number[]) => {
    const ma = a.reduce((s, q) => s + q, 0) / a.length, mb = b.reduce((s, q) => s + q, 0) / b.length;
    let ab = 0, aa = 0, bb = 0;
    a.forEach((_, i) => {
      ab += (a[i] - ma) * (b[i] - mb);
      aa += (a[i] - ma) ** 2;
      bb += (b[i] - mb) ** 2;
    });
    return ab / Math.sqrt(aa * bb);
  };
  const want = (corr(e[0], e[1]) + corr(e[0], e[2]) + corr(e[1], e[2])) / 3;
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
  assert.ok(
    Math.abs(
      errorCorrelationPenalty(tf.tensor3d(Float32Array.from([...v.slice(0, 12), ...v.slice(0, 12), ...v.slice(0, 12)]), [K, B, C]), labels).dataSync()[0] - 1,
    ) < 1e-5,
    'identical members: correlation 1',
  );
  assert.throws(() => errorCorrelationPenalty(tf.tensor3d(v.slice(0, 12), [1, B, C]), labels), /at least 2 points/);
});

test("the decorrelation penalty's gradient matches finite differences", () => {
  const v = randomLogits(2);
  const f = (x: tf.Tensor) => errorCorrelationPenalty(x as tf.Tensor3D, labels);
  const g = tf.grad(f)(tf.tensor3d(v, [K, B, C])).dataSync();
  const value = () => tf.tidy(() => f(tf.tensor3d(v, [K, B, C])).dataSync()[0]);
  let checked = 0;
  for (let i = 0; i < v.length; i++) {
    const fd = finiteDiff(value, v, i, 1e-2);
    assert.ok(Math.abs(fd - g[i]) < 2e-3 + 2e-2 * Math.abs(g[i]), `entry ${i}: autodiff ${g[i]} vs finite difference ${fd}`);
    if (Math.abs(g[i]) > 1e-3) checked++;
  }
  assert.ok(checked > v.length / 2, 'most entries have a real gradient');
});

test('ensemble metrics: member and ensemble accuracy, correlation and disagreement', async () => {
  // two members, 4 images, 2 classes; labels 0 0 1 1
  const logits = tf.tensor3d([[[2, 0], [2, 0], [0, 2], [2, 0]], [[2, 0], [0, 2], [0, 2], [0, 2]]], [2, 4, 2]);
  const m = await ensembleMetrics(logits, Int32Array.of(0, 0, 1, 1));
  assert.deepEqual(m.pointAcc, [0.75, 0.75]);
  assert.equal(m.meanDisagreement, 0.5);
  assert.ok(m.ensembleAcc >= 0.5 && m.ensembleAcc <= 1);
  assert.ok(m.meanErrorCorrelation > -1 && m.meanErrorCorrelation < 1);
});

test('mpo fit --regulariser decorrelate trains a line of members end to end on tiny data', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { resolveConfig } = await import('../src/core/config.js');
  const { runFit } = await import('../src/node/run/fit.js');
  const out = join(mkdtempSync(join(tmpdir(), 'mpo-decor-')), 'run');
  const s = await runFit(resolveConfig({
    manifold: 'line',
    pattern: '1d:#.#.#',
    regulariser: 'decorrelate',
    lambda: 2,
    steps: 4,
    trainImages: 200,
    evalImages: 40,
    quickEvalImages: 40,
    batchSize: 16,
    evalEvery: 2,
    workers: 1,
    backend: 'cpu',
    evalPadding: 0,
  }), { out, quiet: true, log: () => {} });
  assert.ok(s && Number.isFinite(s.auc_test) && s.steps === 4);
});
