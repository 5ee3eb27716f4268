/**
 * Redraws the batch-norm study's Figures 4a and 4b in docs/figures/ from the committed
 * docs/figures/bn-results.csv (the same drawing `mpo study bn` does), and checks that the
 * committed bn-summary.csv is the summary of those results.
 *
 *   node --import tsx scripts/bn-figures.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFigure } from '../src/node/output/png.js';
import { figure4a, figure4b } from '../src/node/study/figures.js';
import { buildPlan } from '../src/node/study/plan.js';
import { formatSummary, parseResults, summarize } from '../src/node/study/results.js';

const dir = fileURLToPath(new URL('../docs/figures/', import.meta.url));
const rows = parseResults(readFileSync(`${dir}bn-results.csv`, 'utf8'), 'docs/figures/bn-results.csv');
const summary = summarize(rows);
if (formatSummary(summary) !== readFileSync(`${dir}bn-summary.csv`, 'utf8')) {
  throw new Error('docs/figures/bn-summary.csv is not the summary of bn-results.csv: regenerate both with mpo study bn');
}
const seeds = Math.max(...rows.map((r) => r.seed));
const plan = buildPlan({ scale: 'cpu', fills: [...new Set(rows.map((r) => r.p))], seeds });
writeFigure(`${dir}bn-fig4a-acc-diff.png`, figure4a(plan, summary), { scale: 2 });
writeFigure(`${dir}bn-fig4b-acc.png`, figure4b(plan, summary), { scale: 2 });
console.log(`wrote ${dir}bn-fig4a-acc-diff.{png,svg} and ${dir}bn-fig4b-acc.{png,svg} from ${rows.length} runs`);
