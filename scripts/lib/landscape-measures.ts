/**
 * Issue 10's measures of one committed landscape against its pattern, for the scripts that
 * recompute the numbers in docs/reproduction.md from committed grids: test and train AUC with
 * the bowl baseline beside them, boundary AUCs, black-cell accuracies and the train-vs-test
 * measures (mean |log L_train - log L_test| over the pattern's cells, the black-cell accuracy gap,
 * and the correlation of log losses as a secondary figure).
 */
import { readFileSync } from 'node:fs';
import type { Landscape } from '../../src/core/landscape/evaluate.js';
import { patternMetrics, trainTestGap } from '../../src/core/landscape/metrics.js';
import type { Pattern } from '../../src/core/pattern/pattern.js';

/** Header of the CSV rows {@link measureRow} formats (after a leading name column). */
export const MEASURES_HEADER = 'auc_test,auc_train,bowl_auc,boundary_auc_test,boundary_auc_train,bowl_boundary_auc,acc_black_test,acc_black_train,'
  + 'acc_white_test,acc_white_train,acc_black_gap_train_test,log_loss_gap_train_test,corr_train_test_loss';

/** A `landscape/landscape.json` as `mpo fit` writes it. */
interface LandscapeFile {
  rows: number;
  cols: number;
  grid: Landscape['grid'];
  test: { loss: number[]; acc: number[]; };
  train: { loss: number[]; acc: number[]; };
}

/** A run's test and train landscapes on one grid. */
export interface Landscapes {
  test: Landscape;
  train: Landscape;
  grid: Landscape['grid'];
}

/** Reads a run's `landscape/landscape.json` into its test and train landscapes. */
export function readLandscapes(file: string): Landscapes {
  const j = JSON.parse(readFileSync(file, 'utf8')) as LandscapeFile;
  const land = (s: { loss: number[]; acc: number[]; }): Landscape => ({ rows: j.rows, cols: j.cols, grid: j.grid, loss: Float32Array.from(s.loss),
    acc: Float32Array.from(s.acc) });
  return { test: land(j.test), train: land(j.train), grid: j.grid };
}

/** The measures of a run's landscapes against `pattern`, as CSV fields in {@link MEASURES_HEADER}'s order (6 decimals). */
export function measureRow({ test, train }: Landscapes, pattern: Pattern): string {
  const mt = patternMetrics(test, pattern), mr = patternMetrics(train, pattern), gap = trainTestGap(train, test, pattern);
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(6) : 'NaN');
  return [mt.auc, mr.auc, mt.bowlAuc, mt.boundaryAuc, mr.boundaryAuc, mt.bowlBoundaryAuc, mt.accBlack, mr.accBlack, mt.accWhite, mr.accWhite, gap.accBlackGap,
    gap.logLossGap, gap.correlation].map(f).join(',');
}
