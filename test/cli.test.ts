import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { deriveSeed } from '../src/core/random.js';
import { mpoIn, errorLine } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'mpo-cli-'));
const TINY = ['--pattern-size', '10', '--train-images', '300', '--eval-images', '60', '--quick-eval-images', '60', '--batch-size', '16', '--cells-per-step',
  '6', '--eval-every', '3', '--checkpoint-every', '2', '--log-every', '1'];

const mpo = mpoIn(tmp, 120_000);

/** The banner tfjs-backend-cpu prints in Node on its first tensor (src/node/tf-node.ts silences it). */
const BANNER = /install our node backend|Hi, looks like you are running TensorFlow\.js in Node\.js/;

test('mpo fit runs a tiny configuration and writes every output', () => {
  const out = join(tmp, 'run');
  const r = mpo('fit', ...TINY, '--steps', '6', '--pattern', 'heart', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /auc_test \d\.\d+/);
  for (const f of ['config.json', 'pattern.png', 'mask.png', 'metrics.jsonl', 'checkpoint.mpo', 'figure.png', 'report.html', 'summary.json',
    'landscape/test-loss.png', 'landscape/test-acc.png', 'landscape/train-loss.png', 'landscape/test-loss.npy', 'landscape/landscape.json']) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  for (const k of ['auc_test', 'acc_black_test', 'acc_white_test', 'acc_diff_test', 'steps', 'seconds']) assert.equal(typeof summary[k], 'number', k);
  assert.equal(summary.steps, 6);
  assert.ok(summary.auc_test >= 0 && summary.auc_test <= 1);
  const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(metrics.map((m) => m.step), [1, 2, 3, 4, 5, 6]);
  assert.equal(typeof metrics[2].auc_test_quick, 'number');
  const png = PNG.sync.read(readFileSync(join(out, 'landscape/test-loss.png')));
  assert.ok(png.width > 100 && png.height > 100);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.equal(config.steps, 6);
  assert.equal(config.provenance.testSource, 'embedded subset');
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /data:image\/png;base64/);

  const ev = mpo('eval', out, '--padding', '1', '--resolution', '2', '--images', '40');
  assert.equal(ev.code, 0, ev.stderr);
  const grid = JSON.parse(readFileSync(join(out, 'eval-p1-r2/landscape/landscape.json'), 'utf8'));
  assert.equal(grid.rows, (10 - 1 + 2) * 2 + 1);
  // it says where it wrote, and its own seconds beside the fit's training seconds (issue 20 item 8a)
  const evalSummary = JSON.parse(readFileSync(join(out, 'eval-p1-r2/summary.json'), 'utf8'));
  assert.match(ev.stdout, new RegExp(`\\(eval ${evalSummary.eval_seconds.toFixed(1)} s; the fit in ${out} trained ${summary.seconds.toFixed(1)} s\\)`));
  assert.match(ev.stdout, /^results in run\/eval-p1-r2 \(open run\/eval-p1-r2\/report\.html\)$/m);
  assert.doesNotMatch(ev.stderr, BANNER);

  // mpo export runs on TF.js's cpu backend, which prints an "install our node backend" banner unless silenced (item 8d)
  const ex = mpo('export', out, '--cell', '0,0', '--out', join(tmp, 'cell'));
  assert.equal(ex.code, 0, ex.stderr);
  assert.match(ex.stdout, /cell 0,0 .* written to /);
  assert.doesNotMatch(ex.stderr + ex.stdout, BANNER);

  const again = mpo('fit', ...TINY, '--steps', '6', '--out', out);
  assert.match(errorLine(again), /output folder ".*" is not empty \(it holds a finished run\): choose another --out/);
});

test("a volume's config.json records the pattern fitted, the 6-cell cube frame; an old run folder that said heart still reads as it (item 8b)", () => {
  const out = join(tmp, 'volume');
  const r = mpo('fit', '--manifold', 'volume', '--steps', '2', '--train-images', '300', '--eval-images', '40', '--quick-eval-images', '40', '--batch-size',
    '16', '--cells-per-step', '6', '--eval-every', '0', '--eval-padding', '0', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, BANNER);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.deepEqual([config.manifold, config.pattern, config.patternSize, config.provenance.patternName], ['volume', 'cube-frame', 6, 'cube-frame']);
  assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).cells_measured, 216);
  // a folder of a volume fitted before issue 24: its config.json named the plane's default, heart at 24 cells
  const old = join(tmp, 'volume-old');
  cpSync(out, old, { recursive: true });
  writeFileSync(join(old, 'config.json'), JSON.stringify({ ...config, pattern: 'heart', patternSize: 24 }));
  const ev = mpo('eval', old, '--images', '20', '--out', join(tmp, 'volume-old-eval'));
  assert.equal(ev.code, 0, ev.stderr);
  assert.equal(JSON.parse(readFileSync(join(tmp, 'volume-old-eval/summary.json'), 'utf8')).cells_measured, 216);
  const again = mpo('fit', '--config', join(old, 'config.json'), '--steps', '1', '--eval-images', '20', '--out', join(tmp, 'volume-again'));
  assert.equal(again.code, 0, again.stderr);
  const repeated = JSON.parse(readFileSync(join(tmp, 'volume-again/config.json'), 'utf8'));
  assert.deepEqual([repeated.pattern, repeated.patternSize], ['cube-frame', 6]);
});

test('mpo fit --random-mask and mpo patterns work', () => {
  const r = mpo('fit', ...TINY, '--steps', '2', '--random-mask', '0.5', '--out', join(tmp, 'rnd'));
  assert.equal(r.code, 0, r.stderr);
  // The mask's seed is derived from --seed (its own stream), and named in the pattern.
  assert.equal(JSON.parse(readFileSync(join(tmp, 'rnd/summary.json'), 'utf8')).pattern, `random-p0.5-10-s${deriveSeed(1, 'mask')}`);
  const p = mpo('patterns', '--out', join(tmp, 'previews'), '--size', '16');
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^heart\s+/m);
  assert.ok(existsSync(join(tmp, 'previews/ring.png')) && existsSync(join(tmp, 'previews/all.png')));
});

test('bad input: one line naming the problem and the fix, a non-zero exit, no finished-looking folder', () => {
  const notImage = join(tmp, 'fake.png');
  writeFileSync(notImage, 'this is text, not a picture');
  assert.match(errorLine(mpo('fit', '--pattern', notImage, '--out', join(tmp, 'b1'))), /fake\.png.*PNG or JPEG/);
  assert.ok(!existsSync(join(tmp, 'b1/summary.json')));

  const white = join(tmp, 'white.txt');
  writeFileSync(white, '....\n....\n');
  assert.match(errorLine(mpo('fit', '--pattern', white, '--out', join(tmp, 'b2'))), /all white/);

  assert.match(errorLine(mpo('fit', '--pattern-size', '300', '--out', join(tmp, 'b3'))), /larger than 200x200|1\.\.200/);

  const cfg = join(tmp, 'bad.yaml');
  writeFileSync(cfg, 'stpes: 10\n');
  assert.match(errorLine(mpo('fit', '--config', cfg, '--out', join(tmp, 'b4'))), /unknown setting "stpes" .*did you mean "steps"/);

  const dataDir = join(tmp, 'data');
  mkdirSync(join(dataDir, 'fashion-mnist'), { recursive: true });
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
    writeFileSync(join(dataDir, 'fashion-mnist', f), Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 7]));
  }
  assert.match(errorLine(mpo('fit', '--dataset', 'fashion-mnist', '--data-dir', dataDir, '--out', join(tmp, 'b5'))), /magic|truncated|bytes/);

  assert.match(errorLine(mpo('fit', ...TINY, '--lr', '1e30', '--steps', '30', '--out', join(tmp, 'b6'))), /training diverged at step \d+.*lower --lr/);
  assert.ok(!existsSync(join(tmp, 'b6/summary.json')));

  assert.match(errorLine(mpo('fit', '--model', 'resnet', '--out', join(tmp, 'b7'))), /unknown model "resnet": choose one of mlp, mlp-deep, cnn/);
  assert.match(errorLine(mpo('eval', join(tmp, 'nothing-here'))), /not an mpo run folder/);
});
