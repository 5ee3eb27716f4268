import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_NAMES, BUILTIN_PATTERNS, builtinPattern, parsePatternText, patternToText, type Pattern } from '../src/core/pattern/index.js';

/** assert.throws matcher: an MpoError whose message matches. */
const mpo = (message: RegExp) => ({ name: 'MpoError', message });

/** The cell under the point (x, y) of the unit square, drawn on a square pattern. */
function at(p: Pattern, x: number, y: number): number {
  return p.cells[Math.floor(y * p.height) * p.width + Math.floor(x * p.width)];
}

function blackCount(p: Pattern): number {
  return p.cells.reduce((s, v) => s + v, 0);
}

function isMirrorSymmetric(p: Pattern): boolean {
  for (let i = 0; i < p.height; i++) {
    for (let j = 0; j < p.width; j++) {
      if (p.cells[i * p.width + j] !== p.cells[i * p.width + p.width - 1 - j]) return false;
    }
  }
  return true;
}

const RING_20 = `
....................
....................
......########......
.....##########.....
....############....
...##############...
..#####......#####..
..####........####..
..####........####..
..####........####..
..####........####..
..####........####..
..####........####..
..#####......#####..
...##############...
....############....
.....##########.....
......########......
....................
....................
`;

test('there are at least 8 built-ins, each with a one-line description', () => {
  assert.ok(BUILTIN_NAMES.length >= 8);
  for (const name of ['heart', 'ring', 'star', 'smiley', 'letter-a', 'digit-8', 'digit-2', 'cross', 'checker', 'triangle', 'moon']) {
    const b = BUILTIN_PATTERNS[name];
    assert.ok(b, name);
    assert.match(b.description, /^[^\n]{10,120}$/, name);
  }
  assert.deepEqual([...BUILTIN_NAMES], Object.keys(BUILTIN_PATTERNS));
});

test('every built-in has black and white cells at every square size 10..100', () => {
  for (const name of BUILTIN_NAMES) {
    for (let n = 10; n <= 100; n++) {
      const p = BUILTIN_PATTERNS[name].draw(n, n);
      assert.equal(p.cells.length, n * n);
      const black = blackCount(p);
      assert.ok(black > 0 && black < n * n, `${name} at ${n}x${n} has ${black} black cells`);
      assert.equal(p.name, name);
    }
  }
});

test('the ring is exactly the benchmark ring at 20x20 (cell-centre rule, 156 black cells)', () => {
  const ring = builtinPattern('ring');
  assert.equal(patternToText(ring), RING_20.trim());
  assert.deepEqual(ring.cells, parsePatternText(RING_20).cells);
  assert.equal(blackCount(ring), 156);
});

test('the ring follows its rule at other sizes: black iff 0.22 <= centre distance <= 0.42', () => {
  for (const n of [11, 30, 57]) {
    const ring = builtinPattern('ring', n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = Math.hypot((j + 0.5) / n - 0.5, (i + 0.5) / n - 0.5);
        assert.equal(ring.cells[i * n + j], d >= 0.22 && d <= 0.42 ? 1 : 0, `ring ${n}: cell ${i},${j}`);
      }
    }
  }
});

test('symmetric built-ins are exact left-right mirror images at every size 10..100', () => {
  for (const name of ['heart', 'ring', 'star', 'smiley', 'letter-a', 'digit-8', 'cross', 'triangle']) {
    for (let n = 10; n <= 100; n++) assert.ok(isMirrorSymmetric(builtinPattern(name, n)), `${name} ${n}`);
  }
  assert.ok(!isMirrorSymmetric(builtinPattern('moon', 20)));
  assert.ok(!isMirrorSymmetric(builtinPattern('digit-2', 20)));
});

test('built-ins look like what they are named (landmark cells at several sizes)', () => {
  for (const n of [20, 41, 80]) {
    const heart = builtinPattern('heart', n);
    assert.equal(at(heart, 0.3, 0.3), 1, 'heart left lobe');
    assert.equal(at(heart, 0.7, 0.3), 1, 'heart right lobe');
    assert.equal(at(heart, 0.5, 0.03), 0, 'heart notch between lobes');
    assert.equal(at(heart, 0.5, 0.85), 1, 'heart point');
    assert.equal(at(heart, 0.15, 0.85), 0, 'heart lower corner');

    const star = builtinPattern('star', n);
    assert.equal(at(star, 0.5, 0.5), 1, 'star centre');
    assert.equal(at(star, 0.5, 0.2), 1, 'star top point');
    assert.equal(at(star, 0.25, 0.2), 0, 'star between top and left points');
    assert.equal(at(star, 0.5, 0.88), 0, 'star between the two lower points');
    assert.equal(at(star, 0.3, 0.83), 1, 'star lower left point');
    assert.equal(at(star, 0.7, 0.83), 1, 'star lower right point');

    const smiley = builtinPattern('smiley', n);
    assert.equal(at(smiley, 0.5, 0.5), 1, 'smiley face');
    assert.equal(at(smiley, 0.34, 0.36), 0, 'smiley left eye');
    assert.equal(at(smiley, 0.66, 0.36), 0, 'smiley right eye');
    assert.equal(at(smiley, 0.5, 0.68), 0, 'smiley mouth');
    assert.equal(at(smiley, 0.5, 0.85), 1, 'smiley chin');

    const a = builtinPattern('letter-a', n);
    assert.equal(at(a, 0.5, 0.12), 1, 'A apex');
    assert.equal(at(a, 0.5, 0.62), 1, 'A crossbar');
    assert.equal(at(a, 0.5, 0.85), 0, 'A open bottom');
    assert.equal(at(a, 0.18, 0.86), 1, 'A left foot');
    assert.equal(at(a, 0.1, 0.3), 0, 'A outside');

    const eight = builtinPattern('digit-8', n);
    assert.equal(at(eight, 0.5, 0.28), 0, '8 upper hole');
    assert.equal(at(eight, 0.5, 0.68), 0, '8 lower hole');
    assert.equal(at(eight, 0.5, 0.46), 1, '8 waist');
    assert.equal(at(eight, 0.5, 0.12), 1, '8 top');
    assert.equal(at(eight, 0.1, 0.5), 0, '8 outside');

    const two = builtinPattern('digit-2', n);
    assert.equal(at(two, 0.5, 0.86), 1, '2 base');
    assert.equal(at(two, 0.75, 0.86), 1, '2 base right');
    assert.equal(at(two, 0.5, 0.13), 1, '2 top of the arc');
    assert.equal(at(two, 0.5, 0.34), 0, '2 inside the arc');
    assert.equal(at(two, 0.3, 0.65), 0, '2 left of the diagonal');

    const cross = builtinPattern('cross', n);
    assert.equal(at(cross, 0.5, 0.5), 1);
    assert.equal(at(cross, 0.5, 0.15), 1);
    assert.equal(at(cross, 0.15, 0.5), 1);
    assert.equal(at(cross, 0.2, 0.2), 0);
    assert.equal(at(cross, 0.8, 0.8), 0);

    const tri = builtinPattern('triangle', n);
    const rowBlack = (i: number) => tri.cells.subarray(i * n, (i + 1) * n).reduce((s, v) => s + v, 0);
    for (let i = Math.ceil(0.2 * n); i < Math.floor(0.8 * n); i++) assert.ok(rowBlack(i + 1) >= rowBlack(i), `triangle widens at row ${i}`);
    assert.equal(at(tri, 0.5, 0.05), 0, 'triangle above the apex');

    const moon = builtinPattern('moon', n);
    assert.equal(at(moon, 0.15, 0.5), 1, 'moon left limb');
    assert.equal(at(moon, 0.5, 0.8), 1, 'moon lower limb');
    assert.equal(at(moon, 0.6, 0.4), 0, 'moon bite');
    assert.equal(at(moon, 0.95, 0.05), 0, 'moon outside');
  }
});

test('checker is a 4x4 board with a black top-left square', () => {
  const p = builtinPattern('checker', 20);
  for (let i = 0; i < 20; i++) {
    for (let j = 0; j < 20; j++) assert.equal(p.cells[i * 20 + j], (Math.floor(i / 5) + Math.floor(j / 5)) % 2 === 0 ? 1 : 0);
  }
  const r = builtinPattern('checker', { height: 8, width: 12 });
  assert.equal(patternToText(r),
    ['###...###...', '###...###...', '...###...###', '...###...###', '###...###...', '###...###...', '...###...###', '...###...###'].join('\n'));
});

test('rectangular sizes centre the square picture (shapes keep their proportions)', () => {
  const square = builtinPattern('heart', 20);
  const wide = builtinPattern('heart', { height: 20, width: 40 });
  assert.equal(wide.height, 20);
  assert.equal(wide.width, 40);
  for (let i = 0; i < 20; i++) {
    assert.deepEqual(wide.cells.subarray(i * 40 + 10, i * 40 + 30), square.cells.subarray(i * 20, i * 20 + 20));
    assert.equal(wide.cells.subarray(i * 40, i * 40 + 10).reduce((s, v) => s + v, 0), 0);
    assert.equal(wide.cells.subarray(i * 40 + 30, i * 40 + 40).reduce((s, v) => s + v, 0), 0);
  }
  const tall = builtinPattern('ring', { height: 30, width: 20 });
  assert.deepEqual(tall.cells.subarray(5 * 20, 25 * 20), builtinPattern('ring', 20).cells);
  assert.equal(blackCount(tall), 156);
});

test('the default size is 20x20 and the same call draws the same cells', () => {
  const p = builtinPattern('star');
  assert.equal(p.height, 20);
  assert.equal(p.width, 20);
  assert.deepEqual(builtinPattern('star', 20).cells, p.cells);
  assert.deepEqual(BUILTIN_PATTERNS.star.draw(20, 20).cells, p.cells);
});

test('an unknown name or a bad size throws an MpoError saying what to pass', () => {
  assert.throws(() => builtinPattern('hearts'), mpo(/^unknown built-in pattern "hearts": use one of heart, ring, star, .*moon$/));
  assert.throws(() => builtinPattern('toString'), mpo(/unknown built-in pattern "toString"/));
  assert.throws(() => builtinPattern('ring', 0), mpo(/^built-in pattern "ring": height 0 is not an integer in 1\.\.200/));
  assert.throws(() => builtinPattern('ring', 201), mpo(/height 201 is not an integer in 1\.\.200/));
  assert.throws(() => builtinPattern('ring', { height: 20, width: 2.5 }), mpo(/width 2\.5 is not an integer/));
  assert.throws(() => builtinPattern('ring', 2), mpo(/^built-in pattern "ring" is all black at 2x2: use a size of at least 10$/));
  assert.throws(() => builtinPattern('star', 1), mpo(/^built-in pattern "star" is all white at 1x1: use a size of at least 10$/));
});
