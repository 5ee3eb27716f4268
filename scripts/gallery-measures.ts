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
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvePattern } from '../src/node/pattern-source.js';
import { MEASURES_HEADER, measureRow, readLandscapes } from './lib/landscape-measures.js';

const figures = fileURLToPath(new URL('../docs/figures/', import.meta.url));
const grids = join(figures, 'gallery-landscapes');
const source = process.argv[2];
const names = ['heart', 'ring', 'star', 'smiley', 'letter-a', 'digit-8'];
mkdirSync(grids, { recursive: true });
const lines = [`pattern,${MEASURES_HEADER}`];
for (const name of names) {
  const file = join(grids, `${name}.json`);
  if (source) copyFileSync(join(source, name, 'landscape', 'landscape.json'), file);
  if (!existsSync(file)) throw new Error(`${file} is missing: pass the gallery folder whose runs to measure`);
  const landscapes = readLandscapes(file);
  lines.push(`${name},${measureRow(landscapes, resolvePattern(name, { size: landscapes.grid.height }))}`);
}
writeFileSync(join(figures, 'gallery-measures.csv'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
