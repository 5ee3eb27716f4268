import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blit, composeGrid, composeRow, createRaster, fillRect, getPixel, setPixel } from '../src/core/render/raster.js';
import { MpoError } from '../src/core/errors.js';

test('createRaster fills every pixel with the background, alpha 255 by default', () => {
  const r = createRaster(3, 2, [10, 20, 30]);
  assert.equal(r.data.length, 3 * 2 * 4);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) assert.deepEqual(getPixel(r, x, y), [10, 20, 30, 255]);
  assert.deepEqual(getPixel(createRaster(1, 1, [1, 2, 3, 4]), 0, 0), [1, 2, 3, 4]);
});

test('createRaster rejects bad sizes with one-line MpoErrors', () => {
  assert.throws(() => createRaster(-1, 2), /raster size -1x2 is invalid: width and height must be non-negative integers/);
  assert.throws(() => createRaster(2.5, 2), MpoError);
  assert.throws(() => createRaster(20000, 2), /larger than 16384 pixels per side: use a smaller cell size/);
});

test('fillRect fills exactly the rectangle and clips at the edges', () => {
  const r = createRaster(4, 4, [0, 0, 0]);
  fillRect(r, 1, 1, 2, 2, [255, 0, 0]);
  const red = [];
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) if (getPixel(r, x, y)[0] === 255) red.push(`${x},${y}`);
  assert.deepEqual(red, ['1,1', '2,1', '1,2', '2,2']);
  fillRect(r, -5, 3, 100, 100, [0, 255, 0]); // clipped to the last row
  for (let x = 0; x < 4; x++) assert.deepEqual(getPixel(r, x, 3), [0, 255, 0, 255]);
  assert.deepEqual(getPixel(r, 0, 2), [0, 0, 0, 255]);
  setPixel(r, 9, 9, [1, 1, 1]); // outside: ignored
  assert.throws(() => getPixel(r, 4, 0), /pixel \(4, 0\) is outside the 4x4 raster/);
});

test('blit copies a raster at an offset and clips what falls outside', () => {
  const dst = createRaster(3, 3, [0, 0, 0]);
  const src = createRaster(2, 2, [9, 9, 9]);
  setPixel(src, 1, 1, [7, 7, 7]);
  blit(dst, src, 2, -1);
  // src row 0 falls above dst, src column 1 right of it: only src (0, 1) lands, at dst (2, 0).
  assert.deepEqual(getPixel(dst, 2, 0), [9, 9, 9, 255]);
  assert.deepEqual(getPixel(dst, 1, 0), [0, 0, 0, 255]);
  assert.deepEqual(getPixel(dst, 2, 1), [0, 0, 0, 255]);
  const d2 = createRaster(3, 3, [0, 0, 0]);
  blit(d2, src, 1, 1);
  assert.deepEqual(getPixel(d2, 1, 1), [9, 9, 9, 255]);
  assert.deepEqual(getPixel(d2, 2, 2), [7, 7, 7, 255]);
  assert.deepEqual(getPixel(d2, 0, 0), [0, 0, 0, 255]);
});

test('composeRow places panels left to right with gaps, top-aligned by default', () => {
  const a = createRaster(2, 3, [255, 0, 0]);
  const b = createRaster(4, 1, [0, 0, 255]);
  const row = composeRow([a, b], { gap: 1, background: [0, 0, 0] });
  assert.equal(row.width, 2 + 1 + 4);
  assert.equal(row.height, 3);
  assert.deepEqual(getPixel(row, 1, 2), [255, 0, 0, 255]);
  assert.deepEqual(getPixel(row, 2, 0), [0, 0, 0, 255]); // the gap
  assert.deepEqual(getPixel(row, 3, 0), [0, 0, 255, 255]);
  assert.deepEqual(getPixel(row, 3, 1), [0, 0, 0, 255]); // below the shorter panel
  const bottom = composeRow([a, b], { gap: 0, align: 'bottom', background: [0, 0, 0] });
  assert.deepEqual(getPixel(bottom, 2, 2), [0, 0, 255, 255]);
  assert.throws(() => composeRow([]), /composeRow got no rasters: pass at least one panel/);
  assert.throws(() => composeRow([a], { gap: -1 }), /compose gap -1 is invalid/);
});

test('composeGrid stacks rows, left-aligned', () => {
  const a = createRaster(2, 2, [255, 0, 0]);
  const b = createRaster(3, 1, [0, 255, 0]);
  const g = composeGrid([[a, a], [b]], { gap: 2, background: [0, 0, 0] });
  assert.equal(g.width, 2 + 2 + 2);
  assert.equal(g.height, 2 + 2 + 1);
  assert.deepEqual(getPixel(g, 0, 4), [0, 255, 0, 255]);
  assert.deepEqual(getPixel(g, 5, 4), [0, 0, 0, 255]);
  assert.deepEqual(getPixel(g, 4, 0), [255, 0, 0, 255]);
  assert.throws(() => composeGrid([[a], []]), /composeGrid row 1 is empty/);
});
