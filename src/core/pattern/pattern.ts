import { check } from '../errors.js';

/**
 * A target picture for the loss landscape: a binary grid of cells, row-major, row 0 at
 * the top (the orientation of the image it came from, and of every picture drawn of it).
 * A black cell (value 1) asks for low loss, a white cell (value 0) for high loss.
 */
export interface Pattern {
  /** Rows (cells along the plane's `up` axis). */
  readonly height: number;
  /** Columns (cells along the plane's `right` axis). */
  readonly width: number;
  /** Slices of a 3D pattern (for `--manifold volume`; absent or 1: a flat picture or a 1D strip). */
  readonly depth?: number;
  /** `depth * height * width` values (slice-major, then row-major), 1 = black (low loss wanted), 0 = white (high loss wanted). */
  readonly cells: Uint8Array;
  /** Human-readable name, e.g. a built-in's name or a file name. */
  readonly name: string;
}

/** Largest side a pattern may have (cells per side). */
export const MAX_PATTERN_SIDE = 200;

/** Cell states of a {@link TernaryMask}. */
export const WHITE = 0;
export const BLACK = 1;
/** A cell excluded from training (deep inside a region of its own colour). */
export const IGNORED = 2;

/**
 * A pattern with the cells that are trained marked: values {@link WHITE}, {@link BLACK}
 * or {@link IGNORED}, row-major like {@link Pattern.cells}.
 */
export interface TernaryMask {
  /** Slices (3D patterns; absent: 1). */
  readonly depth?: number;
  readonly height: number;
  readonly width: number;
  readonly cells: Uint8Array;
}

/**
 * Checks that a pattern can be fitted: sides in 1..200, cells only 0/1, and at least one
 * black and one white cell. Throws an MpoError naming the pattern otherwise.
 */
export function validatePattern(p: Pattern): Pattern {
  check(Number.isInteger(p.height) && Number.isInteger(p.width) && p.height > 0 && p.width > 0,
    `pattern "${p.name}" has size ${p.height}x${p.width}: both sides must be positive integers`);
  check(p.height <= MAX_PATTERN_SIDE && p.width <= MAX_PATTERN_SIDE,
    `pattern "${p.name}" is ${p.height}x${p.width}, larger than ${MAX_PATTERN_SIDE}x${MAX_PATTERN_SIDE}: resize it (e.g. --pattern-size 50)`);
  const depth = p.depth ?? 1;
  check(Number.isInteger(depth) && depth >= 1 && depth <= MAX_PATTERN_SIDE,
    `pattern "${p.name}" has ${depth} slices: a 3D pattern needs 1..${MAX_PATTERN_SIDE}`);
  const n = depth * p.height * p.width;
  check(p.cells.length === n, `pattern "${p.name}" has ${p.cells.length} cells, expected ${depth > 1 ? `${depth}x` : ''}${p.height}x${p.width}=${n}`);
  let black = 0;
  for (const v of p.cells) {
    check(v === 0 || v === 1, `pattern "${p.name}" has a cell value ${v}: cells must be 0 (white) or 1 (black)`);
    black += v;
  }
  check(black > 0, `pattern "${p.name}" is all white: it needs at least one black (low-loss) cell`);
  check(black < p.cells.length, `pattern "${p.name}" is all black: it needs at least one white (high-loss) cell`);
  return p;
}
