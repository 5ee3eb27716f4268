import { join, resolve } from 'node:path';
import type { FitConfig } from '../../core/config.js';
import { MpoError } from '../../core/errors.js';
import { checkpointOf } from '../../core/io/checkpoint.js';
import { bezierGradients, bezierValues, difference, disposeFrame, frameFromValues, midpoint } from '../../core/landscape/classic.js';
import { evaluatePoints } from '../../core/landscape/evaluate.js';
import type { Model } from '../../core/models/model.js';
import type { ParamSet, ParamValues } from '../../core/plane/params.js';
import { renderLineChart } from '../../core/render/chart.js';
import { compose } from '../../core/render/svg.js';
import * as tf from '../tf-node.js';
import { createPlaneState, disposePlaneState, thetaValues } from '../../core/training/plane-state.js';
import { saveCheckpoint } from '../checkpoint.js';
import { writeJsonAtomic } from '../output/atomic.js';
import { writeFigure } from '../output/png.js';
import { writeReport } from '../output/report.js';
import { headOf, type DeviceData } from './setup.js';
import { checkTwoNetworks, loadNetwork, openNetworkSession, trainNetwork, type SavedNetwork } from './network.js';
import { inEmptyFolder, RUN_FILES, STOPPED_RUNS } from './folder.js';
import { tValues, writeLineCsv } from './view.js';

/** The settings `mpo connect` uses. */
export const CONNECT_KEYS = ['steps', 'batchSize', 'lr', 'lrSchedule', 'gradClip', 'seed', 'evalImages', 'logEvery', 'backend'] as const;

/** Numbers of `mpo connect`. */
export interface ConnectSummary {
  /** Test loss at the end points A (t = 0) and B (t = 1) and their mean. */
  test_loss_a: number;
  test_loss_b: number;
  endpoints_mean_test_loss: number;
  /** Largest test loss along the trained curve, and along the straight line A -> B. */
  curve_max_test_loss: number;
  line_max_test_loss: number;
  /** The maxima over the end points' mean. */
  curve_ratio: number;
  line_ratio: number;
  /** Lowest test accuracy along the curve and along the line. */
  curve_min_test_acc: number;
  line_min_test_acc: number;
  /** Distance of the curve's end points from A and B (0: they are fixed exactly). */
  endpoint_error: number;
  steps: number;
  seconds: number;
  points: number;
}

/**
 * Mode connectivity (Garipov et al. 2018, `mpo connect A B`): trains the bend theta of the
 * quadratic Bezier curve `(1-t)^2 A + 2t(1-t) theta + t^2 B` between two fixed trained networks,
 * one t ~ U(0, 1) per step, with the one `trainLoop` (theta is the origin of a 0-dimensional
 * state; the gradient source is {@link bezierGradients}), theta starting at the midpoint.
 * Then evaluates test and train loss and accuracy at `points` values of t along the curve and
 * along the straight line; holding the lock of `out` (src/node/run/lock.ts; a folder stopped before `bend.mpo` starts afresh), writes the bend (`bend.mpo`), charts, `connect.csv`, `report.html` and `summary.json`.
 */
export async function runConnect(aDir: string, bDir: string, config: FitConfig,
  opts: { out: string; points: number; quiet?: boolean; log?: (l: string) => void; signal?: AbortSignal; }): Promise<ConnectSummary> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const a = loadNetwork(aDir);
  const b = loadNetwork(bDir);
  checkTwoNetworks(a, b, 'mpo connect');
  const out = resolve(opts.out);
  return inEmptyFolder(out, { command: 'mpo connect', log, stopped: STOPPED_RUNS.connect }, () => connectIn(a, b, out, config, opts, log));
}

/** Test or train loss and accuracy at the points of t: along the straight line A -> B and along the curve. */
interface AlongT {
  readonly line: { readonly loss: Float32Array; readonly acc: Float32Array; };
  readonly curve: { readonly loss: Float32Array; readonly acc: Float32Array; };
}

async function connectIn(a: SavedNetwork, b: SavedNetwork, out: string, config: FitConfig, opts: { points: number; quiet?: boolean; signal?: AbortSignal; },
  log: (l: string) => void): Promise<ConnectSummary> {
  const s = await openNetworkSession({ ...a.config, ...Object.fromEntries(CONNECT_KEYS.map((k) => [k, config[k]])) } as FitConfig, log);
  const { model, train, test } = s;
  const toSet = (v: ParamValues): ParamSet => Object.fromEntries(model.params.map((p) => [p.name, tf.tensor(v[p.name], [...p.shape], 'float32')]));
  const aSet = toSet(a.weights), bSet = toSet(b.weights);
  const state = createPlaneState(model, { seed: config.seed, scaleInit: 1, dims: 0, init: config.init });
  const mid = midpoint(a.weights, b.weights);
  for (const p of model.params) state.vars[`origin/${p.name}`].assign(tf.tensor(mid[p.name], [...p.shape], 'float32'));
  try {
    writeJsonAtomic(join(out, RUN_FILES.config), { a: a.dir, b: b.dir, model: a.config.model, dataset: a.config.dataset,
      ...Object.fromEntries(CONNECT_KEYS.map((k) => [k, config[k]])), points: opts.points });
    const batchSize = Math.min(config.batchSize, train.n);
    const task = { model, a: aSet, b: bSet, x: train.x, labels: train.labels, numClasses: train.numClasses, rng: state.rng };
    const { seconds, curve } = await trainNetwork({
      model,
      state,
      train,
      config,
      metricsPath: join(out, RUN_FILES.metrics),
      label: 'connect',
      quiet: opts.quiet,
      signal: opts.signal,
      gradients: (st, sample) => bezierGradients({ ...task, rng: st.rng }, st.vars, sample),
    });
    saveCheckpoint(join(out, RUN_FILES.bend), await checkpointOf(model, state, { seconds, command: 'connect', a: a.dir, b: b.dir }));
    if (opts.signal?.aborted) throw new MpoError(`interrupted at step ${state.step}: the bend so far is saved in ${join(out, RUN_FILES.bend)}`, 130);
    const bend: ParamValues = {};
    for (const [k, v] of Object.entries(await thetaValues(state))) if (k.startsWith('origin/')) bend[k.slice('origin/'.length)] = v;
    const ts = tValues(opts.points, 0, 1);
    const along = (data: DeviceData) => evaluateAlong(model, { a: a.weights, bend, b: b.weights }, ts, data, config.evalImages, batchSize);
    const te = await along(test);
    const tr = await along(train);
    const summary = connectSummary(a.weights, bend, b.weights, te, { steps: state.step, seconds, points: ts.length });
    writeConnectOutputs(out, { a, b, config, ts, te, tr, summary, curve, testImages: test.n });
    writeJsonAtomic(join(out, RUN_FILES.summary), summary);
    return summary;
  } finally {
    for (const t of [...Object.values(aSet), ...Object.values(bSet)]) t.dispose();
    disposePlaneState(state);
    s.close();
  }
}

/**
 * Loss and accuracy on the first `images` of `data` at each t of `ts`: along the straight line
 * `A + t (B - A)` and along the Bezier curve through `bend`. `batchSize` is used by batch-norm
 * models (their statistics are each batch's); others evaluate 1000 images at a time.
 */
async function evaluateAlong(model: Model, w: { a: ParamValues; bend: ParamValues; b: ParamValues; }, ts: number[], data: DeviceData, images: number,
  batchSize: number): Promise<AlongT> {
  const bs = model.usesBatchStats ? batchSize : 1000;
  const sub = headOf(data, images);
  try {
    const lineFrame = frameFromValues(model.params, w.a, [difference(w.a, w.b)]);
    const line = await evaluatePoints(model, lineFrame, ts.map((t) => [t]), sub, { batchSize: bs, pointsPerPass: model.forwardPoints ? 32 : 1 });
    disposeFrame(lineFrame);
    const cLoss = new Float32Array(ts.length), cAcc = new Float32Array(ts.length);
    for (let i = 0; i < ts.length; i++) {
      const f = frameFromValues(model.params, bezierValues(w.a, w.bend, w.b, ts[i]), []);
      const r = await evaluatePoints(model, f, [[]], sub, { batchSize: bs });
      disposeFrame(f);
      cLoss[i] = r.loss[0];
      cAcc[i] = r.acc[0];
    }
    return { line, curve: { loss: cLoss, acc: cAcc } };
  } finally {
    sub.x.dispose();
  }
}

/** The numbers of `summary.json` from the test values along t (`te`) and the curve's end points against A and B. */
function connectSummary(a: ParamValues, bend: ParamValues, b: ParamValues, te: AlongT,
  run: { steps: number; seconds: number; points: number; }): ConnectSummary {
  const c0 = bezierValues(a, bend, b, 0), c1 = bezierValues(a, bend, b, 1);
  let endpointError = 0;
  for (const k of Object.keys(c0)) {
    for (let i = 0; i < c0[k].length; i++) endpointError = Math.max(endpointError, Math.abs(c0[k][i] - a[k][i]), Math.abs(c1[k][i] - b[k][i]));
  }
  const n = run.points;
  const mean = (te.curve.loss[0] + te.curve.loss[n - 1]) / 2;
  return {
    test_loss_a: te.curve.loss[0],
    test_loss_b: te.curve.loss[n - 1],
    endpoints_mean_test_loss: mean,
    curve_max_test_loss: Math.max(...te.curve.loss),
    line_max_test_loss: Math.max(...te.line.loss),
    curve_ratio: Math.max(...te.curve.loss) / mean,
    line_ratio: Math.max(...te.line.loss) / mean,
    curve_min_test_acc: Math.min(...te.curve.acc),
    line_min_test_acc: Math.min(...te.line.acc),
    endpoint_error: endpointError,
    steps: run.steps,
    seconds: Number(run.seconds.toFixed(2)),
    points: n,
  };
}

/** What {@link writeConnectOutputs} draws and writes. */
interface ConnectOutputs {
  readonly a: SavedNetwork;
  readonly b: SavedNetwork;
  readonly config: FitConfig;
  readonly ts: number[];
  /** Test and train values along t. */
  readonly te: AlongT;
  readonly tr: AlongT;
  readonly summary: ConnectSummary;
  /** Training loss by step. */
  readonly curve: [number, number][];
  readonly testImages: number;
}

/** Writes the charts (`figure.png`), `connect.csv` and `report.html` of a trained curve into `out`. */
function writeConnectOutputs(out: string, o: ConnectOutputs): void {
  const { ts, te, tr, summary } = o;
  const mean = summary.endpoints_mean_test_loss;
  const pts = (v: Float32Array) => ts.map((t, i) => [t, v[i]] as [number, number]);
  const lossChart = renderLineChart({
    title: 'test and train loss: straight line vs trained Bezier curve',
    xLabel: 't (0: A, 1: B)',
    logY: true,
    series: [
      { name: 'line, test', points: pts(te.line.loss) },
      { name: 'curve, test', points: pts(te.curve.loss) },
      { name: 'line, train', points: pts(tr.line.loss), dotted: true },
      { name: 'curve, train', points: pts(tr.curve.loss), dotted: true },
      { name: "1.5x end points' mean (test)", points: [[0, 1.5 * mean], [1, 1.5 * mean]], color: '#999', dotted: true, markers: false },
    ],
  });
  const accChart = renderLineChart({
    title: 'test and train accuracy: straight line vs curve',
    xLabel: 't (0: A, 1: B)',
    series: [
      { name: 'line, test', points: pts(te.line.acc) },
      { name: 'curve, test', points: pts(te.curve.acc) },
      { name: 'line, train', points: pts(tr.line.acc), dotted: true },
      { name: 'curve, train', points: pts(tr.curve.acc), dotted: true },
    ],
  });
  writeFigure(join(out, 'figure.png'), compose([[lossChart, accChart]]));
  writeLineCsv(join(out, 'connect.csv'), ts, {
    line_test_loss: te.line.loss,
    line_test_acc: te.line.acc,
    curve_test_loss: te.curve.loss,
    curve_test_acc: te.curve.acc,
    line_train_loss: tr.line.loss,
    line_train_acc: tr.line.acc,
    curve_train_loss: tr.curve.loss,
    curve_train_acc: tr.curve.acc,
  });
  writeReport(join(out, RUN_FILES.report), {
    title: `mpo connect: ${o.a.dir} <-> ${o.b.dir}`,
    subtitle: `quadratic Bezier curve, one trained bend, ${summary.steps} steps; ${ts.length} points of t; ${o.testImages} test images`,
    summary: [
      { label: 'test loss at A / at B', value: `${summary.test_loss_a.toFixed(4)} / ${summary.test_loss_b.toFixed(4)}` },
      { label: 'largest test loss on the curve', value: summary.curve_max_test_loss, hint: `${summary.curve_ratio.toFixed(3)}x the end points' mean` },
      { label: 'largest test loss on the straight line', value: summary.line_max_test_loss, hint: `${summary.line_ratio.toFixed(3)}x the end points' mean` },
      { label: 'lowest test accuracy: curve / line', value: `${summary.curve_min_test_acc.toFixed(4)} / ${summary.line_min_test_acc.toFixed(4)}` },
      { label: 'end points of the curve vs A, B (max abs difference)', value: summary.endpoint_error },
    ],
    figures: [{ caption: 'Loss along the line and the curve (log)', figure: lossChart }, { caption: 'Accuracy along the line and the curve',
      figure: accChart }],
    curves: [{ title: 'training loss at the sampled t', xLabel: 'step', series: [{ name: 'loss', points: o.curve }] }],
    config: { a: o.a.dir, b: o.b.dir, ...Object.fromEntries(CONNECT_KEYS.map((k) => [k, o.config[k]])) },
  });
}
