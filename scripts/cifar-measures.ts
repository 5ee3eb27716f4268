/**
 * The CIFAR-10 runs' measures (docs/reproduction.md, "CIFAR-10" and "Train vs test"), recomputed
 * from their committed landscapes. With `name=run-folder` arguments it first copies each run's
 * `config.json`, `summary.json`, `metrics.jsonl`, `figure.png`/`.svg` and `landscape/landscape.json`
 * into results/cifar10/<name>/; then it measures every results/cifar10/<name>/landscape.json against the
 * run's pattern and writes docs/cifar10/cifar10.csv (one row per run, with the bowl baseline
 * beside each AUC and the train-vs-test measures).
 *
 *   node --import tsx scripts/cifar-measures.ts pooled=runs/cifar10-pooled augment=runs/cifar10-augment
 *   node --import tsx scripts/cifar-measures.ts     # recompute from the committed grids
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvePattern } from '../src/node/pattern-source.js';
import { MEASURES_HEADER, measureRow, readLandscapes } from './lib/landscape-measures.js';

const docs = fileURLToPath(new URL('../docs/cifar10/', import.meta.url));
const runs = fileURLToPath(new URL('../results/cifar10/', import.meta.url));
const FILES = ['config.json', 'summary.json', 'metrics.jsonl', 'figure.png', 'figure.svg'];
for (const arg of process.argv.slice(2)) {
  const [name, folder] = arg.split('=');
  if (!name || !folder) throw new Error(`argument "${arg}" is not name=run-folder`);
  const dest = join(runs, name);
  mkdirSync(dest, { recursive: true });
  for (const f of FILES) copyFileSync(join(folder, f), join(dest, f));
  copyFileSync(join(folder, 'landscape', 'landscape.json'), join(dest, 'landscape.json'));
}
if (!existsSync(runs)) throw new Error(`${runs} does not exist: pass name=run-folder arguments`);
const lines = [`run,model,augment,pattern,steps,batch_size,cells_per_step,eval_images,${MEASURES_HEADER}`];
for (const name of readdirSync(runs).filter((n) => existsSync(join(runs, n, 'landscape.json'))).sort()) {
  const c = JSON.parse(readFileSync(join(runs, name, 'config.json'), 'utf8')) as Record<string, unknown>;
  const pattern = resolvePattern(String(c.pattern), { size: Number(c.patternSize) });
  lines.push(
    [name, c.model, c.augment, c.pattern, c.steps, c.batchSize, c.cellsPerStep, c.evalImages,
      measureRow(readLandscapes(join(runs, name, 'landscape.json')), pattern)]
      .join(','),
  );
}
writeFileSync(join(docs, 'cifar10.csv'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
