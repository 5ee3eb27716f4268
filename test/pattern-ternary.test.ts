import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLACK, builtinPattern, IGNORED, parsePatternText, randomMask, toTernary, trainedCells, WHITE, type TernaryMask } from '../src/core/pattern/index.js';

/** Draws a ternary mask as text: # trained black, . trained white, space ignored. */
function show(m: TernaryMask): string {
  const ch = { [BLACK]: '#', [WHITE]: '.', [IGNORED]: ' ' } as Record<number, string>;
  const rows: string[] = [];
  for (let i = 0; i < m.height; i++) rows.push(Array.from(m.cells.subarray(i * m.width, (i + 1) * m.width), (v) => ch[v]).join(''));
  return rows.join('\n');
}

test('5x5 with a 3x3 black square: centre ignored, 8 black boundary cells and 16 white rim cells kept', () => {
  const p = parsePatternText('.....\n.###.\n.###.\n.###.\n.....');
  const m = toTernary(p);
  assert.equal(show(m), ['.....', '.###.', '.# #.', '.###.', '.....'].join('\n'));
  const t = trainedCells(m);
  assert.deepEqual(t.black, [6, 7, 8, 11, 13, 16, 17, 18]);
  assert.equal(t.white.length, 16);
  assert.deepEqual(t.white, [0, 1, 2, 3, 4, 5, 9, 10, 14, 15, 19, 20, 21, 22, 23, 24]);
});

test('7x7 with a 3x3 black square: white cells two steps away (the outer rim) are ignored', () => {
  const p = parsePatternText(['.......', '.......', '..###..', '..###..', '..###..', '.......', '.......'].join('\n'));
  const m = toTernary(p);
  assert.equal(show(m), ['       ', ' ..... ', ' .###. ', ' .# #. ', ' .###. ', ' ..... ', '       '].join('\n'));
  assert.equal(m.cells[0], IGNORED, 'top-left corner');
  assert.equal(m.cells[48], IGNORED, 'bottom-right corner');
  const t = trainedCells(m);
  assert.equal(t.black.length, 8);
  assert.equal(t.white.length, 16);
});

test('edges and corners count only their in-grid neighbours (nothing wraps around)', () => {
  // Left two columns black: (0,0) has neighbours (0,0),(0,1),(1,0),(1,1), all black -> ignored;
  // column 1 touches white column 2 -> kept; column 3 has no black neighbour -> ignored.
  const p = parsePatternText(['##..', '##..', '##..', '##..'].join('\n'));
  assert.equal(show(toTernary(p)), [' #. ', ' #. ', ' #. ', ' #. '].join('\n'));
  // The corner (0,0) has 4 cells in its neighbourhood, all black -> ignored; the other black
  // cells touch white ones -> kept.
  const q = parsePatternText(['##.', '##.', '...'].join('\n'));
  assert.equal(show(toTernary(q)), [' #.', '##.', '...'].join('\n'));
  // Right column black in a 3x3: white column 0 does not see column 2 through the edge.
  const r = parsePatternText(['..#', '..#', '..#'].join('\n'));
  assert.equal(show(toTernary(r)), [' .#', ' .#', ' .#'].join('\n'));
});

test('diagonal contact counts: a white cell touching black only at a corner is trained', () => {
  const p = parsePatternText(['#....', '.....', '.....', '.....', '.....'].join('\n'));
  assert.equal(show(toTernary(p)), ['#.   ', '..   ', '     ', '     ', '     '].join('\n'));
});

test('ignoreInterior: false keeps every cell with its colour', () => {
  const p = builtinPattern('heart', 20);
  const m = toTernary(p, { ignoreInterior: false });
  assert.deepEqual(m.cells, p.cells);
  assert.notEqual(m.cells, p.cells, "a copy, not the pattern's own array");
  const t = trainedCells(m);
  assert.equal(t.black.length + t.white.length, 400);
  assert.equal(t.black.length, p.cells.reduce((s, v) => s + v, 0));
  const defaults = toTernary(p);
  assert.deepEqual(defaults.cells, toTernary(p, { ignoreInterior: true }).cells);
  assert.ok(defaults.cells.includes(IGNORED));
});

test('the 20x20 ring in ternary form has 96 black and 96 white trained cells (benchmark)', () => {
  const t = trainedCells(toTernary(builtinPattern('ring', 20)));
  assert.equal(t.black.length, 96);
  assert.equal(t.white.length, 96);
});

test('ternary form agrees with a direct neighbourhood count on random masks', () => {
  for (const seed of [1, 2, 3]) {
    const p = randomMask({ side: 13, fill: 0.3 + 0.1 * seed, seed });
    const m = toTernary(p);
    for (let i = 0; i < 13; i++) {
      for (let j = 0; j < 13; j++) {
        const nb: number[] = [];
        for (let y = i - 1; y <= i + 1; y++) {
          for (let x = j - 1; x <= j + 1; x++) {
            if (y >= 0 && y < 13 && x >= 0 && x < 13) nb.push(p.cells[y * 13 + x]);
          }
        }
        const own = p.cells[i * 13 + j];
        const ignored = own === 1 ? nb.every((v) => v === 1) : nb.every((v) => v === 0);
        assert.equal(m.cells[i * 13 + j], ignored ? IGNORED : own, `seed ${seed} cell ${i},${j}`);
      }
    }
    const t = trainedCells(m);
    assert.ok(t.black.every((k) => p.cells[k] === 1) && t.white.every((k) => p.cells[k] === 0));
    assert.deepEqual([...t.black].sort((a, b) => a - b), t.black);
  }
});
