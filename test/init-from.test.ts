// Start from trained weights (issue 23, item 2): `--init-from model.json` puts w_O at that network.
// The round trip: a cell exported by `mpo export`, read back with --model/--init-from, has the
// exported cell's loss at the plane's centre.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCpu, mpoIn } from './helpers.js';
import { createModel } from '../src/core/models/registry.js';
import { createPlaneState, disposePlaneState } from '../src/core/training/plane-state.js';
import { decodeNpy } from '../src/node/output/npy.js';

await useCpu();
const tmp = mkdtempSync(join(tmpdir(), 'mpo-init-'));

const mpo = mpoIn(tmp, 180_000);

/** A run's landscape grid (e.g. `test-loss`) as rows. */
function grid(dir: string, name: string): number[][] {
  const { data, shape } = decodeNpy(readFileSync(join(tmp, dir, 'landscape', `${name}.npy`)));
  return Array.from({ length: shape[0]! }, (_, r) => Array.from(data.subarray(r * shape[1]!, (r + 1) * shape[1]!)));
}

// Small, quick runs on the embedded subset: a 3x3 plane (its centre cell is w_O), no padding.
const small = ['--pattern-size', '3', '--eval-padding', '0', '--eval-images', '60', '--train-images', '200', '--workers', '1', '--quiet'];

test("mpo export of a cell, read back with --model and --init-from: the plane centre has the cell's loss", () => {
  const fit = mpo('fit', '--steps', '3', '--out', 'r0', ...small);
  assert.equal(fit.code, 0, fit.stderr);
  const ex = mpo('export', 'r0', '--cell', '0,2', '--out', 'm');
  assert.equal(ex.code, 0, ex.stderr);
  const cell = { test: grid('r0', 'test-loss')[0]![2]!, train: grid('r0', 'train-loss')[0]![2]! };
  // The file as the model, and the built-in MLP: both start at the exported network.
  for (const [out, model] of [['r1', 'm/model.json'], ['r2', 'mlp']] as const) {
    const r = mpo('fit', '--model', model, '--init-from', 'm/model.json', '--steps', '0', '--out', out, ...small);
    assert.equal(r.code, 0, r.stderr);
    const centre = { test: grid(out, 'test-loss')[1]![1]!, train: grid(out, 'train-loss')[1]![1]! };
    assert.ok(Math.abs(centre.test - cell.test) <= 1e-4, `${model}: test loss at the centre ${centre.test} vs the exported cell's ${cell.test}`);
    assert.ok(Math.abs(centre.train - cell.train) <= 1e-4, `${model}: train loss at the centre ${centre.train} vs ${cell.train}`);
    // Not trivially equal: the neighbours are other networks.
    assert.ok(Math.abs(grid(out, 'test-loss')[0]![0]! - cell.test) > 1e-3);
    assert.equal(JSON.parse(readFileSync(join(tmp, out, 'config.json'), 'utf8')).initFrom, 'm/model.json');
  }
  assert.ok(Math.abs(grid('r0', 'test-loss')[1]![1]! - cell.test) > 1e-3, 'the cell is not the original centre');
  // mpo train starts there too: an untrained network at the exported cell has its test loss.
  const net = mpo('train', '--init-from', 'm/model.json', '--steps', '0', '--out', 'n0', '--eval-images', '60', '--train-images', '200', '--quiet');
  assert.equal(net.code, 0, net.stderr);
  const trained = JSON.parse(readFileSync(join(tmp, 'n0', 'summary.json'), 'utf8')) as { test_loss: number; };
  assert.ok(Math.abs(trained.test_loss - cell.test) <= 1e-4, `mpo train --init-from: test loss ${trained.test_loss} vs the cell's ${cell.test}`);
  assert.match(JSON.parse(readFileSync(join(tmp, 'n0', 'config.json'), 'utf8')).provenance.tool, /^mpo \d+\.\d+\.\d+/);

  // The exported MLP as --model (no init-from) trains like --model mlp from the same seed: same parameters, same
  // draws; here in two worker threads, which build the model from the parsed file.
  const same = mpo('fit', '--model', 'm/model.json', '--steps', '3', '--out', 'r3', ...small.slice(0, -3), '--workers', '2', '--quiet');
  assert.equal(same.code, 0, same.stderr);
  const a = grid('r0', 'test-loss').flat();
  const b = grid('r3', 'test-loss').flat();
  assert.ok(a.every((v, i) => Math.abs(v - b[i]!) <= 1e-4), `the imported MLP's landscape ${b} vs mlp's ${a}`);

  // A changed model file: eval of the run refuses it, naming both hashes.
  const json = JSON.parse(readFileSync(join(tmp, 'm', 'model.json'), 'utf8'));
  writeFileSync(join(tmp, 'm', 'model.json'), JSON.stringify({ ...json, generatedBy: 'edited' }));
  const ev = mpo('eval', 'r1', '--out', 'e1', '--quiet');
  assert.notEqual(ev.code, 0);
  const lines = ev.stderr.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, ev.stderr);
  assert.match(lines[0]!, /^mpo: error: checkpoint is for model m\/model.json \(sha256 ([0-9a-f]{16})\), not m\/model.json \(sha256 (?!\1)[0-9a-f]{16}\)/);

  // Weights of another architecture: one line, nothing written.
  const bad = mpo('fit', '--model', 'cnn', '--init-from', 'm/model.json', '--out', 'bad', ...small);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr.trim(),
    /^mpo: error: --init-from "m\/model.json" has no weight "conv1\/kernel" for parameter conv1.w \[3,3,1,8\] of model cnn: pass a network of the same architecture/);
  assert.ok(!existsSync(join(tmp, 'bad')) || readdirSync(join(tmp, 'bad')).length === 0);
  const missing = mpo('fit', '--init-from', 'nowhere/model.json', '--out', 'bad2', ...small);
  assert.match(missing.stderr.trim(), /^mpo: error: model file ".*nowhere\/model.json" does not exist/);
});

test('createPlaneState puts the origin at initialWeights and draws the directions as without them', () => {
  const model = createModel('mlp', { inputShape: [4, 4, 1], numClasses: 3 });
  const plain = createPlaneState(model, { seed: 5, scaleInit: 0.1 });
  const values = Object.fromEntries(model.params.map((p) => [p.name, Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, (_, i) => i / 100)]));
  const withInit = createPlaneState({ ...model, initialWeights: values }, { seed: 5, scaleInit: 0.1 });
  try {
    for (const p of model.params) {
      assert.deepEqual([...withInit.vars[`origin/${p.name}`]!.dataSync()], [...values[p.name]!]);
      assert.deepEqual([...withInit.vars[`up/${p.name}`]!.dataSync()], [...plain.vars[`up/${p.name}`]!.dataSync()]);
      assert.deepEqual([...withInit.vars[`phi_right/${p.name}`]!.dataSync()], [...plain.vars[`phi_right/${p.name}`]!.dataSync()]);
    }
  } finally {
    disposePlaneState(plain);
    disposePlaneState(withInit);
  }
  assert.throws(() => createPlaneState({ ...model, initialWeights: { 'fc1.w': new Float32Array(2) } }, { seed: 1, scaleInit: 0.1 }),
    /initial weights lack "fc1.w" \[16,128\] of model mlp/);
});
