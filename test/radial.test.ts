import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bowlBaseline, bowlLoss, patternMetrics, radialAuc } from '../src/core/landscape/metrics.js';
import type { Landscape } from '../src/core/landscape/evaluate.js';
import { parsePatternText } from '../src/core/pattern/text.js';
import { SOLID_NAMES, solidPattern } from '../src/core/pattern/solids.js';
import { resolveConfig } from '../src/core/config.js';
import { runFit } from '../src/node/run/fit.js';
import { readRow } from '../src/node/run/gallery-rows.js';
import { useCpu } from './helpers.js';

await useCpu();

/** A 6x6 ring at the edge: black border, white interior (every border cell is farther out than every interior cell). */
const EDGE_RING = parsePatternText(['######', '#....#', '#....#', '#....#', '#....#', '######'].join('\n'), 'edge-ring');

test('radialAuc is the better of a bowl and an inverted bowl: max(AUC, 1 - AUC)', () => {
  assert.equal(radialAuc(0), 1);
  assert.equal(radialAuc(1), 1);
  assert.equal(radialAuc(0.25), 0.75);
  assert.equal(radialAuc(0.8), 0.8);
  assert.equal(radialAuc(0.5), 0.5);
  assert.ok(Number.isNaN(radialAuc(NaN)), 'no cells of one colour stays NaN');
  assert.throws(() => radialAuc(1.5), /radialAuc: bowlAuc 1.5 is not an AUC: pass a number in 0\.\.1/);
});

test('a ring at the edge: bowl AUC 0, radial baseline 1 (the inverted bowl orders it exactly)', () => {
  // Nearest border cell: hypot(2.5, 0.5) = 2.55 spacings; farthest interior cell: hypot(1.5, 1.5) = 2.12.
  const b = bowlBaseline(EDGE_RING);
  assert.equal(b.auc, 0);
  assert.equal(b.radialAuc, 1);
  // On the boundary (the border's inner side and the interior's outer ring) the order is exactly wrong too.
  assert.equal(b.boundaryAuc, 0);
  assert.equal(b.radialBoundaryAuc, 1);
  // Its inverse (white border, black middle) is a plain bowl: AUC 1, radial 1.
  const inverse = { ...EDGE_RING, cells: EDGE_RING.cells.map((v) => 1 - v) };
  assert.equal(bowlBaseline(inverse).auc, 1);
  assert.equal(bowlBaseline(inverse).radialAuc, 1);
});

test('patternMetrics reports the radial baselines beside the bowl; an inverted bowl landscape scores exactly the radial AUC', () => {
  const p = EDGE_RING;
  const dist = bowlLoss(p);
  const land = (loss: Float64Array): Landscape => ({
    rows: 6,
    cols: 6,
    loss: Float32Array.from(loss),
    acc: new Float32Array(36).fill(0.5),
    grid: { height: 6, width: 6, padding: 0, resolution: 1 },
  });
  const dome = land(dist.map((d) => 10 - d)); // loss falling with the distance from w_O
  const m = patternMetrics(dome, p);
  assert.equal(m.bowlAuc, 0);
  assert.equal(m.radialAuc, 1);
  assert.equal(m.radialBoundaryAuc, 1);
  assert.equal(m.auc, m.radialAuc, 'the dome is the radial baseline');
  assert.equal(patternMetrics(land(dist), p).auc, m.bowlAuc, 'the bowl is the bowl baseline');
});

test('the cube frame is radial (inverted bowl 1), the diagonal slab is not (radial about 0.56)', () => {
  const frame = bowlBaseline(solidPattern('cube-frame', 6));
  assert.equal(frame.auc, 0);
  assert.equal(frame.radialAuc, 1, 'every edge cell is farther out than every other cell');
  assert.equal(bowlBaseline(solidPattern('ball', 6)).radialAuc, 1);
  assert.ok(SOLID_NAMES.includes('diagonal-slab'));
  for (const [n, black, radial] of [[6, 88, 0.5763], [8, 152, 0.5560]] as const) {
    const slab = solidPattern('diagonal-slab', n);
    assert.equal(slab.depth, n);
    assert.equal(slab.cells.reduce((s, v) => s + v, 0), black, `black cells of a ${n}-cell slab`);
    const b = bowlBaseline(slab);
    assert.ok(Math.abs(b.radialAuc - radial) < 5e-4, `diagonal-slab ${n}: radial ${b.radialAuc}`);
    assert.ok(b.radialBoundaryAuc < 0.56, `boundary radial ${b.radialBoundaryAuc}`);
  }
  // Black exactly where 0.2 <= x + y + z <= 1.4 (normalised coordinates): the centre cell of a 5-cube
  // (sum 0) is white, the cell one step along the diagonal from it (sum 1.5) is white, the cell one step
  // along x (sum 0.5) is black.
  const s5 = solidPattern('diagonal-slab', 5);
  const at = (z: number, y: number, x: number) => s5.cells[(z * 5 + y) * 5 + x];
  assert.deepEqual([at(2, 2, 2), at(3, 3, 3), at(2, 2, 3), at(0, 0, 0)], [0, 0, 1, 0]);
});

test('summary.json has radial_auc and radial_boundary_auc beside the bowl; a volume by its 3D distance', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mpo-radial-'));
  try {
    const tiny = { steps: 2, trainImages: 100, evalImages: 20, quickEvalImages: 20, batchSize: 8, cellsPerStep: 2, evalEvery: 0, checkpointEvery: 2, workers: 1,
      backend: 'cpu' as const, evalPadding: 0 };
    const quiet = { quiet: true, log: () => {} };
    const out = join(tmp, 'cube');
    const s = await runFit(resolveConfig({ ...tiny, manifold: 'volume', pattern: 'cube-frame', patternSize: 4 }), { out, ...quiet });
    assert.ok(s);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.bowl_auc, 0, 'the 3D bowl orders a cube frame exactly wrong');
    assert.equal(summary.radial_auc, 1);
    assert.equal(summary.radial_boundary_auc, Math.max(summary.bowl_boundary_auc, 1 - summary.bowl_boundary_auc));
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(report, /radial baseline AUC \(bowl or inverted bowl around the centre\)<\/th>\s*<td class="value">1\.0000</);

    // A gallery row of a summary written before the radial fields: derived from its bowl AUCs.
    const { radial_auc: _r, radial_boundary_auc: _rb, ...legacy } = summary;
    writeFileSync(join(out, 'summary.json'), JSON.stringify({ ...legacy, bowl_auc: 0.25, bowl_boundary_auc: 0.625 }));
    const row = readRow({ name: 'old', dir: out });
    assert.equal(row.radial_auc, 0.75);
    assert.equal(row.radial_boundary_auc, 0.625);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
