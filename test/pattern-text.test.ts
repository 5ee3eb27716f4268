import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_NAMES, builtinPattern, parsePatternText, patternToText, randomMask } from '../src/core/pattern/index.js';

const mpo = (message: RegExp) => ({ name: 'MpoError', message });

test('a grid of all the characters parses to the expected cells', () => {
  const p = parsePatternText(['#X1█.', '.0 -_', '_-0.#'].join('\n'), 'chars');
  assert.equal(p.height, 3);
  assert.equal(p.width, 5);
  assert.equal(p.name, 'chars');
  assert.deepEqual([...p.cells], [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
});

test('blank lines before and after the grid and \\r\\n line ends are ignored', () => {
  const p = parsePatternText('\r\n   \n\n#.\r\n.#\r\n\n  \n');
  assert.equal(p.height, 2);
  assert.equal(p.width, 2);
  assert.deepEqual([...p.cells], [1, 0, 0, 1]);
  assert.equal(p.name, 'text');
});

test('spaces inside the grid are white cells, including a leading space', () => {
  const p = parsePatternText(' #\n# ');
  assert.deepEqual([...p.cells], [0, 1, 1, 0]);
});

test('ragged rows name the line and the expected width', () => {
  assert.throws(() => parsePatternText('\n###\n#.#\n##\n', 'g.txt'),
    mpo(/^pattern "g\.txt" line 4 has 2 cells, expected 3 as on line 2: make every row the same width \(spaces count as white cells; use \. for white\)$/));
  // an inner blank line separates the slices of a 3D grid (issue 11), it is no longer a ragged row
  assert.equal(parsePatternText('#.\n\n.#', 'gap').depth, 2);
});

test('an unknown character names its line and column', () => {
  assert.throws(() => parsePatternText('##..\n#.?.\n', 'q.txt'),
    mpo(/^pattern "q\.txt" line 2, column 3: unknown character "\?": use one of # X 1 █ for black and \. 0 - _ or space for white$/));
  assert.throws(() => parsePatternText('\n\n#x', 'lower'), mpo(/^pattern "lower" line 3, column 2: unknown character "x"/));
  assert.throws(() => parsePatternText('#\t.', 'tab'), mpo(/^pattern "tab" line 1, column 2: unknown character "\\t"/));
  assert.throws(() => parsePatternText('█😀', 'emoji'), mpo(/line 1, column 2: unknown character "😀"/));
});

test('empty, all-white and all-black grids are refused', () => {
  assert.throws(() => parsePatternText('\n  \n', 'empty'), mpo(/^pattern "empty" has no rows: draw rows of # \(black\) and \. \(white\)$/));
  assert.throws(() => parsePatternText('...\n...', 'w'), mpo(/^pattern "w" is all white: it needs at least one black/));
  assert.throws(() => parsePatternText('##\n##', 'b'), mpo(/^pattern "b" is all black: it needs at least one white/));
});

test('patternToText draws # and ., one line per row, and round-trips through parsePatternText', () => {
  const small = parsePatternText('#..\n.#.');
  assert.equal(patternToText(small), '#..\n.#.');
  assert.equal(patternToText(small, { black: 'X', white: '_', separator: ' ' }), 'X _ _\n_ X _');
  for (const name of BUILTIN_NAMES) {
    const p = builtinPattern(name, { height: 17, width: 23 });
    const q = parsePatternText(patternToText(p), name);
    assert.equal(q.height, 17);
    assert.equal(q.width, 23);
    assert.deepEqual(q.cells, p.cells, name);
  }
  const r = randomMask({ side: 30, fill: 0.5, seed: 7 });
  assert.deepEqual(parsePatternText(patternToText(r)).cells, r.cells);
  assert.deepEqual(parsePatternText(patternToText(r, { black: '█', white: ' ' })).cells, r.cells);
});
