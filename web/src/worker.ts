/**
 * The app's training worker: a thin host of one core session (`createSession`: the model, the
 * manifold, the target and the config, with the run's use cases) plus the app's scheduling.
 * Training goes through the session's loop, paused by aborting its signal; between steps the
 * worker answers the page and, when due, evaluates the test landscape. See `protocol.ts` for the
 * messages and docs/app.md for the design; the backend and the data are started by
 * `worker-setup.ts`, landscapes by `worker-landscape.ts`, a cell's probe by `worker-probe.ts`, the
 * classic views by `worker-classic.ts`.
 */
import '../../src/core/gradients.js';
import * as tf from '@tensorflow/tfjs-core';
import { type Checkpoint, createModel, createSession, encodeCheckpoint, EXPORT_WEIGHTS_FILE, firstLine, type Pattern, type Session,
  validatePattern } from '../../src/core/index.js';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
// Registered here, after webgl and webgpu, as before; worker-setup.ts starts it (setWasmPaths).
import '@tensorflow/tfjs-backend-wasm';
import { appConfig, appRunFiles, patternOfData } from './app-config.js';
import { type FromWorker, type PatternData, type Settings, type ToWorker } from './protocol.js';
import { probeCell } from './worker-probe.js';
import { interpolationView, openLayersNetwork, type OpenedNetwork, randomPlaneView } from './worker-classic.js';
import { APP_EXTRA_KEY, encodeRunMeta, runToLoad } from './run-meta.js';
import { createLandscapeWatch, withEvalData } from './worker-landscape.js';
import { loadData, startBackend, type AppData } from './worker-setup.js';

/** The tool and version recorded in saved runs (set by the build from package.json). */
declare const MPO_TOOL: string;

const scope = self as unknown as { postMessage(m: unknown, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent) => void) | null;
  location: Location; };
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

let data: AppData | null = null;
let session: Session | null = null;
let settings: Settings | null = null;
let pattern: PatternData | null = null;
let ctrl: AbortController | null = null;
let loop: Promise<void> | null = null;
const recent: number[] = [];
/** A TF.js Layers network opened for the classic views (`classicOpen`). */
let opened: OpenedNetwork | null = null;
const watch = createLandscapeWatch();

const macrotask = () => new Promise<void>((r) => setTimeout(r, 0));

function ready(): Session {
  if (!session || !data || !settings || !pattern) throw new Error('the app is not ready yet');
  return session;
}

const toPattern = (p: PatternData): Pattern => validatePattern(patternOfData(p));

/** A new session for the settings and target (and checkpoint), replacing the current one. */
function newSession(s: Settings, p: PatternData, checkpoint?: Checkpoint): void {
  const target = toPattern(p);
  const model = session?.model.name === s.model ? session.model : createModel(s.model, { inputShape: [28, 28, 1], numClasses: 10 });
  const next = createSession({ config: appConfig(s, p), model, pattern: target, checkpoint });
  session?.dispose();
  session = next;
  settings = s;
  pattern = p;
}

/** Evaluates and posts the test landscape over the target's cells, with the untrained plane's AUC beside it. */
async function evaluateNow(): Promise<void> {
  if (!session || !data || !pattern || !settings) return;
  const info = await watch.evaluate(session, data.test, settings, pattern);
  post({ type: 'landscape', info }, [info.loss.buffer, info.acc.buffer]);
}

/** Runs `count` steps (Infinity: until paused) through the session's training loop. */
function startLoop(count: number): void {
  if (loop || !session || !data) return;
  const c = new AbortController();
  ctrl = c;
  const s = session;
  const steps = count === Infinity ? Number.MAX_SAFE_INTEGER : s.state.step + count;
  post({ type: 'status', running: true, step: s.state.step });
  loop = (async () => {
    try {
      for await (const r of s.train({ data: data!.train, steps, signal: c.signal })) {
        const now = performance.now();
        recent.push(now);
        while (recent.length > 2 && now - recent[0]! > 3000) recent.shift();
        const stepsPerSecond = recent.length > 1 ? ((recent.length - 1) * 1000) / (now - recent[0]!) : 1 / r.stepSeconds;
        post({ type: 'step',
          info: { step: r.step, loss: r.loss, ceBlack: r.ceBlack, ceWhite: r.ceWhite, scale: r.scale, lr: r.lr, seconds: r.seconds, stepsPerSecond } });
        if (r.last || watch.due(now)) await evaluateNow();
      }
    } catch (e) {
      post({ type: 'error', message: firstLine(e) });
    } finally {
      loop = null;
      ctrl = null;
      recent.length = 0;
      post({ type: 'status', running: false, step: s.state.step });
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

/** Replaces the session by a checkpoint's (with its own settings and target when it carries them); posts `loaded`. */
async function load(id: number, bytes: Uint8Array): Promise<void> {
  ready();
  const run = runToLoad(bytes, { settings: settings!, pattern: pattern! });
  newSession(run.settings, run.pattern, run.checkpoint);
  const step = session!.state.step;
  post(
    run.own
      ? { type: 'loaded', id, step, settings: run.settings, pattern: { ...run.pattern, cells: run.pattern.cells.slice() } }
      : { type: 'loaded', id, step },
  );
  await evaluateNow();
}

/** Posts the checkpoint (with the app's settings and target inside) and the files that reproduce the run. */
async function save(id: number): Promise<void> {
  const s = ready();
  const bytes = encodeCheckpoint(await s.checkpoint({ [APP_EXTRA_KEY]: encodeRunMeta({ settings: settings!, pattern: pattern! }) }));
  const files = appRunFiles(settings!, pattern!, s.state.step, { tool: MPO_TOOL, backend: tf.getBackend(), steps: s.state.step, seconds: s.seconds,
    saved: new Date().toISOString() });
  post({ type: 'saved', id, checkpoint: bytes, ...files }, [bytes.buffer]);
}

/** Posts cell `cell` as a TF.js Layers model (`model.json` + `weights.bin`). */
async function exportCell(id: number, cell: number): Promise<void> {
  const ex = await ready().exportCell(cell, { generatedBy: MPO_TOOL, metadata: { depth: pattern!.depth ?? 1, source: 'mpo browser app' } });
  const json = new TextEncoder().encode(JSON.stringify(ex.modelJson));
  post({ type: 'exported', id, files: [{ name: 'model.json', bytes: json }, { name: EXPORT_WEIGHTS_FILE, bytes: ex.weights }] }, [json.buffer,
    ex.weights.buffer]);
}

/** The classic views (Li et al.'s random plane around w_O or an opened network; the line between two cells' networks), training paused. */
async function classic(m: Extract<ToWorker, { type: 'classicPlane' | 'classicLine'; }>): Promise<void> {
  const s = ready();
  if (m.type === 'classicPlane') {
    const net = m.net === 'opened' ? opened : null;
    if (m.net === 'opened' && !net) throw new Error('open a model first (its model.json and weights.bin)');
    const [model, origin] = net ? [net.model, net.weights] : [s.model, await s.networkAt(null)];
    const info = await withEvalData(data!.test, settings!.model, (d) =>
      randomPlaneView(model, origin, d, { points: m.points, seed: m.seed, pause: macrotask }));
    post({ type: 'classicPlane', id: m.id, info: { ...info, step: s.state.step, ...(net ? { net: net.name } : {}) } }, [info.loss.buffer, info.acc.buffer]);
    return;
  }
  const [a, b] = [await s.networkAt(m.from), await s.networkAt(m.to)];
  const info = await withEvalData(data!.test, settings!.model, (d) => interpolationView(s.model, a, b, d, { points: m.points, pause: macrotask }));
  post({ type: 'classicLine', id: m.id, info: { ...info, step: s.state.step, from: m.from, to: m.to } }, [info.loss.buffer, info.acc.buffer]);
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init': {
      const note = await startBackend(m.backend, scope.location.href);
      data = await loadData(scope.location.href, (label, loaded, total) => post({ type: 'progress', label, loaded, total }));
      post({ type: 'ready', backend: tf.getBackend(), trainImages: data.train.labels.length, testImages: data.test.labels.length, note });
      return;
    }
    case 'reset':
      await paused(() => newSession(m.settings, m.pattern), false);
      post({ type: 'status', running: false, step: 0 });
      return evaluateNow();
    case 'hyper':
      return paused(() => {
        const s = ready();
        s.update({ batchSize: m.settings.batchSize, cellsPerStep: m.settings.cellsPerStep, lr: m.settings.lr });
        settings = m.settings;
      });
    case 'pattern':
      return paused(async () => {
        ready().setPattern(toPattern(m.pattern));
        pattern = m.pattern;
        if (!loop) await evaluateNow();
      });
    case 'play':
      return startLoop(Infinity);
    case 'step':
      await stopLoop();
      startLoop(1);
      return loop ?? undefined;
    case 'save':
      return paused(() => save(m.id));
    case 'load':
      await paused(() => load(m.id, m.bytes), false);
      post({ type: 'status', running: false, step: session?.state.step ?? 0 });
      return;
    case 'probe':
      return probeCell(ready(), data!.test, data!.probeIdx, m.cell).then((r) => post({ type: 'probe', id: m.id, ...r }, [r.pixels.buffer]));
    case 'export':
      return exportCell(m.id, m.cell);
    case 'classicPlane':
    case 'classicLine':
      return paused(() => classic(m));
    case 'classicOpen': {
      ready();
      const [, h, w, c] = data!.test.x.shape;
      opened = openLayersNetwork(m.files, { inputShape: [h, w, c], numClasses: 10 });
      return post({ type: 'classicOpened', id: m.id, name: opened.name, description: opened.description });
    }
    case 'pause':
      return void (await stopLoop());
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
