/**
 * The converged batch-norm study (issue 10, item 3; docs/reproduction.md, "Batch-norm study")
 * from its committed runs: takes the finished runs in results/bn-study-he/finished/ (one `mpo fit`
 * folder each, without checkpoints), keeps the fills whose 10 runs (5 seeds x 2 models) are all
 * there, and merges them with `mpo study bn`'s own code in a scratch study folder (every run is
 * found finished, so nothing is trained) with the settings of docs/bn-control/study-he.yaml. Writes
 * docs/bn-study-he/results.csv, summary.csv, paired.csv, fig4a-acc-diff, fig4b-acc, fig3, curves (PNG and SVG) and
 * report.html, and prints the finding line; then redraws Figure 4a with the original authors' curves
 * (as `scripts/bn-figures.ts`, from docs/bn-study-he/original-fig4-digitised.csv).
 *
 *   node --import tsx scripts/bn-study-he.ts
 */
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../src/node/config-file.js';
import { writeFigure } from '../src/node/output/png.js';
import { figure4a, originalFig4aSeries } from '../src/node/study/figures.js';
import { buildPlan, planRuns } from '../src/node/study/plan.js';
import { parseOriginalFig4 } from '../src/node/study/results.js';
import { runStudy } from '../src/node/study/study.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const docs = join(root, 'docs/bn-study-he');
const finished = join(root, 'results/bn-study-he/finished');
const overrides = readConfigFile(join(root, 'docs/bn-control/study-he.yaml'));
const done = new Set(readdirSync(finished).filter((n) => existsSync(join(finished, n, 'summary.json'))));
const all = planRuns(buildPlan({ overrides }));
const fills = [...new Set(all.map((r) => r.p))].filter((p) => all.filter((r) => r.p === p).every((r) => done.has(r.name)));
if (fills.length === 0) {
  console.error(`bn-study-he: no fill has all 10 runs in ${finished}: run the study further (docs/reproduction.md, "The converged study")`);
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), 'mpo-bn-study-he-'));
try {
  const runs = planRuns(buildPlan({ fills, overrides }));
  for (const r of runs) cpSync(join(finished, r.name), join(scratch, 'runs', r.name), { recursive: true });
  const result = await runStudy({ scale: 'cpu', fills, overrides, out: scratch, jobs: 1, log: () => {} });
  if (result.skipped !== runs.length) throw new Error(`${runs.length - result.skipped} runs were not finished: nothing should have been trained`);
  for (const f of ['results.csv', 'summary.csv', 'paired.csv', 'curves.png', 'curves.svg', 'report.html', 'fig4a-acc-diff.png', 'fig4a-acc-diff.svg',
    'fig4b-acc.png', 'fig4b-acc.svg', 'fig3.png', 'fig3.svg']) {
    if (existsSync(join(scratch, f))) copyFileSync(join(scratch, f), join(docs, f));
  }
  console.log(`fills ${fills.join(', ')}: ${runs.length} runs merged into ${docs}`);
  const original = parseOriginalFig4(readFileSync(join(docs, 'original-fig4-digitised.csv'), 'utf8'), 'docs/bn-study-he/original-fig4-digitised.csv');
  writeFigure(join(docs, 'fig4a-acc-diff.png'), figure4a(buildPlan({ fills, overrides }), result.merged!.summary, originalFig4aSeries(original)));
  console.log(result.merged?.finding);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
