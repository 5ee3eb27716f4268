import { check, MpoError } from '../errors.js';
import { MAX_PATTERN_SIDE, type Pattern } from './pattern.js';

/**
 * Procedural target pictures drawn by our own code at any size.
 *
 * Each shape is a predicate on centred coordinates (u to the right, v downwards, both in
 * [-0.5, 0.5], (0, 0) at the centre of the picture). A picture of `height x width` cells maps
 * that square onto the centred square of side `min(height, width)` cells, so shapes keep their
 * proportions on rectangular grids (the `checker` board instead stretches over the whole grid).
 * Cells are anti-aliased by supersampling: 4x4 sample points per cell, at `(a + 0.5) / 4` of
 * the cell for a = 0..3, and a cell is black when at least half of its samples (8 of 16) are
 * inside the shape. Sample coordinates are computed as an integer over an integer, so mirrored
 * samples get exactly opposite u, and shapes that are symmetric (using |u| or u^2) give
 * exactly mirror-symmetric pictures.
 *
 * The `ring` is the exception: it is a benchmark, so it is defined by one sentence (see its
 * entry) and sampled once, at each cell's centre.
 */

/** A built-in picture: what it shows and how to draw it. */
export interface BuiltinPattern {
  /** One line saying what the picture shows. */
  readonly description: string;
  /** Draws the picture on a grid of `height` rows and `width` columns (each 1..200). */
  draw(height: number, width: number): Pattern;
}

/** Size of a built-in picture: `n` for an `n x n` grid, or explicit rows and columns. */
export type PatternSize = number | { readonly height: number; readonly width: number; };

/** Default side of a built-in picture (cells). */
export const DEFAULT_BUILTIN_SIDE = 20;

/** Ring radii as fractions of the side; the 20x20 ring is a benchmark: do not change. */
export const RING_OUTER_RADIUS = 0.42;
/** Inner radius of the ring as a fraction of the side. */
export const RING_INNER_RADIUS = 0.22;

/** Samples per cell along each axis for supersampled shapes. */
const SAMPLES = 4;

type Inside = (u: number, v: number) => boolean;
type Point = readonly [number, number];

/** Whether (u, v) lies in the disc of centre (cu, cv) and radius r. */
function disc(u: number, v: number, cu: number, cv: number, r: number): boolean {
  return (u - cu) ** 2 + (v - cv) ** 2 <= r * r;
}

/** Whether (u, v) is in the annulus of centre (cu, cv) between radii rIn and rOut. */
function annulus(u: number, v: number, cu: number, cv: number, rIn: number, rOut: number): boolean {
  const d2 = (u - cu) ** 2 + (v - cv) ** 2;
  return d2 >= rIn * rIn && d2 <= rOut * rOut;
}

/** Even-odd point-in-polygon test. */
function polygon(u: number, v: number, pts: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [ui, vi] = pts[i];
    const [uj, vj] = pts[j];
    if ((vi > v) !== (vj > v) && u < ((uj - ui) * (v - vi)) / (vj - vi) + ui) inside = !inside;
  }
  return inside;
}

/** Whether (u, v) is within `halfWidth` of the segment a-b (round caps). */
function stroke(u: number, v: number, a: Point, b: Point, halfWidth: number): boolean {
  const du = b[0] - a[0];
  const dv = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((u - a[0]) * du + (v - a[1]) * dv) / (du * du + dv * dv)));
  return (u - a[0] - t * du) ** 2 + (v - a[1] - t * dv) ** 2 <= halfWidth * halfWidth;
}

/** The 10 vertices of a 5-pointed star, one point straight up, tested at |u|. */
const STAR: readonly Point[] = Array.from({ length: 10 }, (_, k) => {
  const r = k % 2 === 0 ? 0.48 : 0.48 * 0.44; // 0.44: a little fatter than a regular pentagram (0.382) to survive small sizes
  const angle = -Math.PI / 2 + (k * Math.PI) / 5;
  return [r * Math.cos(angle), 0.04 + r * Math.sin(angle)] as const;
});

/** Height of the equilateral triangle of side 0.9. */
const TRIANGLE_HEIGHT = (0.9 * Math.sqrt(3)) / 2;

/** Polyline of a digit 2: top arc, diagonal, base. */
const DIGIT_2: readonly Point[] = [
  ...Array.from({ length: 9 }, (_, k): Point => {
    const angle = Math.PI * (1.1 - (k / 8) * 1.3); // from lower left, over the top, to the right
    return [0.24 * Math.cos(angle), -0.16 - 0.22 * Math.sin(angle)];
  }),
  [-0.26, 0.36],
  [0.28, 0.36],
];

/** A shape: its description, its predicate, whether it stretches over rectangular grids, samples per axis. */
interface Shape {
  description: string;
  inside: Inside;
  stretch?: boolean;
  samples?: number;
}

const SHAPES: Record<string, Shape> = {
  heart: {
    description: 'a heart, lobes at the top and point at the bottom',
    inside: (u, v) => {
      const x = u * 2.5;
      const y = (0.06 - v) * 2.5;
      return (x * x + y * y - 1) ** 3 - x * x * y ** 3 <= 0;
    },
  },
  // The benchmark ring rule: cell (i, j) of an n x n grid (row i, column j) is black when the
  // distance from its centre ((j + 0.5) / n, (i + 0.5) / n) to (0.5, 0.5) is between 0.22 and
  // 0.42 inclusive. On 20x20 this gives 156 black cells and, in ternary form, 96 trained black
  // and 96 trained white cells. (4x4 supersampling gives the same 20x20 grid, 2x2 does not:
  // one sample per cell keeps the rule one sentence long.)
  ring: {
    description: `a centred ring, outer radius ${RING_OUTER_RADIUS} and inner radius ${RING_INNER_RADIUS} of the side (benchmark)`,
    inside: (u, v) => annulus(u, v, 0, 0, RING_INNER_RADIUS, RING_OUTER_RADIUS),
    samples: 1,
  },
  star: {
    description: 'a five-pointed star, one point up',
    inside: (u, v) => polygon(Math.abs(u), v, STAR),
  },
  smiley: {
    description: 'a black face with two white eyes and a white smiling mouth',
    inside: (u, v) =>
      disc(u, v, 0, 0, 0.46) &&
      !disc(Math.abs(u), v, 0.16, -0.14, 0.085) &&
      !(v > 0.06 && annulus(u, v, 0, -0.06, 0.19, 0.29)),
  },
  'letter-a': {
    description: 'an upper-case letter A drawn with three strokes',
    inside: (u, v) =>
      v >= -0.44 && v <= 0.42 &&
      (stroke(Math.abs(u), v, [0, -0.42], [0.36, 0.42], 0.075) || stroke(Math.abs(u), v, [0, 0.12], [0.2, 0.12], 0.075)),
  },
  'digit-8': {
    description: 'the digit 8: two stacked rings, the lower one larger',
    inside: (u, v) => annulus(u, v, 0, -0.22, 0.09, 0.2) || annulus(u, v, 0, 0.18, 0.11, 0.24),
  },
  'digit-2': {
    description: 'the digit 2: an arc, a diagonal and a flat base',
    inside: (u, v) => DIGIT_2.some((p, k) => k > 0 && stroke(u, v, DIGIT_2[k - 1], p, 0.075)),
  },
  cross: {
    description: 'a plus-shaped cross of two thick bars',
    inside: (u, v) => (Math.abs(u) <= 0.14 && Math.abs(v) <= 0.4) || (Math.abs(v) <= 0.14 && Math.abs(u) <= 0.4),
  },
  checker: {
    description: 'a 4x4 checkerboard over the whole grid, black square at the top left',
    inside: (u, v) => (Math.floor((u + 0.5) * 4) + Math.floor((v + 0.5) * 4)) % 2 === 0,
    stretch: true,
  },
  triangle: {
    description: 'an equilateral triangle pointing up',
    inside: (u, v) => Math.abs(v) <= TRIANGLE_HEIGHT / 2 && Math.abs(u) <= (v + TRIANGLE_HEIGHT / 2) / Math.sqrt(3),
  },
  moon: {
    description: 'a crescent moon opening to the upper right',
    inside: (u, v) => disc(u, v, 0, 0, 0.42) && !disc(u, v, 0.18, -0.14, 0.31),
  },
};

function checkSide(side: number, what: string, name: string): void {
  check(Number.isInteger(side) && side >= 1 && side <= MAX_PATTERN_SIDE,
    `built-in pattern "${name}": ${what} ${side} is not an integer in 1..${MAX_PATTERN_SIDE}: pass a size such as 20`);
}

/** Rasterises a shape onto `height x width` cells (see the module comment). */
function rasterise(name: string, height: number, width: number): Pattern {
  checkSide(height, 'height', name);
  checkSide(width, 'width', name);
  const shape = SHAPES[name];
  const n = shape.samples ?? SAMPLES;
  const side = Math.min(height, width);
  const [sideV, sideU] = shape.stretch ? [height, width] : [side, side];
  // Sample b of column j sits at u = (2n j + 2b + 1 - n width) / (2n sideU): exact integers.
  const coord = (cell: number, sample: number, cells: number, sideCells: number) => (2 * n * cell + 2 * sample + 1 - n * cells) / (2 * n * sideCells);
  const cells = new Uint8Array(height * width);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      let hits = 0;
      for (let a = 0; a < n; a++) {
        const v = coord(i, a, height, sideV);
        for (let b = 0; b < n; b++) {
          const u = coord(j, b, width, sideU);
          if (Math.abs(u) <= 0.5 && Math.abs(v) <= 0.5 && shape.inside(u, v)) hits++;
        }
      }
      cells[i * width + j] = 2 * hits >= n * n ? 1 : 0;
    }
  }
  let black = 0;
  for (const v of cells) black += v;
  check(black > 0 && black < cells.length, `built-in pattern "${name}" is all ${black ? 'black' : 'white'} at ${height}x${width}: use a size of at least 10`);
  return { height, width, cells, name };
}

/**
 * The built-in pictures by name. Each draws at any `height x width` (1..200 per side) and
 * has black and white cells at every size from 10x10 to 100x100.
 */
export const BUILTIN_PATTERNS: Readonly<Record<string, BuiltinPattern>> = Object.freeze(
  Object.fromEntries(
    Object.entries(SHAPES).map(([name, { description }]) => [
      name,
      { description, draw: (height: number, width: number) => rasterise(name, height, width) },
    ]),
  ),
);

/** Names of the built-in pictures, in a stable order. */
export const BUILTIN_NAMES: readonly string[] = Object.freeze(Object.keys(SHAPES));

/** Whether `name` is a built-in picture. */
export function isBuiltinPattern(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUILTIN_PATTERNS, name);
}

/**
 * Draws a built-in picture: `size` is `n` for `n x n` (default 20) or `{height, width}`.
 * Throws an MpoError listing the names on an unknown name.
 */
export function builtinPattern(name: string, size: PatternSize = DEFAULT_BUILTIN_SIDE): Pattern {
  if (!isBuiltinPattern(name)) {
    throw new MpoError(`unknown built-in pattern "${name}": use one of ${BUILTIN_NAMES.join(', ')}`);
  }
  const { height, width } = typeof size === 'number' ? { height: size, width: size } : size;
  return BUILTIN_PATTERNS[name].draw(height, width);
}
