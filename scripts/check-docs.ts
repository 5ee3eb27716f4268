/**
 * Recomputes the numbers docs/reproduction.md quotes from the committed CSV/JSON beside it and
 * prints one line per quoted number that differs (issue 22, item 6); exit code 1 when any does.
 * A quoted number matches when the recomputed value rounds to it at the quoted number of decimals.
 *
 *   node --import tsx scripts/check-docs.ts                 # checks docs/reproduction.md
 *   node --import tsx scripts/check-docs.ts --doc FILE      # checks another copy of the text against the same data
 *
 * Checked: the tables of the gallery (24x24 and the CNN at 50x50), CIFAR-10, train vs test, the
 * reference networks, both batch-norm studies (per fill, paired by seed with t, df and the 95%
 * interval, the original authors' digitised Figure 4a beside them) and the open experiments, and
 * the batch-norm numbers quoted in the prose (labelled sentences below).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pairedT } from '../src/node/study/stats.js';

type Row = Record<string, string>;

/** Parses a committed CSV (no quoted fields; `#` lines skipped) into rows keyed by the header. */
function readCsv(path: string): Row[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const head = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
}

/** The numbers in a piece of text, as written (thousands separators dropped), e.g. "0.791 / 0.809 (+0.018)". */
export function numbersIn(text: string): string[] {
  return (text.replace(/\*\*/g, '').match(/[-+]?\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?/g) ?? []).map((s) => s.replace(/,/g, ''));
}

/** Whether `value` rounds to the quoted number at its number of decimals. */
export function matches(quoted: string, value: number): boolean {
  const decimals = quoted.includes('.') ? quoted.split('.')[1].length : 0;
  return Number.isFinite(value) && Math.abs(Number(quoted) - value) <= 0.5 * 10 ** -decimals + 1e-9;
}

/** The body rows (cells trimmed, the leading and trailing pipes dropped) of the table whose header row starts with `header`. */
function tableRows(text: string, header: string): string[][] | undefined {
  const lines = text.split('\n');
  // A header ending in a newline must be the whole header row; otherwise its start.
  const at = lines.findIndex((l) => (header.endsWith('\n') ? l === header.slice(0, -1) : l.startsWith(header)));
  if (at < 0) return undefined;
  const rows: string[][] = [];
  for (let i = at + 2; i < lines.length && lines[i].startsWith('|'); i++) {
    rows.push(lines[i].replace(/\\\|/g, '¦').split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

/** Collects mismatches: `cell` must hold exactly the numbers `values` (NaN entries are not checked). */
class Checker {
  readonly problems: string[] = [];
  count = 0;
  constructor(readonly text: string) {}

  cell(where: string, cell: string | undefined, values: readonly number[]): void {
    const quoted = numbersIn(cell ?? '');
    if (quoted.length !== values.length) {
      this.problems.push(`${where}: quotes ${quoted.length} numbers ("${cell}"), expected ${values.length}`);
      return;
    }
    values.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      this.count++;
      if (!matches(quoted[i], v)) this.problems.push(`${where}: quotes ${quoted[i]}, the committed data give ${v.toFixed(6)}`);
    });
  }

  /** Each row of the table under `header` is found by `key(row)` and checked column by column with `expect`. */
  table(name: string, header: string, expect: (first: string, row: readonly string[]) => (readonly number[])[] | undefined): void {
    const rows = tableRows(this.text, header);
    if (!rows || rows.length === 0) {
      this.problems.push(`${name}: table "${header.slice(0, 60)}..." not found`);
      return;
    }
    for (const r of rows) {
      const cols = expect(r[0], r);
      if (!cols) {
        this.problems.push(`${name}: row "${r[0]}" has no committed data`);
        continue;
      }
      cols.forEach((values, i) => this.cell(`${name}, row "${r[0]}", column ${i + 2}`, r[i + 1], values));
    }
  }

  /** A sentence: `pattern` must occur, its capture groups holding `values`. */
  phrase(name: string, pattern: RegExp, values: readonly number[]): void {
    const m = pattern.exec(this.text.replace(/\s+/g, ' '));
    if (!m) {
      this.problems.push(`${name}: the sentence ${pattern} was not found`);
      return;
    }
    this.cell(name, m.slice(1).join(' ; '), values);
  }
}

const num = (r: Row | undefined, k: string): number => (r && r[k] !== undefined ? Number(r[k]) : NaN);
const by = (rows: Row[], key: string, value: string) => rows.find((r) => r[key] === value);

/**
 * Checks `text` (docs/reproduction.md or a copy) against the committed data under `root`;
 * returns the mismatches, one line each, and how many numbers were compared.
 */
export function checkReproduction(text: string, root: string): { problems: string[]; checked: number; } {
  const c = new Checker(text);
  const docs = join(root, 'docs');
  const gallery = readCsv(join(docs, 'figures/gallery-measures.csv'));
  const bowls = readCsv(join(docs, 'figures/bowl-baselines.csv'));
  const cnn50 = readCsv(join(docs, 'gallery-cnn-50/gallery.csv'));
  const cifar = readCsv(join(docs, 'cifar10/cifar10.csv'));
  const he = readCsv(join(docs, 'bn-study-he/summary.csv'));
  const heResults = readCsv(join(docs, 'bn-study-he/results.csv'));
  const paired = readCsv(join(docs, 'bn-study-he/paired.csv'));
  const first = readCsv(join(docs, 'figures/bn-summary.csv'));
  const original = readCsv(join(docs, 'bn-study-he/original-fig4-digitised.csv'));

  // How to read: the bowl's AUC on the heart and the star.
  c.phrase('bowl baselines of heart and star', /for compact centred pictures: ([\d.]+) for the heart, ([\d.]+) for the star/,
    ['heart', 'star'].map((p) => num(bowls.find((b) => b.experiment === 'gallery-24' && b.pattern === p), 'bowl_auc')));

  c.table('gallery', '| pattern | test AUC | bowl baseline AUC | boundary AUC test (bowl) | train AUC | accuracy black (test)', (p) => {
    const g = by(gallery, 'pattern', p);
    if (!g) return undefined;
    return [[num(g, 'auc_test')], [num(g, 'bowl_auc')], [num(g, 'boundary_auc_test'), num(g, 'bowl_boundary_auc')], [num(g, 'auc_train')], [
      num(g, 'acc_black_test'),
    ], [num(g, 'acc_white_test')], [num(g, 'acc_black_test') - num(g, 'acc_white_test')], [num(g, 'corr_train_test_loss')], [NaN]];
  });

  c.table('gallery CNN 50x50', '| pattern | test AUC | bowl baseline AUC | boundary AUC test (bowl) | train AUC | accuracy black / white (test)', (p) => {
    const g = by(cnn50, 'pattern', p);
    if (!g) return undefined;
    return [[num(g, 'auc_test')], [num(g, 'bowl_auc')], [num(g, 'boundary_auc_test'), num(g, 'bowl_boundary_auc')], [num(g, 'auc_train')], [
      num(g, 'acc_black_test'),
      num(g, 'acc_white_test'),
    ], [num(g, 'acc_diff_test')], [num(g, 'log_loss_gap_train_test')], [num(g, 'acc_black_gap_train_test')]];
  });

  c.table('CIFAR-10', '| run | AUC test / train | bowl baseline AUC | boundary AUC test / train (bowl)', (run) => {
    const r = by(cifar, 'run', run);
    if (!r) return undefined;
    return [[num(r, 'auc_test'), num(r, 'auc_train')], [num(r, 'bowl_auc')], [num(r, 'boundary_auc_test'), num(r, 'boundary_auc_train'),
      num(r, 'bowl_boundary_auc')], [num(r, 'acc_black_test'), num(r, 'acc_black_train')], [num(r, 'acc_white_test'), num(r, 'acc_white_train')], [NaN, NaN]];
  });

  c.table('train vs test', '| run | mean \\|log L_train - log L_test\\| | train/test correlation', (name) => {
    const r = name.startsWith('FashionMNIST ') ?
      by(gallery, 'pattern', name.slice('FashionMNIST '.length))
      : by(cifar, 'run', name.replace(/^CIFAR-10 ring, /, '').replace(/ \(.*\)$/, ''));
    if (!r) return undefined;
    return [[num(r, 'log_loss_gap_train_test')], [num(r, 'corr_train_test_loss')], [num(r, 'auc_test'), num(r, 'auc_train')], [num(r, 'bowl_auc')], [
      num(r, 'acc_black_test'),
      num(r, 'acc_black_train'),
      num(r, 'acc_black_gap_train_test'),
    ], [num(r, 'acc_white_test'), num(r, 'acc_white_train')]];
  });

  const summaryCols = (rows: Row[], p: string, boundary: boolean) => {
    const a = rows.find((r) => r.model === 'plain-cnn6-small' && Number(r.p) === Number(p));
    const b = rows.find((r) => r.model === 'bn-cnn-small' && Number(r.p) === Number(p));
    if (!a || !b) return undefined;
    const cols = [[num(a, 'acc_diff_mean'), num(a, 'acc_diff_std')], [num(b, 'acc_diff_mean'), num(b, 'acc_diff_std')], [num(a, 'acc_black_mean'),
      num(a, 'acc_white_mean')], [num(b, 'acc_black_mean'), num(b, 'acc_white_mean')], [num(a, 'auc_mean'), num(b, 'auc_mean')], [num(a, 'bowl_auc_mean'),
      num(a, 'bowl_boundary_auc_mean')]];
    return boundary ? [...cols, [num(a, 'boundary_auc_mean'), num(b, 'boundary_auc_mean')]] : cols;
  };
  const bnHeader = '| p | accuracy difference without BN | with BN | black / white without BN | black / white with BN | AUC without / with BN | ' +
    'bowl baseline AUC (boundary) |';
  c.table('first BN study', `${bnHeader}\n`, (p) => summaryCols(first, p, false));
  c.table('converged BN study', `${bnHeader} boundary AUC without / with BN |`, (p) => summaryCols(he, p, true));

  // The paired table: all fills and 0.3-0.7 pooled by seed, then each fill, the original authors' values beside.
  const origGap = (lo: number, hi: number) => {
    const g = original.filter((o) => Number(o.p) >= lo - 1e-9 && Number(o.p) <= hi + 1e-9).map((o) => Number(o.orig_noBN_minus_BN));
    return g.reduce((a, b) => a + b, 0) / g.length;
  };
  c.table('BN paired', '| p | paired difference without minus with BN', (label) => {
    const key = /^all fills/.test(label) ? '0.1..0.9' : /^0\.3-0\.7/.test(label) ? '0.3..0.7' : label;
    const r = by(paired, 'fills', key);
    if (!r) return undefined;
    const o = by(original, 'p', key);
    const orig = key.includes('..')
      ? [origGap(Number(key.split('..')[0]), Number(key.split('..')[1]))]
      : [num(o, 'orig_accdiff_noBN'), num(o, 'orig_accdiff_BN'), num(o, 'orig_noBN_minus_BN')];
    return [[num(r, 'diff_mean'), num(r, 'diff_se')], [num(r, 't')], [num(r, 'df')], [num(r, 'p_two_sided')], [num(r, 'ci95_low'), num(r, 'ci95_high')], [
      num(r, 'positive'),
      num(r, 'seeds'),
    ], orig];
  });

  // Prose: the per-seed differences pooled over fills, and the correlation of the per-fill profiles.
  const seedDiffs = (lo: number, hi: number) =>
    [1, 2, 3, 4, 5].map((s) => {
      const d = heResults.filter((r) => r.model === 'plain-cnn6-small' && Number(r.seed) === s && Number(r.p) >= lo - 1e-9 && Number(r.p) <= hi + 1e-9)
        .map((r) => {
          const b = heResults.find((x) => x.model === 'bn-cnn-small' && x.seed === r.seed && x.p === r.p)!;
          return Number(r.acc_diff) - Number(b.acc_diff);
        });
      return d.reduce((a, b) => a + b, 0) / d.length;
    });
  c.phrase('per-seed differences over all fills', /over all nine fills by seed: ([-\d., ]+?)(?: \(|;|\.\s)/, seedDiffs(0.1, 0.9));
  c.phrase('per-seed differences over 0.3-0.7', /over p = 0\.3-0\.7 by seed: ([-\d., ]+?)(?: \(|;|\.\s)/, seedDiffs(0.3, 0.7));
  const all = pairedT(seedDiffs(0.1, 0.9));
  c.phrase('all-fills t in the prose', /all fills, paired by seed: ([-\d.]+) ± ([\d.]+) \(t = ([\d.]+), df (\d+), 95% interval ([-\d.]+) to ([-\d.]+)/, [
    all.mean,
    all.se,
    all.t,
    all.df,
    all.lo,
    all.hi,
  ]);
  const fills = ['0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9'];
  const ours = fills.map((p) => num(by(paired, 'fills', p), 'diff_mean'));
  const theirs = fills.map((p) => num(by(original, 'p', p), 'orig_noBN_minus_BN'));
  c.phrase('profile correlation', /correlation of the two per-fill profiles is r = ([-\d.]+)/, [correlation(ours, theirs)]);
  c.phrase('original mean gap', /the original's difference averages ([\d.]+) over the nine fills/, [origGap(0.1, 0.9)]);

  // The initial logit scale under Xavier and He (scripts/bn-logit-scale.ts).
  const logits = readCsv(join(docs, 'bn-open/logit-scale.csv'));
  const rms = (m: string, init: string) =>
    [1, 2, 3, 4, 5].map((s) => num(logits.find((r) => r.model === m && r.init === init && Number(r.seed) === s), 'logit_rms'));
  const ratios = (m: string) => rms(m, 'he').map((h, i) => h / rms(m, 'xavier')[i]);
  const plainRatios = ratios('plain-cnn6-small'), bnRatios = ratios('bn-cnn-small');
  c.phrase('initial logit scale',
    /is ([\d.]+)-([\d.]+) times larger under He than under Xavier on seeds 1-5 \(median ([\d.]+); ([\d.]+)-([\d.]+) against ([\d.]+)-([\d.]+)\), while the BN model's grows only ([\d.]+)-([\d.]+) times/,
    [Math.min(...plainRatios), Math.max(...plainRatios), [...plainRatios].sort((a, b) => a - b)[2], Math.min(...rms('plain-cnn6-small', 'xavier')),
      Math.max(...rms('plain-cnn6-small', 'xavier')), Math.min(...rms('plain-cnn6-small', 'he')), Math.max(...rms('plain-cnn6-small', 'he')),
      Math.min(...bnRatios), Math.max(...bnRatios)]);

  referenceChecks(c, root);
  openExperimentChecks(c, root);
  return { problems: c.problems, checked: c.count };
}

/** Pearson correlation of two equal-length lists. */
function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length, mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0, saa = 0, sbb = 0;
  a.forEach((v, i) => {
    sab += (v - ma) * (b[i] - mb);
    saa += (v - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  });
  return sab / Math.sqrt(saa * sbb);
}

/** The reference networks' table: each row names a summary.json under results/references/ (or results/beyond-the-plane/networks/). */
function referenceChecks(c: Checker, root: string): void {
  const summaries: Record<string, string[]> = {
    'MLP, 600 steps': ['results/beyond-the-plane/networks/netA-summary.json', 'results/beyond-the-plane/networks/netB-summary.json'],
    'CNN, 1,500 steps': ['results/references/gallery-cnn-50-cnn-1500/summary.json'],
    'plain-cnn6-small, 3,000 steps': [1, 2, 3, 4, 5].map((s) => `results/references/bn-study-plain-cnn6-small-s${s}/summary.json`),
    'bn-cnn-small, the same budget': [1, 2, 3, 4, 5].map((s) => `results/references/bn-study-bn-cnn-small-s${s}/summary.json`),
    'cnn-color, 800 steps': ['results/references/cifar10-cnn-color-800/summary.json'],
    'cnn-color-nopool, 800 steps': ['results/references/cifar10-cnn-color-nopool-800/summary.json'],
  };
  c.table('reference networks', '| reference network (trained alone) |', (label) => {
    const key = Object.keys(summaries).find((k) => label.startsWith(k));
    if (!key) return undefined;
    const files = summaries[key].map((f) => join(root, f)).filter((f) => existsSync(f));
    if (files.length === 0) return undefined;
    const s = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, number>);
    const mean = (k: string) => s.reduce((a, x) => a + x[k], 0) / s.length;
    const gap = s.reduce((a, x) => a + Math.abs(Math.log(x.train_loss) - Math.log(x.test_loss)), 0) / s.length;
    return [[s.length], [mean('test_acc')], [mean('train_acc')], [mean('train_acc') - mean('test_acc')], [gap]];
  });
}

/** The open experiments' tables (Xavier instead of He; framed masks measured on trained cells), when their CSVs are committed. */
function openExperimentChecks(c: Checker, root: string): void {
  const file = join(root, 'docs/bn-open/open-experiments.csv');
  if (!existsSync(file)) return;
  const rows = readCsv(file);
  c.table('open experiments', '| experiment | p | seeds (pairs) |', (label, row) => {
    const r = rows.find((x) => label.startsWith(x.experiment) && Number(numbersIn(row[1] ?? '')[0]) === Number(x.p));
    if (!r) return undefined;
    return [[num(r, 'p')], [num(r, 'pairs')], [num(r, 'accdiff_plain'), num(r, 'accdiff_bn')], [num(r, 'black_plain'), num(r, 'black_bn')], [
      num(r, 'diff_mean'),
      num(r, 'diff_se'),
    ], [num(r, 't'), num(r, 'df')], [num(r, 'p_two_sided')], [num(r, 'ci95_low'), num(r, 'ci95_high')], [num(r, 'positive'), num(r, 'pairs')]];
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const i = process.argv.indexOf('--doc');
  const doc = i >= 0 ? process.argv[i + 1] : join(root, 'docs/reproduction.md');
  if (!doc || !existsSync(doc)) {
    console.error(`check-docs: ${doc ? `"${doc}" does not exist` : '--doc needs a file'}: pass the markdown file to check`);
    process.exit(2);
  }
  const { problems, checked } = checkReproduction(readFileSync(doc, 'utf8'), root);
  for (const p of problems) console.log(p);
  console.log(problems.length === 0 ? `check-docs: ${checked} quoted numbers match the committed data` : `check-docs: ${problems.length} mismatches`);
  process.exit(problems.length === 0 ? 0 : 1);
}
