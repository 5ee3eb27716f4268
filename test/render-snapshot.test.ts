import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderHeatmap } from '../src/core/render/heatmap.js';
import { renderMask } from '../src/core/render/mask.js';
import { composeRow, type Raster } from '../src/core/render/raster.js';
import { encodePng } from '../src/node/output/png.js';

const SNAPSHOTS = fileURLToPath(new URL('./snapshots/', import.meta.url));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Compares a picture with its committed snapshot `test/snapshots/<name>.sha256`, whose
 * first line is the SHA-256 of the PNG bytes and second line that of the raw RGBA pixels
 * (to tell a drawing change from a zlib change). With UPDATE_SNAPSHOTS=1 it rewrites the
 * hashes and `<name>.png` (for humans to look at) instead.
 */
function matchSnapshot(name: string, raster: Raster): void {
  const png = encodePng(raster);
  const lines = `${sha256(png)}  ${name}.png\n${sha256(raster.data as unknown as Uint8Array)}  ${name}.rgba\n`;
  const hashFile = `${SNAPSHOTS}${name}.sha256`;
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    writeFileSync(hashFile, lines);
    writeFileSync(`${SNAPSHOTS}${name}.png`, png);
    return;
  }
  assert.ok(existsSync(hashFile), `no snapshot ${hashFile}: run UPDATE_SNAPSHOTS=1 node --import tsx --test test/render-snapshot.test.ts`);
  const [pngHash, rgbaHash] = readFileSync(hashFile, 'utf8').split('\n').map((l) => l.split(/\s+/)[0]);
  const pixelsSame = rgbaHash === sha256(raster.data as unknown as Uint8Array);
  assert.equal(sha256(png), pngHash,
    pixelsSame
      ? `${name}: same pixels, different PNG bytes (zlib changed?): check and run with UPDATE_SNAPSHOTS=1`
      : `${name}: the picture changed: look at it, then run with UPDATE_SNAPSHOTS=1 to accept it`);
}

/** A 16x16 ring of low loss (radius 5), values from exact arithmetic only. */
function ringLandscape(): { loss: Float64Array; mask: Uint8Array } {
  const n = 16;
  const loss = new Float64Array(n * n);
  const mask = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d2 = (i - 7.5) ** 2 + (j - 7.5) ** 2;
      loss[i * n + j] = 0.004 + Math.abs(d2 - 25) * Math.abs(d2 - 25) / 400;
      mask[i * n + j] = Math.abs(d2 - 25) < 12 ? 1 : 0;
    }
  }
  return { loss, mask };
}

test('snapshot: a log-scale heat map with colour bar, axes, title and outline', () => {
  const { loss, mask } = ringLandscape();
  const h = renderHeatmap(loss, 16, 16, { scale: 'log', title: 'test loss (log)', outline: mask });
  matchSnapshot('heatmap', h);
});

test('snapshot: target | loss | accuracy panels side by side', () => {
  const { loss, mask } = ringLandscape();
  const acc = Float64Array.from(loss, (v) => 1 / (1 + 4 * v));
  const row = composeRow([
    renderMask(mask, 16, 16, { title: 'target' }),
    renderHeatmap(loss, 16, 16, { scale: 'log', title: 'test loss (log)' }),
    renderHeatmap(acc, 16, 16, { scale: 'linear', title: 'test accuracy' }),
  ], { gap: 4 });
  matchSnapshot('panels', row);
});
