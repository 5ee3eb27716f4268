import { check } from '../errors.js';
import { SETTINGS } from '../settings.js';
import type { Pattern } from './pattern.js';

/** The dimension of each `--manifold` choice. */
const DIMS: Readonly<Record<string, number>> = { line: 1, plane: 2, volume: 3 };

/** The pattern a manifold fits when `--pattern` is left at its default (the plane's heart). */
export const MANIFOLD_DEFAULT_PATTERN: Readonly<Record<string, { pattern: string; patternSize?: number; }>> = Object.freeze({
  line: { pattern: '1d:##..##..##' },
  volume: { pattern: 'cube-frame', patternSize: 6 },
});

/** The settings a pattern is resolved from. */
export interface ManifoldPatternSettings {
  readonly manifold: string;
  readonly pattern: string;
  readonly patternSize: number;
  readonly randomMask: number | null;
}

/**
 * The config with the manifold's default pattern when `--pattern` (and `--pattern-size`) are at
 * the plane's defaults: a line fits `1d:##..##..##`, a volume a 6-cell `cube-frame` (a plain bowl
 * around w_O orders its cells exactly wrong: bowl AUC 0). `resolveConfig` now puts the manifold's
 * pattern in the config itself when no pattern is given; this reads the `config.json` of runs
 * made before, which recorded the plane's default while fitting the manifold's.
 */
export function withManifoldDefaults<C extends ManifoldPatternSettings>(config: C): C {
  const d = MANIFOLD_DEFAULT_PATTERN[config.manifold];
  if (!d || config.randomMask !== null || config.pattern !== SETTINGS.pattern.default) return config;
  return { ...config, pattern: d.pattern, ...(d.patternSize && config.patternSize === SETTINGS.patternSize.default ? { patternSize: d.patternSize } : {}) };
}

/**
 * Checks that a pattern fits the manifold: a line needs a 1D strip (one row), a plane a flat
 * picture, a volume a 3D pattern (two or more slices). Throws a one-line MpoError that says what
 * to pass: a pattern that does not fit is never replaced by another one.
 */
export function checkManifoldPattern(manifold: string, pattern: Pattern, randomMask: number | null = null): Pattern {
  const dims = DIMS[manifold];
  check(dims !== undefined, `unknown manifold "${manifold}": use line, plane or volume`);
  check(randomMask === null || dims === 2, `--random-mask makes a square picture: use it with --manifold plane, or pass a --pattern for a ${manifold}`);
  const depth = pattern.depth ?? 1;
  if (dims === 1) {
    check(depth === 1 && pattern.height === 1,
      `pattern "${pattern.name}" is ${
        depth > 1 ? `${depth}x` : ''
      }${pattern.height}x${pattern.width}: --manifold line needs a 1D strip such as --pattern 1d:##..##..##`);
  } else if (dims === 2) {
    check(depth === 1, `pattern "${pattern.name}" is 3D (${depth} slices): fit it with --manifold volume`);
  } else {
    check(depth > 1,
      `pattern "${pattern.name}" is flat (${pattern.height}x${pattern.width}): --manifold volume needs a 3D pattern such as --pattern cube-frame, ` +
        'ball, sphere-shell or a .txt grid of slices; fit a picture with --manifold plane');
  }
  return pattern;
}
