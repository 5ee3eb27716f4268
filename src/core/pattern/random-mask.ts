import { check } from '../errors.js';
import { createRng } from '../random.js';
import { MAX_PATTERN_SIDE, type Pattern } from './pattern.js';

/** Options of {@link randomMask}. */
export interface RandomMaskOptions {
  /** Cells per side of the square mask, an integer in 2..200 (default 30, as in the paper). */
  side?: number;
  /** Probability that a cell is black, strictly between 0 and 1. */
  fill: number;
  /** Integer seed of {@link createRng}; the same seed gives the same mask (default 0). */
  seed?: number;
}

/**
 * A random square binary mask as in section 4.2 of the paper: each cell is black with
 * probability `fill`, independently of the others, drawn in row-major order with one
 * `createRng(seed).next() < fill` per cell, so the same options give the same mask.
 *
 * The batch-normalisation study of the paper uses these masks at 30x30 with fill
 * probabilities 0.1, 0.2, ..., 0.9, comparing how well models with and without BN fit them.
 *
 * Throws an MpoError on a fill outside (0, 1), a bad side, or a mask that came out all
 * black or all white (only likely for tiny sides or extreme fills: try another seed).
 * The pattern's name is `random-p<fill>-<side>-s<seed>`.
 */
export function randomMask(options: RandomMaskOptions): Pattern {
  const { side = 30, fill, seed = 0 } = options;
  check(typeof fill === 'number' && fill > 0 && fill < 1,
    `random mask fill ${fill} is not strictly between 0 and 1: pass the probability of a black cell, e.g. 0.5`);
  check(Number.isInteger(side) && side >= 2 && side <= MAX_PATTERN_SIDE,
    `random mask side ${side} is not an integer in 2..${MAX_PATTERN_SIDE}: pass e.g. 30 (the paper's size)`);
  check(Number.isInteger(seed), `random mask seed ${seed} is not an integer: pass an integer seed, e.g. 0`);
  const rng = createRng(seed);
  const cells = new Uint8Array(side * side);
  let black = 0;
  for (let k = 0; k < cells.length; k++) {
    cells[k] = rng.next() < fill ? 1 : 0;
    black += cells[k];
  }
  const name = `random-p${fill}-${side}-s${seed}`;
  check(black > 0 && black < cells.length,
    `random mask "${name}" came out all ${black ? 'black' : 'white'}: use another seed, a larger side or a fill nearer 0.5`);
  return { height: side, width: side, cells, name };
}
