/**
 * The bowl baseline (issue 10) of every pattern in docs/reproduction.md's tables, computed from the
 * patterns alone (no training, no data): the AUC a plain bowl around w_O scores (loss = the cell's
 * distance from the centre of the plane), over all cells and over the boundary cells (sharing an
 * edge with the other colour), and over the cells the original's ternary mask would train.
 * Writes docs/figures/bowl-baselines.{csv,json}, and fills the bowl columns of the committed
 * batch-norm study's docs/figures/bn-results.csv and bn-summary.csv (its masks were drawn with
 * the run's seed itself, as every random mask was before the mask got its own stream).
 *
 *   node --import tsx scripts/bowl-baselines.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { boundaryCells, bowlBaseline } from '../src/core/landscape/metrics.js';
import { randomMask } from '../src/core/pattern/random-mask.js';
import { framedRandomMask } from '../src/core/pattern/framed-mask.js';
import { toTernary } from '../src/core/pattern/ternary.js';
import type { Pattern } from '../src/core/pattern/pattern.js';
import { resolvePattern } from '../src/node/pattern-source.js';
import { formatResults, formatSummary, parseResults, summarize } from '../src/node/study/results.js';

const dir = fileURLToPath(new URL('../docs/figures/', import.meta.url));

interface Row {
  experiment: string;
  pattern: string;
  side: number;
  seed: number | '';
  black: number;
  white: number;
  boundary_cells: number;
  bowl_auc: number;
  bowl_boundary_auc: number;
  trained_cells: number;
  bowl_auc_trained: number;
}

function rowOf(experiment: string, p: Pattern, seed: number | '' = ''): Row {
  const black = p.cells.reduce((s, v) => s + v, 0);
  const all = bowlBaseline(p);
  const mask = toTernary(p, { ignoreInterior: true });
  const trained = bowlBaseline(p, { cells: mask });
  return {
    experiment,
    pattern: p.name,
    side: p.height,
    seed,
    black,
    white: p.cells.length - black,
    boundary_cells: boundaryCells(p).length,
    bowl_auc: all.auc,
    bowl_boundary_auc: all.boundaryAuc,
    trained_cells: mask.cells.filter((v) => v !== 2).length,
    bowl_auc_trained: trained.auc,
  };
}

const rows: Row[] = [];
// Pattern gallery and the train-vs-test table: 24x24 built-ins (configs/gallery.yaml).
for (const name of ['heart', 'ring', 'star', 'smiley', 'letter-a', 'digit-8']) rows.push(rowOf('gallery-24', resolvePattern(name, { size: 24 })));
// CIFAR-10: the 16x16 ring (configs/cifar10.yaml).
rows.push(rowOf('cifar10-ring-16', resolvePattern('ring', { size: 16 })));
// The paper-size gallery the next session runs (issue 10, item 4): 50x50.
for (const name of ['heart', 'ring', 'star', 'smiley', 'letter-a', 'digit-8']) rows.push(rowOf('gallery-50', resolvePattern(name, { size: 50 })));
// The committed CPU-scale batch-norm study: 8x8 masks drawn with randomMask({ seed }) (the old shared stream).
const fills = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
for (const p of fills) for (let seed = 1; seed <= 5; seed++) rows.push(rowOf('bn-study-cpu-8', randomMask({ side: 8, fill: p, seed }), seed));
// The original's framed 30x30 squares (--scale paper; mask seeds derived per run, here seeds 1..5 of the mask stream for scale).
for (const p of fills) for (let seed = 1; seed <= 5; seed++) rows.push(rowOf('framed-30', framedRandomMask({ side: 30, fill: p, seed }), seed));

const cols = Object.keys(rows[0]) as (keyof Row)[];
const cell = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(6) : String(v));
writeFileSync(`${dir}bowl-baselines.csv`, [cols.join(','), ...rows.map((r) => cols.map((k) => cell(r[k])).join(','))].join('\n') + '\n');
writeFileSync(`${dir}bowl-baselines.json`, JSON.stringify(rows, null, 1) + '\n');

// Fill the bowl columns of the committed study's results (its runs' other new columns were not measured: NaN).
const results = parseResults(readFileSync(`${dir}bn-results.csv`, 'utf8'), 'docs/figures/bn-results.csv');
const filled = results.map((r) => {
  const b = bowlBaseline(randomMask({ side: 8, fill: r.p, seed: r.seed }));
  return { ...r, bowlAuc: b.auc, bowlBoundaryAuc: b.boundaryAuc };
});
const text = formatResults(filled);
writeFileSync(`${dir}bn-results.csv`, text);
// Summarised from the file's 6-decimal values, as scripts/bn-figures.ts checks it.
writeFileSync(`${dir}bn-summary.csv`, formatSummary(summarize(parseResults(text, 'bn-results.csv'))));

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
for (const e of [...new Set(rows.map((r) => r.experiment))]) {
  const g = rows.filter((r) => r.experiment === e);
  if (g[0].seed === '') {
    for (const r of g) {
      console.log(
        `${e} ${r.pattern}: bowl AUC ${r.bowl_auc.toFixed(4)}, boundary ${r.bowl_boundary_auc.toFixed(4)}, trained cells ${r.bowl_auc_trained.toFixed(4)}`,
      );
    }
  } else {for (const p of fills) {
      const h = g.filter((r) => r.pattern.includes(`-p${p}-`));
      console.log(`${e} p=${p}: bowl AUC mean ${mean(h.map((r) => r.bowl_auc)).toFixed(4)}, boundary ${mean(h.map((r) => r.bowl_boundary_auc)).toFixed(4)}`);
    }}
}
console.log(`wrote ${dir}bowl-baselines.{csv,json} (${rows.length} rows) and the bowl columns of bn-results.csv, bn-summary.csv`);
