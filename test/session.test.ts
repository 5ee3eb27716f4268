/** The core's session (src/core/session/): each use case of a run, written once for the CLI and the app. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../src/node/tf-node.js';
import { assertClose, randn, useCpu } from './helpers.js';
import { resolveConfig, type FitConfig } from '../src/core/config.js';
import { createModel } from '../src/core/models/registry.js';
import type { Pattern } from '../src/core/pattern/pattern.js';
import { cellCoordsOf } from '../src/core/plane/grid.js';
import { computeFrame, pointAt } from '../src/core/plane/manifold.js';
import { createSession } from '../src/core/session/session.js';
import { defaultChunkSize, stepOptionsOf } from '../src/core/session/options.js';
import { runConfigOf } from '../src/core/session/run-config.js';
import { trainLoop } from '../src/core/training/loop.js';
import { createPlaneState, disposePlaneState, thetaOf } from '../src/core/training/plane-state.js';
import { toTernary, trainedCells } from '../src/core/pattern/ternary.js';
import { encodeCheckpoint, decodeCheckpoint } from '../src/core/io/checkpoint.js';

await useCpu();

const model = createModel('mlp', { inputShape: [4, 4, 1], numClasses: 3 });
const labels = Int32Array.from({ length: 48 }, (_, i) => i % 3);
const x = randn([48, 4, 4, 1], 5, 0.5, 0.5) as tf.Tensor4D;
const data = { x, labels, numClasses: 3 };
const config: FitConfig = resolveConfig({ model: 'mlp', batchSize: 8, cellsPerStep: 3, steps: 4, seed: 3, scaleInit: 0.4, lr: 0.01, lrSchedule: 'cosine' });
const picture: Pattern = { height: 3, width: 4, cells: Uint8Array.from([1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0]), name: 'p' };

test("session.train is the core loop with the config's step options: the same losses, step for step", async () => {
  const session = createSession({ config, model, pattern: picture });
  const ours: number[] = [];
  for await (const r of session.train({ data })) ours.push(r.loss);
  const state = createPlaneState(model, { seed: 3, scaleInit: 0.4, dims: 2, init: config.init });
  const { black, white } = trainedCells(toTernary(picture));
  const theirs: number[] = [];
  for await (const r of trainLoop({ model, state, data, cells: { height: 3, width: 4, black, white }, steps: 4, lrSchedule: 'cosine',
    step: stepOptionsOf(config, defaultChunkSize(model, 8)) })) theirs.push(r.loss);
  assert.equal(ours.length, 4);
  assert.deepEqual(ours, theirs);
  assert.ok(session.seconds > 0);
  session.dispose();
  disposePlaneState(state);
});

test('a session restored from its checkpoint continues as if never stopped; tensors stay flat', async () => {
  const whole = createSession({ config, model, pattern: picture });
  const want: number[] = [];
  for await (const r of whole.train({ data })) want.push(r.loss);
  const first = createSession({ config, model, pattern: picture });
  const got: number[] = [];
  const stop = new AbortController();
  for await (const r of first.train({ data, signal: stop.signal })) {
    got.push(r.loss);
    if (r.step === 2) stop.abort(); // stopped as Ctrl-C stops a fit: the schedule still spans config.steps
  }
  const bytes = encodeCheckpoint(await first.checkpoint({ note: 'x' }));
  first.dispose();
  const before = tf.memory().numTensors;
  const second = createSession({ config, model, pattern: picture, checkpoint: decodeCheckpoint(bytes, 'c') });
  assert.equal(second.state.step, 2);
  const tensors = tf.memory().numTensors;
  for await (const r of second.train({ data })) {
    got.push(r.loss);
    assert.equal(tf.memory().numTensors, tensors, 'no tensor kept per step');
  }
  assert.deepEqual(got, want);
  second.dispose();
  assert.equal(tf.memory().numTensors, before, 'dispose frees the session');
  whole.dispose();
  const line = createSession({ config: { ...config, manifold: 'line' }, model,
    pattern: { height: 1, width: 4, cells: Uint8Array.from([1, 0, 0, 1]), name: 's' } });
  const lineCkpt = decodeCheckpoint(encodeCheckpoint(await line.checkpoint()), 'l');
  assert.throws(() => createSession({ config, model, pattern: picture, checkpoint: lineCkpt }),
    /^MpoError: the checkpoint holds a 1-dimensional manifold, the config a 2-dimensional one \(--manifold plane\)$/);
  line.dispose();
});

test("networkAt is pointAt at the cell's coordinates for a line, a plane and a volume; w_O at null", async () => {
  const cases: [Partial<FitConfig>, Pattern, number][] = [
    [{ manifold: 'line' }, { height: 1, width: 5, cells: Uint8Array.from([1, 0, 1, 0, 1]), name: 's' }, 3],
    [{}, picture, 6],
    [{ manifold: 'volume' }, { depth: 2, height: 2, width: 3, cells: Uint8Array.from([1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1]), name: 'v' }, 10],
  ];
  for (const [c, pattern, cell] of cases) {
    const session = createSession({ config: { ...config, ...c }, model, pattern });
    const { frame, dispose } = computeFrame(thetaOf(model, session.state));
    const coords = cellCoordsOf(cell, session.shape);
    const want = tf.tidy(() => pointAt(frame, coords)['fc1.w']!.dataSync() as Float32Array);
    assertClose((await session.networkAt(cell))['fc1.w']!, want, 0, 1e-6, `d = ${session.shape.dims}, cell ${cell}`);
    assertClose((await session.networkAt(null))['fc1.w']!, frame.origin['fc1.w']!.dataSync(), 0, 0, 'the centre is w_O');
    dispose();
    await assert.rejects(session.networkAt(pattern.cells.length), /^MpoError: cell \d+ is outside the target: give /);
    session.dispose();
  }
});

test('evaluate measures the landscape; untrained is the plane of the seed; update and setPattern guard the plane', async () => {
  const session = createSession({ config, model, pattern: picture });
  const before = await session.evaluate({ x, labels });
  for await (const _ of session.train({ data })) { /* train */ }
  const after = await session.evaluate({ x, labels });
  const untrained = await session.evaluate({ x, labels }, { untrained: true });
  assert.deepEqual(untrained.landscape.loss, before.landscape.loss, 'the untrained plane is rebuilt from the seed');
  assert.notDeepEqual(after.landscape.loss, before.landscape.loss);
  assert.equal(after.landscape.rows, 3);
  const padded = await session.evaluate({ x, labels }, { padding: 1 });
  assert.deepEqual([padded.landscape.rows, padded.landscape.cols], [5, 6]);
  assert.equal(padded.metrics.auc, after.metrics.auc, "the metrics are over the target's cells whatever the padding");
  session.update({ lr: 0.5, batchSize: 4 });
  assert.equal(session.config.lr, 0.5);
  assert.throws(() => session.update({ seed: 2 }), /^MpoError: session.update: seed is part of the plane, not a step setting: make a new session$/);
  session.setPattern({ height: 2, width: 2, cells: Uint8Array.from([1, 0, 0, 1]), name: 'q' });
  assert.deepEqual([session.shape.height, session.shape.width, session.cells.black], [2, 2, [0, 3]], 'another size: the same plane, its cells anew');
  assert.equal((await session.evaluate({ x, labels })).landscape.rows, 2);
  session.setPattern({ ...picture, cells: Uint8Array.from(picture.cells, (v) => 1 - v) });
  assert.deepEqual(session.cells.black, trainedCells(toTernary({ ...picture, cells: Uint8Array.from(picture.cells, (v) => 1 - v) })).black);
  session.dispose();
});

test("runConfigOf: every setting in the table's order, then provenance; a config without tool is refused", () => {
  const rc = runConfigOf({ model: 'cnn', steps: 3 }, { tool: 'mpo 9.9.9', backend: 'cpu', created: 'then' });
  assert.deepEqual(Object.keys(rc), [...Object.keys(resolveConfig({})), 'provenance']);
  assert.equal(rc.scaleInit, 0.2, 'per-model defaults applied');
  assert.deepEqual(rc.provenance, { created: 'then', tool: 'mpo 9.9.9', backend: 'cpu' });
  assert.throws(() => runConfigOf({}, { backend: 'cpu' } as never), /runConfigOf: provenance needs the tool/);
});
