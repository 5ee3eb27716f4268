import { MpoError } from '../../core/errors.js';
import { formatFill, type StudyPlan, type StudyRun } from './plan.js';
import { pairedT } from './stats.js';

/**
 * The study's tables as CSV text: one row per run (`results.csv`, shard files) and one per
 * model and fill (`summary.csv`). Numbers have a fixed format (6 decimals), rows a fixed order
 * (model, p, seed), so a study run in one go and the same study run in shards then merged give
 * byte-identical files.
 */

/**
 * Header of `results.csv` and of the shard files: the test-set accuracies and AUC of each run,
 * the bowl baseline's AUC for its mask beside it, the boundary AUCs, and the train-vs-test
 * measures (mean |log L_train - log L_test|, black-cell accuracy gap train minus test).
 */
export const RESULTS_HEADER = 'model,p,seed,acc_black,acc_white,acc_diff,auc,bowl_auc,boundary_auc,bowl_boundary_auc,log_loss_gap,acc_black_gap';
/** The header of results files written before the bowl baseline and boundary AUC existed (still read; the missing values are NaN). */
export const LEGACY_RESULTS_HEADER = 'model,p,seed,acc_black,acc_white,acc_diff,auc';
/** Header of `summary.csv`. */
export const SUMMARY_HEADER = 'model,p,runs,acc_black_mean,acc_black_std,acc_white_mean,acc_white_std,acc_diff_mean,acc_diff_std,auc_mean,auc_std,'
  + 'bowl_auc_mean,boundary_auc_mean,boundary_auc_std,bowl_boundary_auc_mean';

/** One run's result: its test-set numbers from `summary.json`. */
export interface ResultRow {
  readonly model: string;
  readonly p: number;
  readonly seed: number;
  /** Mean test accuracy over the mask's black cells. */
  readonly accBlack: number;
  /** Mean test accuracy over its white cells. */
  readonly accWhite: number;
  /** accBlack - accWhite (Figure 4a). */
  readonly accDiff: number;
  /** ROC AUC of telling white from black cells by test loss. */
  readonly auc: number;
  /** The bowl baseline's AUC for the run's mask (absent or NaN in legacy files). */
  readonly bowlAuc?: number;
  /** Test AUC over the boundary cells. */
  readonly boundaryAuc?: number;
  /** The bowl baseline's boundary AUC. */
  readonly bowlBoundaryAuc?: number;
  /** Mean |log L_train - log L_test| over the measured cells. */
  readonly logLossGap?: number;
  /** Black-cell accuracy, train minus test. */
  readonly accBlackGap?: number;
}

/** Mean and sample standard deviation (n - 1; 0 for one run) of one quantity. */
export interface MeanStd {
  readonly mean: number;
  readonly std: number;
}

/** One model and fill, over seeds. */
export interface SummaryRow {
  readonly model: string;
  readonly p: number;
  readonly runs: number;
  readonly accBlack: MeanStd;
  readonly accWhite: MeanStd;
  readonly accDiff: MeanStd;
  readonly auc: MeanStd;
  readonly bowlAuc: MeanStd;
  readonly boundaryAuc: MeanStd;
  readonly bowlBoundaryAuc: MeanStd;
}

const fmt = (v: number | undefined): string => (v !== undefined && Number.isFinite(v) ? v.toFixed(6) : 'NaN');
/** `v` with `digits` decimals, or an empty field when it is not a finite number (a t of one seed). */
const fmtOrEmpty = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : '');
const EXTRA = ['bowlAuc', 'boundaryAuc', 'bowlBoundaryAuc', 'logLossGap', 'accBlackGap'] as const;

/** Sorts rows by model name, then p, then seed (a new array). */
export function sortRows(rows: readonly ResultRow[]): ResultRow[] {
  return [...rows].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : a.p - b.p || a.seed - b.seed));
}

/** `results.csv` text: header, then the rows sorted (see {@link sortRows}), each value with 6 decimals. */
export function formatResults(rows: readonly ResultRow[]): string {
  const lines = sortRows(rows).map((r) =>
    [r.model, formatFill(r.p), r.seed, fmt(r.accBlack), fmt(r.accWhite), fmt(r.accDiff), fmt(r.auc), ...EXTRA.map((k) => fmt(r[k]))].join(',')
  );
  return [RESULTS_HEADER, ...lines].join('\n') + '\n';
}

/** Parses results CSV text written by {@link formatResults}; `source` names the file in errors. */
export function parseResults(text: string, source: string): ResultRow[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.trim();
  if (header !== RESULTS_HEADER && header !== LEGACY_RESULTS_HEADER) {
    throw new MpoError(`${source} does not start with the header "${RESULTS_HEADER}": pass a results file written by mpo study`);
  }
  const width = header.split(',').length;
  return lines.slice(1).map((line, i) => {
    const f = line.split(',');
    const nums = f.slice(1).map(Number);
    const ok = f.length === width && f[0] !== '' && Number.isFinite(nums[0]) && Number.isInteger(nums[1])
      && nums.slice(2).every((v, j) => Number.isFinite(v) || f[j + 3] === 'NaN');
    if (!ok) {
      throw new MpoError(`${source} line ${i + 2} ("${line}") is not model,p,seed and ${width - 3} numbers: the file is damaged, rerun that shard`);
    }
    const row: ResultRow = { model: f[0], p: nums[0], seed: nums[1], accBlack: nums[2], accWhite: nums[3], accDiff: nums[4], auc: nums[5] };
    if (width === 7) return row;
    return { ...row, bowlAuc: nums[6], boundaryAuc: nums[7], bowlBoundaryAuc: nums[8], logLossGap: nums[9], accBlackGap: nums[10] };
  });
}

/** The row of a finished run from its `summary.json` values. */
export function rowOf(run: StudyRun, summary: Record<string, unknown>): ResultRow {
  const num = (k: string): number => {
    const v = summary[k];
    if (typeof v !== 'number') throw new MpoError(`summary.json of run ${run.name} has no number "${k}": delete that run's folder and rerun the study`);
    return v;
  };
  const opt = (k: string): number => (typeof summary[k] === 'number' ? summary[k] as number : NaN);
  return {
    model: run.model,
    p: run.p,
    seed: run.seed,
    accBlack: num('acc_black_test'),
    accWhite: num('acc_white_test'),
    accDiff: num('acc_diff_test'),
    auc: num('auc_test'),
    bowlAuc: opt('bowl_auc'),
    boundaryAuc: opt('boundary_auc_test'),
    bowlBoundaryAuc: opt('bowl_boundary_auc'),
    logLossGap: opt('log_loss_gap_train_test'),
    accBlackGap: opt('acc_black_gap_train_test'),
  };
}

/**
 * Combines rows from several files into the plan's full set: a run found twice must have the
 * same numbers; a run the plan lacks, or a missing run, is an error naming it and what to do.
 */
export function combineRows(plan: StudyPlan, runs: readonly StudyRun[], parts: readonly { source: string; rows: readonly ResultRow[]; }[]): ResultRow[] {
  const key = (r: { model: string; p: number; seed: number; }) => `${r.model}-p${formatFill(r.p)}-s${r.seed}`;
  const expected = new Set(runs.map(key));
  const found = new Map<string, { row: ResultRow; source: string; }>();
  for (const part of parts) {
    for (const row of part.rows) {
      const k = key(row);
      if (!expected.has(k)) {
        throw new MpoError(
          `${part.source} has run ${k}, which the study in study.json (${plan.scale} scale) does not have: merge only shards of the same study`,
        );
      }
      const old = found.get(k);
      if (old && formatResults([old.row]) !== formatResults([row])) {
        throw new MpoError(`run ${k} has different results in ${old.source} and ${part.source}: merge each shard once, from one study`);
      }
      found.set(k, { row, source: part.source });
    }
  }
  const missing = runs.filter((r) => !found.has(r.name));
  if (missing.length > 0) {
    throw new MpoError(`${missing.length} of ${runs.length} runs have no results (first: ${missing[0].name}): ` +
      'run the missing shards (mpo study bn --shard i/N) and pass every shard folder to mpo study merge');
  }
  return sortRows([...found.values()].map((v) => v.row));
}

/** Mean and sample standard deviation of `values` (NaN mean when empty). */
export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

/** Mean and standard deviation over seeds, per model and p (sorted like the rows). */
export function summarize(rows: readonly ResultRow[]): SummaryRow[] {
  const groups = new Map<string, ResultRow[]>();
  for (const r of sortRows(rows)) {
    const k = `${r.model}\u0000${r.p}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return [...groups.values()].map((g) => ({
    model: g[0].model,
    p: g[0].p,
    runs: g.length,
    accBlack: meanStd(g.map((r) => r.accBlack)),
    accWhite: meanStd(g.map((r) => r.accWhite)),
    accDiff: meanStd(g.map((r) => r.accDiff)),
    auc: meanStd(g.map((r) => r.auc)),
    bowlAuc: meanStd(g.map((r) => r.bowlAuc ?? NaN)),
    boundaryAuc: meanStd(g.map((r) => r.boundaryAuc ?? NaN)),
    bowlBoundaryAuc: meanStd(g.map((r) => r.bowlBoundaryAuc ?? NaN)),
  }));
}

/** `summary.csv` text (6 decimals). */
export function formatSummary(rows: readonly SummaryRow[]): string {
  const lines = rows.map((s) =>
    [s.model, formatFill(s.p), s.runs, fmt(s.accBlack.mean), fmt(s.accBlack.std), fmt(s.accWhite.mean), fmt(s.accWhite.std), fmt(s.accDiff.mean),
      fmt(s.accDiff.std), fmt(s.auc.mean), fmt(s.auc.std), fmt(s.bowlAuc.mean), fmt(s.boundaryAuc.mean), fmt(s.boundaryAuc.std), fmt(s.bowlBoundaryAuc.mean)]
      .join(',')
  );
  return [SUMMARY_HEADER, ...lines].join('\n') + '\n';
}

/** Header of `paired.csv`. */
export const PAIRED_HEADER = 'fills,seeds,diff_mean,diff_se,positive,t,df,p_two_sided,ci95_low,ci95_high';

/**
 * The accuracy difference without minus with batch norm, paired by seed, at one fill or pooled
 * over several: the study's most direct comparison. Both models of a seed fit the same mask (its own
 * stream); of their initial weights they share only w_O's first conv layer (the BN model's scale draws
 * come next from the one generator and shift everything after them). Across fills, a seed's masks are nested (the same random numbers
 * thresholded at each p) and its initial weights are the same, so its runs at different fills
 * are not independent: a seed is the unit. Each seed's difference is its mean over the fills;
 * the mean and standard error are over seeds.
 */
export interface PairedRow {
  /** The fills: one p, or the lowest and highest of a pooled range. */
  readonly fills: readonly number[];
  /** Seeds with a run of both models at one of the fills at least. */
  readonly seeds: number;
  /** Mean over seeds of the seed's mean accDiff(without BN) - accDiff(with BN) over the fills. */
  readonly mean: number;
  /** Standard error of that mean (sample std over seeds / sqrt(seeds); 0 for one seed). */
  readonly se: number;
  /** Seeds whose difference is positive (without BN the larger accuracy difference, the paper's sign). */
  readonly positive: number;
  /** mean / se, Student's t over the seeds (NaN for one seed). */
  readonly t: number;
  /** Degrees of freedom of `t`: seeds - 1. */
  readonly df: number;
  /** Two-sided p-value of `t` against no difference (NaN for one seed). */
  readonly p: number;
  /** 95% interval of the mean (mean -+ t_{0.975, df} * se; NaN for one seed). */
  readonly lo: number;
  readonly hi: number;
}

/** Paired differences of `plain` minus `bn` over the rows whose p is in `fills` (see {@link PairedRow}). */
export function pairedDifference(rows: readonly ResultRow[], plain: string, bn: string, fills: readonly number[]): PairedRow {
  const byKey = new Map(rows.filter((r) => r.model === bn).map((r) => [`${r.p}\u0000${r.seed}`, r]));
  const bySeed = new Map<number, number[]>();
  for (const r of rows.filter((x) => x.model === plain && fills.includes(x.p))) {
    const other = byKey.get(`${r.p}\u0000${r.seed}`);
    if (other) bySeed.set(r.seed, [...(bySeed.get(r.seed) ?? []), r.accDiff - other.accDiff]);
  }
  const d = [...bySeed.values()].map((v) => meanStd(v).mean);
  const { mean, std } = meanStd(d);
  const t = pairedT(d);
  return { fills: [Math.min(...fills), Math.max(...fills)].filter((p, i, a) => a.indexOf(p) === i), seeds: d.length, mean,
    se: d.length > 0 ? std / Math.sqrt(d.length) : NaN, positive: d.filter((v) => v > 0).length, t: t.t, df: t.df, p: t.p, lo: t.lo, hi: t.hi };
}

/**
 * The middle fills, 0.3 <= p <= 0.7, where the masks are most irregular (section 4.2: "for probabilities near 0.5 ...
 * very irregular patterns"). The paper's Figure 4a plots p = 0.1 ... 0.9 and names no narrower range.
 */
export const isMidFill = (p: number): boolean => p >= 0.3 - 1e-9 && p <= 0.7 + 1e-9;

/** The seeds' differences pooled over the fills in 0.3..0.7 the rows have; undefined when they have none. */
export function pairedMid(rows: readonly ResultRow[], plain: string, bn: string): PairedRow | undefined {
  const mid = [...new Set(rows.map((r) => r.p))].filter(isMidFill);
  return mid.length > 0 ? pairedDifference(rows, plain, bn, mid) : undefined;
}

/**
 * The paired table: one row per fill, then (when the study has more than one fill in 0.3..0.7,
 * where the paper's finding lies) the seeds' differences pooled over those fills, then (when it
 * also has fills outside that range) pooled over all its fills; pooled rows are labelled `lo..hi`.
 */
export function pairedTable(rows: readonly ResultRow[], plain: string, bn: string): PairedRow[] {
  const fills = [...new Set(rows.map((r) => r.p))].sort((a, b) => a - b);
  const out = fills.map((p) => pairedDifference(rows, plain, bn, [p]));
  const mid = fills.filter(isMidFill).length;
  if (mid > 1) out.push(pairedMid(rows, plain, bn)!);
  if (fills.length > 1 && mid < fills.length) out.push(pairedDifference(rows, plain, bn, fills));
  return out;
}

/** `paired.csv` text (6 decimals; a pooled row's fills as `lo..hi`). */
export function formatPaired(rows: readonly PairedRow[]): string {
  const lines = rows.map((r) =>
    [r.fills.map(formatFill).join('..'), r.seeds, fmt(r.mean), fmt(r.se), r.positive, fmtOrEmpty(r.t, 3), r.df, fmtOrEmpty(r.p, 4), fmtOrEmpty(r.lo, 6),
      fmtOrEmpty(r.hi, 6)].join(',')
  );
  return [PAIRED_HEADER, ...lines].join('\n') + '\n';
}

/** One fill of the original authors' Figure 4a/4b, digitised (docs/bn-study-he/original-fig4-digitised.csv). */
export interface OriginalFig4Row {
  readonly p: number;
  /** Accuracy difference (black minus white cells) without and with BN, and without minus with. */
  readonly accDiffPlain: number;
  readonly accDiffBn: number;
  readonly gap: number;
  /** Black-cell accuracy without and with BN. */
  readonly accBlackPlain: number;
  readonly accBlackBn: number;
}

const ORIGINAL_HEADER = 'p,orig_accdiff_noBN,orig_accdiff_BN,orig_noBN_minus_BN,orig_black_noBN,orig_black_BN';

/** Parses the digitised original Figure 4 table (`#` comment lines first); `source` names the file in errors. */
export function parseOriginalFig4(text: string, source: string): OriginalFig4Row[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines[0] !== ORIGINAL_HEADER) throw new MpoError(`${source} does not start with the header ${ORIGINAL_HEADER}: is it the digitised Figure 4 table?`);
  return lines.slice(1).map((l, i) => {
    const v = l.split(',').map(Number);
    if (v.length !== 6 || v.some((x) => !Number.isFinite(x))) throw new MpoError(`${source} line ${i + 2} is not 6 numbers: "${l}"`);
    return { p: v[0], accDiffPlain: v[1], accDiffBn: v[2], gap: v[3], accBlackPlain: v[4], accBlackBn: v[5] };
  });
}
