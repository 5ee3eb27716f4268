import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';
import { COLORBAR_GAP } from '../src/core/render/colorbar.js';
import { getColormap } from '../src/core/render/colormap.js';
import { renderHeatmap, type HeatmapRaster } from '../src/core/render/heatmap.js';
import { renderMask } from '../src/core/render/mask.js';
import { chooseAxisStep, defaultCellSize, PANEL_MARGIN } from '../src/core/render/panel.js';
import { getPixel, type Raster } from '../src/core/render/raster.js';

const hex = (s: string): number[] => [1, 3, 5].map((i) => Number.parseInt(s.slice(i, i + 2), 16));
const rgb = (r: Raster, x: number, y: number): number[] => getPixel(r, x, y).slice(0, 3);
const centre = (h: HeatmapRaster, i: number, j: number, cs: number): number[] =>
  rgb(h, h.layout.mapX + j * cs + (cs >> 1), h.layout.mapY + i * cs + (cs >> 1));
function darkPixels(r: Raster, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (getPixel(r, x, y)[0] < 100) n++;
  return n;
}

test('a 2x2 log heat map has the right colour at each cell centre, row 0 at the top', () => {
  const h = renderHeatmap([0.01, 0.1, 1, 10], 2, 2, { scale: 'log', cellSize: 10, axes: false, colorbar: false });
  assert.deepEqual(h.domain, [0.01, 10]);
  assert.deepEqual([h.layout.mapX, h.layout.mapY], [PANEL_MARGIN + 1, PANEL_MARGIN + 1]);
  assert.deepEqual([h.width, h.height], [2 * (PANEL_MARGIN + 1) + 20, 2 * (PANEL_MARGIN + 1) + 20]);
  const t = (v: number): number => (Math.log(v) - Math.log(0.01)) / (Math.log(10) - Math.log(0.01));
  assert.deepEqual(centre(h, 0, 0, 10), hex(interpolateMagma(0)));
  assert.deepEqual(centre(h, 0, 1, 10), hex(interpolateMagma(t(0.1))));
  assert.deepEqual(centre(h, 1, 0, 10), hex(interpolateMagma(t(1))));
  assert.deepEqual(centre(h, 1, 1, 10), hex(interpolateMagma(1)));
  // Every pixel of a block has the block's colour (one value = one square block).
  assert.deepEqual(rgb(h, h.layout.mapX + 9, h.layout.mapY + 9), hex(interpolateMagma(0)));
  assert.deepEqual(rgb(h, h.layout.mapX + 10, h.layout.mapY), centre(h, 0, 1, 10));
  // A 1-pixel dark border frames the map.
  assert.deepEqual(rgb(h, h.layout.mapX - 1, h.layout.mapY + 5), [30, 30, 30]);
});

test('linear heat maps default to viridis and the data range; a given domain clamps', () => {
  const h = renderHeatmap([0.2, 0.4, 0.6, 0.8], 2, 2, { scale: 'linear', cellSize: 4, axes: false, colorbar: false });
  assert.deepEqual(centre(h, 0, 0, 4), hex(interpolateViridis(0)));
  assert.deepEqual(centre(h, 1, 1, 4), hex(interpolateViridis(1)));
  const d = renderHeatmap([0.2, 0.4, 0.6, 0.8], 2, 2,
    { scale: 'linear', domain: [0.5, 0.6], colormap: 'gray', cellSize: 4, axes: false, colorbar: false });
  assert.deepEqual(centre(d, 0, 1, 4), [0, 0, 0]);
  assert.deepEqual(centre(d, 1, 0, 4), [255, 255, 255]);
});

test('the colour bar runs from the last colour at the top to the first at the bottom', () => {
  const h = renderHeatmap([0.01, 0.1, 1, 10], 2, 2, { scale: 'log', cellSize: 60 });
  const barX = h.layout.rightX + COLORBAR_GAP + 5;
  assert.deepEqual(rgb(h, barX, h.layout.mapY), hex(interpolateMagma(1)));
  assert.deepEqual(rgb(h, barX, h.layout.mapY + 119), hex(interpolateMagma(0)));
  // Tick labels right of the bar (0.01, 0.1, 1, 10) put ink there.
  assert.ok(darkPixels(h, barX + 12, h.layout.mapY - 4, h.width, h.layout.mapY + 124) > 20);
  const none = renderHeatmap([0.01, 0.1, 1, 10], 2, 2, { scale: 'log', cellSize: 60, colorbar: false });
  assert.ok(none.width < h.width - 30);
});

test('a constant map gets the middle colour and a solid colour bar', () => {
  const h = renderHeatmap([2, 2, 2, 2], 2, 2, { scale: 'log', cellSize: 60 });
  const mid = hex(interpolateMagma(0.5));
  const barX = h.layout.rightX + COLORBAR_GAP + 5;
  assert.deepEqual(h.domain, [2, 2]);
  assert.deepEqual(centre(h, 1, 1, 60), mid);
  assert.deepEqual(rgb(h, barX, h.layout.mapY), mid);
  assert.deepEqual(rgb(h, barX, h.layout.mapY + 119), mid);
});

test('axes and title add labelled margins; padding shifts the labels', () => {
  const v = new Float32Array(16).fill(1);
  const plain = renderHeatmap(v, 4, 4, { scale: 'linear', cellSize: 20, axes: false, colorbar: false });
  const axes = renderHeatmap(v, 4, 4, { scale: 'linear', cellSize: 20, colorbar: false, title: 'train accuracy' });
  assert.ok(axes.layout.mapX > plain.layout.mapX + 8);
  assert.ok(axes.layout.mapY > plain.layout.mapY + 14);
  assert.ok(darkPixels(axes, 0, 0, axes.width, axes.layout.mapY - 2) > 30); // the title
  assert.ok(darkPixels(axes, 0, axes.layout.mapY, axes.layout.mapX - 1, axes.layout.mapY + 80) > 20); // row labels
  const below = axes.layout.mapY + 81;
  assert.ok(darkPixels(axes, axes.layout.mapX, below, axes.layout.mapX + 80, axes.height) > 20); // column labels
  // Labels "-1".."2" are wider than "0".."3": padding 1 moves the map right by the width of '-' plus spacing.
  const padded = renderHeatmap(v, 4, 4, { scale: 'linear', cellSize: 20, colorbar: false, title: 'train accuracy', padding: 1 });
  assert.equal(padded.layout.mapX, axes.layout.mapX + 5);
  assert.equal(chooseAxisStep(20, 20, 17, 0, 1), 5);
  assert.equal(chooseAxisStep(50, 50, 7, 0, 1), 10);
  assert.equal(chooseAxisStep(2, 2, 170, 0, 1), 1);
});

test('default cell size makes the map about 300-400 pixels wide', () => {
  for (const n of [2, 7, 20, 50, 60, 100, 150, 200]) {
    const side = n * defaultCellSize(n, n);
    assert.ok(side >= 300 && side <= 400, `${n} cells -> ${side} px`);
  }
  const h = renderHeatmap(new Float32Array(20 * 30).fill(0.5), 20, 30, { scale: 'linear' });
  assert.equal(h.layout.mapWidth, 30 * 11);
});

test('outline draws the boundary of the black cells in the accent colour', () => {
  const outline = Uint8Array.of(1, 0, 0, 0);
  const h = renderHeatmap([1, 1, 1, 1], 2, 2, { scale: 'linear', cellSize: 20, axes: false, colorbar: false, outline });
  const accent = [...getColormap('viridis').accentColor];
  const { mapX, mapY } = h.layout;
  assert.deepEqual(rgb(h, mapX, mapY + 10), accent); // left edge of cell (0, 0)
  assert.deepEqual(rgb(h, mapX + 19, mapY + 10), accent); // its right edge, against a white cell
  assert.deepEqual(rgb(h, mapX + 10, mapY + 10), hex(interpolateViridis(0.5))); // inside: the value's colour
  assert.deepEqual(rgb(h, mapX + 30, mapY + 10), hex(interpolateViridis(0.5))); // cell (0, 1) has no outline
  // A pattern-sized outline is placed inside the padding.
  const p = renderHeatmap(new Float32Array(16).fill(1), 4, 4,
    { scale: 'linear', cellSize: 20, axes: false, colorbar: false, padding: 1, outline: Uint8Array.of(1, 0, 0, 0), outlineColor: [255, 0, 0] });
  assert.deepEqual(rgb(p, p.layout.mapX + 20, p.layout.mapY + 30), [255, 0, 0]);
  assert.notDeepEqual(rgb(p, p.layout.mapX, p.layout.mapY + 10), [255, 0, 0]);
});

test('NaN cells get the NaN colour and a NaN swatch under the colour bar', () => {
  const withNan = renderHeatmap([0.1, NaN, 1, 10], 2, 2, { scale: 'log', cellSize: 60 });
  assert.deepEqual(centre(withNan, 0, 1, 60), [...getColormap('magma').nanColor]);
  const without = renderHeatmap([0.1, 0.5, 1, 10], 2, 2, { scale: 'log', cellSize: 60 });
  assert.ok(withNan.height > without.height);
});

test('bad input is rejected with one-line messages naming the problem', () => {
  assert.throws(() => renderHeatmap([1, 2, 3], 2, 2, { scale: 'log' }),
    /heatmap has 3 values, expected 2x2=4: pass one value per grid cell, row-major/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'cubic' as 'log' }), /heatmap scale "cubic" is unknown/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', domain: [0, 1] }), /log-scale colour domain \[0, 1\]/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', cellSize: 0 }), /cell size 0 is invalid/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', padding: 1 }), /padding 1 does not fit a 2x2 grid/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', outline: new Uint8Array(3) }),
    /heatmap outline has 3 cells, expected 2x2=4/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', colormap: 'jet' as 'magma' }), /unknown colour map "jet"/);
});

test('renderMask draws black, white and grey cells aligned with a heat map of the same grid', () => {
  const cells = Uint8Array.of(1, 0, 2, 1);
  const m = renderMask(cells, 2, 2, { states: 'ternary', title: 'target' });
  const h = renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'linear', title: 'test loss' });
  const cs = defaultCellSize(2, 2);
  const at = (i: number, j: number): number[] => rgb(m, h.layout.mapX + j * cs + 5, h.layout.mapY + i * cs + 5);
  assert.deepEqual([at(0, 0), at(0, 1), at(1, 0), at(1, 1)], [[0, 0, 0], [255, 255, 255], [170, 170, 170], [0, 0, 0]]);
  assert.equal(m.height, h.height);
  assert.throws(() => renderMask(cells, 2, 2), /mask has a cell value 2: binary cells must be 0 \(white\) or 1 \(black\); pass states: 'ternary'/);
  assert.throws(() => renderMask(Uint8Array.of(3), 1, 1, { states: 'ternary' }), /ternary cells must be 0 \(white\), 1 \(black\) or 2 \(ignored\)/);
  assert.throws(() => renderMask(cells, 3, 2), /mask has 4 cells, expected 3x2=6/);
});
