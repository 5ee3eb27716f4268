// A TF.js Layers model read back as an mpo functional model (issue 23, item 1): models built and
// saved by tfjs-layers in the test give the same logits in mpo as tfjs-layers' predict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/node/tf-node.js';
import * as tfl from '@tensorflow/tfjs';
import { assertClose, finiteDiff, randn, useCpu } from './helpers.js';
import { readLayersNetwork, readLayersSource } from '../src/node/model-file.js';
import { createLayersModel, decodeLayersWeights, exportLayersNetwork } from '../src/core/models/layers-model.js';
import { createModel } from '../src/core/models/registry.js';
import { toParamSet } from '../src/core/plane/params.js';
import { MpoError } from '../src/core/errors.js';

await useCpu();
const tmp = mkdtempSync(join(tmpdir(), 'mpo-layers-'));

/** Saves a tfjs-layers model as model.json + weights.bin in a new folder (what `model.save('file://...')` writes); returns the model.json path. */
async function saveLayers(model: tfl.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await model.save(tfl.io.withSaveHandler(async (a) => {
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model',
      generatedBy: a.generatedBy,
      convertedBy: a.convertedBy,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return join(dir, 'model.json');
}

/** mpo's logits of the network in `path` on `x`. */
function mpoLogits(path: string, x: tf.Tensor4D, opts: Parameters<typeof readLayersNetwork>[1] = {}): { logits: Float32Array; dropped: boolean; } {
  const net = readLayersNetwork(path, { inputShape: x.shape.slice(1) as [number, number, number], ...opts });
  const w = toParamSet(net.model.params, net.weights);
  try {
    return { logits: tf.tidy(() => net.model.forward(w, x).dataSync() as Float32Array), dropped: net.model.droppedSoftmax };
  } finally {
    tf.dispose(Object.values(w));
  }
}

/** Sets every weight of a layers model to seeded normal values (so BN statistics and biases are not trivial). */
function randomiseWeights(m: tfl.LayersModel, seed: number, positiveNames = /moving_variance/): void {
  m.setWeights(m.weights.map((v, i) => {
    const t = randn(v.shape as number[], seed + i, 0, 0.4);
    return positiveNames.test(v.name) ? tf.add(tf.abs(t), 0.5) : t;
  }) as tfl.Tensor[]);
}

test('a Dense chain saved by TF.js gives the same probabilities as its predict (final softmax left to the loss)', async () => {
  const m = tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [6, 6, 1] }),
      tfl.layers.dense({ units: 16, activation: 'relu' }),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.dense({ units: 8, activation: 'tanh' }),
      tfl.layers.activation({ activation: 'sigmoid' }),
      tfl.layers.dense({ units: 5, activation: 'elu' }),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  randomiseWeights(m, 10);
  const path = await saveLayers(m, join(tmp, 'dense'));
  const x = randn([7, 6, 6, 1], 1, 0.3, 1) as tf.Tensor4D;
  const want = (m.predict(x) as tf.Tensor).dataSync() as Float32Array;
  const { logits, dropped } = mpoLogits(path, x);
  assert.equal(dropped, true);
  const probs = tf.tidy(() => tf.softmax(tf.tensor2d(logits, [7, 3])).dataSync() as Float32Array);
  assertClose(probs, want, 0, 1e-5, 'dense chain probabilities');
  // Not trivially equal: another input gives other outputs.
  const other = (m.predict(randn([7, 6, 6, 1], 2)) as tf.Tensor).dataSync();
  assert.ok(Math.max(...want.map((v, i) => Math.abs(v - other[i]!))) > 1e-3);
  // Parameter names are the layers' weight names, shaped as in the file.
  const net = readLayersNetwork(path, { inputShape: [6, 6, 1], numClasses: 3 });
  assert.deepEqual(net.model.params.map((p) => p.name), m.weights.map((w) => w.name));
  assert.deepEqual(net.config.inputShape, [6, 6, 1]);
  assert.equal(net.config.numClasses, 3);
  assert.match(net.model.name, /dense\/model\.json \(sha256 [0-9a-f]{16}\)$/);
});

test('a flat-input Dense model reads images of as many values; logits equal predict on the flattened images', async () => {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [16], units: 4, activation: 'gelu' }), tfl.layers.dense({ units: 3 })] });
  randomiseWeights(m, 20);
  const path = await saveLayers(m, join(tmp, 'flat'));
  const x = randn([5, 4, 4, 1], 3) as tf.Tensor4D;
  const want = (m.predict(tf.reshape(x, [5, 16])) as tf.Tensor).dataSync() as Float32Array;
  const { logits, dropped } = mpoLogits(path, x);
  assert.equal(dropped, false);
  assertClose(logits, want, 0, 1e-5, 'flat dense logits');
});

/** A Conv2D chain with every spatial layer mpo reads. */
function convModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [12, 12, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 6, kernelSize: [3, 2], strides: 2, padding: 'same' }),
      tfl.layers.batchNormalization({ epsilon: 1e-3 }),
      tfl.layers.activation({ activation: 'gelu' }),
      tfl.layers.conv2d({ filters: 5, kernelSize: 2, strides: [1, 2], padding: 'valid', activation: 'sigmoid', useBias: false }),
      tfl.layers.averagePooling2d({ poolSize: [2, 1], strides: 1 }),
      tfl.layers.reshape({ targetShape: [5, 1] }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 4 }),
    ],
  });
}

test('a Conv2D chain (strides, same and valid padding, pools, BN with moving statistics) gives the same logits as predict', async () => {
  const m = convModel();
  randomiseWeights(m, 30);
  const path = await saveLayers(m, join(tmp, 'conv'));
  const x = randn([3, 12, 12, 3], 4, 0.2, 1) as tf.Tensor4D;
  const want = (m.predict(x) as tf.Tensor).dataSync() as Float32Array;
  const { logits } = mpoLogits(path, x, { batchNorm: 'moving' });
  assertClose(logits, want, 0, 1e-5, 'conv chain logits (moving BN)');
  // With batch statistics it is tfjs-layers' training-mode forward pass.
  const train = (m.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array;
  assertClose(mpoLogits(path, x, { batchNorm: 'batch' }).logits, train, 0, 1e-5, 'conv chain logits (batch BN)');
  assert.ok(Math.max(...train.map((v, i) => Math.abs(v - want[i]!))) > 1e-3, 'the two BN modes differ');
  // BN gammas are stored with mpo's convention (paper: gamma - 0.5).
  const net = readLayersNetwork(path, { inputShape: [12, 12, 3] });
  const gamma = m.weights.find((w) => w.name.endsWith('/gamma'))!;
  assertClose(net.weights[gamma.name]!, (gamma.read().dataSync() as Float32Array).map((v) => v - 0.5), 0, 1e-7, 'stored gamma');
  assert.equal(net.model.usesBatchStats, true);
});

test('an imported model exports again (its topology, the given weights, the moving statistics) and tfjs-layers reads it', async () => {
  const m = convModel();
  randomiseWeights(m, 60);
  const path = await saveLayers(m, join(tmp, 'conv-export'));
  const net = readLayersNetwork(path, { inputShape: [12, 12, 3], batchNorm: 'moving' });
  const x = randn([2, 12, 12, 3], 7) as tf.Tensor4D;
  const load = async (values: Record<string, Float32Array>) => {
    const ex = exportLayersNetwork(net.model, values);
    const weightData = ex.weights.buffer.slice(0) as ArrayBuffer;
    return tfl.loadLayersModel(tfl.io.fromMemory({ modelTopology: ex.modelJson.modelTopology as object, weightSpecs: ex.weightSpecs, weightData }));
  };
  const same = await load(net.weights);
  assertClose((same.predict(x) as tf.Tensor).dataSync() as Float32Array, (m.predict(x) as tf.Tensor).dataSync() as Float32Array, 0, 1e-6, 'exported as read');
  // Other weights (another point of a plane): the export computes what mpo's forward does there.
  const moved = Object.fromEntries(Object.entries(net.weights).map(([k, v]) => [k, v.map((a, i) => a + 0.05 * Math.sin(i))]));
  const other = await load(moved);
  const w = toParamSet(net.model.params, moved);
  const ours = tf.tidy(() => net.model.forward(w, x).dataSync() as Float32Array);
  tf.dispose(Object.values(w));
  assertClose((other.predict(x) as tf.Tensor).dataSync() as Float32Array, ours, 0, 1e-5, 'exported at another point');
  const batch = readLayersNetwork(path, { inputShape: [12, 12, 3] });
  assert.throws(() => exportLayersNetwork(batch.model, batch.weights),
    /its BatchNormalization uses each batch's statistics; fit it with --bn-stats moving to export/);
});

test('a functional tf.model that is a plain chain reads as the Sequential does', async () => {
  const input = tfl.input({ shape: [8, 8, 1] });
  let h = tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }).apply(input) as tfl.SymbolicTensor;
  h = tfl.layers.globalAveragePooling2d({}).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.dense({ units: 2, activation: 'softmax' }).apply(h) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: input, outputs: h });
  randomiseWeights(m, 40);
  const path = await saveLayers(m, join(tmp, 'functional'));
  const x = randn([4, 8, 8, 1], 5) as tf.Tensor4D;
  const want = (m.predict(x) as tf.Tensor).dataSync() as Float32Array;
  const probs = tf.tidy(() => tf.softmax(tf.tensor2d(mpoLogits(path, x).logits, [4, 2])).dataSync() as Float32Array);
  assertClose(probs, want, 0, 1e-5, 'functional chain probabilities');
});

test('gradients through an imported conv model match finite differences (strided conv, BN with batch statistics)', async () => {
  const m = convModel();
  randomiseWeights(m, 50);
  const path = await saveLayers(m, join(tmp, 'conv-grad'));
  const net = readLayersNetwork(path, { inputShape: [12, 12, 3] });
  const x = randn([4, 12, 12, 3], 6) as tf.Tensor4D;
  const name = m.weights[2]!.name; // the strided conv's kernel
  const values = net.weights[name]!;
  const loss = (w: Record<string, tf.Tensor>) => tf.sum(tf.square(net.model.forward(w, x))) as tf.Scalar;
  const f = () =>
    tf.tidy(() => {
      const w = toParamSet(net.model.params, net.weights);
      return loss(w).dataSync()[0]!;
    });
  const w = toParamSet(net.model.params, net.weights);
  const g = tf.tidy(() => tf.grad((k: tf.Tensor) => loss({ ...w, [name]: k }))(w[name]!).dataSync() as Float32Array);
  for (const i of [0, 7, 19]) {
    const fd = finiteDiff(f, values, i, 1e-2);
    assert.ok(Math.abs(fd - g[i]!) <= 2e-2 * Math.max(1, Math.abs(fd)), `d loss / d ${name}[${i}]: autodiff ${g[i]} vs finite difference ${fd}`);
  }
  tf.dispose(Object.values(w));
});

test('an unsupported layer is a one-line error naming its index and class', async () => {
  const m = tfl.sequential({
    layers: [tfl.layers.flatten({ inputShape: [4, 4, 1] }), tfl.layers.dense({ units: 3 }), tfl.layers.leakyReLU({}), tfl.layers.dense({ units: 2 })],
  });
  const path = await saveLayers(m, join(tmp, 'leaky'));
  assert.throws(() => readLayersNetwork(path, { inputShape: [4, 4, 1] }), (e: Error) => {
    assert.ok(e instanceof MpoError);
    assert.match(e.message,
      /^model ".*leaky\/model\.json", layer 2 \(LeakyReLU "leaky_re_lu_LeakyReLU\d+"\) is not supported: mpo reads InputLayer, Dense, Conv2D, /);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  // A max pool mpo does not compute, an activation it does not know: named likewise.
  const pool = tfl.sequential({
    layers: [tfl.layers.maxPooling2d({ inputShape: [6, 6, 1], poolSize: 3 }), tfl.layers.flatten(), tfl.layers.dense({ units: 2 })],
  });
  const poolPath = await saveLayers(pool, join(tmp, 'pool3'));
  assert.throws(() => readLayersNetwork(poolPath, {}),
    /layer 0 \(MaxPooling2D "[^"]+"\): pool_size \[3,3\] strides \[3,3\] padding valid on a 6x6 input is not supported/);
  const act = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2, activation: 'softplus' })] });
  const actPath = await saveLayers(act, join(tmp, 'softplus'));
  assert.throws(() => readLayersNetwork(actPath, {}), /layer 0 \(Dense "[^"]+"\): activation "softplus" is not supported/);
});

test('a model whose outputs or input do not fit the data is a one-line error', async () => {
  const m = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [4, 4, 1] }), tfl.layers.dense({ units: 3 })] });
  const path = await saveLayers(m, join(tmp, 'three'));
  assert.throws(() => readLayersNetwork(path, { inputShape: [4, 4, 1], numClasses: 10 }),
    /^MpoError: model ".*three\/model\.json" outputs 3 classes but the data has 10: choose a dataset with 3 classes or a model with 10 outputs$/);
  assert.throws(() => readLayersNetwork(path, { inputShape: [5, 5, 1] }),
    /model ".*" takes inputs of shape \[4,4,1\] but the data's images are 5x5x1: choose a dataset of that shape or a model built for these images/);
  assert.throws(() => createModel('some/model.json', { inputShape: [4, 4, 1], numClasses: 3 }), /model "some\/model.json" is a file: read it first/);
  // Through the registry with the parsed file, as worker threads build it.
  const model = createModel(path, { inputShape: [4, 4, 1], numClasses: 3, layers: readLayersSource(path) });
  assert.deepEqual(model.params.map((p) => p.shape), [[16, 3], [3]]);
});

test('weights that do not match the manifest, and a missing file, are one-line errors', async () => {
  assert.throws(() => decodeLayersWeights([{ name: 'a/kernel', shape: [2, 2], dtype: 'float32' }], new Uint8Array(12), 'w.bin'),
    /^MpoError: w.bin: the weight bytes end at 12 bytes but the manifest needs 16 by "a\/kernel": the weights file is truncated/);
  assert.throws(() => decodeLayersWeights([{ name: 'a', shape: [1], dtype: 'float16' }], new Uint8Array(2)), /dtype float16: mpo reads float32 weights/);
  assert.throws(() => readLayersNetwork(join(tmp, 'nope', 'model.json')), /model file ".*nope\/model.json" does not exist/);
  const dir = join(tmp, 'noweights');
  mkdirSync(dir);
  writeFileSync(join(dir, 'model.json'),
    JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [] } }, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }));
  assert.throws(() => readLayersNetwork(join(dir, 'model.json')), /has no weights to start from: its weights file ".*weights.bin" does not exist/);
  assert.throws(() => createLayersModel({ name: 'x', modelTopology: { class_name: 'Sequential', config: { layers: [] } } }), /the model.json has no layers/);
});

test("a converter's Keras 3 functional JSON (model_config, batch_shape, keras_history) reads; a branching model is refused", () => {
  const kt = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: [name, 0, 0] } });
  const topology = (secondInputs: unknown[]) => ({
    keras_version: '3.4.1',
    backend: 'tensorflow',
    model_config: {
      class_name: 'Functional',
      config: {
        name: 'f',
        layers: [
          { class_name: 'InputLayer', name: 'input_layer', config: { batch_shape: [null, 2], name: 'input_layer' }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'd', config: { name: 'd', units: 2, activation: 'relu', use_bias: true },
            inbound_nodes: [{ args: [kt('input_layer')], kwargs: {} }] },
          { class_name: 'Dense', name: 'e', config: { name: 'e', units: 2, activation: 'linear', use_bias: false },
            inbound_nodes: [{ args: secondInputs, kwargs: {} }] },
        ],
        input_layers: [['input_layer', 0, 0]],
        output_layers: [['e', 0, 0]],
      },
    },
  });
  const weights = { 'f/d/kernel': Float32Array.from([1, -1, 2, 0.5]), 'f/d/bias': Float32Array.from([0.1, -0.2]), 'e/kernel': Float32Array.from([1, 2, 3, 4]) };
  const model = createLayersModel({ name: 'k3', modelTopology: topology([kt('d')]), weights }, { inputShape: [1, 1, 2] });
  assert.deepEqual(model.params.map((p) => p.name), ['d/kernel', 'd/bias', 'e/kernel']);
  const w = toParamSet(model.params, { 'd/kernel': weights['f/d/kernel'], 'd/bias': weights['f/d/bias'], 'e/kernel': weights['e/kernel'] });
  // x = [1, 2]: d = relu([1 + 4 + 0.1, -1 + 1 - 0.2]) = [5.1, 0]; e = [5.1 * 1, 5.1 * 2].
  const y = tf.tidy(() => model.forward(w, tf.tensor4d([1, 2], [1, 1, 1, 2])).dataSync());
  assertClose(y, [5.1, 10.2], 0, 1e-5, 'keras 3 functional');
  tf.dispose(Object.values(w));
  assert.throws(() => createLayersModel({ name: 'k3', modelTopology: topology([[kt('d'), kt('input_layer')]]) }),
    /^MpoError: layer 2 \(Dense "e"\) is not fed by the layer before it alone: mpo reads models whose layers form a plain chain$/);
});

test('a BatchNormalization before the first Dense: its gamma gets the gradient finite differences give', async () => {
  const m = tfl.sequential({
    layers: [tfl.layers.batchNormalization({ inputShape: [3, 3, 2] }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })],
  });
  randomiseWeights(m, 70);
  const path = await saveLayers(m, join(tmp, 'bn-first'));
  for (const batchNorm of ['batch', 'moving'] as const) {
    const net = readLayersNetwork(path, { inputShape: [3, 3, 2], batchNorm });
    const x = randn([5, 3, 3, 2], 8) as tf.Tensor4D;
    const name = net.model.params.find((p) => p.name.endsWith('/gamma'))!.name;
    const loss = (w: Record<string, tf.Tensor>) => tf.sum(tf.square(net.model.forward(w, x))) as tf.Scalar;
    const f = () => tf.tidy(() => loss(toParamSet(net.model.params, net.weights)).dataSync()[0]!);
    const w = toParamSet(net.model.params, net.weights);
    const g = tf.tidy(() => tf.grad((k: tf.Tensor) => loss({ ...w, [name]: k }))(w[name]!).dataSync() as Float32Array);
    tf.dispose(Object.values(w));
    for (const i of [0, 1]) {
      const fd = finiteDiff(f, net.weights[name]!, i, 1e-2);
      assert.ok(Math.abs(fd) > 1e-3, 'a gradient that is not zero');
      assert.ok(Math.abs(fd - g[i]!) <= 2e-2 * Math.max(1, Math.abs(fd)),
        `${batchNorm}: d loss / d ${name}[${i}]: autodiff ${g[i]} vs finite difference ${fd}`);
    }
  }
});
