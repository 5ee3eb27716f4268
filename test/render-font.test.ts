import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawText, FONT_LINE_HEIGHT, hasGlyph, measureText } from '../src/core/render/font.js';
import { createRaster, getPixel, type Raster } from '../src/core/render/raster.js';

function inked(r: Raster): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) if (getPixel(r, x, y)[0] === 0) out.push({ x, y });
  return out;
}

test('the font covers digits, signs and letters used in titles and labels', () => {
  for (const ch of '0123456789.-+e:= ()/%ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz') {
    assert.ok(hasGlyph(ch), `missing glyph ${JSON.stringify(ch)}`);
  }
  assert.equal(hasGlyph('\u00e9'), false);
});

test('measureText: 5-pixel glyphs, 1-pixel spacing, narrow punctuation, scaled', () => {
  assert.deepEqual(measureText(''), { width: 0, height: FONT_LINE_HEIGHT });
  assert.equal(measureText('1').width, 5);
  assert.equal(measureText('10').width, 11);
  assert.equal(measureText('0.1').width, 5 + 1 + 2 + 1 + 5);
  assert.deepEqual(measureText('AUC 0.97', 2), { width: 2 * (5 * 6 + 3 + 2 + 7), height: 18 });
  assert.throws(() => measureText('x', 0), /text scale 0 is invalid: pass a whole number in 1..16/);
});

test('drawText draws the glyph pixels at the given place and scale', () => {
  const r = createRaster(8, 10);
  const w = drawText(r, '1', 1, 1, { color: [0, 0, 0] });
  assert.equal(w, 5);
  const px = inked(r);
  // '1': the stem is column 2 of the glyph, rows 0..6; the base is columns 1..3 of row 6.
  assert.equal(px.length, 10);
  assert.ok(px.some((p) => p.x === 3 && p.y === 1)); // top of the stem
  assert.ok(px.some((p) => p.x === 2 && p.y === 7) && px.some((p) => p.x === 4 && p.y === 7)); // the base
  assert.ok(px.every((p) => p.x >= 1 && p.x <= 5 && p.y >= 1 && p.y <= 7));
  const big = createRaster(20, 20);
  drawText(big, '1', 0, 0, { color: [0, 0, 0], scale: 2 });
  assert.equal(inked(big).length, 40);
  assert.deepEqual(getPixel(big, 4, 0), [0, 0, 0, 255]);
  assert.deepEqual(getPixel(big, 5, 1), [0, 0, 0, 255]);
});

test('descenders go below the capitals; unknown characters draw a box', () => {
  const r = createRaster(10, 12);
  drawText(r, 'g', 0, 0, { color: [0, 0, 0] });
  assert.ok(inked(r).some((p) => p.y === 8));
  const box = createRaster(6, 8);
  drawText(box, '\u00e9', 0, 0, { color: [0, 0, 0] });
  assert.equal(inked(box).length, 5 + 5 + 2 * 5);
});

test('drawText clips at the raster edge without throwing', () => {
  const r = createRaster(3, 3);
  assert.equal(drawText(r, 'AB', -2, -2, { color: [0, 0, 0] }), 11);
  assert.ok(inked(r).length > 0);
});

test('every glyph stays inside its measured box', () => {
  for (let c = 32; c < 127; c++) {
    const ch = String.fromCharCode(c);
    if (!hasGlyph(ch)) continue;
    const r = createRaster(12, 12);
    drawText(r, ch, 0, 0, { color: [0, 0, 0] });
    const w = measureText(ch).width;
    for (const p of inked(r)) assert.ok(p.x < w && p.y < FONT_LINE_HEIGHT, `glyph ${JSON.stringify(ch)} inks (${p.x}, ${p.y})`);
    if (ch !== ' ') assert.ok(inked(r).length > 0, `glyph ${JSON.stringify(ch)} is empty`);
  }
});
