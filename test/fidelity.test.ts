/**
 * Issue 10: the bowl baseline, the boundary AUC, the train-vs-test measures, the original's framed
 * random squares, separate seed streams for the mask and theta, and the study's --scale paper dry run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundaryCells, bowlBaseline, bowlLoss, patternMetrics, rocAuc, trainTestGap } from '../src/core/landscape/metrics.js';
import type { Landscape } from '../src/core/landscape/evaluate.js';
import { framedRandomMask } from '../src/core/pattern/framed-mask.js';
import { toTernary } from '../src/core/pattern/ternary.js';
import { IGNORED, type Pattern } from '../src/core/pattern/pattern.js';
import { resolveConfig } from '../src/core/config.js';
import { deriveSeed, maskSeedOf } from '../src/core/random.js';
import { patternOf } from '../src/node/run/setup.js';
import { buildPlan, describePlan } from '../src/node/study/plan.js';
import { createModel, MODELS } from '../src/core/models/registry.js';

const root = new URL('..', import.meta.url).pathname;

/** A pattern from rows of '#' (black) and '.' (white). */
function grid(...rows: string[]): Pattern {
  const cells = Uint8Array.from(rows.join('').split(''), (ch) => (ch === '#' ? 1 : 0));
  return { height: rows.length, width: rows[0].length, cells, name: 't' };
}

/** A landscape exactly on the pattern's cells (no padding). */
function land(loss: number[], acc: number[], h: number, w: number): Landscape {
  return { rows: h, cols: w, loss: Float32Array.from(loss), acc: Float32Array.from(acc),
    grid: { height: h, width: w, padding: 0, resolution: 1 } as Landscape['grid'] };
}

function disc(side: number, r: number): Pattern {
  const rows: string[] = [];
  const c = (side - 1) / 2;
  for (let i = 0; i < side; i++) rows.push(Array.from({ length: side }, (_, j) => (Math.hypot(i - c, j - c) <= r ? '#' : '.')).join(''));
  return grid(...rows);
}

function ring(side: number, r0: number, r1: number): Pattern {
  const rows: string[] = [];
  const c = (side - 1) / 2;
  for (let i = 0; i < side; i++) {
    rows.push(Array.from({ length: side }, (_, j) => {
      const d = Math.hypot(i - c, j - c);
      return d >= r0 && d <= r1 ? '#' : '.';
    }).join(''));
  }
  return grid(...rows);
}

test('bowl baseline: a centred disc scores AUC 1, a ring less, a checkerboard about chance', () => {
  const d = disc(20, 6);
  assert.equal(bowlBaseline(d).auc, 1);
  const rg = ring(20, 4, 8);
  const ringAuc = bowlBaseline(rg).auc;
  assert.ok(ringAuc > 0.5 && ringAuc < 0.9, `ring ${ringAuc}`);
  const checker = grid(...Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, j) => ((i + j) % 2 ? '#' : '.')).join('')));
  assert.ok(Math.abs(bowlBaseline(checker).auc - 0.5) < 0.05);
  // The bowl is the distance of each cell's plane coordinates from w_O: the corners of a 3x3 grid are sqrt(2) away.
  const b = bowlLoss(grid('...', '.#.', '...'));
  assert.deepEqual(Array.from(b, (v) => Number(v.toFixed(6))), [1.414214, 1, 1.414214, 1, 0, 1, 1.414214, 1, 1.414214]);
});

test('boundary cells (4-neighbourhood) and the boundary AUC on a hand-made 4x4 case', () => {
  // Black: the top-left 2x2 block. With 4 neighbours the boundary is the two black cells
  // (0,1), (1,0), (1,1) that share an edge with white, and the white cells (0,2), (1,2), (2,0), (2,1).
  const p = grid('##..', '##..', '....', '....');
  assert.deepEqual(boundaryCells(p, 4), [1, 2, 4, 5, 6, 8, 9]);
  // 8 neighbours add the diagonal (2,2), touching (1,1) at a corner.
  assert.deepEqual(boundaryCells(p, 8), [1, 2, 4, 5, 6, 8, 9, 10]);
  // Losses: every cell 10 except the boundary, where black (1,1) gets 5 (above the white (0,2) = 3)
  // and the other boundary cells are ordered right. Boundary blacks {1: 1, 4: 2, 5: 5}, whites {2: 3, 6: 6, 8: 7, 9: 8}:
  // pairs white > black: 3 > 1, 3 > 2, 3 < 5, and 6, 7, 8 beat all three: 11 of 12 -> 11/12.
  const loss = [0.5, 1, 3, 10, 2, 5, 6, 10, 7, 8, 10, 10, 10, 10, 10, 10];
  const m = patternMetrics(land(loss, new Array(16).fill(0.5), 4, 4), p);
  assert.ok(Math.abs(m.boundaryAuc - 11 / 12) < 1e-12, `boundary AUC ${m.boundaryAuc}`);
  assert.equal(m.boundaryAuc, rocAuc([1, 3, 2, 5, 6, 7, 8], [false, true, false, false, true, true, true]));
  assert.equal(m.cells, 16);
  // The bowl over the same cells: the block's distances from the centre are spread like the white cells' (one
  // at 0.71, two at 1.58, one at 2.12 against 3, 6 and 3 white cells), so the bowl is at chance.
  assert.equal(m.bowlAuc, 0.5);
  assert.equal(m.bowlAuc, bowlBaseline(p).auc);
});

test('train-vs-test: mean |log L_train - log L_test| and the black-cell accuracy gap on a hand-made landscape', () => {
  const p = grid('#.', '.#');
  const test_ = land([1, 2, 4, 1], [0.8, 0.2, 0.1, 0.6], 2, 2);
  const train = land([Math.E, 2, 4, 1 / Math.E], [0.9, 0.3, 0.1, 0.9], 2, 2);
  const g = trainTestGap(train, test_, p);
  assert.ok(Math.abs(g.logLossGap - (1 + 0 + 0 + 1) / 4) < 1e-6, `gap ${g.logLossGap}`);
  assert.ok(Math.abs(g.accBlackGap - ((0.9 + 0.9) / 2 - (0.8 + 0.6) / 2)) < 1e-6, `acc gap ${g.accBlackGap}`);
  // The correlation can be high while the losses differ: a constant factor keeps it at 1, the gap is log 10.
  const scaled = land([10, 20, 40, 10], [0.8, 0.2, 0.1, 0.6], 2, 2);
  const h = trainTestGap(scaled, test_, p);
  assert.ok(Math.abs(h.correlation - 1) < 1e-6);
  assert.ok(Math.abs(h.logLossGap - Math.log(10)) < 1e-5);
});

test('metrics on the trained cells only: ignored cells are left out of the AUC, the accuracies and the bowl', () => {
  const p = grid('.....', '.###.', '.###.', '.###.', '.....');
  const mask = toTernary(p, { ignoreInterior: true });
  // The centre black cell (its 3x3 all black) is ignored; every white cell here touches black.
  assert.equal(mask.cells[12], IGNORED);
  const loss: number[] = Array.from({ length: 25 }, (_, k) => (p.cells[k] ? 1 : 5));
  loss[12] = 9; // the ignored centre: a bad value that only the all-cells measurement sees
  const acc = Array.from({ length: 25 }, (_, k) => (p.cells[k] ? 0.9 : 0.1));
  const all = patternMetrics(land(loss, acc, 5, 5), p);
  const trained = patternMetrics(land(loss, acc, 5, 5), p, { cells: mask });
  assert.ok(all.auc < 1);
  assert.equal(trained.auc, 1);
  assert.equal(trained.cells, 24);
  assert.equal(all.cells, 25);
});

test('framed random square: white border, black frame, random interior; the original ternary rule on it', () => {
  const m = framedRandomMask({ side: 8, fill: 0.5, seed: 3 });
  const at = (r: number, c: number) => m.cells[r * 8 + c];
  for (let k = 0; k < 8; k++) {
    assert.equal(at(0, k), 0);
    assert.equal(at(7, k), 0);
    assert.equal(at(k, 0), 0);
    assert.equal(at(k, 7), 0);
  }
  for (let k = 1; k <= 6; k++) {
    assert.equal(at(1, k), 1);
    assert.equal(at(6, k), 1);
    assert.equal(at(k, 1), 1);
    assert.equal(at(k, 6), 1);
  }
  assert.equal(m.name, 'framed-p0.5-8-s3');
  assert.deepEqual(framedRandomMask({ side: 8, fill: 0.5, seed: 3 }).cells, m.cells);
  assert.throws(() => framedRandomMask({ side: 5, fill: 0.5 }), /framed mask side 5/);

  // A known 6x6 example (interior all black at fill 0.999999), worked by hand with the original code's
  // make_mask_ternary: every border white cell touches the frame (the corner (0,0) touches (1,1)) and stays
  // trained; the black cells (2,2), (2,3), (3,2), (3,3) have all-black 3x3 neighbourhoods and are ignored.
  const full = framedRandomMask({ side: 6, fill: 0.999999, seed: 1 });
  assert.deepEqual(Array.from(full.cells), [
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    1,
    1,
    1,
    0,
    0,
    1,
    1,
    1,
    1,
    0,
    0,
    1,
    1,
    1,
    1,
    0,
    0,
    1,
    1,
    1,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  const t = toTernary(full, { ignoreInterior: true });
  const I = IGNORED;
  assert.deepEqual(Array.from(t.cells), [
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    1,
    1,
    1,
    0,
    0,
    1,
    I,
    I,
    1,
    0,
    0,
    1,
    I,
    I,
    1,
    0,
    0,
    1,
    1,
    1,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  // A larger empty interior: white cells with no black 3x3 neighbour are ignored, as in the original.
  const empty = toTernary(framedRandomMask({ side: 9, fill: 1e-9, seed: 1 }), { ignoreInterior: true });
  assert.equal(empty.cells[4 * 9 + 4], IGNORED, 'the centre white cell, two cells from the frame');
  assert.equal(empty.cells[2 * 9 + 2], 0, 'a white cell touching the frame is trained');
});

test('separate streams: maskSeed changes the mask but not the initial theta; the default mask seed is derived', () => {
  const base = resolveConfig({ randomMask: 0.5, patternSize: 10, seed: 4 });
  assert.equal(maskSeedOf(base), deriveSeed(4, 'mask'));
  assert.notEqual(deriveSeed(4, 'mask'), 4);
  assert.notEqual(deriveSeed(4, 'mask'), deriveSeed(5, 'mask'));
  const a = patternOf(base);
  const b = patternOf({ ...base, maskSeed: 12345 });
  assert.notDeepEqual(a.cells, b.cells, 'another mask seed, another mask');
  assert.deepEqual(patternOf({ ...base, maskSeed: deriveSeed(4, 'mask') }).cells, a.cells);
  const framed = patternOf({ ...base, randomMaskFrame: true });
  assert.equal(framed.cells[11], 1, 'framed: (1,1) is on the frame');
});

test('mpo fit: another --mask-seed gives another mask and the same initial theta (byte-identical checkpoint at --steps 0)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mpo-streams-'));
  const fit = (maskSeed: number) => {
    const out = join(tmp, `m${maskSeed}`);
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'fit', '--random-mask', '0.5',
      '--pattern-size', '6', '--mask-seed', String(maskSeed), '--seed', '3', '--steps', '0', '--eval-images', '16', '--eval-padding', '0', '--workers', '1',
      '--train-images', '64', '--out', out, '--quiet'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return { mask: readFileSync(join(out, 'pattern.txt'), 'utf8'), theta: readFileSync(join(out, 'checkpoint.mpo')) };
  };
  try {
    const a = fit(1), b = fit(2);
    assert.notEqual(a.mask, b.mask, 'another mask seed, another mask');
    assert.ok(a.theta.equals(b.theta), 'the same initial theta');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("mpo study bn --scale paper --dry-run prints the original's settings and runs nothing", () => {
  const text = describePlan(buildPlan({ scale: 'paper' }));
  for (const re of [/--steps\s+11800/, /--batch-size\s+512/, /--white-clip\s+5\n/, /--random-mask-frame\s+true/, /--ignore-interior\s+true/,
    /--measure-trained-only\s+true/, /framed random squares/, /90 runs/]) assert.match(text, re);
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'study', 'bn', '--scale', 'paper', '--dry-run',
    '--out', join(root, 'runs', 'never-created')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, text);
  assert.ok(!existsSync(join(root, 'runs', 'never-created')), 'a dry run creates no folder');
});

test('augmentation: shapes kept, pixels copied exactly, reproducible from the seed (same seed same batch, another seed another)', async () => {
  const tf = await import('../src/node/tf-node.js');
  const { applyAugment, cifarAugment, drawAugment } = await import('../src/core/data/augment.js');
  const { createRng } = await import('../src/core/random.js');
  const n = 6, h = 8, w = 8;
  const values = Float32Array.from({ length: n * h * w * 3 }, (_, i) => 1 + (i % 97));
  const x = tf.tensor4d(values, [n, h, w, 3]);
  const opts = cifarAugment(4);
  const run = (seed: number) => {
    const out = applyAugment(x, drawAugment(createRng(seed), n, opts), opts);
    const v = out.dataSync().slice();
    assert.deepEqual(out.shape, [n, h, w, 3]);
    out.dispose();
    return v;
  };
  const a = run(5), b = run(5), c = run(6);
  assert.deepEqual(a, b, 'same seed, same batch');
  assert.notDeepEqual(a, c, 'another seed, another batch');
  // Every value is a pixel of the input (crop and flip copy pixels) or 0 (padding, erasure).
  const allowed = new Set(values);
  assert.ok(Array.from(a).every((v) => v === 0 || allowed.has(v)));
  // No crop, no flip, no erasure: the identity; a flip alone reverses each row.
  const none = { pad: 0, flip: false, erase: 0 };
  const id = applyAugment(x, drawAugment(createRng(1), n, none), none);
  assert.deepEqual(id.dataSync(), x.dataSync());
  const flipOnly = { pad: 0, flip: true, erase: 0 };
  const draw = { dy: new Array(n).fill(0), dx: new Array(n).fill(0), flip: new Array(n).fill(1), ey: new Array(n).fill(0), ex: new Array(n).fill(0) };
  const flipped = applyAugment(x, draw, flipOnly).arraySync() as number[][][][];
  const orig = x.arraySync() as number[][][][];
  assert.deepEqual(flipped[2][3].map((px) => px[0]), [...orig[2][3].map((px) => px[0])].reverse());
  // The erased square: side 4 centred at (4, 4) zeroes rows and columns 2..5.
  const erase = { pad: 0, flip: false, erase: 4 };
  const e = applyAugment(x, { ...draw, flip: new Array(n).fill(0), ey: new Array(n).fill(0.5), ex: new Array(n).fill(0.5) }, erase)
    .arraySync() as number[][][][];
  assert.equal(e[0][2][2][0], 0);
  assert.equal(e[0][5][5][1], 0);
  assert.notEqual(e[0][1][1][0], 0);
  assert.notEqual(e[0][6][6][0], 0);
  for (const t of [x, id]) t.dispose();
});

test('cnn-color-nopool: the original CIFAR-10 model keeps the resolution until the adaptive pool', () => {
  const model = createModel('cnn-color-nopool', { inputShape: [32, 32, 3], numClasses: 10, bnScale: 'paper' });
  const pooled = createModel('cnn-color', { inputShape: [32, 32, 3], numClasses: 10, bnScale: 'paper' });
  // The same parameters (convs 16/32/64, dense 1024 -> 128 -> 10); only the max-pools differ.
  assert.deepEqual(model.params.map((p) => p.shape), pooled.params.map((p) => p.shape));
  assert.ok(!/max-pool/.test(model.description) && /max-pool/.test(pooled.description), `${model.description} | ${pooled.description}`);
  assert.match(MODELS['cnn-color-nopool'].description, /without max-pool/);
});

test("the study's finding says NOT CONVERGED when a model's black cells stay under 0.7 accuracy", async () => {
  const { findingOf } = await import('../src/node/study/study.js');
  const { summarize } = await import('../src/node/study/results.js');
  const plan = buildPlan({ fills: [0.5], seeds: 1 });
  const row = (model: string, accBlack: number, accWhite: number) => ({ model, p: 0.5, seed: 1, accBlack, accWhite, accDiff: accBlack - accWhite, auc: 0.9 });
  const low = findingOf(plan, summarize([row(plan.models.plain, 0.3, 0.2), row(plan.models.bn, 0.8, 0.2)]));
  assert.match(low, /^NOT CONVERGED \(mean black-cell test accuracy plain-cnn6-small 0\.300 below 0\.7/);
  assert.match(low, /does not hold at this scale/);
  const ok = findingOf(plan, summarize([row(plan.models.plain, 0.85, 0.2), row(plan.models.bn, 0.8, 0.2)]));
  assert.match(ok, /^paper's finding .* holds at this scale/);
});
