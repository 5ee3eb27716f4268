import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHeatmap } from '../src/core/render/heatmap.js';
import { text, toSvg, type Figure } from '../src/core/render/svg.js';
import { decodePng, figureToPng, FONT_FILES, isPng, svgToPng, writeFigure } from '../src/node/output/png.js';

const inkOf = (png: Uint8Array) => {
  const r = decodePng(png);
  let n = 0;
  for (let i = 0; i < r.data.length; i += 4) if (r.data[i] < 128) n++;
  return n;
};

test('svgToPng draws text with the shipped DejaVu Sans, at the SVG size times the scale', () => {
  for (const f of FONT_FILES) assert.ok(existsSync(f), f);
  const f: Figure = { width: 120, height: 30, body: text(4, 20, 'Loss 0.01 − ±', { size: 16 }) + text(4, 29, 'bold', { size: 8, bold: true }) };
  const png = figureToPng(f);
  assert.ok(isPng(png));
  const r = decodePng(png);
  assert.deepEqual([r.width, r.height], [120, 30]);
  assert.ok(inkOf(png) > 100, 'the text is drawn: a font was found');
  const big = decodePng(figureToPng(f, { scale: 2 }));
  assert.deepEqual([big.width, big.height], [240, 60]);
  // Any font family falls back to the shipped one: no system font is used.
  const other = svgToPng(toSvg(f).replace(/font-family="[^"]*"/, 'font-family="Comic Sans MS"'));
  assert.deepEqual(decodePng(other).data, r.data);
  assert.throws(() => svgToPng(toSvg(f), { scale: 0 }), /PNG scale 0 is invalid/);
});

test('writeFigure writes the PNG atomically and the same picture as SVG beside it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpo-png-'));
  try {
    const h = renderHeatmap([0.01, NaN, 1, 10, 3, 0.2], 2, 3, { scale: 'log', title: 'a & b' });
    const path = join(dir, 'sub', 'x.png');
    writeFigure(path, h);
    assert.deepEqual(readdirSync(join(dir, 'sub')).sort(), ['x.png', 'x.svg']);
    const r = decodePng(readFileSync(path));
    assert.deepEqual([r.width, r.height], [h.width, h.height]);
    const svg = readFileSync(join(dir, 'sub', 'x.svg'), 'utf8');
    assert.equal(svg, toSvg(h));
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
    assert.ok(svg.includes('a &amp; b'));
    assert.throws(() => writeFigure(join(dir, 'y.jpg'), h), /does not end in .png/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('decodePng names bad input', () => {
  assert.throws(() => decodePng(Buffer.from('GIF89a....'), 'figure.gif'), /figure.gif is not a PNG file \(no PNG signature\): pass a .png image/);
  const truncated = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>').subarray(0, 40);
  assert.throws(() => decodePng(truncated, 'cut.png'), /cut.png is not a readable PNG \(.*\): re-save the image as an 8-bit PNG/);
});
