import { check, MpoError } from '../errors.js';
import { validatePattern, type Pattern } from './pattern.js';

/** Characters that mean a black cell (low loss wanted). */
export const BLACK_CHARS = '#X1█';
/** Characters that mean a white cell (high loss wanted). */
export const WHITE_CHARS = '.0 -_';

/** A line that separates the slices of a 3D text grid (besides a blank line). */
export const SLICE_SEPARATOR = '---';

/**
 * Parses a small text grid into a pattern, one text line per row, row 0 first.
 *
 * - `#`, `X`, `1`, `█` are black; `.`, `0`, space, `-`, `_` are white.
 * - Blank lines (empty or only whitespace) before the first row and after the last are
 *   ignored, and so is a `\r` before each line break. A white first or last row must therefore
 *   be drawn with `.`; trailing spaces inside the grid count as white cells.
 * - A 3D pattern (for `--manifold volume`) is a stack of 2D slices, slice 0 first: slices are
 *   separated by one or more blank lines or by a line that is exactly `---` (so a row of three
 *   white cells must be written `...`). Every slice must have the same rows and columns.
 * - Every row must have the same number of cells; otherwise an MpoError names the line.
 * - Any other character throws an MpoError naming its line and column (both from 1,
 *   counted in the original text).
 *
 * The result is checked with {@link validatePattern}. `name` names the grid in errors and
 * becomes the pattern's name.
 */
export function parsePatternText(text: string, name = 'text'): Pattern {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let first = 0;
  let last = lines.length - 1;
  while (first <= last && lines[first].trim() === '') first++;
  while (last >= first && lines[last].trim() === '') last--;
  check(first <= last, `pattern "${name}" has no rows: draw rows of # (black) and . (white)`);

  const slices: Uint8Array[][] = [[]];
  let width = -1;
  let sliceStart = first;
  for (let ln = first; ln <= last; ln++) {
    if (lines[ln].trim() === '' || lines[ln].trim() === SLICE_SEPARATOR) {
      if (slices[slices.length - 1].length > 0) slices.push([]);
      sliceStart = ln + 1;
      continue;
    }
    const chars = Array.from(lines[ln]);
    const row = new Uint8Array(chars.length);
    chars.forEach((ch, col) => {
      if (BLACK_CHARS.includes(ch)) row[col] = 1;
      else if (!WHITE_CHARS.includes(ch)) {
        const shown = ch === '\t' ? '\\t' : ch;
        throw new MpoError(`pattern "${name}" line ${ln + 1}, column ${col + 1}: unknown character "${shown}": ` +
          `use one of ${BLACK_CHARS.split('').join(' ')} for black and . 0 - _ or space for white`);
      }
    });
    if (width < 0) width = row.length;
    check(row.length === width, `pattern "${name}" line ${ln + 1} has ${row.length} cells, expected ${width} as on line ${first + 1}: ` +
      'make every row the same width (spaces count as white cells; use . for white)');
    const cur = slices[slices.length - 1];
    cur.push(row);
    check(slices.length === 1 || cur.length <= slices[0].length,
      `pattern "${name}" slice ${slices.length} (from line ${sliceStart + 1}) has more rows than slice 1 (${slices[0].length}): ` +
        'give every slice of a 3D grid the same number of rows');
  }
  const height = slices[0].length;
  slices.forEach((sl, k) =>
    check(sl.length === height,
      `pattern "${name}" slice ${k + 1} has ${sl.length} rows, slice 1 has ${height}: give every slice of a 3D grid the same number of rows`)
  );
  const cells = new Uint8Array(slices.length * height * width);
  slices.forEach((sl, k) => sl.forEach((row, i) => cells.set(row, (k * height + i) * width)));
  return validatePattern({ height, width, cells, name, ...(slices.length > 1 ? { depth: slices.length } : {}) });
}

/** How {@link patternToText} draws cells. */
export interface PatternTextOptions {
  /** Character for black cells (default `#`). */
  black?: string;
  /** Character for white cells (default `.`). */
  white?: string;
  /** String between two cells of a row (default none; `' '` gives square-looking output). */
  separator?: string;
}

/**
 * Draws a pattern as text, one line per row, row 0 first, lines joined by `\n` with no
 * trailing newline; the slices of a 3D pattern are separated by a blank line. With the default
 * characters `parsePatternText(patternToText(p))` gives back `p`'s cells.
 */
export function patternToText(p: Pattern, options: PatternTextOptions = {}): string {
  const { black = '#', white = '.', separator = '' } = options;
  const slices: string[] = [];
  for (let k = 0; k < (p.depth ?? 1); k++) {
    const lines: string[] = [];
    for (let i = 0; i < p.height; i++) {
      const row: string[] = [];
      for (let j = 0; j < p.width; j++) row.push(p.cells[(k * p.height + i) * p.width + j] ? black : white);
      lines.push(row.join(separator));
    }
    slices.push(lines.join('\n'));
  }
  return slices.join('\n\n');
}
