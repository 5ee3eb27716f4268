import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHeatmap } from '../src/core/render/heatmap.js';
import { createRaster, fillRect, setPixel } from '../src/core/render/raster.js';
import { decodePng, encodePng, isPng, writePng } from '../src/node/output/png.js';

test('PNG encode -> decode gives back the raster exactly', () => {
  const h = renderHeatmap([0.01, NaN, 1, 10, 3, 0.2], 2, 3, { scale: 'log', title: 'round trip' });
  const png = encodePng(h);
  assert.ok(isPng(png));
  assert.equal(png[25], 2); // IHDR colour type: opaque -> RGB
  const back = decodePng(png);
  assert.equal(back.width, h.width);
  assert.equal(back.height, h.height);
  assert.deepEqual(back.data, h.data);
});

test('transparent pixels are kept (RGBA colour type)', () => {
  const r = createRaster(3, 2, [10, 20, 30, 0]);
  setPixel(r, 1, 1, [200, 100, 50, 128]);
  const png = encodePng(r);
  assert.equal(png[25], 6);
  assert.deepEqual(decodePng(png).data, r.data);
});

test('encodePng rejects empty or inconsistent rasters; decodePng names bad input', () => {
  assert.throws(() => encodePng(createRaster(0, 3)), /cannot encode a 0x3 raster as PNG: width and height must be at least 1/);
  assert.throws(() => encodePng({ width: 2, height: 2, data: new Uint8ClampedArray(15) }),
    /raster data has 15 bytes, expected 2x2x4=16: pass RGBA pixels/);
  assert.throws(() => decodePng(Buffer.from('GIF89a....'), 'figure.gif'),
    /figure.gif is not a PNG file \(no PNG signature\): pass a .png image/);
  const truncated = encodePng(createRaster(4, 4)).subarray(0, 40);
  assert.throws(() => decodePng(truncated, 'cut.png'), /cut.png is not a readable PNG \(.*\): re-save the image as an 8-bit PNG/);
});

test('writePng writes the file atomically (no temporary file left behind)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpo-png-'));
  try {
    const r = createRaster(5, 4, [0, 0, 0]);
    fillRect(r, 1, 1, 2, 2, [255, 255, 0]);
    const path = join(dir, 'sub', 'x.png');
    writePng(path, r);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['x.png']);
    assert.deepEqual(decodePng(readFileSync(path)).data, r.data);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
