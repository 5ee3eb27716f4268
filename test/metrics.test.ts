import { test } from 'node:test';
import assert from 'node:assert/strict';
import { correlation, patternMetrics, rocAuc } from '../src/core/landscape/metrics.js';
import type { Landscape } from '../src/core/landscape/evaluate.js';

test('ROC AUC: perfect, reversed, chance and ties', () => {
  assert.equal(rocAuc([1, 2, 3, 4], [false, false, true, true]), 1);
  assert.equal(rocAuc([4, 3, 2, 1], [false, false, true, true]), 0);
  assert.equal(rocAuc([1, 1, 1, 1], [false, true, false, true]), 0.5);
  // positives 2 and 4 vs negatives 1 and 3: pairs (2>1, 2<3, 4>1, 4>3) -> 3/4
  assert.equal(rocAuc([1, 2, 3, 4], [false, true, false, true]), 0.75);
  assert.throws(() => rocAuc([1, 2], [true, true]), /at least one positive and one negative/);
});

test('correlation: +1, -1, and a known value', () => {
  assert.ok(Math.abs(correlation([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
  assert.ok(Math.abs(correlation([1, 2, 3], [3, 2, 1]) + 1) < 1e-12);
  assert.ok(Math.abs(correlation([1, 2, 3, 4], [1, 3, 2, 4]) - 0.8) < 1e-12);
});

test('pattern metrics read the pattern cells only, not the padding', () => {
  // 2x2 pattern, padding 1 -> 4x4 grid; black cells on the diagonal
  const pattern = { height: 2, width: 2, cells: Uint8Array.from([1, 0, 0, 1]), name: 't' };
  const loss = new Float32Array(16).fill(100);
  const acc = new Float32Array(16).fill(0.5);
  const set = (r: number, c: number, l: number, a: number) => {
    loss[(r + 1) * 4 + c + 1] = l;
    acc[(r + 1) * 4 + c + 1] = a;
  };
  set(0, 0, 0.2, 0.9);
  set(1, 1, 0.4, 0.7);
  set(0, 1, 3, 0.1);
  set(1, 0, 2, 0.3);
  const land: Landscape = { rows: 4, cols: 4, loss, acc, grid: { height: 2, width: 2, padding: 1, resolution: 1 } };
  const m = patternMetrics(land, pattern);
  assert.ok(Math.abs(m.accBlack - 0.8) < 1e-6);
  assert.ok(Math.abs(m.accWhite - 0.2) < 1e-6);
  assert.ok(Math.abs(m.accDiff - 0.6) < 1e-6);
  assert.equal(m.auc, 1);
  assert.ok(Math.abs(m.lossWhite - 2.5) < 1e-6);
});

test('bowl baseline of a volume uses the 3D distance from w_O: a cube frame is ordered exactly wrong, a ball exactly right', async () => {
  const { solidPattern } = await import('../src/core/pattern/solids.js');
  const { bowlBaseline, bowlLoss } = await import('../src/core/landscape/metrics.js');
  const frame = solidPattern('cube-frame', 6);
  assert.equal(bowlBaseline(frame).auc, 0);
  const loss = bowlLoss(frame);
  // corner (0,0,0) and the centre-most cell (2,2,2): sqrt(3 * 2.5^2) and sqrt(3 * 0.5^2)
  assert.ok(Math.abs(loss[0] - Math.sqrt(3 * 6.25)) < 1e-12);
  assert.ok(Math.abs(loss[(2 * 6 + 2) * 6 + 2] - Math.sqrt(3 * 0.25)) < 1e-12);
  assert.equal(bowlBaseline(solidPattern('ball', 6)).auc, 1);
});
