/**
 * The batch-norm study's two open experiments (issue 22, item 5), from their committed runs:
 * (a) Xavier initialisation instead of He (configs/bn-study-xavier.yaml) and (b) framed 12x12
 * masks, only boundary and rim trained and measured (configs/bn-study-framed.yaml), each beside
 * the converged study's He runs at the same p (results/bn-study-he/finished/).
 *
 * With `name=study-folder` arguments it first copies the finished runs (config.json, summary.json,
 * metrics.jsonl, pattern.txt, landscape/; no checkpoints) of each study folder's runs/ into
 * results/bn-open/<name>/. Then, for every folder in results/bn-open/, it pairs the two models by
 * seed (a seed with only one finished model is left out and counted), and writes
 * docs/bn-open/open-experiments.csv: per experiment and p the pairs, the mean accuracy
 * differences and black-cell accuracies of each model, and the paired difference without minus
 * with BN with its standard error, t, degrees of freedom, two-sided p and 95% interval.
 *
 *   node --import tsx scripts/bn-open.ts xavier-p0.5=runs/study-bn-xavier-p0.5 framed-p0.5=runs/study-bn-framed-p0.5
 *   node --import tsx scripts/bn-open.ts          # recompute from the committed runs
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pairedT } from '../src/node/study/stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, 'results/bn-open');
const out = join(root, 'docs/bn-open');
const PLAIN = 'plain-cnn6-small', BN = 'bn-cnn-small';
const RUN_FILES = ['config.json', 'summary.json', 'metrics.jsonl', 'pattern.txt', 'landscape'];

for (const arg of process.argv.slice(2)) {
  const [name, folder] = arg.split('=');
  if (!name || !folder) throw new Error(`argument "${arg}" is not name=study-folder`);
  for (const run of readdirSync(join(folder, 'runs'))) {
    const src = join(folder, 'runs', run);
    if (!existsSync(join(src, 'summary.json'))) continue;
    mkdirSync(join(results, name, run), { recursive: true });
    for (const f of RUN_FILES) if (existsSync(join(src, f))) cpSync(join(src, f), join(results, name, run, f), { recursive: true });
  }
}

interface Run {
  model: string;
  p: number;
  seed: number;
  accDiff: number;
  accBlack: number;
}

function readRuns(dir: string): Run[] {
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, 'summary.json'))).map((n) => {
    const s = JSON.parse(readFileSync(join(dir, n, 'summary.json'), 'utf8')) as Record<string, number | string>;
    const m = /^(.*)-p([\d.]+)-s(\d+)$/.exec(n);
    if (!m) throw new Error(`run folder "${n}" in ${dir} is not <model>-p<p>-s<seed>`);
    return { model: m[1], p: Number(m[2]), seed: Number(m[3]), accDiff: Number(s.acc_diff_test), accBlack: Number(s.acc_black_test) };
  });
}

const HEADER = 'experiment,p,pairs,unpaired,accdiff_plain,accdiff_bn,black_plain,black_bn,diff_mean,diff_se,t,df,p_two_sided,ci95_low,ci95_high,positive';
const f6 = (v: number) => (Number.isFinite(v) ? v.toFixed(6) : '');

function rowsOf(name: string, runs: Run[], only?: number[]): string[] {
  const lines: string[] = [];
  for (const p of [...new Set(runs.map((r) => r.p))].filter((p) => !only || only.includes(p)).sort((a, b) => a - b)) {
    const at = runs.filter((r) => r.p === p);
    const pairs = at.filter((r) => r.model === PLAIN).flatMap((a) => {
      const b = at.find((r) => r.model === BN && r.seed === a.seed);
      return b ? [{ a, b }] : [];
    });
    const unpaired = at.length - 2 * pairs.length;
    const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    const t = pairedT(pairs.map(({ a, b }) => a.accDiff - b.accDiff));
    lines.push(
      [name, p, pairs.length, unpaired, f6(mean(pairs.map((x) => x.a.accDiff))), f6(mean(pairs.map((x) => x.b.accDiff))), f6(mean(pairs.map((x) =>
        x.a.accBlack
      ))), f6(mean(pairs.map((x) => x.b.accBlack))), f6(t.mean), f6(t.se), Number.isFinite(t.t) ? t.t.toFixed(3) : '', t.df,
        Number.isFinite(t.p) ? t.p.toFixed(4) : '', f6(t.lo), f6(t.hi), pairs.filter(({ a, b }) => a.accDiff > b.accDiff).length].join(','),
    );
  }
  return lines;
}

if (!existsSync(results)) throw new Error(`${results} does not exist: pass name=study-folder arguments`);
const experiments = readdirSync(results).filter((n) => !n.startsWith('.')).sort();
const openRuns = experiments.map((n) => ({ name: n, runs: readRuns(join(results, n)) }));
// The converged study's He runs at the fills the open experiments ran, for comparison.
const fills = [...new Set(openRuns.flatMap((e) => e.runs.map((r) => r.p)))];
const lines = [HEADER, ...rowsOf('he (converged study)', readRuns(join(root, 'results/bn-study-he/finished')), fills)];
for (const e of openRuns) lines.push(...rowsOf(e.name, e.runs));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'open-experiments.csv'), lines.join('\n') + '\n');
console.log(lines.join('\n'));
