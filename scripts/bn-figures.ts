/**
 * Redraws the batch-norm studies' Figures 4a and 4b from their committed tables, with the original
 * authors' Figure 4a (digitised, docs/bn-study-he/original-fig4-digitised.csv) as dotted curves in 4a:
 * - the first study (400 steps, Xavier): docs/figures/bn-fig4a-acc-diff, bn-fig4b-acc from
 *   docs/figures/bn-results.csv (checking that the committed bn-summary.csv is its summary);
 * - the converged study (He, 3,000 steps): docs/bn-study-he/fig4a-acc-diff, fig4b-acc from
 *   docs/bn-study-he/results.csv (checking summary.csv the same way).
 * The same drawing as `mpo study bn`, PNG and SVG.
 *
 *   node --import tsx scripts/bn-figures.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFigure } from '../src/node/output/png.js';
import { figure4a, figure4b, originalFig4aSeries } from '../src/node/study/figures.js';
import { buildPlan } from '../src/node/study/plan.js';
import { formatSummary, parseOriginalFig4, parseResults, summarize } from '../src/node/study/results.js';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const original = originalFig4aSeries(
  parseOriginalFig4(readFileSync(`${docs}bn-study-he/original-fig4-digitised.csv`, 'utf8'), 'docs/bn-study-he/original-fig4-digitised.csv'),
);

function redraw(dir: string, prefix: string, results: string, summaryFile: string, fig4a: string, fig4b: string): void {
  const rows = parseResults(readFileSync(`${docs}${dir}${results}`, 'utf8'), `docs/${dir}${results}`);
  const summary = summarize(rows);
  if (formatSummary(summary) !== readFileSync(`${docs}${dir}${summaryFile}`, 'utf8')) {
    throw new Error(`docs/${dir}${summaryFile} is not the summary of ${results}: regenerate both`);
  }
  const seeds = Math.max(...rows.map((r) => r.seed));
  const plan = buildPlan({ scale: 'cpu', fills: [...new Set(rows.map((r) => r.p))], seeds });
  writeFigure(`${docs}${dir}${prefix}${fig4a}.png`, figure4a(plan, summary, original), { scale: 2 });
  writeFigure(`${docs}${dir}${prefix}${fig4b}.png`, figure4b(plan, summary), { scale: 2 });
  console.log(`wrote docs/${dir}${prefix}${fig4a}.{png,svg} and ${prefix}${fig4b}.{png,svg} from ${rows.length} runs`);
}

redraw('figures/', 'bn-', 'bn-results.csv', 'bn-summary.csv', 'fig4a-acc-diff', 'fig4b-acc');
redraw('bn-study-he/', '', 'results.csv', 'summary.csv', 'fig4a-acc-diff', 'fig4b-acc');
