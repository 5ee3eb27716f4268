import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FitConfig } from '../../core/config.js';
import type { Landscape } from '../../core/landscape/evaluate.js';
import { bowlBaseline, patternMetrics, trainTestGap, type BowlBaseline, type PatternMetrics, type TrainTestGap } from '../../core/landscape/metrics.js';
import type { Session } from '../../core/session/session.js';
import { patternToText } from '../../core/pattern/text.js';
import type { Pattern } from '../../core/pattern/pattern.js';
import { measuredViews } from '../../core/landscape/manifold-metrics.js';
import { renderTarget } from '../../core/landscape/views.js';
import { figureRows, writeManifoldLandscapeFiles } from './manifold-outputs.js';
import { renderHeatmap } from '../../core/render/heatmap.js';
import { compose, type Figure } from '../../core/render/svg.js';
import { writeFileAtomic, writeJsonAtomic } from '../output/atomic.js';
import { writeNpy } from '../output/npy.js';
import { writeFigure } from '../output/png.js';
import { writeReport } from '../output/report.js';
import { createProgress } from '../progress.js';
import { headOf, type DeviceData, type RunPattern } from './setup.js';
import type { WorkerPool } from '../parallel/pool.js';
import { applyAugment, cifarAugment, drawAugment } from '../../core/data/augment.js';
import { createRng, deriveSeed } from '../../core/random.js';

/** The headline numbers of a run, written last as `summary.json`. */
export interface RunSummary {
  auc_test: number;
  acc_black_test: number;
  acc_white_test: number;
  acc_diff_test: number;
  loss_black_test: number;
  loss_white_test: number;
  auc_train: number;
  acc_black_train: number;
  acc_white_train: number;
  acc_diff_train: number;
  /** The bowl baseline's AUC for this pattern over the same cells (loss = distance from w_O; no training): what a blob in the middle scores. */
  bowl_auc: number;
  /** AUC over the boundary cells only (cells sharing an edge with a cell of the other colour), test landscape. */
  boundary_auc_test: number;
  /** Boundary AUC on the train landscape. */
  boundary_auc_train: number;
  /** The bowl baseline's boundary AUC. */
  bowl_boundary_auc: number;
  /**
   * The radial baseline's AUC: max(bowl_auc, 1 - bowl_auc), the better of a bowl and an inverted bowl
   * around w_O (no training). A pattern whose colours split by the distance from the centre scores 1
   * here either way (a blob in the middle by the bowl, a ring at the edge by the inverted bowl).
   * Absent in summaries written before it existed (derive it from `bowl_auc`).
   */
  radial_auc: number;
  /** The radial baseline's boundary AUC: max(bowl_boundary_auc, 1 - bowl_boundary_auc). */
  radial_boundary_auc: number;
  /** Cells the figures above are measured over: `all` of the pattern, or only the `trained` ones (`measureTrainedOnly`). */
  measured_cells: 'all' | 'trained';
  /** Number of measured cells. */
  cells_measured: number;
  /** The train-vs-test measure: mean over the measured cells of |log L_train - log L_test|. */
  log_loss_gap_train_test: number;
  /** Black-cell accuracy on the train images minus that on the test images. */
  acc_black_gap_train_test: number;
  /** Secondary: Pearson correlation of log train loss and log test loss over the evaluated grid (padding included). */
  corr_train_test_loss: number;
  steps: number;
  /** Test images the landscapes were evaluated on. */
  test_images: number;
  /** Training images the train landscape was evaluated on (the first `evalImages`). */
  train_images: number;
  /** True when the plane was never trained (`--steps 0`): the numbers describe its initialisation. */
  untrained: boolean;
  /** Training seconds (without the final evaluation). */
  seconds: number;
  /** Seconds of the final landscape evaluation. */
  eval_seconds: number;
  scale: number;
  pattern: string;
  model: string;
  dataset: string;
  seed: number;
  backend: string;
}

/** Writes the target pictures of a run: `pattern.png` (black/white), `mask.png` (trained cells) and `pattern.txt`. */
export function writePatternOutputs(out: string, rp: RunPattern): void {
  const { pattern, mask } = rp;
  writeFigure(join(out, 'pattern.png'), renderTarget(pattern, `target: ${pattern.name}`));
  writeFigure(join(out, 'mask.png'), renderTarget({ ...mask, depth: pattern.depth }, 'trained cells (grey: ignored)', 'ternary'));
  writeFileAtomic(join(out, 'pattern.txt'), patternToText(pattern));
}

/**
 * The session's landscape on `data` at the config's padding and resolution (`session.evaluate`:
 * its pass rule, the pool's threads when given), with a progress bar labelled `label`.
 */
export async function landscapeOf(session: Session, data: DeviceData, config: Pick<FitConfig, 'evalPadding' | 'evalResolution'>, label: string, quiet?: boolean,
  pool?: WorkerPool | null): Promise<Landscape> {
  const progress = createProgress({ label, total: 1000, quiet });
  try {
    if (pool) await pool.addData(label, data.plain);
    const { landscape } = await session.evaluate(data, {
      padding: config.evalPadding,
      resolution: config.evalResolution,
      evaluator: pool ? (state, pass) => pool.evaluator(state, label, pass) : undefined,
      onProgress: (d, t) => progress.update(Math.round((1000 * d) / t)),
    });
    return landscape;
  } finally {
    progress.stop();
  }
}

/** Writes one landscape's grids (`.npy`) and heat maps (`.png` and `.svg`); returns the two heat maps. */
export function writeLandscapeFiles(dir: string, split: string, land: Landscape, lossDomain: [number, number], pattern?: Pattern): Figure[] {
  mkdirSync(dir, { recursive: true });
  if ((land.grid.dims ?? 2) !== 2) return writeManifoldLandscapeFiles(dir, split, land, lossDomain, pattern); // a line or a volume
  writeNpy(join(dir, `${split}-loss.npy`), land.loss, [land.rows, land.cols]);
  writeNpy(join(dir, `${split}-acc.npy`), land.acc, [land.rows, land.cols]);
  const pad = land.grid.padding * land.grid.resolution;
  const axes = { padding: pad, resolution: land.grid.resolution }; // ticks in the pattern's cells at any --resolution
  const lossMap = renderHeatmap(land.loss, land.rows, land.cols, { scale: 'log', domain: lossDomain, title: `${split} loss (log scale)`, ...axes });
  const accMap = renderHeatmap(land.acc, land.rows, land.cols, { scale: 'linear', domain: [0, 1], title: `${split} accuracy`, ...axes });
  writeFigure(join(dir, `${split}-loss.png`), lossMap);
  writeFigure(join(dir, `${split}-acc.png`), accMap);
  return [lossMap, accMap];
}

function lossDomainOf(...lands: Landscape[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const l of lands) {
    for (const v of l.loss) {
      if (Number.isFinite(v) && v > 0) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!(lo < hi)) return [Math.max(lo, 1e-3) / 2, Math.max(hi, 1e-3) * 2];
  return [lo, hi];
}

function readCurves(out: string) {
  const path = join(out, 'metrics.jsonl');
  const rows = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, number>) : [];
  const pts = (k: string) => rows.filter((r) => typeof r[k] === 'number').map((r) => [r.step, r[k]] as [number, number]);
  return [
    { title: 'training objective (eq. 3)', xLabel: 'step', series: [{ name: 'loss', points: pts('loss') }] },
    { title: 'cross-entropy of sampled cells', xLabel: 'step',
      series: [{ name: 'black cells', points: pts('ce_black') }, { name: 'white cells', points: pts('ce_white') }] },
    { title: 'test AUC (quick evaluation)', xLabel: 'step',
      series: [{ name: 'AUC', points: pts('auc_test_quick') }, { name: 'acc diff', points: pts('acc_diff_test_quick') }] },
  ];
}

/** Everything the final stage of a fit needs. */
export interface FinalInput {
  readonly out: string;
  readonly config: FitConfig;
  /** The run's session (model, trained state, target). */
  readonly session: Session;
  readonly rp: RunPattern;
  readonly train: DeviceData;
  readonly test: DeviceData;
  readonly seconds: number;
  readonly backend: string;
  readonly quiet?: boolean;
  readonly log: (line: string) => void;
  /** Worker threads to evaluate with (null: this thread). */
  readonly pool?: WorkerPool | null;
}

/**
 * Evaluates the final train and test landscapes and writes the grids, heat maps, the
 * side-by-side figure, `report.html`, and last `summary.json`.
 */
export async function writeFinalOutputs(f: FinalInput): Promise<RunSummary> {
  const t0 = performance.now();
  const testLand = await landscapeOf(f.session, f.test, f.config, 'test map', f.quiet, f.pool);
  const head = headOf(f.train, f.config.evalImages);
  const trainSub = f.config.augment ? await augmentedCopy(head, f.config) : head;
  if (trainSub !== head) head.x.dispose();
  let trainLand: Landscape;
  try {
    trainLand = await landscapeOf(f.session, trainSub, f.config, 'train map', f.quiet, f.pool);
  } finally {
    trainSub.x.dispose();
  }
  const evalSeconds = (performance.now() - t0) / 1000;
  return writeRunResults({ ...f, testLand, trainLand, evalSeconds, scale: (await f.session.state.vars.scale.data())[0] });
}

/**
 * The train images of the train landscape under `--augment`: the images the network was trained
 * on are augmented ones, so the train landscape is evaluated on one fixed augmentation of the
 * first `evalImages` training images, drawn from `deriveSeed(seed, 'augment-eval')` (reproducible,
 * and apart from the training draws).
 */
export async function augmentedCopy(d: DeviceData, config: Pick<FitConfig, 'seed' | 'augmentErase'>): Promise<DeviceData> {
  const options = cifarAugment(config.augmentErase);
  const x = applyAugment(d.x, drawAugment(createRng(deriveSeed(config.seed, 'augment-eval')), d.n, options), options);
  const images = (await x.data()) as Float32Array;
  return { ...d, x, plain: { ...d.plain, images } };
}

/** What {@link writeRunResults} writes: a fit's final input and its evaluated landscapes. */
type RunResultsInput = FinalInput & { testLand: Landscape; trainLand: Landscape; evalSeconds: number; scale: number; suffix?: string; };

/** The measures of a run's landscapes: test (`mt`) and train (`mr`) pattern metrics, the train-vs-test gap and the no-training baselines. */
interface RunMeasures {
  readonly mt: PatternMetrics;
  readonly mr: PatternMetrics;
  readonly gap: TrainTestGap;
  readonly base: BowlBaseline;
}

/** Writes the files of evaluated landscapes (shared by `mpo fit` and `mpo eval`). */
export function writeRunResults(f: RunResultsInput): RunSummary {
  const { out, config, rp } = f;
  const dir = join(out, 'landscape');
  const domain = lossDomainOf(f.testLand, f.trainLand);
  const testMaps = writeLandscapeFiles(dir, 'test', f.testLand, domain, rp.pattern);
  const trainMaps = writeLandscapeFiles(dir, 'train', f.trainLand, domain, rp.pattern);
  const target = renderTarget(rp.pattern, 'target');
  writeFigure(join(out, 'figure.png'), compose(figureRows(f.testLand.grid.dims ?? 2, target, testMaps, trainMaps)));
  const measure = config.measureTrainedOnly ? { cells: rp.mask } : {};
  const mv = measuredViews(f.testLand, f.trainLand, rp.pattern, measure); // a volume: its stacked slices
  const mt: PatternMetrics = patternMetrics(mv.test, mv.pattern, mv.measure);
  const mr: PatternMetrics = patternMetrics(mv.train, mv.pattern, mv.measure);
  const gap = trainTestGap(mv.train, mv.test, mv.pattern, mv.measure);
  // Baselines by the distance from w_O in the manifold's own dimension (a volume's 3D distance, not the stacked slices').
  const base: BowlBaseline = (rp.pattern.depth ?? 1) > 1 ? bowlBaseline(rp.pattern, measure) : bowlBaseline(mv.pattern, mv.measure);
  writeJsonAtomic(join(dir, 'landscape.json'), {
    rows: f.testLand.rows,
    cols: f.testLand.cols,
    grid: f.testLand.grid,
    test: { loss: Array.from(f.testLand.loss), acc: Array.from(f.testLand.acc) },
    train: { loss: Array.from(f.trainLand.loss), acc: Array.from(f.trainLand.acc) },
  });
  const m: RunMeasures = { mt, mr, gap, base };
  const summary = runSummaryOf(f, m);
  writeRunReport(f, summary, m, { target, testMaps, trainMaps });
  writeJsonAtomic(join(out, 'summary.json'), summary);
  return summary;
}

/** The numbers of a run's evaluated landscapes, `m`, as `summary.json` has them. */
function runSummaryOf(f: RunResultsInput, m: RunMeasures): RunSummary {
  const { config, rp } = f;
  const { mt, mr, gap, base } = m;
  const corr = gap.correlation;
  return {
    auc_test: mt.auc,
    acc_black_test: mt.accBlack,
    acc_white_test: mt.accWhite,
    acc_diff_test: mt.accDiff,
    loss_black_test: mt.lossBlack,
    loss_white_test: mt.lossWhite,
    auc_train: mr.auc,
    acc_black_train: mr.accBlack,
    acc_white_train: mr.accWhite,
    acc_diff_train: mr.accDiff,
    bowl_auc: base.auc,
    boundary_auc_test: mt.boundaryAuc,
    boundary_auc_train: mr.boundaryAuc,
    bowl_boundary_auc: base.boundaryAuc,
    radial_auc: base.radialAuc,
    radial_boundary_auc: base.radialBoundaryAuc,
    measured_cells: config.measureTrainedOnly ? 'trained' : 'all',
    cells_measured: mt.cells,
    log_loss_gap_train_test: gap.logLossGap,
    acc_black_gap_train_test: gap.accBlackGap,
    corr_train_test_loss: corr,
    steps: f.session.state.step,
    test_images: f.test.n,
    train_images: Math.min(f.train.n, config.evalImages),
    untrained: f.session.state.step === 0,
    seconds: Number(f.seconds.toFixed(2)),
    eval_seconds: Number(f.evalSeconds.toFixed(2)),
    scale: f.scale,
    pattern: rp.pattern.name,
    model: f.session.model.name,
    dataset: config.dataset,
    seed: config.seed,
    backend: f.backend,
  };
}

/** Writes a run's `report.html`: its numbers beside the bowl and radial baselines, the target and the heat maps, the training curves. */
function writeRunReport(f: RunResultsInput, summary: RunSummary, m: RunMeasures, figs: { target: Figure; testMaps: Figure[]; trainMaps: Figure[]; }): void {
  const { out, config, rp } = f;
  const { mt, mr, gap, base } = m;
  const { target, testMaps, trainMaps } = figs;
  const corr = gap.correlation;
  const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a');
  writeReport(join(out, 'report.html'), {
    title: `mpo: ${rp.pattern.name} on ${config.dataset} (${f.session.model.name})`,
    subtitle:
      `${f.session.state.step} steps, seed ${config.seed}, ${f.testLand.rows}x${f.testLand.cols} grid, ${summary.test_images} test / ${summary.train_images} train images`,
    summary: [
      { label: 'AUC test (black vs white cells by loss)', value: mt.auc.toFixed(4) },
      { label: 'radial baseline AUC (bowl or inverted bowl around the centre)', value: f4(base.radialAuc),
        hint: `the better of a plain bowl around w_O (${f4(base.auc)}) and an inverted one (${
          f4(1 - base.auc)
        }): what a landscape that only depends on the distance from the centre scores` },
      { label: 'bowl baseline AUC (loss = distance from the centre)', value: f4(base.auc), hint: 'what a plain bowl around w_O scores on this pattern' },
      { label: 'boundary AUC test / radial baseline / bowl', value: `${f4(mt.boundaryAuc)} / ${f4(base.radialBoundaryAuc)} / ${f4(base.boundaryAuc)}`,
        hint: 'cells sharing an edge with the other colour' },
      { label: 'accuracy black cells, test', value: mt.accBlack.toFixed(4) },
      { label: 'accuracy white cells, test', value: mt.accWhite.toFixed(4) },
      { label: 'accuracy difference, test', value: mt.accDiff.toFixed(4) },
      { label: 'AUC train', value: mr.auc.toFixed(4) },
      { label: 'accuracy difference, train', value: mr.accDiff.toFixed(4) },
      { label: 'train vs test: mean |log L_train - log L_test|', value: f4(gap.logLossGap), hint: `over the ${mt.cells} measured cells` },
      { label: 'train vs test: black-cell accuracy gap (train - test)', value: f4(gap.accBlackGap) },
      { label: 'train/test loss-landscape correlation (secondary)', value: f4(corr), hint: 'Pearson, log loss over the grid' },
      { label: 'cells measured', value: config.measureTrainedOnly ? `${mt.cells} trained cells` : `all ${mt.cells}` },
      { label: 'steps', value: f.session.state.step },
      { label: 'training seconds', value: f.seconds.toFixed(1) },
      { label: 'scale s', value: summary.scale.toFixed(4) },
    ],
    figures: [
      { caption: 'Target pattern', figure: target },
      { caption: 'Test loss (log colour scale)', figure: testMaps[0] },
      { caption: 'Test accuracy', figure: testMaps[1] },
      { caption: 'Train loss (log colour scale)', figure: trainMaps[0] },
      { caption: 'Train accuracy', figure: trainMaps[1] },
    ],
    curves: readCurves(out),
    config,
  });
}
