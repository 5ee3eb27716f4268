import { check } from '../errors.js';
import { parsePatternText } from './text.js';
import { validatePattern, type Pattern } from './pattern.js';

/** Prefix of a 1D strip written inline: `1d:##..##..##` (`#` black, `.` white). */
export const STRIP_PREFIX = '1d:';

/** True when `spec` is an inline 1D strip (`1d:...`). */
export function isStripSpec(spec: string): boolean {
  return spec.toLowerCase().startsWith(STRIP_PREFIX);
}

/**
 * A 1D pattern (height 1) for `--manifold line` from an inline strip such as `1d:##..##..##`:
 * one cell per character, `#` (or X, 1) black, `.` (or 0, -, _) white, as in text grids.
 */
export function stripPattern(spec: string): Pattern {
  check(isStripSpec(spec), `"${spec}" is not a 1D strip: write it as ${STRIP_PREFIX}##..##`);
  const body = spec.slice(STRIP_PREFIX.length);
  check(body.length > 0 && !body.includes('\n'), `the strip "${spec}" is empty: write cells after ${STRIP_PREFIX}, e.g. ${STRIP_PREFIX}##..##`);
  const p = parsePatternText(body, spec);
  return p;
}

/** Generated 3D solids for `--manifold volume`, by name. */
export const SOLID_NAMES: readonly string[] = Object.freeze(['sphere-shell', 'ball', 'cube-frame', 'diagonal-slab']);

/** True when `name` is a generated 3D solid. */
export function isSolidPattern(name: string): boolean {
  return SOLID_NAMES.includes(name);
}

/**
 * A generated 3D solid on an `n x n x n` grid (cell centres at normalised positions in [-1, 1]):
 * `sphere-shell` black where 0.45 <= radius <= 0.85, `ball` black where radius <= 0.7,
 * `cube-frame` black on the 12 edges of the cube (cells with at least two coordinates on the
 * outer layer), `diagonal-slab` black where 0.2 <= x + y + z <= 1.4 (a slab across the cube's
 * diagonal, off the centre). Everything else is white.
 *
 * The first three are radial: the distance from the centre (w_O) separates their colours
 * almost (sphere shell, radial baseline 0.98 at 8 cells) or exactly (ball; cube frame, whose
 * inverted bowl scores 1). The diagonal slab is not: at every size its radial baseline (the
 * better of a bowl and an inverted bowl) is 0.55-0.58 (0.576 at 6 cells per side, 0.556 at 8).
 */
export function solidPattern(name: string, n: number): Pattern {
  check(isSolidPattern(name), `unknown solid "${name}": use one of ${SOLID_NAMES.join(', ')}`);
  check(Number.isInteger(n) && n >= 3, `a ${name} needs at least 3 cells per side, got ${n}: use --pattern-size 3 or more`);
  const cells = new Uint8Array(n * n * n);
  const pos = (i: number) => (2 * i) / (n - 1) - 1;
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const r = Math.hypot(pos(z), pos(y), pos(x));
        const outer = [z, y, x].filter((i) => i === 0 || i === n - 1).length;
        const diagonal = pos(z) + pos(y) + pos(x);
        const black = name === 'sphere-shell'
          ? r >= 0.45 && r <= 0.85
          : name === 'ball'
          ? r <= 0.7
          : name === 'cube-frame'
          ? outer >= 2
          : diagonal >= 0.2 - 1e-9 && diagonal <= 1.4 + 1e-9;
        cells[(z * n + y) * n + x] = black ? 1 : 0;
      }
    }
  }
  return validatePattern({ depth: n, height: n, width: n, cells, name });
}
