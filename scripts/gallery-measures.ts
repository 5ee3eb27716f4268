/**
 * Issue 10's measures for the committed gallery (docs/reproduction.md, "Pattern gallery" and
 * "Train vs test"), recomputed from the runs' landscapes: the test and train AUC with the bowl
 * baseline beside them, the boundary AUC, and the train-vs-test measures (mean |log L_train -
 * log L_test| over the pattern's cells, the black-cell accuracy gap). Copies each run's
 * `landscape/landscape.json` to docs/figures/gallery-landscapes/<pattern>.json (the grids the
 * numbers come from) and writes docs/figures/gallery-measures.csv.
 *
 *   node --import tsx scripts/gallery-measures.ts <gallery folder, e.g. runs/gallery>
 *   node --import tsx scripts/gallery-measures.ts     # recompute from the committed grids
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Landscape } from '../src/core/landscape/evaluate.js';
import { patternMetrics, trainTestGap } from '../src/core/landscape/metrics.js';
import { resolvePattern } from '../src/node/pattern-source.js';

const figures = fileURLToPath(new URL('../docs/figures/', import.meta.url));
const grids = join(figures, 'gallery-landscapes');
const source = process.argv[2];
const names = ['heart', 'ring', 'star', 'smiley', 'letter-a', 'digit-8'];
mkdirSync(grids, { recursive: true });
const f = (v: number) => (Number.isFinite(v) ? v.toFixed(6) : 'NaN');
const lines = [
  'pattern,auc_test,auc_train,bowl_auc,boundary_auc_test,boundary_auc_train,bowl_boundary_auc,acc_black_test,acc_black_train,acc_black_gap_train_test,log_loss_gap_train_test,corr_train_test_loss',
];
for (const name of names) {
  const file = join(grids, `${name}.json`);
  if (source) copyFileSync(join(source, name, 'landscape', 'landscape.json'), file);
  if (!existsSync(file)) throw new Error(`${file} is missing: pass the gallery folder whose runs to measure`);
  const j = JSON.parse(readFileSync(file, 'utf8')) as { rows: number; cols: number; grid: Landscape['grid']; test: { loss: number[]; acc: number[]; };
    train: { loss: number[]; acc: number[]; }; };
  const land = (s: { loss: number[]; acc: number[]; }): Landscape => ({ rows: j.rows, cols: j.cols, grid: j.grid, loss: Float32Array.from(s.loss),
    acc: Float32Array.from(s.acc) });
  const pattern = resolvePattern(name, { size: j.grid.height });
  const test = land(j.test), train = land(j.train);
  const mt = patternMetrics(test, pattern), mr = patternMetrics(train, pattern), gap = trainTestGap(train, test, pattern);
  lines.push(
    [name, f(mt.auc), f(mr.auc), f(mt.bowlAuc), f(mt.boundaryAuc), f(mr.boundaryAuc), f(mt.bowlBoundaryAuc), f(mt.accBlack), f(mr.accBlack), f(gap.accBlackGap),
      f(gap.logLossGap), f(gap.correlation)].join(','),
  );
}
writeFileSync(join(figures, 'gallery-measures.csv'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
