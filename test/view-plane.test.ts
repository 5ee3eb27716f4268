/** `mpo view plane A B C` (issue 23 item 4): Garipov et al.'s plane through three networks, on real `mpo train` folders. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/node/tf-node.js';
import { resolveConfig } from '../src/core/config.js';
import { threeNetworkPlane } from '../src/core/landscape/classic-views.js';
import { toParamSet, type ParamValues } from '../src/core/plane/params.js';
import { runTrain } from '../src/node/run/train.js';
import { runInterpolate, runPlane, runRandomPlane } from '../src/node/run/view.js';
import { EXPORT_WEIGHTS_FILE, exportLayersModel } from '../src/core/io/export-layers.js';
import { openNetwork, openNetworkSession } from '../src/node/run/network.js';
import { headOf } from '../src/node/run/setup.js';
import { useCpu } from './helpers.js';

await useCpu();

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'mpo-view-plane-'));
const tiny = { steps: 12, trainImages: 200, evalImages: 60, batchSize: 32, logEvery: 4, backend: 'cpu' as const, lr: 0.003 };
const quiet = { quiet: true, log: () => {} };
const IMAGES = 40;

/** Sum of products of two weight sets in float64. */
function dot(a: ParamValues, b: ParamValues): number {
  let s = 0;
  for (const k of Object.keys(a)) for (let i = 0; i < a[k].length; i++) s += a[k][i] * b[k][i];
  return s;
}
const minus = (a: ParamValues, b: ParamValues): ParamValues => Object.fromEntries(Object.keys(a).map((k) => [k, a[k].map((v, i) => v - b[k][i])]));

test('threeNetworkPlane: A at (0, 0), B at (1, 0), C at its projection; equal-length orthogonal directions; collinear networks refused', () => {
  const a = { w: Float32Array.of(1, 1, 0) }, b = { w: Float32Array.of(3, 1, 0) }, c = { w: Float32Array.of(2, 2, 1) };
  const p = threeNetworkPlane(a, b, c);
  assert.equal(p.unit, 2);
  assert.deepEqual(p.coords[0], [0, 0]);
  assert.deepEqual(p.coords[1], [1, 0]);
  // c - a = (1, 1, 1): along u = (2, 0, 0) by 1/2; the rest (0, 1, 1) has length sqrt(2), in units of |u| = 2
  assert.ok(Math.abs(p.coords[2][0] - 0.5) < 1e-7 && Math.abs(p.coords[2][1] - Math.SQRT2 / 2) < 1e-7, `C at ${p.coords[2]}`);
  const [u, v] = p.directions;
  assert.ok(Math.abs(dot(u, v)) < 1e-6 && Math.abs(dot(v, v) - dot(u, u)) < 1e-5, 'orthogonal, |v| = |u|');
  assert.throws(() => threeNetworkPlane(a, b, { w: Float32Array.of(5, 1, 0) }), /^MpoError: the three networks lie on one line/);
  assert.throws(() => threeNetworkPlane(a, a, c), /^MpoError: the first and second networks are the same weights/);
});

const nets = ['a', 'b', 'c'].map((n) => join(tmp, n)) as [string, string, string];

test('mpo view plane through three mpo train networks: each marked network has its own loss (within 1e-4), A and B lie on grid points', async () => {
  for (const [i, dir] of nets.entries()) await runTrain(resolveConfig({ ...tiny, seed: i + 1 }), { out: dir, ...quiet });
  const out = join(tmp, 'plane');
  const s = await runPlane(nets, { out, resolution: 4, margin: 0.25, images: IMAGES, ...quiet });

  // the networks' own losses, computed directly: forward pass at their weights on the same images
  const w = nets.map((d) => openNetwork(d).weights);
  const session = await openNetworkSession(openNetwork(nets[0]).config, () => {}, { trainLimit: IMAGES });
  const own: { test: number[]; train: number[]; } = { test: [], train: [] };
  try {
    for (const split of ['test', 'train'] as const) {
      const data = headOf(session[split], IMAGES);
      for (const weights of w) {
        const loss = tf.tidy(() => {
          const logits = session.model.forward(toParamSet(session.model.params, weights), data.x) as tf.Tensor2D;
          const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), logits.shape[1]);
          return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), y), -1)));
        });
        own[split].push((await loss.data())[0]);
        loss.dispose();
      }
      data.x.dispose();
    }
  } finally {
    session.close();
  }
  const names = ['a', 'b', 'c'] as const;
  names.forEach((n, i) => {
    assert.ok(Math.abs(s.test_loss[n] - own.test[i]) < 1e-4, `test loss of ${n} on the plane ${s.test_loss[n]} vs its own ${own.test[i]}`);
    assert.ok(Math.abs(s.train_loss[n] - own.train[i]) < 1e-4, `train loss of ${n} on the plane ${s.train_loss[n]} vs its own ${own.train[i]}`);
  });
  assert.ok(new Set(own.test.map((v) => v.toFixed(6))).size === 3, 'three different networks');

  // C's coordinates from the weights, computed here in float64
  const u = minus(w[1], w[0]), r = minus(w[2], w[0]);
  const cx = dot(r, u) / dot(u, u), cy = Math.sqrt(dot(r, r) / dot(u, u) - cx * cx);
  assert.ok(Math.abs(s.coords.c[0] - cx) < 1e-4 && Math.abs(s.coords.c[1] - cy) < 1e-4, `C at ${s.coords.c} vs (${cx}, ${cy})`);
  assert.ok(Math.abs(s.unit - Math.sqrt(dot(u, u))) < 1e-4 * s.unit);

  // the grid: spacing 1/4, a margin of at least 0.25 around the three, A and B at grid points with their own losses
  const land = JSON.parse(readFileSync(join(out, 'landscape.json'), 'utf8')) as { rows: number; cols: number; xs: number[]; ys: number[];
    test: { loss: number[]; }; };
  assert.equal(land.xs.length, s.cols);
  assert.equal(land.ys.length, s.rows);
  assert.ok(land.xs[0] <= Math.min(0, cx) - 0.25 + 1e-9 && land.xs[s.cols - 1] >= Math.max(1, cx) + 0.25 - 1e-9, `x from ${land.xs[0]} to ${land.xs.at(-1)}`);
  assert.ok(land.ys[0] >= cy + 0.25 - 1e-9 && land.ys[s.rows - 1] <= -0.25 + 1e-9, 'rows from above C to below A and B');
  for (const [n, x] of [['a', 0], ['b', 1]] as const) {
    const k = land.ys.indexOf(0) * s.cols + land.xs.indexOf(x);
    assert.ok(Math.abs(land.test.loss[k] - s.test_loss[n]) < 1e-4, `grid point of ${n}: ${land.test.loss[k]} vs ${s.test_loss[n]}`);
  }
  assert.ok(s.min_test_loss <= Math.min(s.test_loss.a, s.test_loss.b) + 1e-6);
  for (const f of ['figure.png', 'figure.svg', 'report.html', 'summary.json']) assert.ok(existsSync(join(out, f)), f);
  const svg = readFileSync(join(out, 'figure.svg'), 'utf8');
  for (const label of ['>A<', '>B<', '>C<', 'along B - A']) assert.ok(svg.includes(label), `the figure shows ${label}`);
});

test('mpo view plane: bad input is a one-line error and writes nothing', async () => {
  const out = join(tmp, 'never');
  const other = join(tmp, 'cnn');
  await runTrain(resolveConfig({ ...tiny, model: 'cnn', steps: 2, trainImages: 64 }), { out: other, ...quiet });
  await assert.rejects(runPlane([nets[0], nets[1], other], { out, images: IMAGES, ...quiet }), new RegExp(
    `^MpoError: "${nets[0]}" is a mlp on fashion-mnist-subset but "${other}" a cnn on fashion-mnist-subset: pass two networks of the same model and dataset$`,
  ));
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  writeFileSync(join(empty, 'notes.txt'), 'hi');
  await assert.rejects(runPlane([nets[0], nets[1], empty], { out, images: IMAGES, ...quiet }),
    new RegExp(`^MpoError: "${empty}" is not a trained network \\(no config.json of mpo train\\): pass the --out folder of mpo train$`));
  await assert.rejects(runPlane([nets[0], nets[1], nets[0]], { out, images: IMAGES, ...quiet }),
    new RegExp(`^MpoError: mpo view plane A B C: "${nets[0]}" is passed twice: pass 3 different networks of mpo train`));
  assert.equal(existsSync(out), false, 'nothing written');
  // the command line: one line on stderr, a non-zero exit, no folder
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'view', 'plane', nets[0], nets[1],
    join(tmp, 'nope'), '--out', out], { encoding: 'utf8', timeout: 120_000 });
  assert.notEqual(r.status, 0);
  assert.deepEqual(r.stderr.trim().split('\n'), [`mpo: error: "${join(tmp, 'nope')}" is not there (no such folder): pass the --out folder of mpo train`]);
  assert.equal(existsSync(out), false, 'nothing written');
});

/** Writes network `dir` as a TF.js Layers model (model.json + weights.bin), as `mpo export` writes a cell; `foreign` drops mpo's metadata. */
async function exportNetwork(dir: string, to: string, foreign = false, weights?: ParamValues): Promise<string> {
  const net = openNetwork(dir);
  const s = await openNetworkSession(net.config, () => {}, { trainLimit: 10 });
  try {
    const ex = exportLayersModel(s.model, weights ?? net.weights, { metadata: { dataset: net.config.dataset } });
    const json = foreign ? { ...ex.modelJson, userDefinedMetadata: undefined } : ex.modelJson;
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, 'model.json'), JSON.stringify(json));
    writeFileSync(join(to, EXPORT_WEIGHTS_FILE), ex.weights);
    return join(to, 'model.json');
  } finally {
    s.close();
  }
}

test('TF.js Layers networks as inputs: an exported cell (its folder or its model.json) sits beside mpo train networks; a foreign model.json is its own model', async () => {
  const bx = await exportNetwork(nets[1], join(tmp, 'bx'));
  const ref = JSON.parse(readFileSync(join(tmp, 'plane', 'summary.json'), 'utf8')) as { test_loss: Record<string, number>; coords: { c: number[]; }; };
  // the exported B (its folder) in place of B: the same plane
  const s = await runPlane([nets[0], join(tmp, 'bx'), nets[2]], { out: join(tmp, 'plane-x'), resolution: 4, margin: 0.25, images: IMAGES, ...quiet });
  for (const n of ['a', 'b', 'c'] as const) assert.ok(Math.abs(s.test_loss[n] - ref.test_loss[n]) < 1e-5, `${n}: ${s.test_loss[n]} vs ${ref.test_loss[n]}`);
  assert.ok(Math.abs(s.coords.c[0] - ref.coords.c[0]) < 1e-5 && Math.abs(s.coords.c[1] - ref.coords.c[1]) < 1e-5);
  // interpolation from a train folder to the exported model.json: A's and B's own losses at t = 0 and 1
  const line = await runInterpolate(nets[0], bx, { out: join(tmp, 'line-x'), points: 5, images: IMAGES, ...quiet });
  assert.ok(Math.abs(line.test_loss_a - ref.test_loss.a) < 1e-5 && Math.abs(line.test_loss_b - ref.test_loss.b) < 1e-5,
    `${line.test_loss_a}, ${line.test_loss_b}`);
  // a model.json without mpo's metadata is read as its own (file) model: its random plane is centred on its own loss
  const fb = await exportNetwork(nets[1], join(tmp, 'foreign-b'), true);
  const rp = await runRandomPlane(fb, { out: join(tmp, 'rp-x'), points: 3, images: IMAGES, ...quiet });
  assert.ok(Math.abs(rp.centre_test_loss - ref.test_loss.b) < 1e-5, `centre ${rp.centre_test_loss} vs B's own ${ref.test_loss.b}`);
  const fc = await exportNetwork(nets[2], join(tmp, 'foreign-c'), true);
  const fa = await exportNetwork(nets[0], join(tmp, 'foreign-a'), true);
  const sf = await runPlane([fa, fb, fc], { out: join(tmp, 'plane-f'), resolution: 4, margin: 0.25, images: IMAGES, ...quiet });
  for (const n of ['a', 'b', 'c'] as const) assert.ok(Math.abs(sf.test_loss[n] - ref.test_loss[n]) < 1e-5, `foreign ${n}: ${sf.test_loss[n]}`);
  // which model and data: an exported cell is its built-in model on its metadata's data; --dataset overrides it
  assert.deepEqual([openNetwork(bx).config.model, openNetwork(bx).config.dataset], ['mlp', 'fashion-mnist-subset']);
  assert.deepEqual([openNetwork(fb).config.model, openNetwork(fb, { dataset: 'mnist' }).config.dataset], [fb, 'mnist']);
  // a foreign file beside an mpo train network: two different models, refused before anything is written
  await assert.rejects(runPlane([nets[0], fb, nets[2]], { out: join(tmp, 'never-x'), images: IMAGES, ...quiet }),
    /^MpoError: ".*" is a mlp on fashion-mnist-subset but ".*foreign-b\/model.json" a .*model.json on fashion-mnist-subset: pass two networks of the same model and dataset$/);
  await assert.rejects(runPlane([nets[0], join(tmp, 'nothing', 'model.json'), nets[2]], { out: join(tmp, 'never-x'), images: IMAGES, ...quiet }),
    /^MpoError: model file ".*nothing\/model.json" is not there: pass the --out folder of mpo train or a model.json with its weights$/);
  // C on the line through A and B (C = 2B - A): the plane is not defined, refused before anything is written
  const [wa, wb] = [openNetwork(nets[0]).weights, openNetwork(nets[1]).weights];
  const far = await exportNetwork(nets[1], join(tmp, 'far'), false, Object.fromEntries(Object.keys(wa).map((k) => [k, wb[k].map((v, i) => 2 * v - wa[k][i])])));
  await assert.rejects(runPlane([nets[0], nets[1], far], { out: join(tmp, 'never-x'), images: IMAGES, ...quiet }),
    /^MpoError: the three networks lie on one line \(their plane is not defined\): pass three networks that are not collinear$/);
  assert.equal(existsSync(join(tmp, 'never-x')), false);
});
