/**
 * The app's training worker: owns TF.js, the data, the model and the plane. Training goes
 * through the core's one loop (`trainLoop`), paused by aborting its signal; between steps the
 * worker answers the page and, when due, evaluates the test landscape with the core. See
 * `protocol.ts` for the messages and docs/app.md for the design; the backend and the data are
 * started by `worker-setup.ts`.
 */
import '../../src/core/gradients.js';
import * as tf from '../../src/core/tf.js';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
// Registered here, after webgl and webgpu, as before; worker-setup.ts starts it (setWasmPaths).
import '@tensorflow/tfjs-backend-wasm';
import { resolveConfig } from '../../src/core/config.js';
import { firstLine } from '../../src/core/errors.js';
import { type Checkpoint, checkpointOf, decodeCheckpoint, encodeCheckpoint, stateOfCheckpoint } from '../../src/core/io/checkpoint.js';
import { EXPORT_WEIGHTS_FILE, exportLayersModel } from '../../src/core/io/export-layers.js';
import { evaluateLandscape, type EvalData, type Landscape } from '../../src/core/landscape/evaluate.js';
import { manifoldPatternMetrics } from '../../src/core/landscape/manifold-metrics.js';
import { logitsAtPoints, type Model } from '../../src/core/models/model.js';
import { createModel } from '../../src/core/models/registry.js';
import { validatePattern, type Pattern } from '../../src/core/pattern/pattern.js';
import { patternToText } from '../../src/core/pattern/text.js';
import { toTernary, trainedCells } from '../../src/core/pattern/ternary.js';
import { computeFrame, manifoldDims, pointAt } from '../../src/core/plane/manifold.js';
import { cellCoordsOf, type CellShape } from '../../src/core/plane/grid.js';
import { readParamSet, type ParamValues } from '../../src/core/plane/params.js';
import { trainLoop } from '../../src/core/training/loop.js';
import { createPlaneState, disposePlaneState, thetaOf, type PlaneState } from '../../src/core/training/plane-state.js';
import type { StepOptions, TrainCells, TrainData } from '../../src/core/training/step.js';
import { type BackendName, DAMAGED_CHECKPOINT, type FromWorker, type PatternData, type Settings, type ToWorker } from './protocol.js';
import { interpolationView, randomPlaneView } from './worker-classic.js';
import { APP_EXTRA_KEY, decodeRunMeta, encodeRunMeta } from './run-meta.js';
import { loadData, startBackend, type TestData } from './worker-setup.js';

const scope = self as unknown as { postMessage(m: unknown, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent) => void) | null;
  location: Location; };
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

/** Test images of each landscape: a few hundred keep an MLP evaluation well under a second. */
const EVAL_IMAGES: Record<Settings['model'], number> = { mlp: 300, cnn: 100 };
/** The landscape is re-evaluated when this long has passed since the last one, and at least 3x its duration (training keeps >= 3/4 of the time). */
const MIN_EVAL_INTERVAL_MS = 700;

let train: TrainData | null = null;
let test: TestData | null = null;
let probeIdx: number[] = [];
let model: Model | null = null;
let state: PlaneState | null = null;
let pattern: PatternData | null = null;
let cells: TrainCells | null = null;
let settings: Settings | null = null;
let trainSeconds = 0;
let ctrl: AbortController | null = null;
let loop: Promise<void> | null = null;
let lastEvalEnd = 0;
let lastEvalMs = 0;
const recent: number[] = [];

const macrotask = () => new Promise<void>((r) => setTimeout(r, 0));

async function init(backend: BackendName): Promise<void> {
  const note = await startBackend(backend, scope.location.href);
  ({ train, test, probeIdx } = await loadData(scope.location.href, (label, loaded, total) => post({ type: 'progress', label, loaded, total })));
  post({ type: 'ready', backend: tf.getBackend(), trainImages: train!.labels.length, testImages: test!.labels.length, note });
}

function toPattern(p: PatternData): Pattern {
  return validatePattern({ height: p.height, width: p.width, cells: p.cells, name: p.name, ...((p.depth ?? 1) > 1 ? { depth: p.depth } : {}) });
}

function setPattern(p: PatternData): void {
  const checked = toPattern(p);
  const { black, white } = trainedCells(toTernary(checked, { ignoreInterior: false }));
  pattern = p;
  cells = { depth: p.depth ?? 1, height: p.height, width: p.width, black, white };
}

/** The current manifold's dimension d and the target's shape. */
function shapeOf(): CellShape {
  return { dims: state!.dims, depth: pattern!.depth ?? 1, height: pattern!.height, width: pattern!.width };
}

/**
 * The weights of the network at manifold coordinates `coords` (plain values), read
 * asynchronously: webgpu's synchronous reads return zeros in Chromium (tfjs-backend-webgpu 4.22).
 */
async function valuesAt(coords: readonly number[]): Promise<ParamValues> {
  const { frame, dispose } = computeFrame(thetaOf(model!, state!));
  try {
    const point = tf.tidy(() => pointAt(frame, coords));
    const values = await readParamSet(point);
    for (const k of Object.keys(point)) if (point[k] !== frame.origin[k]) point[k]!.dispose(); // (at the centre the point is w_O itself)
    return values;
  } finally {
    dispose();
  }
}

/** The network at a cell of the target (null: w_O, the centre). */
function cellValues(cell: number | null): Promise<ParamValues> {
  if (cell !== null) checkCellIndex(cell);
  return valuesAt(cell === null ? new Array(state!.dims).fill(0) : cellCoordsOf(cell, shapeOf()));
}

function checkCellIndex(cell: number): void {
  if (!(Number.isInteger(cell) && cell >= 0 && cell < pattern!.cells.length)) throw new Error(`cell ${cell} is outside the target`);
}

function evalDataOf(): EvalData {
  const n = Math.min(EVAL_IMAGES[settings!.model], test!.labels.length);
  return { x: test!.x, labels: test!.labels.subarray(0, n) };
}

/** Runs `fn` on the landscape's test images (their own tensor, freed afterwards). */
async function withEvalData<T>(fn: (data: EvalData) => Promise<T>): Promise<T> {
  const { labels } = evalDataOf();
  const x = tf.slice(test!.x, 0, labels.length) as tf.Tensor4D;
  try {
    return await fn({ x, labels });
  } finally {
    x.dispose();
  }
}

/** The test landscape of plane `st` over the current pattern's cells. */
async function landscapeOf(st: PlaneState): Promise<Landscape> {
  const data = evalDataOf();
  const n = data.labels.length;
  const x = tf.slice(test!.x, 0, n) as tf.Tensor4D;
  const { frame, dispose } = computeFrame(thetaOf(model!, st));
  let lastYield = performance.now();
  try {
    return await evaluateLandscape(model!, frame, { x, labels: data.labels }, {
      height: pattern!.height,
      width: pattern!.width,
      depth: pattern!.depth ?? 1,
      dims: st.dims,
      batchSize: n,
      pointsPerPass: model!.forwardPoints ? 64 : 2,
      onProgress: async () => {
        if (performance.now() - lastYield > 40) {
          await macrotask();
          lastYield = performance.now();
        }
      },
    });
  } finally {
    dispose();
    x.dispose();
  }
}

/** The untrained plane's test AUC on the current target, by what it depends on (the plane's settings and the target). */
let untrained: { key: string; auc: number; } | null = null;

/**
 * The test AUC of the untrained plane (the plane these settings start from, rebuilt from its
 * seed) on the current target: a trained plane's AUC means something only beside it (a random
 * plane already orders a large blob's cells well). `current` is the AUC of the plane on show,
 * which is the untrained one at step 0.
 */
async function untrainedAuc(current: number): Promise<number> {
  const s = settings!;
  const key = `${s.model}|${s.seed}|${s.scale}|${s.manifold}|${pattern!.depth ?? 1}x${pattern!.height}x${pattern!.width}:${pattern!.cells.join('')}`;
  if (untrained?.key === key) return untrained.auc;
  let auc = current;
  if (state!.step !== 0) {
    const st = createPlaneState(model!, { seed: s.seed, scaleInit: s.scale, dims: manifoldDims(s.manifold) });
    try {
      auc = manifoldPatternMetrics(await landscapeOf(st), toPattern(pattern!)).auc;
    } finally {
      disposePlaneState(st);
    }
  }
  untrained = { key, auc };
  return auc;
}

/** Evaluates and posts the test landscape over the pattern's cells, with the untrained plane's AUC. */
async function evaluateNow(): Promise<void> {
  if (!state || !model || !pattern || !test) return;
  const t0 = performance.now();
  const land = await landscapeOf(state);
  const m = manifoldPatternMetrics(land, toPattern(pattern));
  const untrainedValue = await untrainedAuc(m.auc);
  lastEvalMs = performance.now() - t0;
  lastEvalEnd = performance.now();
  const info = { step: state.step, dims: state.dims, slices: land.slices ?? 1, rows: land.rows, cols: land.cols, loss: land.loss, acc: land.acc, auc: m.auc,
    untrainedAuc: untrainedValue, accBlack: m.accBlack, accWhite: m.accWhite, images: evalDataOf().labels.length, seconds: lastEvalMs / 1000 };
  post({ type: 'landscape', info }, [land.loss.buffer, land.acc.buffer]);
}

function stepOptions(s: Settings): StepOptions {
  const d = resolveConfig({ model: s.model });
  return { batchSize: s.batchSize, blackPerStep: s.cellsPerStep, whitePerStep: s.cellsPerStep, lr: s.lr, gradClip: d.gradClip, whiteClip: d.whiteClip,
    chunkSize: model!.forwardPoints ? undefined : Math.max(1, Math.floor(512 / s.batchSize)) };
}

/** Runs `count` steps (Infinity: until paused) through the core's training loop. */
function startLoop(count: number): void {
  if (loop || !state || !model || !train || !cells || !settings) return;
  const c = new AbortController();
  ctrl = c;
  const st = state;
  const target = count === Infinity ? Number.MAX_SAFE_INTEGER : st.step + count;
  post({ type: 'status', running: true, step: st.step });
  loop = (async () => {
    try {
      for await (const r of trainLoop({ model: model!, state: st, data: train!, cells: cells!, steps: target, step: stepOptions(settings!),
        lrSchedule: 'constant', signal: c.signal, startSeconds: trainSeconds })) {
        trainSeconds = r.seconds;
        const now = performance.now();
        recent.push(now);
        while (recent.length > 2 && now - recent[0] > 3000) recent.shift();
        const stepsPerSecond = recent.length > 1 ? ((recent.length - 1) * 1000) / (now - recent[0]) : 1 / r.stepSeconds;
        post({ type: 'step',
          info: { step: r.step, loss: r.loss, ceBlack: r.ceBlack, ceWhite: r.ceWhite, scale: r.scale, lr: r.lr, seconds: r.seconds, stepsPerSecond } });
        const due = now - lastEvalEnd >= Math.max(MIN_EVAL_INTERVAL_MS, 3 * lastEvalMs);
        if (r.last || due) await evaluateNow();
      }
    } catch (e) {
      post({ type: 'error', message: firstLine(e) });
    } finally {
      loop = null;
      ctrl = null;
      recent.length = 0;
      post({ type: 'status', running: false, step: st.step });
    }
  })();
}

async function stopLoop(): Promise<boolean> {
  const was = loop !== null;
  ctrl?.abort();
  if (loop) await loop;
  return was;
}

/** Runs `fn` with training paused, then resumes it if it was running. */
async function paused(fn: () => Promise<void> | void, resume = true): Promise<void> {
  const was = await stopLoop();
  await fn();
  if (was && resume) startLoop(Infinity);
}

function newPlane(s: Settings): void {
  if (state) disposePlaneState(state);
  state = null;
  if (!model || model.name !== s.model) model = createModel(s.model, { inputShape: [28, 28, 1], numClasses: 10 });
  state = createPlaneState(model, { seed: s.seed, scaleInit: s.scale, dims: manifoldDims(s.manifold) });
  trainSeconds = 0;
}

/** The run's config.json for `mpo eval` / `mpo fit --resume`: the CLI's settings that reproduce this plane. */
function runConfig(): { config: string; patternText: string | null; } {
  const s = settings!;
  const p = pattern!;
  const strip = s.manifold === 'line' ? `1d:${Array.from(p.cells, (v) => (v ? '#' : '.')).join('')}` : null;
  const picture = p.origin.kind === 'builtin' ?
    { pattern: p.origin.name, randomMask: null }
    : p.origin.kind === 'random' ?
    { pattern: 'heart', randomMask: p.origin.p }
    : { pattern: strip ?? 'pattern.txt', randomMask: null };
  const config = resolveConfig({
    ...picture,
    manifold: s.manifold,
    patternSize: Math.max(p.height, p.width),
    ignoreInterior: false,
    model: s.model,
    dataset: 'fashion-mnist-subset',
    steps: state!.step,
    batchSize: s.batchSize,
    cellsPerStep: s.cellsPerStep,
    lr: s.lr,
    lrSchedule: 'constant',
    scaleInit: s.scale,
    seed: s.seed,
    backend: 'wasm',
  });
  const provenance = { source: 'mpo browser app', backend: tf.getBackend(), steps: state!.step, seconds: trainSeconds, saved: new Date().toISOString() };
  const patternText = p.origin.kind === 'cells' && !strip ? `${patternToText(toPattern(p))}\n` : null;
  return { config: `${JSON.stringify({ ...config, provenance }, null, 2)}\n`, patternText };
}

async function probe(id: number, cell: number): Promise<void> {
  if (!state || !model || !pattern || !test) return;
  checkCellIndex(cell);
  const coords = cellCoordsOf(cell, shapeOf());
  const idx = tf.tensor1d(probeIdx, 'int32');
  const x = tf.gather(test.x, idx) as tf.Tensor4D;
  const { frame, dispose } = computeFrame(thetaOf(model, state));
  try {
    const probs = tf.tidy(() => tf.softmax(tf.squeeze(logitsAtPoints(model!, frame, [coords], x), [0]) as tf.Tensor2D));
    const p = await probs.data();
    probs.dispose();
    const size = 28 * 28;
    const pixels = new Uint8Array(probeIdx.length * size);
    const predicted: number[] = [];
    const confidence: number[] = [];
    probeIdx.forEach((t, i) => {
      pixels.set(test!.pixels.subarray(t * size, (t + 1) * size), i * size);
      let best = 0;
      for (let k = 1; k < 10; k++) if (p[i * 10 + k] > p[i * 10 + best]) best = k;
      predicted.push(best);
      confidence.push(p[i * 10 + best]);
    });
    post({ type: 'probe', id, cell, pixels, size: 28, labels: probeIdx.map((t) => test!.labels[t]), predicted, confidence }, [pixels.buffer]);
  } finally {
    dispose();
    x.dispose();
    idx.dispose();
  }
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init':
      await init(m.backend);
      return;
    case 'reset':
      await paused(() => {
        settings = m.settings;
        setPattern(m.pattern);
        newPlane(m.settings);
      }, false);
      post({ type: 'status', running: false, step: 0 });
      await evaluateNow();
      return;
    case 'hyper':
      await paused(() => {
        settings = m.settings;
      });
      return;
    case 'pattern':
      await paused(async () => {
        setPattern(m.pattern);
        if (!loop) await evaluateNow();
      });
      return;
    case 'play':
      startLoop(Infinity);
      return;
    case 'step':
      await stopLoop();
      startLoop(1);
      await loop;
      return;
    case 'save':
      await paused(async () => {
        if (!state || !model) throw new Error('nothing to save yet');
        // The target and settings travel with the plane, so that a load in any page restores them.
        const meta = encodeRunMeta({ settings: settings!, pattern: pattern! });
        const bytes = encodeCheckpoint(await checkpointOf(model, state, { seconds: trainSeconds, [APP_EXTRA_KEY]: meta }));
        const { config, patternText } = runConfig();
        post({ type: 'saved', id: m.id, checkpoint: bytes, config, patternText }, [bytes.buffer]);
      });
      return;
    case 'load':
      await paused(async () => {
        if (!model || !settings) throw new Error('the app is not ready yet');
        let ckpt: Checkpoint;
        try {
          ckpt = decodeCheckpoint(m.bytes, 'checkpoint.mpo');
        } catch {
          throw new Error(DAMAGED_CHECKPOINT);
        }
        const saved = decodeRunMeta(ckpt.extra);
        const manifold = saved ? saved.settings.manifold : settings.manifold;
        const want = manifoldDims(manifold);
        if (ckpt.dims !== want) {
          if (saved) throw new Error(DAMAGED_CHECKPOINT);
          const name = ['a point', 'a line', 'a plane', 'a volume'][ckpt.dims] ?? `a ${ckpt.dims}-dimensional manifold`;
          throw new Error(
            `the checkpoint holds ${name} (d = ${ckpt.dims}), the app fits ${['', 'a line', 'a plane', 'a volume'][want]}: choose its manifold first`,
          );
        }
        if (saved) {
          // Check the saved target before anything changes: a bad one leaves the current plane as it was.
          toPattern(saved.pattern);
          if (saved.settings.model !== ckpt.model) throw new Error(DAMAGED_CHECKPOINT);
        }
        const useModel = saved && model.name !== saved.settings.model ? createModel(saved.settings.model, { inputShape: [28, 28, 1], numClasses: 10 }) : model;
        const next = stateOfCheckpoint(useModel, ckpt);
        if (state) disposePlaneState(state);
        model = useModel;
        state = next;
        if (saved) {
          settings = { ...saved.settings, backend: settings.backend };
          setPattern(saved.pattern);
        }
        trainSeconds = Number(ckpt.extra?.seconds ?? 0) || 0;
        post(saved ?
          { type: 'loaded', id: m.id, step: state.step, settings: settings, pattern: { ...pattern!, cells: pattern!.cells.slice() } }
          : { type: 'loaded', id: m.id, step: state.step });
        await evaluateNow();
      }, false);
      post({ type: 'status', running: false, step: state?.step ?? 0 });
      return;
    case 'probe':
      await probe(m.id, m.cell);
      return;
    case 'export': {
      if (!state || !model || !pattern) throw new Error('the app is not ready yet');
      const weights = await cellValues(m.cell);
      const coords = cellCoordsOf(m.cell, shapeOf());
      const { depth = 1, height, width } = pattern;
      const slice = Math.floor(m.cell / (height * width)), row = Math.floor(m.cell / width) % height, col = m.cell % width;
      const cellId = state.dims === 1 ? [col] : state.dims === 3 ? [slice, row, col] : [row, col];
      const ex = exportLayersModel(model, weights, {
        metadata: { cell: cellId, coordinates: coords, manifold: settings!.manifold, depth, step: state.step, source: 'mpo browser app' },
      });
      const json = new TextEncoder().encode(JSON.stringify(ex.modelJson));
      post({ type: 'exported', id: m.id, files: [{ name: 'model.json', bytes: json }, { name: EXPORT_WEIGHTS_FILE, bytes: ex.weights }] }, [json.buffer,
        ex.weights.buffer]);
      return;
    }
    case 'classicPlane':
      await paused(async () => {
        if (!state || !model || !test) throw new Error('the app is not ready yet');
        const origin = await cellValues(null);
        const info = await withEvalData((data) => randomPlaneView(model!, origin, data, { points: m.points, seed: m.seed, pause: macrotask }));
        post({ type: 'classicPlane', id: m.id, info: { ...info, step: state.step } }, [info.loss.buffer, info.acc.buffer]);
      });
      return;
    case 'classicLine':
      await paused(async () => {
        if (!state || !model || !test) throw new Error('the app is not ready yet');
        const a = await cellValues(m.from);
        const b = await cellValues(m.to);
        const info = await withEvalData((data) => interpolationView(model!, a, b, data, { points: m.points, pause: macrotask }));
        post({ type: 'classicLine', id: m.id, info: { ...info, step: state.step, from: m.from, to: m.to } }, [info.loss.buffer, info.acc.buffer]);
      });
      return;
    case 'pause':
      await stopLoop();
      return;
  }
}

let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent) => {
  const m = e.data as ToWorker;
  // Pause acts at once (between steps); everything else waits for the messages before it.
  if (m.type === 'pause') ctrl?.abort();
  queue = queue.then(() => handle(m)).catch((err) => {
    post({ type: 'error', message: firstLine(err), id: 'id' in m ? m.id : undefined });
  });
};
