import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plotPixel, renderLinePlot, type PlotLayout } from '../src/core/render/plot.js';
import { getPixel, type Raster, type Rgb } from '../src/core/render/raster.js';
import { MpoError } from '../src/core/errors.js';

const RED: Rgb = [200, 0, 0];
const BLUE: Rgb = [0, 0, 200];
const isColor = (r: Raster, x: number, y: number, c: Rgb) => {
  const p = getPixel(r, x, y);
  return p[0] === c[0] && p[1] === c[1] && p[2] === c[2];
};

test('plotPixel maps the domain ends to the plot area\'s edge pixels, y upwards', () => {
  const layout: PlotLayout = { plotX: 40, plotY: 20, plotWidth: 101, plotHeight: 51, xDomain: [0, 10], yDomain: [0, 5] };
  assert.deepEqual(plotPixel(layout, 0, 0), [40, 70]);
  assert.deepEqual(plotPixel(layout, 10, 5), [140, 20]);
  assert.deepEqual(plotPixel(layout, 5, 2.5), [90, 45]);
  assert.deepEqual(plotPixel(layout, 2, 4), [60, 30]);
});

test('renderLinePlot draws markers, lines and error bars at the data\'s pixels', () => {
  const r = renderLinePlot([
    { name: 'a', color: RED, markers: true, points: [{ x: 0, y: 1 }, { x: 5, y: 3, err: 1 }, { x: 10, y: 3 }] },
  ], { plotWidth: 101, plotHeight: 51, xDomain: [0, 10], yDomain: [0, 5], lineWidth: 1, markerSize: 5, title: 'T', xLabel: 'x', yLabel: 'y' });
  const { plotX, plotY } = r.layout;
  assert.equal(r.layout.plotWidth, 101);
  // The marker of (5, 3) is a 5x5 square centred on column plotX + 50, row plotY + 20.
  const [mx, my] = [plotX + 50, plotY + 20];
  assert.deepEqual(plotPixel(r.layout, 5, 3), [mx, my]);
  for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) assert.ok(isColor(r, mx + dx, my + dy, RED), `marker pixel ${dx},${dy}`);
  // The error bar runs from y = 2 (row plotY + 30) to y = 4 (row plotY + 10), with 7-pixel caps.
  for (let y = plotY + 10; y <= plotY + 30; y++) assert.ok(isColor(r, mx, y, RED), `error bar row ${y}`);
  assert.ok(isColor(r, mx - 3, plotY + 10, RED) && isColor(r, mx + 3, plotY + 30, RED), 'caps');
  assert.ok(!isColor(r, mx, plotY + 8, RED) && !isColor(r, mx, plotY + 32, RED), 'nothing beyond the bar');
  // The horizontal segment from (5, 3) to (10, 3) covers row plotY + 20 up to the right edge.
  for (let x = mx; x <= plotX + 100; x++) assert.ok(isColor(r, x, my, RED), `line column ${x}`);
  // The rising segment from (0, 1) to (5, 3) passes (2.5, 2) at column plotX + 25, row plotY + 30.
  assert.ok(isColor(r, plotX + 25, plotY + 30, RED));
  assert.ok(!isColor(r, plotX + 25, plotY + 10, RED), 'above the line is not red');
  // Frame: the border lies just outside the plot area.
  const ink = getPixel(r, plotX - 1, plotY + 25);
  assert.ok(ink[0] < 60 && ink[1] < 60 && ink[2] < 60, 'left border is dark');
});

test('dotted lines leave gaps, solid ones do not; the legend shows each series', () => {
  const r = renderLinePlot([
    { name: 'solid', color: RED, markers: false, points: [{ x: 0, y: 1 }, { x: 1, y: 1 }] },
    { name: 'dotted', color: BLUE, style: 'dotted', markers: false, points: [{ x: 0, y: 0 }, { x: 1, y: 0 }] },
  ], { plotWidth: 100, plotHeight: 40, xDomain: [0, 1], yDomain: [-1, 2], lineWidth: 2 });
  const [, ySolid] = plotPixel(r.layout, 0, 1);
  const [, yDotted] = plotPixel(r.layout, 0, 0);
  let red = 0, blue = 0;
  for (let x = r.layout.plotX; x < r.layout.plotX + 100; x++) {
    if (isColor(r, x, ySolid, RED)) red++;
    if (isColor(r, x, yDotted, BLUE)) blue++;
  }
  assert.equal(red, 100);
  assert.ok(blue > 20 && blue < 60, `dotted line covers about a third: ${blue}`);
  let legendRed = 0, legendBlue = 0;
  for (let y = 0; y < r.height; y++) {
    for (let x = r.layout.plotX + 101; x < r.width; x++) {
      if (isColor(r, x, y, RED)) legendRed++;
      if (isColor(r, x, y, BLUE)) legendBlue++;
    }
  }
  assert.ok(legendRed > 0 && legendBlue > 0, 'legend samples right of the plot');
});

test('points outside the domain are clipped to the plot area', () => {
  const r = renderLinePlot([{ name: 'a', color: RED, points: [{ x: 0, y: 0 }, { x: 2, y: 10 }] }],
    { plotWidth: 50, plotHeight: 50, xDomain: [0, 1], yDomain: [0, 1] });
  const { plotX, plotY, plotWidth, plotHeight } = r.layout;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      if (!isColor(r, x, y, RED)) continue;
      const inPlot = x >= plotX && x < plotX + plotWidth && y >= plotY && y < plotY + plotHeight;
      const inLegend = x > plotX + plotWidth;
      assert.ok(inPlot || inLegend, `red pixel at ${x},${y} outside the plot and legend`);
    }
  }
});

test('renderLinePlot rejects bad input with one-line MpoErrors', () => {
  assert.throws(() => renderLinePlot([]), /plot has no series: pass at least one \{name, points, color\}/);
  assert.throws(() => renderLinePlot([{ name: 'a', color: RED, points: [] }], { xDomain: [1, 1] }), /plot x domain \[1,1\] is invalid/);
  assert.throws(() => renderLinePlot([{ name: 'a', color: RED, points: [] }], { plotWidth: 5 }), MpoError);
});
