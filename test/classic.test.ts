import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/node/tf-node.js';
import { bezierPoint, bezierValues, filterNormalizedDirection } from '../src/core/landscape/classic.js';
import { createRng } from '../src/core/random.js';
import { createMlp } from '../src/core/models/mlp.js';
import { initParamValues } from '../src/core/plane/params.js';
import { resolveConfig } from '../src/core/config.js';
import { runTrain } from '../src/node/run/train.js';
import { runConnect } from '../src/node/run/connect.js';
import { runInterpolate, runRandomPlane } from '../src/node/run/view.js';
import { loadNetwork } from '../src/node/run/network.js';
import { useCpu } from './helpers.js';

await useCpu();

test("the Bezier curve passes exactly through its end points and through the bend's pull at t = 1/2", () => {
  const a = { w: tf.tensor1d([1, 2, 3]) }, b = { w: tf.tensor1d([-1, 0, 5]) }, theta = { w: tf.tensor1d([10, 10, 10]) };
  assert.deepEqual(Array.from(bezierPoint(a, theta, b, 0).w.dataSync()), [1, 2, 3]);
  assert.deepEqual(Array.from(bezierPoint(a, theta, b, 1).w.dataSync()), [-1, 0, 5]);
  // t = 1/2: a/4 + theta/2 + b/4
  assert.deepEqual(Array.from(bezierPoint(a, theta, b, 0.5).w.dataSync()), [5, 5.5, 7]);
  const v = bezierValues({ w: Float32Array.of(1, 2) }, { w: Float32Array.of(0, 0) }, { w: Float32Array.of(3, 4) }, 1);
  assert.deepEqual(Array.from(v.w), [3, 4]);
});

test("filter-normalised directions: every filter has the norm of the network's filter; biases are not moved", () => {
  const model = createMlp({ inputShape: [4, 4, 1], hidden: 5, numClasses: 3 });
  const w = initParamValues(model.params, createRng(3));
  const d = filterNormalizedDirection(model.params, w, createRng(4));
  for (const s of model.params) {
    if (s.shape.length === 1) {
      assert.ok(d[s.name].every((x) => x === 0), `${s.name} is zero`);
      continue;
    }
    const units = s.shape[s.shape.length - 1];
    for (let u = 0; u < units; u++) {
      let dn = 0, wn = 0;
      for (let i = u; i < d[s.name].length; i += units) {
        dn += d[s.name][i] ** 2;
        wn += w[s.name][i] ** 2;
      }
      assert.ok(Math.abs(Math.sqrt(dn) - Math.sqrt(wn)) < 1e-4 * Math.sqrt(wn), `${s.name} filter ${u}`);
    }
  }
});

const tmp = mkdtempSync(join(tmpdir(), 'mpo-classic-'));
const tiny = { steps: 15, trainImages: 200, evalImages: 60, batchSize: 32, logEvery: 5, backend: 'cpu' as const, lr: 0.003 };
const quiet = { quiet: true, log: () => {} };

test('mpo train, view and connect end to end on tiny data; the connect curve keeps its end points', async () => {
  const a = join(tmp, 'a'), b = join(tmp, 'b');
  const sa = await runTrain(resolveConfig({ ...tiny, seed: 1 }), { out: a, ...quiet });
  await runTrain(resolveConfig({ ...tiny, seed: 2 }), { out: b, ...quiet });
  assert.ok(sa.test_loss < sa.uniform_loss, `trained (${sa.test_loss}) beats the uniform prediction (${sa.uniform_loss})`);
  assert.equal(loadNetwork(a).config.seed, 1);
  const inter = await runInterpolate(a, b, { out: join(tmp, 'i'), points: 9, images: 40, ...quiet });
  assert.equal(inter.points, 9);
  assert.ok(existsSync(join(tmp, 'i/interpolation.csv')) && existsSync(join(tmp, 'i/report.html')));
  const rp = await runRandomPlane(a, { out: join(tmp, 'r'), points: 5, images: 40, ...quiet });
  assert.ok(rp.max_test_loss >= rp.centre_test_loss);
  const c = await runConnect(a, b, resolveConfig({ ...tiny, steps: 10 }), { out: join(tmp, 'c'), points: 5, ...quiet });
  assert.equal(c.endpoint_error, 0, 'the curve passes exactly through A and B');
  assert.ok(Number.isFinite(c.curve_max_test_loss) && Number.isFinite(c.line_max_test_loss));
  // the end points' losses equal the networks' own (evaluated on the same images by the line at t = 0 and 1)
  const csv = readFileSync(join(tmp, 'c/connect.csv'), 'utf8').trim().split('\n').map((l) => l.split(',').map(Number));
  const [first, last] = [csv[1], csv[csv.length - 1]];
  assert.ok(Math.abs(first[1] - first[3]) < 1e-4 && Math.abs(last[1] - last[3]) < 1e-4, 'curve and line agree at t = 0 and t = 1');
});
