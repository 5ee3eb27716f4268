/** The app's "open a model" for the classic views (issue 23 item 6): a TF.js Layers network from chosen files, through the core's Layers import. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { EXPORT_WEIGHTS_FILE, exportLayersModel } from '../src/core/io/export-layers.js';
import { createMlp } from '../src/core/models/mlp.js';
import { initParamValues } from '../src/core/plane/params.js';
import { createRng } from '../src/core/random.js';
import { interpolationView, openLayersNetwork, randomPlaneView } from '../web/src/worker-classic.js';
import { useCpu } from './helpers.js';

await useCpu();

const mlp = createMlp({ inputShape: [28, 28, 1], numClasses: 10 });
const rng = createRng(9);
const data = {
  x: tf.tensor4d(Float32Array.from({ length: 30 * 784 }, () => rng.next()), [30, 28, 28, 1]),
  labels: Int32Array.from({ length: 30 }, (_, i) => (i * 7) % 10),
};
const fmnist = { inputShape: [28, 28, 1] as const, numClasses: 10 };

function exported(seed: number): { json: Uint8Array; bin: Uint8Array; w: ReturnType<typeof initParamValues>; } {
  const w = initParamValues(mlp.params, createRng(seed));
  const ex = exportLayersModel(mlp, w, { metadata: { dataset: 'fashion-mnist-subset' } });
  return { json: new TextEncoder().encode(JSON.stringify(ex.modelJson)), bin: ex.weights, w };
}

test('an exported network opened from its two files: the random plane is centred on its own loss, the line ends at both networks', async () => {
  const a = exported(1), b = exported(2);
  const net = openLayersNetwork([{ name: EXPORT_WEIGHTS_FILE, bytes: a.bin }, { name: 'model.json', bytes: a.json }], fmnist);
  assert.equal(net.name, 'model.json');
  const own = await randomPlaneView(mlp, a.w, data, { points: 3, seed: 1 });
  const opened = await randomPlaneView(net.model, net.weights, data, { points: 3, seed: 1 });
  assert.ok(Math.abs(opened.loss[4] - own.loss[4]) < 1e-5, `centre ${opened.loss[4]} vs the network's own ${own.loss[4]}`);
  const other = openLayersNetwork([{ name: 'model.json', bytes: b.json }, { name: EXPORT_WEIGHTS_FILE, bytes: b.bin }], fmnist);
  const line = await interpolationView(net.model, net.weights, other.weights, data, { points: 5 });
  const ownB = await randomPlaneView(mlp, b.w, data, { points: 1, seed: 1 });
  assert.ok(Math.abs(line.loss[line.t.indexOf(1)] - ownB.loss[0]) < 1e-5, 'the line reaches B');
});

test('opening a model: a missing weight file, no model.json, or data of another shape is one line', () => {
  const a = exported(1);
  assert.throws(() => openLayersNetwork([{ name: 'model.json', bytes: a.json }], fmnist),
    /^MpoError: "model.json" keeps its weights in "weights.bin": choose it together with the model.json$/);
  assert.throws(() => openLayersNetwork([{ name: EXPORT_WEIGHTS_FILE, bytes: a.bin }], fmnist),
    /^MpoError: choose one model.json and its weight files \(e.g. weights.bin of mpo export\), got 0 .json files$/);
  assert.throws(() => openLayersNetwork([{ name: 'model.json', bytes: new TextEncoder().encode('{"a": 1}') }], fmnist),
    /^MpoError: "model.json" has no modelTopology/);
  assert.throws(() => openLayersNetwork([{ name: 'model.json', bytes: a.json }, { name: EXPORT_WEIGHTS_FILE, bytes: a.bin }], { ...fmnist, numClasses: 3 }),
    /^MpoError: .*outputs 10 classes but the data has 3/);
});
