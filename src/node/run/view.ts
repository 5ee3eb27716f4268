import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MpoError } from '../../core/errors.js';
import { flattenValues, interpolationView, pathView, planeView, randomPlaneView, threeNetworkPlane, type GridView, type PointValues,
  type ViewData } from '../../core/landscape/classic-views.js';
import { renderHeatmap, type AxisCoords, type MapMark } from '../../core/render/heatmap.js';
import { renderLineChart } from '../../core/render/chart.js';
import { compose, type Figure } from '../../core/render/svg.js';
import { writeFileAtomic, writeJsonAtomic } from '../output/atomic.js';
import { decodeNpy } from '../output/npy.js';
import { writeFigure } from '../output/png.js';
import { writeReport } from '../output/report.js';
import { createProgress, type Progress } from '../progress.js';
import { headOf } from './setup.js';
import { checkNetworks, checkTwoNetworks, layersFileOf, openNetwork, openNetworkSession, type NetworkSession, type SavedNetwork } from './network.js';
import { inEmptyFolder, RUN_FILES, viewStopped } from './folder.js';

/** Options shared by the classic views. */
export interface ViewOptions {
  readonly out: string;
  /** Points per axis (random plane, path) or along the line (interpolation). */
  readonly points: number;
  /** Test images, and as many training images, to evaluate on. */
  readonly images: number;
  readonly seed?: number;
  /** The data of a model.json network whose metadata names none (see `openNetwork`; default: the default dataset). */
  readonly dataset?: string;
  readonly quiet?: boolean;
  readonly log?: (l: string) => void;
}

type Split = 'test' | 'train';

/** Runs `fn` on the session's first `images` test and training images (copies on the device, freed after), with a progress bar per set. */
async function onImages<T>(s: NetworkSession, images: number, quiet: boolean | undefined,
  fn: (data: ViewData<Split>, onProgress: (set: string, done: number, total: number) => void) => Promise<T>): Promise<T> {
  const test = headOf(s.test, images), train = headOf(s.train, images);
  const bars = new Map<string, Progress>();
  try {
    return await fn({ test, train }, (set, done, total) => {
      let bar = bars.get(set);
      if (!bar) bars.set(set, bar = createProgress({ label: `${set} points`, total: 1000, quiet }));
      bar.update(Math.round((1000 * done) / total));
    });
  } finally {
    for (const b of bars.values()) b.stop();
    test.x.dispose();
    train.x.dispose();
  }
}

function lossDomain(...arrays: Float32Array[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const a of arrays) {
    for (const v of a) {
      if (Number.isFinite(v) && v > 0) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  return lo < hi ? [lo, hi] : [Math.max(lo, 1e-3) / 2, Math.max(hi, 1e-3) * 2];
}

const CAPTIONS = ['Test loss', 'Test accuracy', 'Train loss', 'Train accuracy'];

/** The four heat maps of a grid view (test and train, loss on a log scale and accuracy), with coordinate axes, marks and a path. */
function gridFigures(v: GridView<Split>, what: string, coords: AxisCoords, marks: MapMark[] = [], path?: [number, number][]): Figure[] {
  const domain = lossDomain(v.values.test.loss, v.values.train.loss);
  const c: AxisCoords = { ...coords, x: [v.xs[0], v.xs[v.cols - 1]], y: [v.ys[0], v.ys[v.rows - 1]] };
  const figs: Figure[] = [];
  for (const split of ['test', 'train'] as const) {
    figs.push(renderHeatmap(v.values[split].loss, v.rows, v.cols, { scale: 'log', domain, title: `${split} loss (log), ${what}`, coords: c, marks, path }));
    figs.push(renderHeatmap(v.values[split].acc, v.rows, v.cols, { scale: 'linear', domain: [0, 1], title: `${split} accuracy`, coords: c, marks, path }));
  }
  return figs;
}

/** A grid view's `landscape.json` body: its axes and values. */
function gridJson(v: GridView<Split>, coords: string) {
  return {
    coords,
    rows: v.rows,
    cols: v.cols,
    xs: v.xs,
    ys: v.ys,
    test: { loss: Array.from(v.values.test.loss), acc: Array.from(v.values.test.acc) },
    train: { loss: Array.from(v.values.train.loss), acc: Array.from(v.values.train.acc) },
  };
}

const LANDSCAPE = 'landscape.json';

/** Numbers of `mpo view random-plane`. */
export interface RandomPlaneSummary {
  /** Test loss and accuracy at the network itself (the centre). */
  centre_test_loss: number;
  centre_test_acc: number;
  /** Largest test loss over the plane. */
  max_test_loss: number;
  points: number;
  seed: number;
}

/**
 * Li et al.'s view (2018): the loss and accuracy of `net + a * delta + b * eta` for a, b in
 * [-1, 1] on a `points x points` grid, delta and eta random filter-normalised directions
 * (the core's `randomPlaneView`); heat maps, grids (`landscape.json`), `report.html`, `summary.json`.
 */
export async function runRandomPlane(netDir: string, opts: ViewOptions): Promise<RandomPlaneSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const net = openNetwork(netDir, { dataset: opts.dataset });
  const out = resolve(opts.out);
  return inEmptyFolder(out, { command: 'mpo view random-plane', log, stopped: viewStopped(LANDSCAPE) }, () => randomPlaneIn(net, out, opts, log));
}

async function randomPlaneIn(net: SavedNetwork, out: string, opts: ViewOptions, log: (l: string) => void): Promise<RandomPlaneSummary> {
  const s = await openNetworkSession(net.config, log, { trainLimit: opts.images });
  const seed = opts.seed ?? 1;
  const n = opts.points;
  try {
    const v = await onImages(s, opts.images, opts.quiet, (data, onProgress) => randomPlaneView(s.model, net.weights, data, { points: n, seed, onProgress }));
    const figs = gridFigures(v, 'filter-normalised plane', { x: [-1, 1], y: [1, -1], xLabel: 'a', yLabel: 'b' }, [{ x: 0, y: 0 }]);
    writeFigure(join(out, RUN_FILES.figure), compose([figs]));
    const summary: RandomPlaneSummary = {
      centre_test_loss: v.values.test.loss[v.centre],
      centre_test_acc: v.values.test.acc[v.centre],
      max_test_loss: Math.max(...v.values.test.loss),
      points: n,
      seed,
    };
    writeJsonAtomic(join(out, LANDSCAPE), { ...gridJson(v, 'rows: b from +1 (top) to -1; columns: a from -1 to +1'), points: n });
    writeReport(join(out, RUN_FILES.report), {
      title: `mpo view random-plane: ${net.dir}`,
      subtitle: `Li et al. (2018): two random filter-normalised directions (biases not moved), a and b in [-1, 1], ${n}x${n} points, seed ${seed}`,
      summary: [
        { label: 'test loss at the network (centre)', value: summary.centre_test_loss },
        { label: 'test accuracy at the network', value: summary.centre_test_acc },
        { label: 'largest test loss on the plane', value: summary.max_test_loss },
      ],
      figures: figs.map((f, i) => ({ caption: CAPTIONS[i], figure: f })),
      config: { network: net.dir, points: n, images: opts.images, seed, model: net.config.model, dataset: net.config.dataset },
    });
    writeJsonAtomic(join(out, RUN_FILES.summary), summary);
    return summary;
  } finally {
    s.close();
  }
}

/** Numbers of `mpo view interpolate`. */
export interface InterpolateSummary {
  /** Test loss at t = 0 (A) and t = 1 (B). */
  test_loss_a: number;
  test_loss_b: number;
  /** Largest test loss for t in [0, 1]: the barrier on the straight line. */
  max_test_loss_between: number;
  /** Where it is. */
  t_of_max: number;
  points: number;
}

/** The points of a line in t with `points` values from `from` to `to`, with 0 and 1 among them when the spacing allows. */
export function tValues(points: number, from: number, to: number): number[] {
  return Array.from({ length: points }, (_, i) => Number((from + ((to - from) * i) / Math.max(1, points - 1)).toFixed(6)));
}

/** Writes a CSV of t, test loss, test accuracy, train loss, train accuracy (one row per point). */
export function writeLineCsv(path: string, ts: readonly number[], cols: Record<string, ArrayLike<number>>): void {
  const names = Object.keys(cols);
  writeFileAtomic(path, [['t', ...names].join(','), ...ts.map((t, i) => [t, ...names.map((k) => cols[k][i])].join(','))].join('\n') + '\n');
}

/**
 * 1D linear interpolation between two networks (Goodfellow et al. 2015; Li et al.'s 1D plots):
 * the loss and accuracy of `(1 - t) A + t B` for t from -0.5 to 1.5 (the core's
 * `interpolationView`); line charts, CSV, `report.html`, `summary.json`.
 */
export async function runInterpolate(aDir: string, bDir: string, opts: ViewOptions): Promise<InterpolateSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const a = openNetwork(aDir, { dataset: opts.dataset });
  const b = openNetwork(bDir, { dataset: opts.dataset });
  checkTwoNetworks(a, b, 'mpo view interpolate');
  if (!Number.isInteger(opts.points) || opts.points < 2) throw new MpoError(`--points must be a whole number >= 2 for a line, got ${opts.points}`);
  const out = resolve(opts.out);
  return inEmptyFolder(out, { command: 'mpo view interpolate', log, stopped: viewStopped('interpolation.csv') }, () => interpolateIn(a, b, out, opts, log));
}

async function interpolateIn(a: SavedNetwork, b: SavedNetwork, out: string, opts: ViewOptions, log: (l: string) => void): Promise<InterpolateSummary> {
  const s = await openNetworkSession(a.config, log, { trainLimit: opts.images });
  try {
    const { t: ts, values: res, numbers } = await onImages(s, opts.images, opts.quiet, (data, onProgress) =>
      interpolationView(s.model, a.weights, b.weights, data, { points: opts.points, onProgress }));
    const summary: InterpolateSummary = {
      test_loss_a: numbers.test.atA,
      test_loss_b: numbers.test.atB,
      max_test_loss_between: numbers.test.maxBetween,
      t_of_max: numbers.test.tOfMax,
      points: ts.length,
    };
    const pts = (v: Float32Array) => ts.map((t, i) => [t, v[i]] as [number, number]);
    const lossChart = renderLineChart({ title: 'loss along (1-t) A + t B', xLabel: 't (0: A, 1: B)', logY: true,
      series: [{ name: 'test', points: pts(res.test.loss) }, { name: 'train', points: pts(res.train.loss) }] });
    const accChart = renderLineChart({ title: 'accuracy along (1-t) A + t B', xLabel: 't (0: A, 1: B)',
      series: [{ name: 'test', points: pts(res.test.acc) }, { name: 'train', points: pts(res.train.acc) }] });
    writeFigure(join(out, RUN_FILES.figure), compose([[lossChart, accChart]]));
    writeLineCsv(join(out, 'interpolation.csv'), ts, { test_loss: res.test.loss, test_acc: res.test.acc, train_loss: res.train.loss,
      train_acc: res.train.acc });
    writeReport(join(out, RUN_FILES.report), {
      title: `mpo view interpolate: ${a.dir} -> ${b.dir}`,
      subtitle: `(1 - t) A + t B for t in [-0.5, 1.5], ${ts.length} points, ${opts.images} test and train images`,
      summary: [
        { label: 'test loss at A (t = 0)', value: summary.test_loss_a },
        { label: 'test loss at B (t = 1)', value: summary.test_loss_b },
        { label: 'largest test loss between them', value: summary.max_test_loss_between, hint: `at t = ${summary.t_of_max}` },
      ],
      figures: [{ caption: 'Loss along the line (log)', figure: lossChart }, { caption: 'Accuracy along the line', figure: accChart }],
      config: { a: a.dir, b: b.dir, points: ts.length, images: opts.images, model: a.config.model, dataset: a.config.dataset },
    });
    writeJsonAtomic(join(out, RUN_FILES.summary), summary);
    return summary;
  } finally {
    s.close();
  }
}

/** Options of `mpo view plane`. */
export interface PlaneOptions extends Omit<ViewOptions, 'points' | 'seed'> {
  /** Grid steps per unit |B - A| (default 10). */
  readonly resolution?: number;
  /** Margin around the three networks in units of |B - A| (default 0.25). */
  readonly margin?: number;
}

/** Numbers of `mpo view plane`. */
export interface PlaneSummary {
  /** Test and train loss and test accuracy of A, B and C at their own coordinates on the plane (the networks themselves). */
  test_loss: { a: number; b: number; c: number; };
  train_loss: { a: number; b: number; c: number; };
  test_acc: { a: number; b: number; c: number; };
  /** Coordinates of A, B, C in units of |B - A|: (0, 0), (1, 0), (c_x, c_y). */
  coords: { a: [number, number]; b: [number, number]; c: [number, number]; };
  /** |B - A|, the unit of the coordinates. */
  unit: number;
  /** Lowest and highest test loss on the grid. */
  min_test_loss: number;
  max_test_loss: number;
  rows: number;
  cols: number;
  resolution: number;
  margin: number;
}

/**
 * Garipov et al.'s plane through three networks (2018, fig. 1): origin A, u = B - A, v = C - A
 * made orthogonal to u; the loss and accuracy on a grid over the three with a margin, the three
 * marked (the core's `planeView`); heat maps, `landscape.json`, `report.html`, `summary.json`.
 * The three must be different networks of one model and dataset, not on one line.
 */
export async function runPlane(dirs: readonly [string, string, string], opts: PlaneOptions): Promise<PlaneSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const nets = dirs.map((d) => openNetwork(d, { dataset: opts.dataset })) as [SavedNetwork, SavedNetwork, SavedNetwork];
  checkNetworks(nets, 'mpo view plane A B C');
  threeNetworkPlane(nets[0].weights, nets[1].weights, nets[2].weights); // two the same, or all on one line: refused before anything is written
  const resolution = opts.resolution ?? 10, margin = opts.margin ?? 0.25;
  if (!Number.isInteger(resolution) || resolution < 1 || resolution > 200) {
    throw new MpoError(`--resolution must be a whole number from 1 to 200, got ${resolution}`);
  }
  if (!Number.isFinite(margin) || margin < 0 || margin > 10) throw new MpoError(`--margin must be a number from 0 to 10, got ${margin}`);
  const out = resolve(opts.out);
  return inEmptyFolder(out, { command: 'mpo view plane', log, stopped: viewStopped(LANDSCAPE) },
    () => planeIn(nets, out, { ...opts, resolution, margin }, log));
}

async function planeIn(nets: [SavedNetwork, SavedNetwork, SavedNetwork], out: string, opts: PlaneOptions & { resolution: number; margin: number; },
  log: (l: string) => void): Promise<PlaneSummary> {
  const s = await openNetworkSession(nets[0].config, log, { trainLimit: opts.images });
  try {
    const v = await onImages(s, opts.images, opts.quiet, (data, onProgress) =>
      planeView(s.model, [nets[0].weights, nets[1].weights, nets[2].weights], data, { resolution: opts.resolution, margin: opts.margin, onProgress }));
    const [ca, cb, cc] = v.plane.coords;
    const abc = (x: Float32Array) => ({ a: x[0], b: x[1], c: x[2] });
    const summary: PlaneSummary = {
      test_loss: abc(v.marks.test.loss),
      train_loss: abc(v.marks.train.loss),
      test_acc: abc(v.marks.test.acc),
      coords: { a: ca, b: cb, c: cc },
      unit: v.plane.unit,
      min_test_loss: Math.min(...v.values.test.loss),
      max_test_loss: Math.max(...v.values.test.loss),
      rows: v.rows,
      cols: v.cols,
      resolution: opts.resolution,
      margin: opts.margin,
    };
    const marks: MapMark[] = [{ x: ca[0], y: ca[1], label: 'A' }, { x: cb[0], y: cb[1], label: 'B' }, { x: cc[0], y: cc[1], label: 'C' }];
    const figs = gridFigures(v, 'plane through A, B, C', { x: [0, 1], y: [1, 0], xLabel: 'along B - A (units of |B - A|)', yLabel: 'towards C' }, marks);
    writeFigure(join(out, RUN_FILES.figure), compose([figs]));
    const marksJson = (p: PointValues) => ({ loss: Array.from(p.loss), acc: Array.from(p.acc) });
    writeJsonAtomic(join(out, LANDSCAPE), {
      ...gridJson(v, 'w(x, y) = A + x u + y v, u = B - A, v = C - A made orthogonal to u with |v| = |u|; rows: y from the top down; columns: x left to right'),
      networks: { names: nets.map((n) =>
        n.dir
      ), coords: v.plane.coords, test: marksJson(v.marks.test), train: marksJson(v.marks.train) },
    });
    const [a, b, c] = nets.map((n) => n.dir);
    writeReport(join(out, RUN_FILES.report), {
      title: `mpo view plane: ${a}, ${b}, ${c}`,
      subtitle: `Garipov et al. (2018): the plane through A, B and C (origin A, u = B - A, v = C - A orthogonalised); coordinates in units of |B - A| = ${
        v.plane.unit.toPrecision(4)
      }, ${v.rows}x${v.cols} points (resolution ${opts.resolution}, margin ${opts.margin}), ${opts.images} test and train images`,
      summary: [
        { label: 'test loss at A, B, C', value: `${summary.test_loss.a.toFixed(4)}, ${summary.test_loss.b.toFixed(4)}, ${summary.test_loss.c.toFixed(4)}` },
        { label: 'C at (x, y)', value: `(${cc[0].toFixed(3)}, ${cc[1].toFixed(3)})` },
        { label: 'lowest and highest test loss on the grid', value: `${summary.min_test_loss.toFixed(4)}, ${summary.max_test_loss.toFixed(4)}` },
      ],
      figures: figs.map((f, i) => ({ caption: CAPTIONS[i], figure: f })),
      config: { a, b, c, resolution: opts.resolution, margin: opts.margin, images: opts.images, model: nets[0].config.model, dataset: nets[0].config.dataset },
    });
    writeJsonAtomic(join(out, RUN_FILES.summary), summary);
    return summary;
  } finally {
    s.close();
  }
}

/** The snapshots of a training path as written by `mpo train --save-path N` ({@link readPath}). */
export interface TrainingPath {
  /** The step of each snapshot (0 first, the last step last). */
  readonly steps: number[];
  /** The weights at each, flat in the order of the model's parameters. */
  readonly snapshots: Float32Array[];
}

/**
 * Reads the training path of an `mpo train --save-path N` folder (`path.npy`: one row of weights
 * per snapshot; `path.json`: their steps). A network trained without `--save-path`, or a path that
 * does not fit the network, is a one-line MpoError.
 */
export function readPath(net: SavedNetwork, params: number): TrainingPath {
  const npy = join(net.dir, RUN_FILES.path), info = join(net.dir, RUN_FILES.pathSteps);
  if (!existsSync(npy) || !existsSync(info)) {
    throw new MpoError(`"${net.dir}" has no training path (no ${RUN_FILES.path}): train it with mpo train --save-path N to keep its weights every N steps`);
  }
  let steps: unknown;
  try {
    steps = (JSON.parse(readFileSync(info, 'utf8')) as { steps?: unknown; }).steps;
  } catch {
    throw new MpoError(`"${info}" is not valid JSON: train the network again with mpo train --save-path N`);
  }
  const arr = decodeNpy(readFileSync(npy), `"${npy}"`);
  const [k, p] = arr.shape;
  if (arr.shape.length !== 2 || arr.dtype !== 'float32' || p !== params) {
    throw new MpoError(
      `"${npy}" holds a ${arr.dtype} array of shape [${
        arr.shape.join(', ')
      }], not snapshots of this network's ${params} weights: train it again with --save-path N`,
    );
  }
  if (!Array.isArray(steps) || steps.length !== k || !steps.every((x) => Number.isInteger(x))) {
    throw new MpoError(`"${info}" does not list the steps of the ${k} snapshots in ${RUN_FILES.path}: train the network again with --save-path N`);
  }
  const data = arr.data as Float32Array;
  return { steps: steps as number[], snapshots: Array.from({ length: k }, (_, i) => data.slice(i * p, (i + 1) * p)) };
}

/** Options of `mpo view path`. */
export interface PathOptions extends Omit<ViewOptions, 'seed'> {
  /** Margin around the path, a fraction of its extent on each axis (default 0.2). */
  readonly margin?: number;
}

/** Numbers of `mpo view path`. */
export interface PathSummary {
  /** Fraction of the path's variance explained by the first and second PCA direction, and both together. */
  explained_variance: [number, number];
  explained_total: number;
  /** Test loss and accuracy of the final network (the centre of the view, at (0, 0)). */
  final_test_loss: number;
  final_test_acc: number;
  /** The snapshots of the path and their steps. */
  snapshots: number;
  steps: number[];
  /** Lowest and highest test loss on the grid. */
  min_test_loss: number;
  max_test_loss: number;
  points: number;
  margin: number;
}

/**
 * Li et al.'s training-path view (2018, sec. 7): the loss over the plane of the top two PCA
 * directions of a path kept by `mpo train --save-path N` (snapshots minus the final weights),
 * centred on the final network, with the path's projection drawn on it (the core's `pathView`);
 * heat maps, `landscape.json`, `path.csv`, `report.html`, `summary.json` with the variance the
 * two directions explain.
 */
export async function runPath(netDir: string, opts: PathOptions): Promise<PathSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (layersFileOf(netDir)) {
    throw new MpoError(`"${netDir}" is a model file, which keeps no training path: pass the --out folder of mpo train --save-path N`);
  }
  const net = openNetwork(netDir);
  if (!existsSync(join(net.dir, RUN_FILES.path))) {
    throw new MpoError(`"${net.dir}" has no training path (no ${RUN_FILES.path}): train it with mpo train --save-path N to keep its weights every N steps`);
  }
  const margin = opts.margin ?? 0.2;
  if (!Number.isInteger(opts.points) || opts.points < 2) throw new MpoError(`--points must be a whole number >= 2, got ${opts.points}`);
  if (!Number.isFinite(margin) || margin < 0 || margin > 10) throw new MpoError(`--margin must be a number from 0 to 10, got ${margin}`);
  const path = readPath(net, Object.values(net.weights).reduce((n, w) => n + w.length, 0));
  const out = resolve(opts.out);
  return inEmptyFolder(out, { command: 'mpo view path', log, stopped: viewStopped(LANDSCAPE, 'path.csv') },
    () => pathIn(net, path, out, { ...opts, margin }, log));
}

async function pathIn(net: SavedNetwork, path: TrainingPath, out: string, opts: PathOptions & { margin: number; },
  log: (l: string) => void): Promise<PathSummary> {
  const s = await openNetworkSession(net.config, log, { trainLimit: opts.images });
  try {
    const final = flattenValues(s.model.params, net.weights);
    const v = await onImages(s, opts.images, opts.quiet, (data, onProgress) =>
      pathView(s.model, path.snapshots, final, data, { points: opts.points, margin: opts.margin, onProgress }));
    const [r1, r2] = v.explained;
    const xy = v.path.map(([x, y]) => [x, y] as [number, number]);
    const last = xy.length - 1;
    const atFinal = v.path.findIndex(([x, y]) => x === 0 && y === 0);
    const fi = atFinal >= 0 ? atFinal : last;
    const summary: PathSummary = {
      explained_variance: [r1, r2],
      explained_total: r1 + r2,
      final_test_loss: v.onPath.test.loss[fi],
      final_test_acc: v.onPath.test.acc[fi],
      snapshots: path.snapshots.length,
      steps: path.steps,
      min_test_loss: Math.min(...v.values.test.loss),
      max_test_loss: Math.max(...v.values.test.loss),
      points: opts.points,
      margin: opts.margin,
    };
    const pct = (r: number) => `${(100 * r).toFixed(1)}%`;
    const marks: MapMark[] = [{ x: xy[0][0], y: xy[0][1], label: `step ${path.steps[0]}` }, { x: 0, y: 0, label: 'final' }];
    const figs = gridFigures(v, 'PCA plane of the path', { x: [0, 0], y: [0, 0], xLabel: `1st PCA direction (${pct(r1)} of the variance)`,
      yLabel: `2nd (${pct(r2)})` }, marks, xy);
    writeFigure(join(out, RUN_FILES.figure), compose([figs]));
    writeJsonAtomic(join(out, LANDSCAPE), {
      ...gridJson(v, 'w(x, y) = final + x d1 + y d2, d1 and d2 the unit top PCA directions of the path; rows: y from the top down; columns: x'),
      path: { steps: path.steps, coords: v.path },
    });
    writeFileAtomic(join(out, 'path.csv'), ['step,x,y,test_loss_on_plane,train_loss_on_plane', ...path.steps.map((st, i) =>
      [st, v.path[i][0], v.path[i][1], v.onPath.test.loss[i], v.onPath.train.loss[i]].join(',')
    )].join('\n') + '\n');
    writeReport(join(out, RUN_FILES.report), {
      title: `mpo view path: ${net.dir}`,
      subtitle:
        `Li et al. (2018, sec. 7): the plane of the top two PCA directions of the training path (${path.snapshots.length} snapshots minus the final weights, centred), around the final network; ${opts.points}x${opts.points} points, ${opts.images} test and train images`,
      summary: [
        { label: 'variance explained by the two directions', value: `${pct(r1)} + ${pct(r2)} = ${pct(r1 + r2)}` },
        { label: 'test loss of the final network', value: summary.final_test_loss },
        { label: 'lowest and highest test loss on the grid', value: `${summary.min_test_loss.toFixed(4)}, ${summary.max_test_loss.toFixed(4)}` },
      ],
      figures: figs.map((f, i) => ({ caption: CAPTIONS[i], figure: f })),
      config: { network: net.dir, points: opts.points, margin: opts.margin, images: opts.images, model: net.config.model, dataset: net.config.dataset },
      notes: ['The path is drawn as its projection on the plane: the snapshots themselves lie off it by the variance the two directions do not explain.'],
    });
    writeJsonAtomic(join(out, RUN_FILES.summary), summary);
    return summary;
  } finally {
    s.close();
  }
}
