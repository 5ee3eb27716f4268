import { check } from '../errors.js';
import { createRng } from '../random.js';
import { MAX_PATTERN_SIDE, type Pattern } from './pattern.js';

/** Options of {@link framedRandomMask}. */
export interface FramedMaskOptions {
  /** Cells per side, an integer in 6..200 (the original's study: 30). */
  side?: number;
  /** Probability that an interior cell is black, strictly between 0 and 1. */
  fill: number;
  /** Integer seed of {@link createRng} (default 0). */
  seed?: number;
}

/**
 * The random square of the original code's batch-norm study (`generate_square_mask` followed by
 * `randomly_fill_square` in its `mask_trainer.py`): a `side x side` mask whose outer ring
 * (row and column 0 and side-1) is white, with a one-cell black frame just inside it (rows and
 * columns 1 and side-2), and whose interior `[2, side-2) x [2, side-2)` is drawn cell by cell,
 * row-major, black with probability `fill` (`createRng(seed).next() < fill`). For side 30 the
 * random part is 26x26. The original then applies `make_mask_ternary` ({@link toTernary} with
 * `ignoreInterior`), so the frame's outside rim is trained white and the frame trained black.
 * The pattern's name is `framed-p<fill>-<side>-s<seed>`.
 */
export function framedRandomMask(options: FramedMaskOptions): Pattern {
  const { side = 30, fill, seed = 0 } = options;
  check(typeof fill === 'number' && fill > 0 && fill < 1,
    `framed mask fill ${fill} is not strictly between 0 and 1: pass the probability of a black cell, e.g. 0.5`);
  check(Number.isInteger(side) && side >= 6 && side <= MAX_PATTERN_SIDE,
    `framed mask side ${side} is not an integer in 6..${MAX_PATTERN_SIDE}: pass e.g. 30 (the original's size)`);
  check(Number.isInteger(seed), `framed mask seed ${seed} is not an integer: pass an integer seed, e.g. 0`);
  const rng = createRng(seed);
  const cells = new Uint8Array(side * side);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const onFrame = (r === 1 || r === side - 2 || c === 1 || c === side - 2) && r >= 1 && r <= side - 2 && c >= 1 && c <= side - 2;
      if (onFrame) cells[r * side + c] = 1;
    }
  }
  for (let r = 2; r < side - 2; r++) {
    for (let c = 2; c < side - 2; c++) cells[r * side + c] = rng.next() < fill ? 1 : 0;
  }
  return { height: side, width: side, cells, name: `framed-p${fill}-${side}-s${seed}` };
}
