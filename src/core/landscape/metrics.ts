import { check } from '../errors.js';
import { gridIndexOfCell } from '../plane/grid.js';
import type { Pattern } from '../pattern/pattern.js';
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
  for (let i = 0; i < n; i++) if (positive[i]) { nPos++; sumPos += ranks[i]; }
  const nNeg = n - nPos;
  check(nPos > 0 && nNeg > 0, 'rocAuc needs at least one positive and one negative');
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Pearson correlation of two equal-length series (NaN when one is constant). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a.length === b.length && a.length > 1, 'correlation needs two series of the same length (>1)');
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Metrics of a landscape against its pattern, over the pattern's cells only (no padding). */
export function patternMetrics(land: Landscape, pattern: Pattern): PatternMetrics {
  check(land.grid.height === pattern.height && land.grid.width === pattern.width,
    `landscape grid ${land.grid.height}x${land.grid.width} does not match pattern ${pattern.height}x${pattern.width}`);
  const loss: number[] = [];
  const white: boolean[] = [];
  let accB = 0, accW = 0, lossB = 0, lossW = 0, nB = 0, nW = 0;
  for (let r = 0; r < pattern.height; r++) {
    for (let c = 0; c < pattern.width; c++) {
      const g = gridIndexOfCell(land.grid, r, c);
      const isBlack = pattern.cells[r * pattern.width + c] === 1;
      loss.push(land.loss[g]);
      white.push(!isBlack);
      if (isBlack) { accB += land.acc[g]; lossB += land.loss[g]; nB++; } else { accW += land.acc[g]; lossW += land.loss[g]; nW++; }
    }
  }
  const accBlack = accB / nB, accWhite = accW / nW;
  return { accBlack, accWhite, accDiff: accBlack - accWhite, lossBlack: lossB / nB, lossWhite: lossW / nW, auc: rocAuc(loss, white) };
}
