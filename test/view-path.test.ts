/** `mpo train --save-path N` and `mpo view path NET` (issue 23 item 5): the loss over a training path's top two PCA directions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { flattenValues } from '../src/core/landscape/classic-views.js';
import { pathPca, symmetricEigen } from '../src/core/landscape/pca.js';
import { createMlp } from '../src/core/models/mlp.js';
import { decodeNpy } from '../src/node/output/npy.js';
import { checkSavePath, pathSteps, runTrain } from '../src/node/run/train.js';
import { runPath } from '../src/node/run/view.js';
import { openNetwork } from '../src/node/run/network.js';
import * as tf from '../src/node/tf-node.js';
import { useCpu } from './helpers.js';

await useCpu();

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'mpo-view-path-'));
const tiny = { steps: 14, trainImages: 200, evalImages: 60, batchSize: 32, logEvery: 5, backend: 'cpu' as const, lr: 0.003, seed: 1 };
const quiet = { quiet: true, log: () => {} };

test('symmetricEigen: known eigenvalues and unit eigenvectors of a symmetric matrix', () => {
  const { values, vectors } = symmetricEigen([2, 1, 0, 1, 2, 0, 0, 0, 5], 3);
  assert.deepEqual(values.map((v) => Number(v.toFixed(12))), [5, 3, 1]);
  const m = [[2, 1, 0], [1, 2, 0], [0, 0, 5]];
  vectors.forEach((v, i) => {
    const mv = m.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
    mv.forEach((x, j) => assert.ok(Math.abs(x - values[i] * v[j]) < 1e-12, `M v = lambda v for eigenvalue ${values[i]}`));
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-12);
  });
});

test('pathPca: points on a known plane are explained 100% by two directions, in the ratio of their spreads; tensors freed', async () => {
  // snapshots final + x_i e1 + y_i e2 with x of variance 4x that of y (uncorrelated): ratios 0.8 and 0.2
  const final = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i));
  const xs = [-2, 2, -2, 2, 0], ys = [-1, -1, 1, 1, 0];
  const path = xs.map((x, i) => Float32Array.from(final, (v, j) => v + (j === 3 ? x : j === 7 ? ys[i] : 0)));
  const before = tf.memory().numTensors;
  const p = await pathPca(path, final);
  assert.equal(tf.memory().numTensors, before, 'tensor count flat');
  assert.ok(Math.abs(p.explained[0] - 0.8) < 1e-6 && Math.abs(p.explained[1] - 0.2) < 1e-6, `explained ${p.explained}`);
  p.coords.forEach(([x, y], i) => {
    assert.ok(Math.abs(Math.abs(x) - Math.abs(xs[i])) < 1e-5 && Math.abs(Math.abs(y) - Math.abs(ys[i])) < 1e-5, `snapshot ${i} at (${x}, ${y})`);
  });
  await assert.rejects(pathPca(path.slice(0, 2), final), /^MpoError: the path has 2 snapshots: its PCA needs at least 3/);
  await assert.rejects(pathPca([final, final, final], final), /^MpoError: the path's snapshots span fewer than 2 directions/);
});

test('--save-path: the steps kept, and a path too long is refused before anything is written', () => {
  assert.deepEqual(pathSteps(14, 4), [0, 4, 8, 12, 14]);
  assert.deepEqual(pathSteps(12, 4), [0, 4, 8, 12]);
  assert.throws(() => checkSavePath(1, 1000), /^MpoError: --save-path 1 keeps 1001 snapshots of 1000 steps, more than 501: pass --save-path 3 or more$/);
  assert.throws(() => checkSavePath(0, 10), /^MpoError: --save-path must be a whole number of steps >= 1, got 0$/);
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'train', '--out', join(tmp, 'long'), '--steps',
    '1000', '--save-path', '1', '--backend', 'cpu'], { encoding: 'utf8', timeout: 120_000 });
  assert.notEqual(r.status, 0);
  assert.deepEqual(r.stderr.trim().split('\n'), ['mpo: error: --save-path 1 keeps 1001 snapshots of 1000 steps, more than 501: pass --save-path 3 or more']);
  assert.equal(existsSync(join(tmp, 'long')), false, 'nothing written');
});

test('mpo train --save-path and mpo view path: the path ends at the network, the two directions explain the variance an independent computation finds', async () => {
  const net = join(tmp, 'net');
  const ts = await runTrain(resolveConfig(tiny), { out: net, savePath: 4, ...quiet });
  assert.equal(ts.path_snapshots, 5);
  const info = JSON.parse(readFileSync(join(net, 'path.json'), 'utf8')) as { steps: number[]; every: number; };
  assert.deepEqual(info.steps, [0, 4, 8, 12, 14]);
  const npy = decodeNpy(readFileSync(join(net, 'path.npy')));
  const model = createMlp({ inputShape: [28, 28, 1], numClasses: 10 });
  const p = model.params.reduce((s, q) => s + q.shape.reduce((a, b) => a * b, 1), 0);
  assert.deepEqual(npy.shape, [5, p]);
  const rows = Array.from({ length: 5 }, (_, i) => (npy.data as Float32Array).subarray(i * p, (i + 1) * p));
  assert.deepEqual(Array.from(rows[4]), Array.from(flattenValues(model.params, openNetwork(net).weights)), 'the last snapshot is the saved network');

  const out = join(tmp, 'view');
  const s = await runPath(net, { out, points: 7, margin: 0.2, images: 60, ...quiet });
  assert.equal(s.snapshots, 5);
  assert.ok(Math.abs(s.final_test_loss - ts.test_loss) < 1e-4, `the centre is the network: ${s.final_test_loss} vs mpo train's ${ts.test_loss}`);

  // independent: the centred rows D (float64), top two eigenvalues of D^T D by power iteration in weight space, over trace
  const mean = new Float64Array(p);
  for (const r of rows) for (let j = 0; j < p; j++) mean[j] += r[j] / rows.length;
  const d = rows.map((r) => Float64Array.from(r, (v, j) => v - mean[j]));
  const total = d.reduce((s2, r) => s2 + r.reduce((a, v) => a + v * v, 0), 0);
  const found: Float64Array[] = [];
  const lambdas: number[] = [];
  for (let c = 0; c < 2; c++) {
    let v = Float64Array.from({ length: p }, (_, j) => Math.cos(j * (c + 1)));
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      for (const f of found) {
        const proj = f.reduce((a, x, j) => a + x * v[j], 0);
        v = v.map((x, j) => x - proj * f[j]);
      }
      const dv = d.map((r) => r.reduce((a, x, j) => a + x * v[j], 0)); // D v
      const next = new Float64Array(p);
      d.forEach((r, i) => {
        for (let j = 0; j < p; j++) next[j] += r[j] * dv[i];
      }); // D^T D v
      const norm = Math.sqrt(next.reduce((a, x) => a + x * x, 0));
      lambda = norm / Math.sqrt(v.reduce((a, x) => a + x * x, 0));
      v = next.map((x) => x / norm);
    }
    found.push(v);
    lambdas.push(lambda);
  }
  for (const i of [0, 1]) {
    assert.ok(Math.abs(s.explained_variance[i] - lambdas[i] / total) < 1e-4,
      `direction ${i + 1} explains ${s.explained_variance[i]}, the independent computation ${lambdas[i] / total}`);
  }
  // and the path drawn on the plane: the spread of its coordinates along each direction is the variance it explains
  const csv = readFileSync(join(out, 'path.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
  assert.deepEqual(csv.map((r) => r[0]), [0, 4, 8, 12, 14]);
  for (const i of [0, 1]) {
    const xs = csv.map((r) => r[1 + i]);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const spread = xs.reduce((a, x) => a + (x - m) ** 2, 0) / total;
    assert.ok(Math.abs(spread - s.explained_variance[i]) < 1e-4, `the path's spread along direction ${i + 1}: ${spread} vs ${s.explained_variance[i]}`);
  }
  assert.deepEqual(csv.at(-1)!.slice(1, 3), [0, 0], 'the final network at the centre');
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { explained_variance: number[]; };
  assert.deepEqual(summary.explained_variance, s.explained_variance);
  const land = JSON.parse(readFileSync(join(out, 'landscape.json'), 'utf8')) as { xs: number[]; ys: number[]; test: { loss: number[]; }; };
  assert.ok(land.xs[0] < Math.min(...csv.map((r) => r[1])) && land.xs.at(-1)! > Math.max(...csv.map((r) => r[1])), 'the grid covers the path');
  assert.equal(land.test.loss.length, 49);
  assert.ok(readFileSync(join(out, 'figure.svg'), 'utf8').includes('1st PCA direction'));
});

test('mpo view path of a network trained without --save-path, or of a folder that is not a network: one line, nothing written', async () => {
  const plain = join(tmp, 'plain');
  await runTrain(resolveConfig({ ...tiny, steps: 2 }), { out: plain, ...quiet });
  const out = join(tmp, 'never');
  await assert.rejects(runPath(plain, { out, points: 5, images: 20, ...quiet }),
    new RegExp(`^MpoError: "${plain}" has no training path \\(no path.npy\\): train it with mpo train --save-path N to keep its weights every N steps$`));
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'view', 'path', tmp, '--out', out], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.notEqual(r.status, 0);
  assert.deepEqual(r.stderr.trim().split('\n'), [
    `mpo: error: "${tmp}" is not a trained network (no config.json of mpo train): pass the --out folder of mpo train`,
  ]);
  assert.equal(existsSync(out), false, 'nothing written');
});
