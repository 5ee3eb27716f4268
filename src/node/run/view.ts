import { join, resolve } from 'node:path';
import { createRng } from '../../core/random.js';
import { difference, disposeFrame, filterNormalizedDirection, frameFromValues } from '../../core/landscape/classic.js';
import { evaluatePoints } from '../../core/landscape/evaluate.js';
import type { Frame } from '../../core/plane/manifold.js';
import type { ParamValues } from '../../core/plane/params.js';
import { renderHeatmap } from '../../core/render/heatmap.js';
import { renderLineChart } from '../../core/render/chart.js';
import { compose, type Figure } from '../../core/render/svg.js';
import { writeFileAtomic, writeJsonAtomic } from '../output/atomic.js';
import { writeFigure } from '../output/png.js';
import { writeReport } from '../output/report.js';
import { createProgress } from '../progress.js';
import { headOf, type DeviceData } from './setup.js';
import { checkTwoNetworks, loadNetwork, openNetworkSession, type NetworkSession, type SavedNetwork } from './network.js';
import { inEmptyFolder, RUN_FILES, viewStopped } from './folder.js';

/** Options shared by the classic views. */
export interface ViewOptions {
  readonly out: string;
  /** Points per axis (random plane) or along the line (interpolation). */
  readonly points: number;
  /** Test images, and as many training images, to evaluate on. */
  readonly images: number;
  readonly seed?: number;
  readonly quiet?: boolean;
  readonly log?: (l: string) => void;
}

async function evalBoth(s: NetworkSession, frame: Frame, coords: number[][], images: number,
  quiet?: boolean): Promise<Record<'test' | 'train', { loss: Float32Array; acc: Float32Array; }>> {
  const bs = s.model.usesBatchStats ? 128 : 1000;
  const ppp = s.model.forwardPoints ? 32 : 1;
  const out: Record<string, { loss: Float32Array; acc: Float32Array; }> = {};
  for (const [split, data] of [['test', s.test], ['train', s.train]] as [string, DeviceData][]) {
    const sub = headOf(data, images);
    const progress = createProgress({ label: `${split} points`, total: 1000, quiet });
    try {
      out[split] = await evaluatePoints(s.model, frame, coords, sub, { batchSize: bs, pointsPerPass: ppp, onProgress: (d, t) =>
        progress.update(Math.round((1000 * d) / t)) });
    } finally {
      progress.stop();
      sub.x.dispose();
    }
  }
  return out as Record<'test' | 'train', { loss: Float32Array; acc: Float32Array; }>;
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
 * ({@link filterNormalizedDirection}); heat maps, grids (`landscape.json`), `report.html`, `summary.json`.
 */
export async function runRandomPlane(netDir: string, opts: ViewOptions): Promise<RandomPlaneSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const net = loadNetwork(netDir);
  const out = resolve(opts.out);
  return inEmptyFolder(out, { command: 'mpo view random-plane', log, stopped: viewStopped('landscape.json') }, () => randomPlaneIn(net, out, opts, log));
}

async function randomPlaneIn(net: SavedNetwork, out: string, opts: ViewOptions, log: (l: string) => void): Promise<RandomPlaneSummary> {
  const s = await openNetworkSession(net.config, log, { trainLimit: opts.images });
  const seed = opts.seed ?? 1;
  const rng = createRng(seed);
  const d1 = filterNormalizedDirection(s.model.params, net.weights, rng);
  const d2 = filterNormalizedDirection(s.model.params, net.weights, rng);
  const n = opts.points;
  // rows top to bottom: b from +1 to -1 (up is up); columns: a from -1 to 1
  const at = (i: number) => (n === 1 ? 0 : -1 + (2 * i) / (n - 1));
  const coords: number[][] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) coords.push([at(c), -at(r)]);
  const frame = frameFromValues(s.model.params, net.weights, [d1, d2]);
  try {
    const res = await evalBoth(s, frame, coords, opts.images, opts.quiet);
    const domain = lossDomain(res.test.loss, res.train.loss);
    const figs: Figure[] = [];
    for (const split of ['test', 'train'] as const) {
      figs.push(renderHeatmap(res[split].loss, n, n, { scale: 'log', domain, title: `${split} loss (log), filter-normalised plane`, axes: false }));
      figs.push(renderHeatmap(res[split].acc, n, n, { scale: 'linear', domain: [0, 1], title: `${split} accuracy`, axes: false }));
    }
    const figure = compose([figs]);
    writeFigure(join(out, RUN_FILES.figure), figure);
    const centre = Math.floor(n / 2) * n + Math.floor(n / 2);
    const summary: RandomPlaneSummary = {
      centre_test_loss: res.test.loss[centre],
      centre_test_acc: res.test.acc[centre],
      max_test_loss: Math.max(...res.test.loss),
      points: n,
      seed,
    };
    writeJsonAtomic(join(out, 'landscape.json'), {
      coords: 'rows: b from +1 (top) to -1; columns: a from -1 to +1',
      points: n,
      test: { loss: Array.from(res.test.loss), acc: Array.from(res.test.acc) },
      train: { loss: Array.from(res.train.loss), acc: Array.from(res.train.acc) },
    });
    writeReport(join(out, RUN_FILES.report), {
      title: `mpo view random-plane: ${net.dir}`,
      subtitle: `Li et al. (2018): two random filter-normalised directions (biases not moved), a and b in [-1, 1], ${n}x${n} points, seed ${seed}`,
      summary: [
        { label: 'test loss at the network (centre)', value: summary.centre_test_loss },
        { label: 'test accuracy at the network', value: summary.centre_test_acc },
        { label: 'largest test loss on the plane', value: summary.max_test_loss },
      ],
      figures: figs.map((f, i) => ({ caption: ['Test loss', 'Test accuracy', 'Train loss', 'Train accuracy'][i], figure: f })),
      config: { network: net.dir, points: n, images: opts.images, seed, model: net.config.model, dataset: net.config.dataset },
    });
    writeJsonAtomic(join(out, RUN_FILES.summary), summary);
    return summary;
  } finally {
    disposeFrame(frame);
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
 * the loss and accuracy of `(1 - t) A + t B` for t from -0.5 to 1.5; line charts, CSV, `report.html`, `summary.json`.
 */
export async function runInterpolate(aDir: string, bDir: string, opts: ViewOptions): Promise<InterpolateSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const a = loadNetwork(aDir);
  const b = loadNetwork(bDir);
  checkTwoNetworks(a, b, 'mpo view interpolate');
  const out = resolve(opts.out);
  return inEmptyFolder(out, { command: 'mpo view interpolate', log, stopped: viewStopped('interpolation.csv') }, () => interpolateIn(a, b, out, opts, log));
}

async function interpolateIn(a: SavedNetwork, b: SavedNetwork, out: string, opts: ViewOptions, log: (l: string) => void): Promise<InterpolateSummary> {
  const s = await openNetworkSession(a.config, log, { trainLimit: opts.images });
  const ts = tValues(opts.points, -0.5, 1.5);
  const frame = frameFromValues(s.model.params, a.weights, [difference(a.weights, b.weights) as ParamValues]);
  try {
    const res = await evalBoth(s, frame, ts.map((t) => [t]), opts.images, opts.quiet);
    const inside = ts.map((t, i) => [t, i] as const).filter(([t]) => t >= 0 && t <= 1);
    const iMax = inside.reduce((best, [, i]) => (res.test.loss[i] > res.test.loss[best] ? i : best), inside[0][1]);
    const i0 = ts.findIndex((t) => t >= 0), i1 = ts.findIndex((t) => t >= 1);
    const summary: InterpolateSummary = {
      test_loss_a: res.test.loss[i0],
      test_loss_b: res.test.loss[i1],
      max_test_loss_between: res.test.loss[iMax],
      t_of_max: ts[iMax],
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
    disposeFrame(frame);
    s.close();
  }
}
