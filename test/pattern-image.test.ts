import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { builtinPattern, patternFromPixels, patternToPixels, patternToText, resizeGrey, toGrey, type RgbaImage } from '../src/core/pattern/index.js';
import { readImageFile } from '../src/node/image-file.js';
import { resolvePattern } from '../src/node/pattern-source.js';

const mpo = (message: RegExp) => ({ name: 'MpoError', message });
const dir = mkdtempSync(join(tmpdir(), 'mpo-pattern-image-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An opaque RGBA image whose pixel (x, y) has grey level `grey(x, y)` (0..255). */
function image(width: number, height: number, grey: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8Array(4 * width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const g = grey(x, y);
      data.set([g, g, g, 255], 4 * (y * width + x));
    }
  }
  return { data, width, height };
}

function pngBytes(img: RgbaImage): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  png.data.set(img.data);
  return PNG.sync.write(png);
}

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function blackColumns(p: { width: number; height: number; cells: Uint8Array; }): number[] {
  const cols: number[] = [];
  for (let j = 0; j < p.width; j++) {
    let all = true;
    for (let i = 0; i < p.height; i++) all &&= p.cells[i * p.width + j] === 1;
    if (all) cols.push(j);
  }
  return cols;
}

const leftHalf = image(100, 100, (x) => (x < 50 ? 0 : 255));

test('a 100x100 image with a black left half becomes 50x50 with exactly 25 black columns', () => {
  const p = patternFromPixels(leftHalf, { name: 'half' });
  assert.equal(p.height, 50);
  assert.equal(p.width, 50);
  assert.deepEqual(blackColumns(p), Array.from({ length: 25 }, (_, j) => j));
  assert.equal(p.cells.reduce((s, v) => s + v, 0), 25 * 50);
  assert.equal(p.name, 'half');
});

test('grey levels: Rec. 601 luma, alpha composited over white', () => {
  const data = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0, 51, 200, 200, 200, 255]);
  const grey = toGrey({ data, width: 6, height: 1 });
  const expected = [0.299, 0.587, 0.114, 1, 0.8, 200 / 255];
  expected.forEach((g, k) => assert.ok(Math.abs(grey[k] - g) < 1e-12, `pixel ${k}: ${grey[k]} vs ${g}`));
  const p = patternFromPixels({ data, width: 6, height: 1 });
  assert.deepEqual([...p.cells], [1, 0, 1, 0, 0, 0]);
});

test('the box filter averages exact footprints when shrinking and copies pixels when growing', () => {
  // 3 pixels into 2 cells: each cell covers 1.5 pixels.
  const down = resizeGrey(new Float64Array([0, 1, 1]), 1, 3, 1, 2);
  assert.ok(Math.abs(down[0] - 1 / 3) < 1e-12 && Math.abs(down[1] - 1) < 1e-12);
  // 2x2 into 4x4: each pixel becomes a 2x2 block; 2 into 3: the middle cell straddles both pixels.
  const up = resizeGrey(new Float64Array([0, 1, 1, 1]), 2, 2, 4, 4);
  assert.deepEqual([...up], [0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  const mid = resizeGrey(new Float64Array([0, 1]), 1, 2, 1, 3);
  assert.ok(Math.abs(mid[1] - 0.5) < 1e-12 && mid[0] === 0 && mid[2] === 1);
  // The mean grey is preserved by any resize.
  const img = toGrey(image(37, 23, (x, y) => (x * 7 + y * 13) % 256));
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  for (const [h, w] of [[10, 16], [23, 37], [50, 80], [7, 3]]) {
    assert.ok(Math.abs(mean(resizeGrey(img, 23, 37, h, w)) - mean(img)) < 1e-9, `${h}x${w}`);
  }
});

test('size: default keeps small images, shrinks to longest side 50; a number is the longest side', () => {
  const wide = image(200, 100, (x) => (x < 100 ? 0 : 255));
  assert.deepEqual([patternFromPixels(wide).height, patternFromPixels(wide).width], [25, 50]);
  const small = image(30, 12, (x) => (x < 10 ? 0 : 255));
  assert.deepEqual([patternFromPixels(small).height, patternFromPixels(small).width], [12, 30]);
  const p = patternFromPixels(wide, { size: 20 });
  assert.deepEqual([p.height, p.width], [10, 20]);
  assert.deepEqual(blackColumns(p), Array.from({ length: 10 }, (_, j) => j));
  const q = patternFromPixels(leftHalf, { size: { height: 8, width: 3 } });
  assert.deepEqual([q.height, q.width], [8, 3]);
  const up = patternFromPixels(image(4, 4, (x, y) => (x < 2 && y < 2 ? 0 : 255)), { size: 8 });
  assert.equal(patternToText(up), ['####....', '####....', '####....', '####....', '........', '........', '........', '........'].join('\n'));
});

test('threshold and invert', () => {
  const ramp = image(10, 1, (x) => Math.round((x * 255) / 9)); // greys 0, 1/9, ..., 1
  const cells = (opts: object) => [...patternFromPixels(ramp, opts).cells].join('');
  assert.equal(cells({}), '1111100000');
  assert.equal(cells({ threshold: 0.25 }), '1110000000');
  assert.equal(cells({ threshold: 0.25, invert: true }), '0001111111');
  assert.equal(cells({ invert: true }), '0000011111');
});

test('patternToPixels round-trips through patternFromPixels', () => {
  const heart = builtinPattern('heart', 30);
  assert.deepEqual(patternFromPixels(patternToPixels(heart)).cells, heart.cells);
});

test('bad pixels, options and one-colour results throw MpoErrors', () => {
  assert.throws(() => patternFromPixels({ data: new Uint8Array(10), width: 2, height: 2 }, { name: 'x.png' }),
    mpo(/^image "x\.png" has 10 bytes of pixels, expected 2x2x4=16: pass RGBA pixels$/));
  assert.throws(() => patternFromPixels(leftHalf, { threshold: 1.5 }), mpo(/^threshold 1\.5 for "image" is not in 0\.\.1/));
  assert.throws(() => patternFromPixels(leftHalf, { size: 300 }), mpo(/^pattern size 300 for "image" is not an integer in 1\.\.200/));
  assert.throws(() => patternFromPixels(leftHalf, { size: { height: 0, width: 5 } }), mpo(/^pattern size 0x5 for "image" is not allowed/));
  const pale = image(8, 8, (x) => (x < 4 ? 200 : 255));
  assert.throws(() => patternFromPixels(pale, { name: 'pale.png' }), mpo(
    /^pattern "pale\.png" is all white at threshold 0\.5: its cells have grey levels 0\.784\.\.1\.000 \(0 = black, 1 = white\); pick a threshold inside that range$/,
  ));
  assert.equal(patternFromPixels(pale, { threshold: 0.9 }).cells.reduce((s, v) => s + v, 0), 32);
  assert.throws(() => patternFromPixels(image(3, 3, () => 0), { name: 'ink' }),
    mpo(/^pattern "ink" is all black at threshold 0\.5: .*0\.000\.\.0\.000.*, or use a picture with some contrast$/));
});

test('readImageFile decodes PNG exactly and JPEG closely, by magic bytes not extension', () => {
  const img = image(6, 4, (x, y) => 40 * x + y);
  const png = readImageFile(write('grad.png', pngBytes(img)));
  assert.deepEqual([png.width, png.height], [6, 4]);
  assert.deepEqual([...png.data], [...img.data]);
  const disguised = readImageFile(write('really-a-png.jpg', pngBytes(img)));
  assert.deepEqual([...disguised.data], [...img.data]);

  const jpg = jpeg.encode({ data: leftHalf.data, width: 100, height: 100 }, 95);
  const decoded = readImageFile(write('half.jpg', jpg.data));
  assert.deepEqual([decoded.width, decoded.height], [100, 100]);
  assert.equal(decoded.data.length, 100 * 100 * 4);
  assert.deepEqual(blackColumns(patternFromPixels(decoded)), Array.from({ length: 25 }, (_, j) => j));
  assert.deepEqual(blackColumns(patternFromPixels(readImageFile(write('jpeg-named.png', jpg.data)))).length, 25);
});

test('readImageFile: missing, non-image, empty, truncated files and directories give one-line MpoErrors', () => {
  const fix = 'pass a PNG or JPEG image, a \\.txt grid, or a built-in name: heart, ring, star, .*moon';
  const missing = join(dir, 'nope.png');
  assert.throws(() => readImageFile(missing), mpo(new RegExp(`^file ".*nope\\.png" does not exist: ${fix}$`)));
  const text = write('notes.png', 'this is not a picture\n');
  assert.throws(() => readImageFile(text),
    mpo(new RegExp(`^file ".*notes\\.png" is not a PNG or JPEG image \\(it starts with bytes "74 68 69 73"\\): ${fix}$`)));
  assert.throws(() => readImageFile(write('empty.png', '')), mpo(/^file ".*empty\.png" is empty, not an image: pass a PNG/));
  const whole = pngBytes(image(20, 20, (x) => x * 10));
  const cut = write('cut.png', whole.subarray(0, whole.length - 30));
  assert.throws(() => readImageFile(cut), mpo(new RegExp(`^PNG file ".*cut\\.png" could not be decoded \\(.+\\), it may be truncated or damaged: ${fix}$`)));
  const jpg = jpeg.encode({ data: leftHalf.data, width: 100, height: 100 }, 90).data;
  const cutJpg = write('cut.jpg', jpg.subarray(0, jpg.length >> 1));
  assert.throws(() => readImageFile(cutJpg), mpo(/^JPEG file ".*cut\.jpg" could not be decoded \(.+\), it may be truncated, damaged or too large: pass a PNG/));
  const sub = join(dir, 'folder.png');
  mkdirSync(sub);
  assert.throws(() => readImageFile(sub), mpo(/^".*folder\.png" is a directory, not a file: pass a PNG/));
});

test('resolvePattern: built-in names, images and text grids', () => {
  const ring = resolvePattern('ring');
  assert.deepEqual([ring.height, ring.width, ring.name], [20, 20, 'ring']);
  assert.deepEqual(resolvePattern('heart', { size: 33 }).cells, builtinPattern('heart', 33).cells);
  assert.deepEqual(resolvePattern('heart', { invert: true }).cells, builtinPattern('heart').cells.map((v) => 1 - v));

  const png = resolvePattern(write('half.png', pngBytes(leftHalf)));
  assert.deepEqual([png.height, png.width, png.name], [50, 50, 'half.png']);
  assert.deepEqual(blackColumns(png).length, 25);
  const small = resolvePattern(join(dir, 'half.png'), { size: 10, invert: true });
  assert.deepEqual(blackColumns(small), [5, 6, 7, 8, 9]);

  const grid = write('tiny.TXT', '\ufeff#..\n.#.\n..#\n');
  const t = resolvePattern(grid);
  assert.deepEqual([t.height, t.width, t.name], [3, 3, 'tiny.TXT']);
  assert.equal(patternToText(t), '#..\n.#.\n..#');
  assert.equal(patternToText(resolvePattern(grid, { invert: true })), '.##\n#.#\n##.');
  assert.equal(patternToText(resolvePattern(grid, { size: 6 })), ['##....', '##....', '..##..', '..##..', '....##', '....##'].join('\n'));
  assert.deepEqual(resolvePattern(grid, { size: 3 }).cells, t.cells);
});

test('resolvePattern: unknown specs list the built-ins, and a typo gets a suggestion', () => {
  assert.throws(() => resolvePattern('hart'), mpo(
    /^pattern "hart" is neither a built-in nor an existing file \(did you mean heart\?\): pass one of heart, ring, star, .*moon, a 3D solid \(sphere-shell, ball, cube-frame, diagonal-slab\), a 1D strip \(1d:##..##\), or the path of a PNG, JPEG or \.txt file$/,
  ));
  assert.throws(() => resolvePattern(join(dir, 'missing.png')),
    mpo(/^pattern ".*missing\.png" is neither a built-in nor an existing file: pass one of heart, ring/));
  assert.throws(() => resolvePattern(''), mpo(/^the pattern is empty: pass a built-in name \(heart, ring/));
  assert.throws(() => resolvePattern(write('bad.txt', '#.\n#?\n')), mpo(/^pattern "bad\.txt" line 2, column 2: unknown character "\?"/));
  assert.throws(() => resolvePattern(write('data.csv', '1,0\n0,1\n')), mpo(/^file ".*data\.csv" is not a PNG or JPEG image/));
});
