import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/node/tf-node.js';
import { gramSchmidt, pointAt, manifoldDims } from '../src/core/plane/manifold.js';
import { dot, type ParamSet } from '../src/core/plane/params.js';
import { cellCoords, cellCoordsOf, gridIndexOfCell, gridPoints } from '../src/core/plane/grid.js';
import { parsePatternText, patternToText } from '../src/core/pattern/text.js';
import { solidPattern, stripPattern } from '../src/core/pattern/solids.js';
import { toTernary, trainedCells } from '../src/core/pattern/ternary.js';
import { checkManifoldPattern, withManifoldDefaults } from '../src/core/pattern/manifold-patterns.js';
import { manifoldPatternMetrics } from '../src/core/landscape/manifold-metrics.js';
import type { Landscape } from '../src/core/landscape/evaluate.js';
import { resolveConfig } from '../src/core/config.js';
import { runFit } from '../src/node/run/fit.js';
import { runEval } from '../src/node/run/eval.js';
import { runPatternOf } from '../src/node/run/setup.js';
import { readRunConfig } from '../src/node/run/folder.js';
import { buildProgram } from '../src/cli/main.js';
import { randn, useCpu } from './helpers.js';

await useCpu();

const num = (t: tf.Tensor) => t.dataSync()[0];
const randomSet = (seed: number): ParamSet => ({ w: randn([40], seed), b: randn([7], seed + 100) });

for (const d of [1, 2, 3]) {
  test(`Gram-Schmidt frame of a ${d}D manifold: mutually orthogonal directions of equal norm (eq. 2 generalised)`, () => {
    const free = Array.from({ length: d }, (_, i) => randomSet(i + 1));
    const dirs = gramSchmidt(free);
    assert.equal(dirs.length, d);
    const n0 = num(dot(dirs[0], dirs[0]));
    assert.ok(Math.abs(n0 - num(dot(free[0], free[0]))) < 1e-4, 'the first direction is w_up itself');
    for (let i = 0; i < d; i++) {
      assert.ok(Math.abs(num(dot(dirs[i], dirs[i])) - n0) < 1e-3 * n0, `|dir ${i}| = |w_up|`);
      for (let j = i + 1; j < d; j++) assert.ok(Math.abs(num(dot(dirs[i], dirs[j]))) < 1e-3, `dir ${i} is orthogonal to dir ${j}`);
    }
  });
}

test('a 0-dimensional manifold is its origin: no directions, pointAt([]) = w_O', () => {
  assert.deepEqual(gramSchmidt([]), []);
  const origin = randomSet(9);
  const p = pointAt({ origin, directions: [], scale: tf.scalar(0.1) }, []);
  assert.deepEqual(Array.from(p.w.dataSync()), Array.from(origin.w.dataSync()));
  assert.equal(manifoldDims('line'), 1);
  assert.equal(manifoldDims('volume'), 3);
  assert.throws(() => manifoldDims('torus'), /unknown manifold "torus": use one of point, line, plane, volume/);
});

test('cell coordinates: a line along its one direction, a volume adds the slice, the plane is unchanged', () => {
  assert.deepEqual(cellCoordsOf(0, { dims: 1, depth: 1, height: 1, width: 4 }), [-1.5]);
  assert.deepEqual(cellCoordsOf(3, { dims: 1, depth: 1, height: 1, width: 4 }), [1.5]);
  assert.deepEqual(cellCoordsOf(5, { dims: 2, depth: 1, height: 3, width: 4 }), cellCoords(1, 1, 3, 4));
  // slice 1, row 0, col 2 of a 3 x 2 x 3 volume
  assert.deepEqual(cellCoordsOf(1 * 6 + 2, { dims: 3, depth: 3, height: 2, width: 3 }), [0.5, 1, 0]);
  assert.deepEqual(cellCoordsOf(0, { dims: 0, depth: 1, height: 1, width: 1 }), []);
});

test('d-dimensional grids: sizes with padding and resolution, and gridIndexOfCell finds each cell', () => {
  const line = { height: 1, width: 5, dims: 1, padding: 2, resolution: 2 };
  const gl = gridPoints(line);
  assert.deepEqual([gl.slices, gl.rows, gl.cols], [1, 1, 17]);
  for (let c = 0; c < 5; c++) assert.deepEqual(gl.coords[gridIndexOfCell(line, 0, c)], cellCoordsOf(c, { dims: 1, depth: 1, height: 1, width: 5 }));
  const vol = { depth: 3, height: 4, width: 2, dims: 3, padding: 1, resolution: 1 };
  const gv = gridPoints(vol);
  assert.deepEqual([gv.slices, gv.rows, gv.cols], [5, 6, 4]);
  assert.equal(gv.coords.length, 5 * 6 * 4);
  for (let s = 0; s < 3; s++) {
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 2; c++) {
        assert.deepEqual(gv.coords[gridIndexOfCell(vol, r, c, s)], cellCoordsOf((s * 4 + r) * 2 + c, { dims: 3, depth: 3, height: 4, width: 2 }));
      }
    }
  }
  const plane = gridPoints({ height: 3, width: 4, padding: 1, resolution: 2 });
  assert.deepEqual([plane.slices, plane.rows, plane.cols], [1, 9, 11], 'the plane keeps its grid');
});

test('3D text grids: slices separated by a blank line or ---, round trip through patternToText', () => {
  const p = parsePatternText('#.\n..\n\n.#\n#.\n---\n##\n##\n', 'cube');
  assert.equal(p.depth, 3);
  assert.deepEqual([p.height, p.width], [2, 2]);
  assert.deepEqual(Array.from(p.cells), [1, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1]);
  const q = parsePatternText(patternToText(p));
  assert.equal(q.depth, 3);
  assert.deepEqual(Array.from(q.cells), Array.from(p.cells));
  assert.throws(() => parsePatternText('#.\n..\n\n.#\n', 'bad'), /slice 2 has 1 rows, slice 1 has 2: give every slice/);
  assert.equal(parsePatternText('#.\n..').depth, undefined, 'a flat grid stays 2D');
});

test('1D strips and generated solids', () => {
  const s = stripPattern('1d:##..#');
  assert.deepEqual([s.height, s.width, Array.from(s.cells)], [1, 5, [1, 1, 0, 0, 1]]);
  assert.throws(() => stripPattern('1d:'), /is empty: write cells after 1d:/);
  const shell = solidPattern('sphere-shell', 8);
  assert.equal(shell.depth, 8);
  const black = shell.cells.reduce((a, v) => a + v, 0);
  assert.ok(black > 0 && black < 512, 'both colours');
  // symmetric under z -> 7 - z
  for (let k = 0; k < 512; k++) {
    const z = Math.floor(k / 64);
    assert.equal(shell.cells[k], shell.cells[(7 - z) * 64 + (k % 64)]);
  }
  assert.throws(() => solidPattern('sphere-shell', 2), /at least 3 cells per side/);
});

test('ternary masks of volumes use the 3x3x3 neighbourhood', () => {
  const cube = solidPattern('ball', 7);
  const m = toTernary(cube);
  assert.equal(m.depth, 7);
  // the ball's centre is black with an all-black neighbourhood: ignored
  assert.equal(m.cells[(3 * 7 + 3) * 7 + 3], 2);
  const { black, white } = trainedCells(toTernary(cube, { ignoreInterior: false }));
  assert.equal(black.length + white.length, 343);
});

test('patterns must match the manifold; lines and volumes have their own default pattern', () => {
  assert.throws(() => checkManifoldPattern('line', parsePatternText('#.\n.#', 'sq')), /--manifold line needs a 1D strip such as --pattern 1d:##..##..##/);
  assert.throws(() => checkManifoldPattern('plane', solidPattern('ball', 4)), /is 3D \(4 slices\): fit it with --manifold volume/);
  assert.throws(() => checkManifoldPattern('volume', solidPattern('ball', 4), 0.5), /--random-mask makes a square picture/);
  const base = { pattern: 'heart', patternSize: 24, randomMask: null };
  assert.deepEqual(withManifoldDefaults({ ...base, manifold: 'volume' }), { ...base, manifold: 'volume', pattern: 'cube-frame', patternSize: 6 });
  assert.equal(withManifoldDefaults({ ...base, manifold: 'line' }).pattern, '1d:##..##..##');
  assert.equal(withManifoldDefaults({ ...base, manifold: 'plane' }).pattern, 'heart');
  assert.equal(withManifoldDefaults({ ...base, manifold: 'volume', pattern: 'ball' }).pattern, 'ball');
});

test('a pattern that does not fit the manifold is an error, never replaced; the config names what is fitted (issue 24)', () => {
  // the manifold's own pattern is in the config when none is given, so config.json records it
  const volume = resolveConfig({ manifold: 'volume' });
  assert.deepEqual([volume.pattern, volume.patternSize], ['cube-frame', 6]);
  assert.equal(runPatternOf(volume).pattern.name, volume.pattern);
  assert.equal(resolveConfig({ manifold: 'line' }).pattern, '1d:##..##..##');
  assert.equal(resolveConfig({ manifold: 'volume' }, { patternSize: 8 }).patternSize, 8);
  assert.equal(resolveConfig({ manifold: 'plane' }).pattern, 'heart');
  assert.equal(resolveConfig({ manifold: 'volume', pattern: 'ball' }).patternSize, 24, 'a named pattern keeps its size');
  // a named picture is fitted or refused, never swapped for the default (heart is also the plane's default)
  assert.throws(() => runPatternOf(resolveConfig({ manifold: 'volume' }, { pattern: 'heart' })),
    /^MpoError: pattern "heart" is flat \(24x24\): --manifold volume needs a 3D pattern such as --pattern cube-frame/);
  assert.throws(() => runPatternOf(resolveConfig({ manifold: 'volume', pattern: 'ring' })), /pattern "ring" is flat/, 'not a single slice');
  assert.throws(() => runPatternOf(resolveConfig({ manifold: 'line', pattern: 'heart' })), /--manifold line needs a 1D strip/);
  // run folders made before: their config.json said heart for the manifold's default
  const old = mkdtempSync(join(tmpdir(), 'mpo-old-volume-'));
  writeFileSync(join(old, 'config.json'), JSON.stringify({ ...resolveConfig({}), manifold: 'volume', provenance: { patternName: 'cube-frame' } }));
  assert.deepEqual([readRunConfig(old).pattern, readRunConfig(old).patternSize], ['cube-frame', 6]);
});

test('metrics over every slice of a volume: a landscape that is low exactly on the black cells has AUC 1', () => {
  const p = solidPattern('sphere-shell', 5);
  const grid = { height: 5, width: 5, depth: 5, dims: 3, padding: 1, resolution: 1 };
  const { coords } = gridPoints(grid);
  const loss = new Float32Array(coords.length).fill(5);
  const acc = new Float32Array(coords.length);
  for (let s = 0; s < 5; s++) {
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 5; c++) {
        const black = p.cells[(s * 5 + r) * 5 + c] === 1;
        loss[gridIndexOfCell(grid, r, c, s)] = black ? 0.1 : 3;
        acc[gridIndexOfCell(grid, r, c, s)] = black ? 0.9 : 0.1;
      }
    }
  }
  const land: Landscape = { slices: 7, rows: 7, cols: 7, loss, acc, grid };
  const m = manifoldPatternMetrics(land, p);
  assert.equal(m.auc, 1);
  assert.ok(Math.abs(m.accBlack - 0.9) < 1e-6 && Math.abs(m.accWhite - 0.1) < 1e-6);
  loss.fill(1);
  assert.equal(manifoldPatternMetrics(land, p).auc, 0.5, 'a flat landscape scores chance');
});

const tmp = mkdtempSync(join(tmpdir(), 'mpo-manifold-'));
const tiny = {
  steps: 6,
  trainImages: 200,
  evalImages: 40,
  quickEvalImages: 40,
  batchSize: 16,
  cellsPerStep: 4,
  evalEvery: 3,
  checkpointEvery: 3,
  logEvery: 1,
  workers: 1,
  backend: 'cpu' as const,
  evalPadding: 1,
};
const quiet = { quiet: true, log: () => {} };

test('mpo fit --manifold line runs end to end on tiny data and draws line charts', async () => {
  const out = join(tmp, 'line');
  const s = await runFit(resolveConfig({ ...tiny, manifold: 'line', pattern: '1d:##..##..##' }), { out, ...quiet });
  assert.ok(s && Number.isFinite(s.auc_test));
  for (const f of ['figure.png', 'report.html', 'landscape/test-loss.png', 'landscape/train-acc.svg', 'summary.json']) assert.ok(existsSync(join(out, f)), f);
  assert.match(readFileSync(join(out, 'landscape/test-loss.svg'), 'utf8'), /test loss along the line/);
  const land = JSON.parse(readFileSync(join(out, 'landscape/landscape.json'), 'utf8'));
  assert.equal(land.test.loss.length, 12, '10 cells + 1 padding each side');
  const e = await runEval({ dir: out, out: join(out, 'eval'), resolution: 2, backend: 'cpu', ...quiet });
  assert.equal(e.auc_test, s.auc_test, 'mpo eval re-draws the line with the same cells');
  assert.equal(JSON.parse(readFileSync(join(out, 'eval/landscape/landscape.json'), 'utf8')).test.loss.length, 23, 'resolution 2 along the line');
});

test('mpo --help lists the new commands; mpo fit --help the new settings', () => {
  const help = buildProgram().helpInformation();
  for (const c of ['train', 'view', 'connect']) assert.match(help, new RegExp(`\\n  ${c} `), c);
  const fit = buildProgram().commands.find((c) => c.name() === 'fit')!.helpInformation();
  for (const f of ['--manifold', '--regulariser', '--lambda']) assert.ok(fit.includes(f), f);
});

test('mpo fit --manifold volume runs end to end on tiny data and draws a grid of slices', async () => {
  const out = join(tmp, 'volume');
  const s = await runFit(resolveConfig({ ...tiny, manifold: 'volume', pattern: 'sphere-shell', patternSize: 4 }), { out, ...quiet });
  assert.ok(s && Number.isFinite(s.auc_test));
  const svg = readFileSync(join(out, 'landscape/test-loss.svg'), 'utf8');
  assert.match(svg, /slices along the third direction/);
  assert.match(svg, /slice 4/);
  const land = JSON.parse(readFileSync(join(out, 'landscape/landscape.json'), 'utf8'));
  assert.equal(land.test.loss.length, 6 * 6 * 6);
  assert.match(readFileSync(join(out, 'pattern.txt'), 'utf8'), /\n\n/, 'slices separated by a blank line');
});
