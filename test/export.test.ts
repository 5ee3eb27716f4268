import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/node/tf-node.js';
import * as tfjs from '@tensorflow/tfjs';
import { assertClose, randn, useCpu, mpoIn, errorLine } from './helpers.js';
import { createModel } from '../src/core/models/registry.js';
import type { Model } from '../src/core/models/model.js';
import { computeFrame, pointAt } from '../src/core/plane/manifold.js';
import { cellCoords } from '../src/core/plane/grid.js';
import { createPlaneState, disposePlaneState, thetaOf, type PlaneState } from '../src/core/training/plane-state.js';
import { EXPORTABLE_MODELS, exportLayersModel, type LayersExport } from '../src/core/io/export-layers.js';
import type { ParamValues } from '../src/core/plane/params.js';
import { cellCoordsOf, type CellShape } from '../src/core/plane/grid.js';
import { patternToText } from '../src/core/pattern/text.js';
import { parseCellText } from '../src/core/session/cell.js';
import { checkpointOf, encodeCheckpoint, stateOfCheckpoint } from '../src/core/io/checkpoint.js';
import { decodeCheckpoint } from '../src/core/io/checkpoint.js';
import { runExport } from '../src/node/run/export.js';
import { readLayersNetwork } from '../src/node/model-file.js';

await useCpu();

const tmp = mkdtempSync(join(tmpdir(), 'mpo-export-'));

/** Loads an export with tfjs-layers from memory, as `tf.loadLayersModel` does from files. */
async function load(modelTopology: object, weightSpecs: object[], weights: Uint8Array): Promise<tfjs.LayersModel> {
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tfjs.loadLayersModel(tfjs.io.fromMemory({
    modelTopology: modelTopology as tfjs.io.ModelArtifacts['modelTopology'],
    weightSpecs: weightSpecs as tfjs.io.WeightsManifestEntry[],
    weightData,
  }));
}

/** The weights at manifold coordinates `coords` of a state, read here (cpu), apart from the code under test. */
function valuesAt(model: Model, state: PlaneState, coords: readonly number[]): ParamValues {
  const { frame, dispose } = computeFrame(thetaOf(model, state));
  try {
    return tf.tidy(() => {
      const point = pointAt(frame, coords);
      return Object.fromEntries(model.params.map((p) => [p.name, Float32Array.from(point[p.name]!.dataSync() as Float32Array)]));
    });
  } finally {
    dispose();
  }
}

/** Our logits at cell (row, col) of a height x width pattern: model.forward(pointAt(frame, cellCoords(...)), x). */
function ourLogits(model: Model, state: PlaneState, cell: [number, number], size: [number, number], x: tf.Tensor4D): Float32Array {
  const { frame, dispose } = computeFrame(thetaOf(model, state));
  try {
    return tf.tidy(() => model.forward(pointAt(frame, cellCoords(cell[0], cell[1], size[0], size[1])), x).dataSync() as Float32Array);
  } finally {
    dispose();
  }
}

async function checkExport(name: string, inputShape: [number, number, number], cell: [number, number], size: [number, number],
  output: 'logits' | 'softmax' = 'logits'): Promise<LayersExport> {
  const model = createModel(name, { inputShape, numClasses: 10 });
  const state = createPlaneState(model, { seed: 3, scaleInit: 0.7 });
  const x = randn([4, ...inputShape], 11, 0.3, 1) as tf.Tensor4D;
  try {
    const ex = exportLayersModel(model, valuesAt(model, state, cellCoords(cell[0], cell[1], size[0], size[1])), { output });
    const loaded = await load(ex.modelJson.modelTopology, ex.weightSpecs, ex.weights);
    assert.deepEqual(loaded.inputs[0]!.shape, [null, ...inputShape], `${name}: input shape`);
    const got = tf.tidy(() => (loaded.predict(x) as tf.Tensor).dataSync() as Float32Array);
    const logits = ourLogits(model, state, cell, size, x);
    const want = output === 'logits' ? logits : tf.tidy(() => tf.softmax(tf.tensor2d(logits, [4, 10])).dataSync() as Float32Array);
    assert.equal(got.length, 4 * 10);
    assertClose(got, want, 0, 1e-4, `${name} ${output} at cell ${cell}`);
    // Not trivially equal: another cell of the plane predicts differently.
    const other = ourLogits(model, state, [0, 0], size, x);
    assert.ok(Math.max(...logits.map((v, i) => Math.abs(v - other[i]!))) > 1e-3, `${name}: cells differ`);
    loaded.dispose();
    return ex;
  } finally {
    x.dispose();
    disposePlaneState(state);
  }
}

test('mlp: the exported Layers model outputs our logits at the cell (and softmax when asked)', async () => {
  const ex = await checkExport('mlp', [28, 28, 1], [2, 3], [5, 6]);
  const layers = (ex.modelJson.modelTopology.config as { layers: { class_name: string; }[]; }).layers.map((l) => l.class_name);
  assert.deepEqual(layers, ['Flatten', 'Dense', 'Dense']);
  assert.deepEqual(ex.modelJson.weightsManifest[0]!.paths, ['weights.bin']);
  assert.deepEqual(ex.weightSpecs.map((s) => s.name), ['fc1/kernel', 'fc1/bias', 'fc2/kernel', 'fc2/bias']);
  assert.equal(ex.weights.length, 4 * (784 * 128 + 128 + 128 * 10 + 10));
  assert.equal((ex.modelJson.userDefinedMetadata.mpo as { output: string; }).output, 'logits');
  await checkExport('mlp', [28, 28, 1], [4, 0], [5, 6], 'softmax');
});

test('mlp-deep: the exported Layers model has ReLU between its four dense layers and outputs our logits at the cell', async () => {
  const ex = await checkExport('mlp-deep', [28, 28, 1], [2, 3], [5, 6]);
  const layers = (ex.modelJson.modelTopology.config as { layers: { class_name: string; config: { activation?: string; }; }[]; }).layers;
  assert.deepEqual(layers.map((l) => l.class_name), ['Flatten', 'Dense', 'Dense', 'Dense', 'Dense']);
  assert.deepEqual(layers.slice(1).map((l) => l.config.activation), ['relu', 'relu', 'relu', 'linear']);
  assert.equal(ex.weights.length, 4 * (784 * 128 + 128 + 2 * (128 * 128 + 128) + 128 * 10 + 10));
});

test("the paper's cnn on 28x28 (3x3 -> 4x4 adaptive pool folded into the dense layer) matches our logits", async () => {
  const ex = await checkExport('cnn', [28, 28, 1], [1, 4], [3, 5]);
  const layers = (ex.modelJson.modelTopology.config as { layers: { class_name: string; }[]; }).layers.map((l) => l.class_name);
  assert.deepEqual(layers, ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
  assert.deepEqual(ex.weightSpecs.find((s) => s.name === 'fc1/kernel')!.shape, [3 * 3 * 64, 128], 'pool folded: fc1 takes 3x3x64');
});

test('cnn shapes where the adaptive pool is a plain AveragePooling2D or nothing, and the input-pooled study model', async () => {
  const big = await checkExport('cnn', [64, 64, 1], [0, 1], [2, 2]); // 64 -> 8 after three max-pools: AveragePooling2D(2)
  const pool = (big.modelJson.modelTopology.config as { layers: { class_name: string; config: { pool_size?: number[]; }; }[]; }).layers
    .find((l) => l.class_name === 'AveragePooling2D');
  assert.deepEqual(pool?.config.pool_size, [2, 2]);
  const color = await checkExport('cnn-color', [32, 32, 3], [1, 1], [3, 3]); // 32 -> 4: the pool is the identity
  assert.ok(!(color.modelJson.modelTopology.config as { layers: { class_name: string; }[]; }).layers.some((l) => l.class_name === 'AveragePooling2D'));
  await checkExport('plain-cnn6-small', [28, 28, 1], [0, 2], [3, 3]); // input pooled to 7x7, 7 -> 4 overlapping: folded
  const nopool = await checkExport('cnn-color-nopool', [16, 16, 3], [1, 0], [3, 3]); // no max-pool: 16 -> 4 is AveragePooling2D(4)
  const avg = (nopool.modelJson.modelTopology.config as { layers: { class_name: string; config: { pool_size?: number[]; }; }[]; }).layers
    .find((l) => l.class_name === 'AveragePooling2D');
  assert.deepEqual(avg?.config.pool_size, [4, 4]);
});

test('batch-norm models are refused in one line naming the models that export; bad weights and cells are named', () => {
  const bn = createModel('bn-cnn', { inputShape: [28, 28, 1], numClasses: 10 });
  assert.throws(() => exportLayersModel(bn, {}), new RegExp(
    `^MpoError: model bn-cnn cannot be exported as a TF.js Layers model \\(batch norm uses the statistics of each batch\\): export works for ${
      EXPORTABLE_MODELS.join(', ')
    }$`,
  ));
  assert.ok(EXPORTABLE_MODELS.includes('mlp') && EXPORTABLE_MODELS.includes('cnn') && EXPORTABLE_MODELS.includes('cnn-color'));
  const mlp = createModel('mlp', { inputShape: [4, 4, 1], numClasses: 3 });
  assert.throws(() => exportLayersModel(mlp, { 'fc1.w': new Float32Array(16 * 128) }), /weights lack "fc1\.b" of model mlp/);
  assert.throws(
    () =>
      exportLayersModel(mlp, { 'fc1.w': new Float32Array(5), 'fc1.b': new Float32Array(128), 'fc2.w': new Float32Array(384), 'fc2.b': new Float32Array(3) }),
    /weights\["fc1\.w"\] has 5 values, model mlp needs 2048/,
  );
  const plane: CellShape = { dims: 2, depth: 1, height: 4, width: 5 };
  assert.equal(parseCellText(' 2 , 3', plane), 13);
  assert.throws(() => parseCellText('3;4', plane),
    /^MpoError: --cell "3;4" is not ROW,COL \(row 0\.\.3, column 0\.\.4\) of this run's 4x5 pattern: e\.g\. --cell 0,0$/);
  assert.throws(() => parseCellText('-1,2', plane), /is not ROW,COL/);
  assert.throws(() => parseCellText('4,0', plane), /--cell 4,0 is outside the target: give ROW,COL \(row 0\.\.3, column 0\.\.4\)/);
  const line: CellShape = { dims: 1, depth: 1, height: 1, width: 10 };
  assert.equal(parseCellText('5', line), 5);
  assert.throws(() => parseCellText('0,5', line), /is not COL \(0\.\.9\) of this run's 10-cell strip: e\.g\. --cell 0$/);
  const volume: CellShape = { dims: 3, depth: 4, height: 5, width: 6 };
  assert.equal(parseCellText('2,3,4', volume), (2 * 5 + 3) * 6 + 4);
  assert.throws(() => parseCellText('4,0,0', volume), /outside the target: give SLICE,ROW,COL \(slice 0\.\.3, row 0\.\.4, column 0\.\.5\)/);
});

/** A run folder as mpo fit leaves it (config.json, pattern.txt, checkpoint.mpo), made without training. */
async function makeRunFolder(dir: string, modelName: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model: modelName, pattern: 'heart', patternSize: 4, provenance: { tool: 'test' } }));
  writeFileSync(join(dir, 'pattern.txt'), '#..#\n####\n.##.\n');
  const model = createModel(modelName, { inputShape: [28, 28, 1], numClasses: 10 });
  const state = createPlaneState(model, { seed: 9, scaleInit: 0.5 });
  writeFileSync(join(dir, 'checkpoint.mpo'), encodeCheckpoint(await checkpointOf(model, state, { seconds: 1 })));
  disposePlaneState(state);
}

test('runExport writes model.json + weights.bin that load back and equal the plane at the cell', async () => {
  const dir = join(tmp, 'run-cnn');
  await makeRunFolder(dir, 'cnn');
  const r = await runExport({ dir, cell: '2,3', out: join(tmp, 'm') });
  assert.equal(r.out, join(tmp, 'm'));
  assert.deepEqual([r.row, r.col, r.model], [2, 3, 'cnn']);
  assert.deepEqual(r.coords, cellCoords(2, 3, 3, 4));
  const json = JSON.parse(readFileSync(join(r.out, 'model.json'), 'utf8'));
  assert.equal(json.format, 'layers-model');
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  assert.deepEqual(json.userDefinedMetadata.mpo.cell, [2, 3]);
  const loaded = await load(json.modelTopology, json.weightsManifest[0].weights, new Uint8Array(readFileSync(join(r.out, 'weights.bin'))));
  const model = createModel('cnn', { inputShape: [28, 28, 1], numClasses: 10 });
  const state = stateOfCheckpoint(model, decodeCheckpoint(readFileSync(join(dir, 'checkpoint.mpo')), 'c'));
  const x = randn([3, 28, 28, 1], 5, 0.5, 0.3) as tf.Tensor4D;
  try {
    const got = tf.tidy(() => (loaded.predict(x) as tf.Tensor).dataSync() as Float32Array);
    assertClose(got, ourLogits(model, state, [2, 3], [3, 4], x), 0, 1e-4, 'exported file vs plane');
  } finally {
    x.dispose();
    loaded.dispose();
    disposePlaneState(state);
  }
  // Default folder inside the run; a bad cell names the range; a folder that is not a run is named.
  const d = await runExport({ dir, cell: [0, 0], output: 'softmax' });
  assert.equal(d.out, join(dir, 'export-r0-c0'));
  assert.ok(existsSync(join(d.out, 'model.json')) && existsSync(join(d.out, 'weights.bin')));
  await assert.rejects(runExport({ dir, cell: '3,0' }),
    /--cell 3,0 is outside the target: give ROW,COL \(row 0\.\.2, column 0\.\.3\) of this run's 3x4 pattern/);
  await assert.rejects(runExport({ dir: tmp, cell: '0,0' }), /is not an mpo run folder \(no config\.json\)/);
  const bnDir = join(tmp, 'run-bn');
  mkdirSync(bnDir);
  writeFileSync(join(bnDir, 'config.json'), JSON.stringify({ model: 'bn-cnn', pattern: 'heart', patternSize: 4 }));
  writeFileSync(join(bnDir, 'pattern.txt'), '#..#\n####\n');
  await assert.rejects(runExport({ dir: bnDir, cell: '0,0' }), /model bn-cnn cannot be exported .*: export works for mlp, mlp-deep, cnn/);
});

/** A line or volume run folder as mpo fit leaves it, made without training; returns its state's checkpoint path. */
async function makeManifoldFolder(dir: string, manifold: 'line' | 'volume', patternText: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model: 'mlp', manifold, pattern: 'pattern.txt', patternSize: 10, provenance: { tool: 'test' } }));
  writeFileSync(join(dir, 'pattern.txt'), patternText);
  const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10 });
  const state = createPlaneState(model, { seed: 4, scaleInit: 0.6, dims: manifold === 'line' ? 1 : 3 });
  writeFileSync(join(dir, 'checkpoint.mpo'), encodeCheckpoint(await checkpointOf(model, state, { seconds: 1 })));
  disposePlaneState(state);
}

test('mpo export --cell C of a line and SLICE,ROW,COL of a volume: Layers models that predict as the run at that cell (1e-4)', async () => {
  const line = join(tmp, 'run-line');
  await makeManifoldFolder(line, 'line', `${patternToText({ height: 1, width: 10, cells: Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 1, 1]), name: 's' })}\n`);
  const slices = Array.from({ length: 3 },
    (_, s) => Array.from({ length: 4 }, (_, r) => Array.from({ length: 5 }, (_, c) => ((s + r + c) % 2 ? '#' : '.')).join('')).join('\n'));
  const volume = join(tmp, 'run-volume');
  await makeManifoldFolder(volume, 'volume', `${slices.join('\n\n')}\n`);
  const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10 });
  const x = randn([3, 28, 28, 1], 8, 0.5, 0.3) as tf.Tensor4D;
  const cases: [string, string, CellShape, number][] = [[line, '5', { dims: 1, depth: 1, height: 1, width: 10 }, 5], [volume, '2,3,4', { dims: 3, depth: 3,
    height: 4, width: 5 }, (2 * 4 + 3) * 5 + 4]];
  try {
    for (const [dir, cell, shape, index] of cases) {
      const r = await runExport({ dir, cell });
      assert.deepEqual(r.cell, cell.split(',').map(Number));
      assert.equal(r.out, join(dir, shape.dims === 1 ? 'export-c5' : 'export-s2-r3-c4'));
      const json = JSON.parse(readFileSync(join(r.out, 'model.json'), 'utf8'));
      const loaded = await load(json.modelTopology, json.weightsManifest[0].weights, new Uint8Array(readFileSync(join(r.out, 'weights.bin'))));
      const state = stateOfCheckpoint(model, decodeCheckpoint(readFileSync(join(dir, 'checkpoint.mpo')), 'c'));
      try {
        const coords = cellCoordsOf(index, shape);
        assert.deepEqual(r.coords, coords);
        const want = tf.tidy(() => model.forward(pointAt(computeFrame(thetaOf(model, state)).frame, coords), x).dataSync() as Float32Array);
        const got = tf.tidy(() => (loaded.predict(x) as tf.Tensor).dataSync() as Float32Array);
        assertClose(got, want, 0, 1e-4, `${shape.dims}-d run at cell ${cell}`);
        const centre = tf.tidy(() => model.forward(pointAt(computeFrame(thetaOf(model, state)).frame, coords.map(() => 0)), x).dataSync() as Float32Array);
        assert.ok(Math.max(...got.map((v, i) => Math.abs(v - centre[i]!))) > 1e-3, 'not the centre network');
      } finally {
        loaded.dispose();
        disposePlaneState(state);
      }
    }
    await assert.rejects(runExport({ dir: line, cell: '2,3' }), /--cell "2,3" is not COL \(0\.\.9\) of this run's 10-cell strip/);
  } finally {
    x.dispose();
  }
});

test("mpo export of a run on a --model file (any data): the file's topology with the cell's weights, predicting as the run there", async () => {
  // The file: a cell of a built-in MLP exported by mpo, then used as a run's --model on data mpo export has never heard of.
  const source = join(tmp, 'run-src');
  await makeRunFolder(source, 'mlp');
  const file = (await runExport({ dir: source, cell: '1,1', out: join(tmp, 'file-model') })).out;
  const path = join(file, 'model.json');
  const { model } = readLayersNetwork(path);
  const dir = join(tmp, 'run-on-file');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model: path, dataset: join(tmp, 'no-such-images'), pattern: 'heart', patternSize: 4 }));
  writeFileSync(join(dir, 'pattern.txt'), '#..#\n####\n.##.\n');
  const state = createPlaneState(model, { seed: 5, scaleInit: 0.5 });
  writeFileSync(join(dir, 'checkpoint.mpo'), encodeCheckpoint(await checkpointOf(model, state, { seconds: 1 })));
  const x = randn([3, 28, 28, 1], 6, 0.5, 0.3) as tf.Tensor4D;
  try {
    const r = await runExport({ dir, cell: '2,1' });
    assert.equal(r.model, model.name);
    const json = JSON.parse(readFileSync(join(r.out, 'model.json'), 'utf8'));
    assert.deepEqual(json.userDefinedMetadata.mpo.cell, [2, 1]);
    const loaded = await load(json.modelTopology, json.weightsManifest[0].weights, new Uint8Array(readFileSync(join(r.out, 'weights.bin'))));
    const got = tf.tidy(() => (loaded.predict(x) as tf.Tensor).dataSync() as Float32Array);
    assertClose(got, ourLogits(model, state, [2, 1], [3, 4], x), 0, 1e-4, 'exported file-model cell vs the run');
    loaded.dispose();
  } finally {
    x.dispose();
    disposePlaneState(state);
  }
});

const mpo = mpoIn(tmp, 180_000);

test('mpo export on a tiny mpo fit run writes a loadable model; a bad --cell fails in one line naming the range', async () => {
  const run = join(tmp, 'fit');
  const fit = mpo('fit', '--model', 'mlp', '--pattern', 'ring', '--pattern-size', '6', '--steps', '2', '--train-images', '100', '--eval-images', '20',
    '--quick-eval-images', '20', '--batch-size', '8', '--cells-per-step', '4', '--workers', '1', '--quiet', '--out', run);
  assert.equal(fit.code, 0, fit.stderr);
  const ok = mpo('export', run, '--cell', '5,0', '--out', join(tmp, 'cli-m'));
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /cell 5,0 .* of mlp written to .*cli-m/);
  const json = JSON.parse(readFileSync(join(tmp, 'cli-m/model.json'), 'utf8'));
  const loaded = await load(json.modelTopology, json.weightsManifest[0].weights, new Uint8Array(readFileSync(join(tmp, 'cli-m/weights.bin'))));
  const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10 });
  const state = stateOfCheckpoint(model, decodeCheckpoint(readFileSync(join(run, 'checkpoint.mpo')), 'c'));
  assert.equal(state.step, 2, 'the fit trained');
  const x = randn([3, 28, 28, 1], 2, 0.5, 0.3) as tf.Tensor4D;
  try {
    const got = tf.tidy(() => (loaded.predict(x) as tf.Tensor).dataSync() as Float32Array);
    assertClose(got, ourLogits(model, state, [5, 0], [6, 6], x), 0, 1e-4, 'mpo export vs the fitted plane');
  } finally {
    x.dispose();
    loaded.dispose();
    disposePlaneState(state);
  }
  assert.match(errorLine(mpo('export', run, '--cell', '3;4')), /--cell "3;4" is not ROW,COL \(row 0\.\.5, column 0\.\.5\) of this run's 6x6 pattern/);
  assert.match(errorLine(mpo('export', run, '--cell', '6,1')), /--cell 6,1 is outside the target: give ROW,COL \(row 0\.\.5, column 0\.\.5\)/);
  assert.match(errorLine(mpo('export', run)), /mpo export needs --cell: the cell to export, ROW,COL on a plane/);
});
