import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { check, MpoError } from '../core/errors.js';
import { BUILTIN_NAMES, builtinPattern, DEFAULT_BUILTIN_SIDE, isBuiltinPattern } from '../core/pattern/builtins.js';
import { patternFromPixels, patternToPixels } from '../core/pattern/from-pixels.js';
import type { Pattern } from '../core/pattern/pattern.js';
import { parsePatternText } from '../core/pattern/text.js';
import { isSolidPattern, isStripSpec, solidPattern, SOLID_NAMES, stripPattern } from '../core/pattern/solids.js';
import { readImageFile, readPatternFileBytes } from './image-file.js';

/** Options of {@link resolvePattern}. */
export interface PatternSourceOptions {
  /**
   * Size in cells. Built-ins: the side of an `n x n` grid (default 20). Images and text
   * grids: the longest side, the aspect ratio kept (default: images as in
   * `patternFromPixels`, longest side 50 at most; text grids at their own size).
   */
  size?: number;
  /** Grey threshold in [0, 1] for images and resized text grids (default 0.5). */
  threshold?: number;
  /** Swap black and white (any source; default false). */
  invert?: boolean;
}

/** Levenshtein distance, for suggesting the built-in a user probably meant. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

function swapColours(p: Pattern): Pattern {
  return { ...p, cells: p.cells.map((v) => 1 - v) };
}

/** Reads a `.txt` grid, resampled with the box filter when `size` differs from its longest side. */
function textPattern(path: string, options: PatternSourceOptions): Pattern {
  const name = basename(path);
  const text = new TextDecoder('utf-8').decode(readPatternFileBytes(path)).replace(/^\uFEFF/, '');
  const grid = parsePatternText(text, name);
  const { size, threshold, invert = false } = options;
  // 3D grids (slices) are used at their own size.
  if ((grid.depth ?? 1) === 1 && size !== undefined && size !== Math.max(grid.height, grid.width)) {
    return patternFromPixels(patternToPixels(grid), { size, threshold, invert, name });
  }
  return invert ? swapColours(grid) : grid;
}

/**
 * Turns a user's pattern argument into a pattern. `spec` is, in this order of precedence:
 * - a built-in name (`heart`, `ring`, ...), drawn at `size x size` (to use a file of the same
 *   name, write it as a path: `./heart`);
 * - an inline 1D strip `1d:##..##` (for `--manifold line`), at its own length;
 * - a generated 3D solid (`sphere-shell`, `ball`, `cube-frame`; for `--manifold volume`) at `size` cells per side;
 * - a path ending in `.txt` (any case): a text grid (`parsePatternText`; slices separated by a
 *   blank line or `---` make a 3D pattern, used at its own size);
 * - any other existing file: a PNG or JPEG image, told by its first bytes (`readImageFile`),
 *   converted by `patternFromPixels`.
 * The pattern is named after the built-in or the file's base name. A spec that is neither a
 * built-in nor an existing file throws an MpoError listing the built-in names (and the
 * closest one, if the spec looks like a typo).
 */
export function resolvePattern(spec: string, options: PatternSourceOptions = {}): Pattern {
  check(spec !== '', `the pattern is empty: pass a built-in name (${BUILTIN_NAMES.join(', ')}) or a PNG, JPEG or .txt file`);
  if (isStripSpec(spec)) {
    const p = stripPattern(spec);
    return options.invert ? swapColours(p) : p;
  }
  if (isSolidPattern(spec)) {
    const p = solidPattern(spec, options.size ?? DEFAULT_BUILTIN_SIDE);
    return options.invert ? swapColours(p) : p;
  }
  if (isBuiltinPattern(spec)) {
    const p = builtinPattern(spec, options.size ?? DEFAULT_BUILTIN_SIDE);
    return options.invert ? swapColours(p) : p;
  }
  let exists = true;
  try {
    statSync(spec);
  } catch {
    exists = false;
  }
  if (!exists) {
    const near = BUILTIN_NAMES.filter((n) => editDistance(n.toLowerCase(), spec.toLowerCase()) <= 2);
    const hint = near.length ? ` (did you mean ${near.join(' or ')}?)` : '';
    throw new MpoError(`pattern "${spec}" is neither a built-in nor an existing file${hint}: ` +
      `pass one of ${BUILTIN_NAMES.join(', ')}, a 3D solid (${SOLID_NAMES.join(', ')}), a 1D strip (1d:##..##), or the path of a PNG, JPEG or .txt file`);
  }
  if (extname(spec).toLowerCase() === '.txt') return textPattern(spec, options);
  const { size, threshold, invert } = options;
  return patternFromPixels(readImageFile(spec), { size, threshold, invert, name: basename(spec) });
}
