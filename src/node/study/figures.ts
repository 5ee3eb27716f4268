import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { patternOf } from '../run/setup.js';
import { renderLineChart, type ChartSeries } from '../../core/render/chart.js';
import { renderHeatmap, renderMask } from '../../core/render/heatmap.js';
import { compose, type Figure } from '../../core/render/svg.js';
import { formatFill, type StudyPlan, type StudyRun } from './plan.js';
import { meanStd, type MeanStd, type OriginalFig4Row, type SummaryRow } from './results.js';

/** Figures of the batch-norm study, drawn from its summary table and two runs' landscapes. */

/** Blue for the model without batch norm, red for the one with it (the paper's colours). */
export const PLAIN_COLOR = '#1f77b4';
export const BN_COLOR = '#d62728';

/** A chart series of one model: mean against p, with the std as error bars when `withErr`. */
function seriesOf(summary: readonly SummaryRow[], model: string, pick: (s: SummaryRow) => { mean: number; std: number; }, withErr: boolean, name: string,
  color: string, dotted = false): ChartSeries {
  const rows = summary.filter((s) => s.model === model);
  return { name, color, dotted, points: rows.map((s) => [s.p, pick(s).mean]), errors: withErr ? rows.map((s) => pick(s).std) : undefined,
    dodge: withErr ? dodgeOf(color) : undefined };
}

/** Error bars of the two models at the same x drawn 3 units apart to each side: without BN left, with BN right. */
const dodgeOf = (color: string) => (color === PLAIN_COLOR ? -3 : 3);

const P_TICKS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** The original authors' Figure 4a (digitised means, no error bars) as two dotted series in the models' colours. */
export function originalFig4aSeries(rows: readonly OriginalFig4Row[]): ChartSeries[] {
  return [
    { name: "original (authors' Fig. 4a), without BN", color: PLAIN_COLOR, dotted: true, points: rows.map((r) => [r.p, r.accDiffPlain]) },
    { name: "original (authors' Fig. 4a), with BN", color: BN_COLOR, dotted: true, points: rows.map((r) => [r.p, r.accDiffBn]) },
  ];
}

/**
 * Figure 4a: mean test accuracy difference (black - white cells) against p, ± std over seeds, both models; `reference`
 * series (e.g. {@link originalFig4aSeries}) are drawn after them.
 */
export function figure4a(plan: StudyPlan, summary: readonly SummaryRow[], reference: readonly ChartSeries[] = []): Figure {
  return renderLineChart({
    title: 'Accuracy difference, black minus white cells (test)',
    xLabel: 'fill probability p',
    yLabel: `mean ± std over ${plan.seeds.length} seed${plan.seeds.length > 1 ? 's' : ''}`,
    xDomain: [0, 1],
    xTicks: P_TICKS,
    series: [
      seriesOf(summary, plan.models.plain, (s) => s.accDiff, true, `without BN (${plan.models.plain})`, PLAIN_COLOR),
      seriesOf(summary, plan.models.bn, (s) => s.accDiff, true, `with BN (${plan.models.bn})`, BN_COLOR),
      ...reference,
    ],
  });
}

/** Figure 4b: mean test accuracy in black (solid) and white (dotted) cells against p, both models. */
export function figure4b(plan: StudyPlan, summary: readonly SummaryRow[]): Figure {
  const { plain, bn } = plan.models;
  return renderLineChart({
    title: 'Mean test accuracy in black and white cells',
    xLabel: 'fill probability p',
    yLabel: `mean over ${plan.seeds.length} seed${plan.seeds.length > 1 ? 's' : ''}`,
    xDomain: [0, 1],
    xTicks: P_TICKS,
    series: [
      seriesOf(summary, plain, (s) => s.accBlack, false, 'without BN, black cells', PLAIN_COLOR),
      seriesOf(summary, plain, (s) => s.accWhite, false, 'without BN, white cells', PLAIN_COLOR, true),
      seriesOf(summary, bn, (s) => s.accBlack, false, 'with BN, black cells', BN_COLOR),
      seriesOf(summary, bn, (s) => s.accWhite, false, 'with BN, white cells', BN_COLOR, true),
    ],
  });
}

/** The fill and seed Figure 3 shows: p closest to 0.5, the first seed. */
export function figure3Choice(plan: StudyPlan): { p: number; seed: number; } {
  const p = [...plan.fills].sort((a, b) => Math.abs(a - 0.5) - Math.abs(b - 0.5) || a - b)[0];
  return { p, seed: plan.seeds[0] };
}

interface Grid {
  rows: number;
  cols: number;
  loss: number[];
}

/** The path of `file` in run `name`'s folder in the first study folder of `dirs` that has it; null when none has. */
function runFile(dirs: readonly string[], name: string, file: string): string | null {
  return dirs.map((d) => join(d, 'runs', name, file)).find((path) => existsSync(path)) ?? null;
}

function readTestLoss(dirs: readonly string[], name: string): Grid | null {
  const path = runFile(dirs, name, join('landscape', 'landscape.json'));
  if (!path) return null;
  const j = JSON.parse(readFileSync(path, 'utf8')) as { rows: number; cols: number; test: { loss: number[]; }; };
  return { rows: j.rows, cols: j.cols, loss: j.test.loss };
}

/**
 * Figure 3: (a) the random mask (p closest to 0.5, first seed), (b) and (c) the test-loss
 * landscapes of its runs without and with batch norm, on one log colour scale. Looks for the
 * runs' `landscape/landscape.json` in each study folder; null when either run is not found.
 */
export function figure3(plan: StudyPlan, dirs: readonly string[]): Figure | null {
  const { p, seed } = figure3Choice(plan);
  const side = plan.fit.patternSize;
  const plain = readTestLoss(dirs, `${plan.models.plain}-p${formatFill(p)}-s${seed}`);
  const bn = readTestLoss(dirs, `${plan.models.bn}-p${formatFill(p)}-s${seed}`);
  if (!plain || !bn) return null;
  const mask = patternOf({ ...plan.fit, randomMask: p, seed });
  const positive = [...plain.loss, ...bn.loss].filter((v) => Number.isFinite(v) && v > 0);
  let lo = Math.min(...positive), hi = Math.max(...positive);
  if (!(lo < hi)) {
    lo = Math.max(lo, 1e-3) / 2;
    hi = Math.max(hi, 1e-3) * 2;
  }
  const map = (g: Grid, title: string) => renderHeatmap(g.loss, g.rows, g.cols, { scale: 'log', domain: [lo, hi], title });
  return compose([[
    renderMask(mask.cells, side, side, { title: `(a) random mask, p = ${formatFill(p)}, seed ${seed}` }),
    map(plain, '(b) test loss without BN'),
    map(bn, '(c) test loss with BN'),
  ]], { gap: 16 });
}

/** One quick evaluation during training, from a run's `metrics.jsonl`. */
interface QuickPoint {
  step: number;
  accBlack: number;
  accDiff: number;
}

function readQuick(dirs: readonly string[], name: string): QuickPoint[] {
  const path = runFile(dirs, name, 'metrics.jsonl');
  if (!path) return [];
  return readFileSync(path, 'utf8').split('\n').flatMap((line) => {
    if (!line.includes('acc_black_test_quick')) return [];
    try {
      const m = JSON.parse(line) as Record<string, unknown>;
      const [step, accBlack, accDiff] = [m.step, m.acc_black_test_quick, m.acc_diff_test_quick];
      return typeof step === 'number' && typeof accBlack === 'number' && typeof accDiff === 'number' ? [{ step, accBlack, accDiff }] : [];
    } catch {
      return []; // a line cut short by a crash: the other lines still count
    }
  });
}

/** One model's learning curve over the study's runs: mean and std over runs at every logged step. */
export interface LearningCurve {
  readonly model: string;
  /** Runs that logged at least one quick evaluation. */
  readonly runs: number;
  readonly steps: readonly number[];
  /** Quick black-cell test accuracy at each step. */
  readonly accBlack: readonly MeanStd[];
  /** Quick test accuracy difference (black minus white cells) at each step. */
  readonly accDiff: readonly MeanStd[];
}

/**
 * The learning curves of both models (plain first): the quick test evaluations each run logged
 * during training (`evalEvery`), read from `runs/<name>/metrics.jsonl` in the first study folder
 * that has it, averaged over the runs at every logged step (a step only some runs reached counts
 * those runs).
 */
export function learningCurves(plan: StudyPlan, runs: readonly StudyRun[], dirs: readonly string[]): LearningCurve[] {
  return [plan.models.plain, plan.models.bn].map((model) => {
    const byStep = new Map<number, QuickPoint[]>();
    let counted = 0;
    for (const r of runs.filter((x) => x.model === model)) {
      const points = readQuick(dirs, r.name);
      if (points.length > 0) counted++;
      for (const q of points) byStep.set(q.step, [...(byStep.get(q.step) ?? []), q]);
    }
    const steps = [...byStep.keys()].sort((a, b) => a - b);
    const stat = (pick: (q: QuickPoint) => number) => steps.map((s) => meanStd(byStep.get(s)!.map(pick)));
    return { model, runs: counted, steps, accBlack: stat((q) => q.accBlack), accDiff: stat((q) => q.accDiff) };
  });
}

/** The learning curves' y label: runs per model, or each model's count when they differ. */
function curvesYLabel(plan: StudyPlan, curves: readonly LearningCurve[]): string {
  const n = (model: string) => curves.find((c) => c.model === model)?.runs ?? 0;
  const [plain, bn] = [n(plan.models.plain), n(plan.models.bn)];
  return plain === bn ? `mean ± std over ${plain} runs per model` : `mean ± std over runs (${plain} without BN, ${bn} with)`;
}

/**
 * Learning curves (see {@link learningCurves}): black-cell accuracy (solid) and accuracy difference
 * (dotted), mean ± std over all runs of each model at every logged step. Shows whether both models
 * had levelled off when training stopped, the condition for comparing their landscapes. Null when
 * no run logged a quick evaluation.
 */
export function figureCurves(plan: StudyPlan, runs: readonly StudyRun[], dirs: readonly string[]): Figure | null {
  const curves = learningCurves(plan, runs, dirs);
  if (curves.every((c) => c.steps.length === 0)) return null;
  const series = curves.flatMap((c): ChartSeries[] => {
    const [label, color] = c.model === plan.models.plain ? ['without BN', PLAIN_COLOR] : ['with BN', BN_COLOR];
    const line = (m: readonly MeanStd[], what: string, dotted: boolean): ChartSeries => ({ name: `${label}, ${what}`, color, dotted,
      points: c.steps.map((s, i) => [s, m[i].mean]), errors: m.map((x) => x.std), dodge: dodgeOf(color) });
    return [line(c.accBlack, 'black-cell accuracy', false), line(c.accDiff, 'accuracy difference', true)];
  });
  return renderLineChart({
    title: 'Quick test accuracy during training',
    xLabel: 'step',
    yLabel: curvesYLabel(plan, curves),
    series,
  });
}
