import { BLACK, IGNORED, WHITE, type Pattern, type TernaryMask } from './pattern.js';

/** Options of {@link toTernary}. */
export interface TernaryOptions {
  /**
   * Exclude cells deep inside a region of their own colour from training, as the original
   * code's `make_mask_ternary` does (default true). With false, every cell is trained.
   */
  ignoreInterior?: boolean;
}

/**
 * The original code's ternary form of a pattern: which cells are trained.
 *
 * The 3x3 neighbourhood of cell (i, j) is the cells (i + di, j + dj) for di, dj in
 * {-1, 0, 1} that lie inside the grid, the cell itself included: 9 cells inside, 6 on an
 * edge, 4 in a corner (nothing wraps around). With `ignoreInterior` (the default):
 * - a black cell whose whole neighbourhood is black becomes {@link IGNORED};
 * - a white cell with no black cell in its neighbourhood becomes {@link IGNORED};
 * - every other cell keeps its colour ({@link BLACK} or {@link WHITE}).
 * So only the picture's boundary (black cells touching white, diagonals included) and the
 * white rim just outside it (white cells touching black) are trained. The paper: "we do not
 * use the pixels which are surrounded by the pixels of the same class".
 * With `ignoreInterior: false` nothing is ignored and the mask equals the pattern's cells.
 */
export function toTernary(p: Pattern, options: TernaryOptions = {}): TernaryMask {
  const { ignoreInterior = true } = options;
  const { height, width } = p;
  const depth = p.depth ?? 1;
  const cells = new Uint8Array(p.cells);
  const shape = depth > 1 ? { depth, height, width } : { height, width };
  if (!ignoreInterior) return { ...shape, cells };
  // 3D patterns (depth > 1): the 3x3x3 neighbourhood, the same rule.
  const plane = height * width;
  for (let z = 0; z < depth; z++) {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        let black = 0;
        let count = 0;
        for (let q = Math.max(0, z - 1); q <= Math.min(depth - 1, z + 1); q++) {
          for (let y = Math.max(0, i - 1); y <= Math.min(height - 1, i + 1); y++) {
            for (let x = Math.max(0, j - 1); x <= Math.min(width - 1, j + 1); x++) {
              black += p.cells[q * plane + y * width + x];
              count++;
            }
          }
        }
        const k = z * plane + i * width + j;
        const own = p.cells[k];
        if ((own === BLACK && black === count) || (own === WHITE && black === 0)) cells[k] = IGNORED;
      }
    }
  }
  return { ...shape, cells };
}

/** Row-major indices of the trained cells of a ternary mask, by colour, in increasing order. */
export interface TrainedCells {
  /** Cells where low loss is wanted. */
  readonly black: number[];
  /** Cells where high loss is wanted. */
  readonly white: number[];
}

/** The cells of `mask` that are trained (not {@link IGNORED}), as row-major indices `i * width + j`. */
export function trainedCells(mask: TernaryMask): TrainedCells {
  const black: number[] = [];
  const white: number[] = [];
  mask.cells.forEach((v, k) => {
    if (v === BLACK) black.push(k);
    else if (v === WHITE) white.push(k);
  });
  return { black, white };
}
