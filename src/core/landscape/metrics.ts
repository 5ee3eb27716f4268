import { check } from '../errors.js';
import { cellCoords, gridIndexOfCell } from '../plane/grid.js';
import { BLACK, IGNORED, type Pattern, type TernaryMask } from '../pattern/pattern.js';
import type { Landscape } from './evaluate.js';

/** How well a landscape draws a pattern. */
export interface PatternMetrics {
  /** Mean accuracy over the pattern's black cells (low loss wanted: high accuracy). */
  readonly accBlack: number;
  /** Mean accuracy over its white cells. */
  readonly accWhite: number;
  /** accBlack - accWhite (the paper's Figure 4a measure). */
  readonly accDiff: number;
  /** Mean loss over black cells. */
  readonly lossBlack: number;
  /** Mean loss over white cells. */
  readonly lossWhite: number;
  /** ROC AUC of telling white cells (positives) from black cells by loss: 1 = perfect, 0.5 = chance. */
  readonly auc: number;
  /** The same AUC over the measured cells on the boundary (touching the other colour, {@link BOUNDARY_NEIGHBOURHOOD}); NaN without both colours there. */
  readonly boundaryAuc: number;
  /** The bowl baseline's AUC over the same cells: what a plain bowl around w_O scores ({@link bowlLoss}). */
  readonly bowlAuc: number;
  /** The bowl baseline's boundary AUC. */
  readonly bowlBoundaryAuc: number;
  /** The radial baseline's AUC: the better of a bowl and an inverted bowl around w_O ({@link radialAuc} of {@link bowlAuc}). */
  readonly radialAuc: number;
  /** The radial baseline's boundary AUC ({@link radialAuc} of {@link bowlBoundaryAuc}). */
  readonly radialBoundaryAuc: number;
  /** Number of cells measured (all of the pattern's, or the trained ones). */
  readonly cells: number;
}

/**
 * ROC AUC of `scores` for binary `positive` flags: the probability that a random positive scores
 * higher than a random negative, ties counting one half (the Mann-Whitney U statistic, via ranks).
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const n = scores.length;
  check(positive.length === n, `rocAuc: ${n} scores but ${positive.length} labels`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    i = j + 1;
  }
  let nPos = 0, sumPos = 0;
  for (let i = 0; i < n; i++) {
    if (positive[i]) {
      nPos++;
      sumPos += ranks[i];
    }
  }
  const nNeg = n - nPos;
  check(nPos > 0 && nNeg > 0, 'rocAuc needs at least one positive and one negative');
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Pearson correlation of two equal-length series (NaN when one is constant). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a.length === b.length && a.length > 1, 'correlation needs two series of the same length (>1)');
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Neighbourhood of {@link boundaryCells}: 4 = cells sharing an edge, 8 = edges and corners.
 * The project's boundary AUC uses 4 (see {@link BOUNDARY_NEIGHBOURHOOD}).
 */
export type Neighbourhood = 4 | 8;

/**
 * The neighbourhood of the boundary AUC: 4, cells that share an edge. Two reasons. Edge
 * neighbours are the closest pairs of the grid (one cell spacing apart), so the measure asks
 * whether the landscape separates the colours at the grid's own resolution, where a smooth
 * bowl or blob fails. And with 8 neighbours the boundary is exactly the set of cells the
 * original code's ternary mask trains (black cells with a white cell in their 3x3
 * neighbourhood and white cells with a black one), which the trained-cells-only measurement
 * ({@link MetricsOptions.cells}) already reports.
 */
export const BOUNDARY_NEIGHBOURHOOD: Neighbourhood = 4;

/**
 * Row-major indices of the cells of `pattern` that touch a cell of the other colour
 * (`neighbourhood` 4: sharing an edge; 8: an edge or a corner). Cells outside the grid do not count.
 */
export function boundaryCells(pattern: Pattern, neighbourhood: Neighbourhood = BOUNDARY_NEIGHBOURHOOD): number[] {
  check(neighbourhood === 4 || neighbourhood === 8, `neighbourhood ${neighbourhood} is not 4 or 8: pass 4 (edges) or 8 (edges and corners)`);
  const { height: h, width: w } = pattern;
  const out: number[] = [];
  // A 3D pattern: each slice on its own (neighbours within the slice).
  for (let s = 0; s < (pattern.depth ?? 1); s++) {
    const cells = pattern.cells.subarray(s * h * w, (s + 1) * h * w);
    for (const k of boundary2d(cells, h, w, neighbourhood)) out.push(s * h * w + k);
  }
  return out;
}

function boundary2d(cells: Uint8Array, h: number, w: number, neighbourhood: Neighbourhood): number[] {
  const out: number[] = [];
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const own = cells[r * w + c];
      let touches = false;
      for (let dr = -1; dr <= 1 && !touches; dr++) {
        for (let dc = -1; dc <= 1 && !touches; dc++) {
          if ((dr === 0 && dc === 0) || (neighbourhood === 4 && dr !== 0 && dc !== 0)) continue;
          const y = r + dr, x = c + dc;
          if (y >= 0 && y < h && x >= 0 && x < w && cells[y * w + x] !== own) touches = true;
        }
      }
      if (touches) out.push(r * w + c);
    }
  }
  return out;
}

/**
 * The bowl baseline's "loss" at every cell of `pattern`: the cell's distance from the centre of
 * the plane (w_O), in cell spacings, from its plane coordinates ({@link cellCoords}). A landscape
 * that is a plain bowl around w_O, with no pattern in it, has exactly this ordering of losses,
 * so its AUC is the score a pattern gets for free from a blob in the middle.
 */
export function bowlLoss(pattern: Pattern): Float64Array {
  const { height: h, width: w } = pattern;
  const d = pattern.depth ?? 1;
  const out = new Float64Array(d * h * w);
  for (let s = 0; s < d; s++) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const [a, b] = cellCoords(r, c, h, w);
        out[(s * h + r) * w + c] = Math.hypot(a, b, d > 1 ? s - (d - 1) / 2 : 0);
      }
    }
  }
  return out;
}

/** AUC of `loss` (one value per cell, row-major) over the given cells: white cells are the positives. NaN when the cells lack a colour. */
function aucOver(loss: ArrayLike<number>, pattern: Pattern, cells: readonly number[]): number {
  const scores = cells.map((k) => loss[k]);
  const white = cells.map((k) => pattern.cells[k] !== BLACK);
  const nWhite = white.filter(Boolean).length;
  if (nWhite === 0 || nWhite === cells.length) return NaN;
  return rocAuc(scores, white);
}

/** Cells a measurement covers: every cell, or those a ternary mask trains. */
function measuredCells(pattern: Pattern, mask?: TernaryMask): number[] {
  const all = Array.from({ length: pattern.cells.length }, (_, k) => k);
  if (!mask) return all;
  check(mask.height === pattern.height && mask.width === pattern.width && mask.cells.length === pattern.cells.length,
    `mask ${mask.height}x${mask.width} does not match pattern ${pattern.height}x${pattern.width}: pass the run's own ternary mask`);
  return all.filter((k) => mask.cells[k] !== IGNORED);
}

/**
 * The radial baseline's AUC from the bowl's: `max(bowl, 1 - bowl)`, the better of a bowl around
 * w_O and an inverted bowl (a dome: loss falling with the distance from w_O). Any landscape
 * whose loss depends only on the distance from the centre, growing or falling, scores at most
 * this when the pattern's colour changes once along the radius; a pattern that is black in the middle and white
 * outside gets it from the bowl, a ring at the edge (bowl AUC 0) gets 1 from the dome. NaN stays
 * NaN (no cells of one colour).
 */
export function radialAuc(bowlAuc: number): number {
  check(typeof bowlAuc === 'number' && (Number.isNaN(bowlAuc) || (bowlAuc >= 0 && bowlAuc <= 1)),
    `radialAuc: bowlAuc ${bowlAuc} is not an AUC: pass a number in 0..1 (or NaN)`);
  return Math.max(bowlAuc, 1 - bowlAuc);
}

/** The AUCs a pattern gets from the bowl baseline (see {@link bowlLoss}) over the same cells as {@link patternMetrics}. */
export interface BowlBaseline {
  /** AUC of the bowl over the measured cells. */
  readonly auc: number;
  /** AUC of the bowl over the measured cells on the boundary ({@link boundaryCells}, 4-neighbourhood). */
  readonly boundaryAuc: number;
  /** The radial baseline (bowl or inverted bowl, the better): {@link radialAuc} of {@link auc}. */
  readonly radialAuc: number;
  /** The radial baseline's boundary AUC: {@link radialAuc} of {@link boundaryAuc}. */
  readonly radialBoundaryAuc: number;
  /** Number of boundary cells among the measured ones. */
  readonly boundaryCells: number;
}

/**
 * The bowl baseline of `pattern` (no training, no data): its AUC and boundary AUC, over all cells
 * or those `mask` trains, and the radial baseline's (the better of the bowl and the inverted bowl).
 */
export function bowlBaseline(pattern: Pattern, opts: MetricsOptions = {}): BowlBaseline {
  const cells = measuredCells(pattern, opts.cells);
  const boundary = new Set(boundaryCells(pattern));
  const bcells = cells.filter((k) => boundary.has(k));
  const loss = bowlLoss(pattern);
  const auc = aucOver(loss, pattern, cells), boundaryAuc = aucOver(loss, pattern, bcells);
  return { auc, boundaryAuc, radialAuc: radialAuc(auc), radialBoundaryAuc: radialAuc(boundaryAuc), boundaryCells: bcells.length };
}

/** Options of {@link patternMetrics} and {@link bowlBaseline}. */
export interface MetricsOptions {
  /**
   * Measure only the cells this ternary mask trains (not {@link IGNORED}), as the original
   * code's study did in effect; default: every cell of the pattern.
   */
  readonly cells?: TernaryMask;
}

/** Index in `land`'s grid of cell `k` of `pattern` (slice-major, then row-major). */
function gridIndexOf(land: Landscape, pattern: Pattern, k: number): number {
  const plane = pattern.height * pattern.width;
  const s = Math.floor(k / plane), rem = k - s * plane;
  return gridIndexOfCell(land.grid, Math.floor(rem / pattern.width), rem % pattern.width, s);
}

/**
 * Metrics of a landscape against its pattern, over the pattern's cells only (no padding), or
 * over the cells `opts.cells` trains. Besides the AUC: the boundary AUC ({@link boundaryCells})
 * and the bowl and radial baselines' two AUCs each over the same cells ({@link bowlBaseline}).
 */
export function patternMetrics(land: Landscape, pattern: Pattern, opts: MetricsOptions = {}): PatternMetrics {
  const depth = pattern.depth ?? 1;
  const gridDepth = land.grid.depth ?? 1;
  check(land.grid.height === pattern.height && land.grid.width === pattern.width && gridDepth === depth,
    `landscape grid ${gridDepth > 1 ? `${gridDepth}x` : ''}${land.grid.height}x${land.grid.width} does not match pattern ${
      depth > 1 ? `${depth}x` : ''
    }${pattern.height}x${pattern.width}`);
  const cells = measuredCells(pattern, opts.cells);
  const loss = new Float64Array(pattern.cells.length);
  let accB = 0, accW = 0, lossB = 0, lossW = 0, nB = 0, nW = 0;
  for (const k of cells) {
    const g = gridIndexOf(land, pattern, k);
    loss[k] = land.loss[g];
    if (pattern.cells[k] === BLACK) {
      accB += land.acc[g];
      lossB += land.loss[g];
      nB++;
    } else {
      accW += land.acc[g];
      lossW += land.loss[g];
      nW++;
    }
  }
  check(nB > 0 && nW > 0, `pattern "${pattern.name}" has no ${nB ? 'white' : 'black'} cell among the measured ones: measure all cells`);
  const boundary = new Set(boundaryCells(pattern));
  const bcells = cells.filter((k) => boundary.has(k));
  const bowl = bowlBaseline(pattern, opts);
  const accBlack = accB / nB, accWhite = accW / nW;
  return {
    accBlack,
    accWhite,
    accDiff: accBlack - accWhite,
    lossBlack: lossB / nB,
    lossWhite: lossW / nW,
    auc: aucOver(loss, pattern, cells),
    boundaryAuc: aucOver(loss, pattern, bcells),
    bowlAuc: bowl.auc,
    bowlBoundaryAuc: bowl.boundaryAuc,
    radialAuc: bowl.radialAuc,
    radialBoundaryAuc: bowl.radialBoundaryAuc,
    cells: cells.length,
  };
}

/** How far a run's train and test landscapes are apart, over the pattern's cells (the section 4.1 question). */
export interface TrainTestGap {
  /** Mean over the measured cells of |log L_train - log L_test| (natural log; 0 = identical losses). */
  readonly logLossGap: number;
  /** Mean black-cell accuracy on the train images minus that on the test images. */
  readonly accBlackGap: number;
  /** Pearson correlation of log train and log test loss over the whole evaluated grid (padding included): a secondary figure. */
  readonly correlation: number;
}

const safeLog = (v: number): number => Math.log(Math.max(v, 1e-12));

/**
 * Train-vs-test measures of two landscapes on the same grid: the mean absolute log-loss
 * difference over the pattern's (measured) cells, the black-cell accuracy gap (train minus test),
 * and, secondary, the correlation of log loss over the whole grid. A correlation near 1 says
 * the two maps have the same shape, not that they are close: a constant offset keeps it at 1.
 */
export function trainTestGap(train: Landscape, test: Landscape, pattern: Pattern, opts: MetricsOptions = {}): TrainTestGap {
  check(train.rows === test.rows && train.cols === test.cols && train.loss.length === test.loss.length,
    `train grid ${train.rows}x${train.cols} and test grid ${test.rows}x${test.cols} differ: evaluate both on the same grid`);
  const cells = measuredCells(pattern, opts.cells);
  let gap = 0, accTr = 0, accTe = 0, nB = 0;
  for (const k of cells) {
    const g = gridIndexOf(test, pattern, k);
    gap += Math.abs(safeLog(train.loss[g]) - safeLog(test.loss[g]));
    if (pattern.cells[k] === BLACK) {
      accTr += train.acc[g];
      accTe += test.acc[g];
      nB++;
    }
  }
  return {
    logLossGap: gap / cells.length,
    accBlackGap: nB > 0 ? (accTr - accTe) / nB : NaN,
    correlation: correlation(Float64Array.from(test.loss, safeLog), Float64Array.from(train.loss, safeLog)),
  };
}
