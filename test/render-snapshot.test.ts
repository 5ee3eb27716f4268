import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderLineChart } from '../src/core/render/chart.js';
import { renderHeatmap, renderMask } from '../src/core/render/heatmap.js';
import { compose, type Figure } from '../src/core/render/svg.js';
import { decodePng, figureToPng, type Raster } from '../src/node/output/png.js';

/**
 * Snapshot tests of whole pictures. A picture is rendered to PNG (resvg with the shipped
 * font) and its DECODED PIXELS are compared with `test/snapshots/<name>.png` within a
 * tolerance, so a different zlib or an anti-aliasing change in the last bit passes and a
 * changed drawing fails. `UPDATE_SNAPSHOTS=1 node --import tsx --test test/render-snapshot.test.ts`
 * rewrites the snapshots (look at them before committing).
 */

const SNAPSHOTS = fileURLToPath(new URL('./snapshots/', import.meta.url));

/** How far a picture may be from its snapshot. */
export interface Tolerance {
  /** Largest mean absolute difference per channel, 0-255 (default 0.5). */
  meanAbs?: number;
  /** Largest fraction of pixels with some channel more than 24 apart (default 0.0001: a changed word fails). */
  differing?: number;
}

/** Compares two pictures; returns why they differ beyond the tolerance, or null when they match. */
export function comparePixels(a: Raster, b: Raster, tol: Tolerance = {}): string | null {
  if (a.width !== b.width || a.height !== b.height) return `size ${a.width}x${a.height}, snapshot ${b.width}x${b.height}`;
  let sum = 0, differing = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let worst = 0;
    for (let c = 0; c < 4; c++) {
      const d = Math.abs(a.data[i + c] - b.data[i + c]);
      sum += d;
      worst = Math.max(worst, d);
    }
    if (worst > 24) differing++;
  }
  const meanAbs = sum / a.data.length, frac = differing / (a.width * a.height);
  if (meanAbs > (tol.meanAbs ?? 0.5) || frac > (tol.differing ?? 1e-4)) {
    return `mean absolute difference ${meanAbs.toFixed(3)} per channel, ${(100 * frac).toFixed(2)}% of pixels differ`;
  }
  return null;
}

function matchSnapshot(name: string, f: Figure): void {
  const png = figureToPng(f);
  const path = `${SNAPSHOTS}${name}.png`;
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    writeFileSync(path, png);
    return;
  }
  assert.ok(existsSync(path), `no snapshot ${path}: run UPDATE_SNAPSHOTS=1 node --import tsx --test test/render-snapshot.test.ts`);
  const diff = comparePixels(decodePng(png), decodePng(readFileSync(path), path));
  assert.equal(diff, null, `${name}: the picture changed (${diff}): look at it, then run with UPDATE_SNAPSHOTS=1 to accept it`);
}

/** A 16x16 ring of low loss (radius 5), values from exact arithmetic only. */
function ringLandscape(): { loss: Float64Array; mask: Uint8Array; } {
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

function panels(title = 'test loss (log)'): Figure {
  const { loss, mask } = ringLandscape();
  const acc = Float64Array.from(loss, (v) => 1 / (1 + 4 * v));
  return compose([[
    renderMask(mask, 16, 16, { title: 'target' }),
    renderHeatmap(loss, 16, 16, { scale: 'log', title, outline: mask }),
    renderHeatmap(acc, 16, 16, { scale: 'linear', domain: [0, 1], title: 'test accuracy' }),
  ]]);
}

function chart(): Figure {
  const pts = (f: (i: number) => number) => Array.from({ length: 60 }, (_, i) => [i * 10, f(i)] as [number, number]);
  return renderLineChart({
    title: 'cross-entropy of sampled cells',
    xLabel: 'step',
    yLabel: 'CE',
    logY: true,
    series: [{ name: 'black cells', points: pts((i) => 2.3 * 0.93 ** i + 0.005) }, { name: 'white cells', points: pts((i) => 2.5 - 1.2 * 0.9 ** i),
      dotted: true }],
  });
}

test('snapshot: target | log-scale loss with outline | accuracy', () => matchSnapshot('panels', panels()));

test('snapshot: a line chart on a log axis with a legend', () => matchSnapshot('chart', chart()));

test('the snapshot check rejects a changed picture and accepts tiny noise', () => {
  const ref = decodePng(figureToPng(panels()));
  assert.match(comparePixels(decodePng(figureToPng(panels('test loss (log scale)'))), ref) ?? '', /of pixels differ/, 'a changed title fails');
  const { loss } = ringLandscape();
  const moved = decodePng(figureToPng(compose([[renderHeatmap(loss.map((v) => v * 3), 16, 16, { scale: 'log', domain: [0.004, 10] })]])));
  const same = decodePng(figureToPng(compose([[renderHeatmap(loss, 16, 16, { scale: 'log', domain: [0.004, 10] })]])));
  assert.notEqual(comparePixels(moved, same), null, 'changed values fail');
  assert.match(comparePixels(ref, { width: ref.width + 1, height: ref.height, data: ref.data }) ?? '', /^size/);
  const noisy = { ...ref, data: Uint8ClampedArray.from(ref.data, (v, i) => (i % 97 === 0 ? v ^ 1 : v)) };
  assert.equal(comparePixels(noisy, ref), null, 'a one-bit change here and there passes');
});
