/** The core's classic views (src/core/landscape/classic-views.ts) and the heat map's coordinate axes, marks and path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { interpolationTs, interpolationView, lineNumbers, linspace, randomPlaneView } from '../src/core/landscape/classic-views.js';
import { createMlp } from '../src/core/models/mlp.js';
import { initParamValues } from '../src/core/plane/params.js';
import { createRng } from '../src/core/random.js';
import { renderHeatmap } from '../src/core/render/heatmap.js';
import { useCpu } from './helpers.js';

await useCpu();

const model = createMlp({ inputShape: [4, 4, 1], hidden: 6, numClasses: 3 });
const rng = createRng(5);
const data = {
  x: tf.tensor4d(Float32Array.from({ length: 20 * 16 }, () => rng.normal()), [20, 4, 4, 1]),
  labels: Int32Array.from({ length: 20 }, (_, i) => i % 3),
};

test('randomPlaneView: the centre is the network on every set, a and b on the axes, tensor counts flat, the same directions for the same seed', async () => {
  const w = initParamValues(model.params, createRng(1));
  const before = tf.memory().numTensors;
  const v = await randomPlaneView(model, w, { test: data, again: data }, { points: 5, seed: 3, batchSize: 7 });
  assert.equal(tf.memory().numTensors, before, 'tensor count flat');
  assert.deepEqual(v.xs, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(v.ys, [1, 0.5, 0, -0.5, -1], 'b from +1 at the top');
  assert.equal(v.centre, 12);
  const line = await interpolationView(model, w, initParamValues(model.params, createRng(2)), { test: data }, { points: 5, from: -1, to: 2 });
  assert.deepEqual(line.t, [-1, -0.25, 0.5, 1.25, 2]);
  assert.equal(tf.memory().numTensors, before, 'tensor count flat');
  assert.ok(Math.abs(v.values.test.loss[12] - v.values.again.loss[12]) < 1e-7);
  const again = await randomPlaneView(model, w, { test: data }, { points: 5, seed: 3 });
  const diff = Math.max(...Array.from(again.values.test.loss, (x, i) => Math.abs(x - v.values.test.loss[i])));
  assert.ok(diff < 1e-6, `the same seed draws the same plane, whatever the batch size (largest difference ${diff})`);
  const other = await randomPlaneView(model, w, { test: data }, { points: 5, seed: 4 });
  assert.ok(Math.abs(other.values.test.loss[12] - v.values.test.loss[12]) < 1e-6, 'every seed is centred on the network');
  assert.notDeepEqual(Array.from(other.values.test.loss), Array.from(again.values.test.loss), 'another seed, another plane');
});

test('lines: t values, the numbers at A, B and the barrier between them', () => {
  assert.deepEqual(interpolationTs(9), [-0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
  assert.throws(() => interpolationTs(1), /^MpoError: points must be a whole number >= 2, got 1$/);
  assert.deepEqual(linspace(1, -1, 1), [0]);
  const n = lineNumbers([-0.5, 0, 0.5, 1, 1.5], [9, 1, 3, 2, 8]);
  assert.deepEqual(n, { atA: 1, atB: 2, maxBetween: 3, tOfMax: 0.5 });
});

test('heat map coordinate axes: ticks at their coordinates, labelled with a real minus; marks and a path drawn where they are', () => {
  const f = renderHeatmap(Float32Array.from({ length: 25 }, (_, i) => i + 1), 5, 5, {
    scale: 'log',
    cellSize: 10,
    coords: { x: [-1, 1], y: [1, -1], xLabel: 'a', yLabel: 'b' },
    marks: [{ x: 0, y: 0, label: 'net' }, { x: 1, y: -1 }],
    path: [[-1, 1], [0.5, 0]],
  });
  const labels = [...f.body.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const t of ['\u22121', '\u22120.5', '0', '0.5', '1', 'a', 'b', 'net']) assert.ok(labels.includes(t), `label ${t} in ${labels.join(' ')}`);
  // the grid's left edge: the frame's rect; tick 0 of x at the middle column's centre (2.5 cells in)
  const left = Number(/<rect x="([\d.]+)"/.exec(f.body)![1]) + 0.5;
  const zero = [...f.body.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-size="12" fill="[^"]+" text-anchor="middle">0<\/text>/g)];
  assert.equal(zero.length, 1);
  assert.ok(Math.abs(Number(zero[0][1]) - (left + 25)) < 1e-6, `x tick 0 at ${zero[0][1]}, the middle at ${left + 25}`);
  // marks in cell units inside the frame: (0, 0) at the centre (25, 25), (1, -1) at the bottom-right cell's centre (45, 45)
  assert.ok(f.body.includes('cx="25" cy="25"') && f.body.includes('cx="45" cy="45"'), 'marks at their cells');
  assert.ok(f.body.includes('d="M5 5L35 25"'), 'the path from (-1, 1) to (0.5, 0)');
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'linear', coords: { x: [0, 0], y: [0, 1] } }),
    /^MpoError: heatmap x coordinates \[0, 0\] are invalid: pass two different finite numbers$/);
});
