import { BUILTIN_NAMES } from '../../src/core/index.js';
import { createDiag } from './app-diag.js';
import { createBackendStatus } from './backend-ui.js';
import { createClassicPanel } from './classic-ui.js';
import { createControls } from './controls-ui.js';
import { findElements } from './elements.js';
import { cellName, defaultPattern, landscapeFits, patternOfSpec, specOfPattern } from './manifold-ui.js';
import { showProbe } from './probe-ui.js';
import { type BackendName, type FromWorker, type ManifoldName, type PatternData, type Settings, SOFTWARE_GPU_PARAM, softwareGpuAllowed,
  type ToWorker } from './protocol.js';
import { createPresets } from './presets-ui.js';
import { createSettingsPanel, settingsChange } from './settings-ui.js';
import { hardTargetNote } from './target-hints.js';
import { createTargetEditor } from './target-ui.js';
import { decodeHash, encodeHash, manifoldOfSpec, type AppState, type PatternSpec } from './url-state.js';
import { createViews } from './views.js';

const els = findElements();

let app: AppState = decodeHash(location.hash, BUILTIN_NAMES);
let pattern: PatternData = patternOfSpec(app.pattern, app.settings.seed);
let worker: Worker | null = null;
let ready = false;
let running = false;
let nextId = 1;
let switching: { id: number; backend: BackendName; } | null = null;
/** The status line's message about settings out of range ('' when there is none). */
let settingsError = '';
/** The id of the load that carries the plane over to a new backend (its `loaded` is no news to the user). */
let backendSwitchLoad = -1;

/** Diagnostics for tests and curious users: `window.mpoApp` in the console. */
const diag = createDiag(() => `${(pattern.depth ?? 1) > 1 ? `${pattern.depth}x` : ''}${pattern.height}x${pattern.width}:${Array.from(pattern.cells).join('')}`);
(window as unknown as { mpoApp: typeof diag; }).mpoApp = diag;

function send(m: ToWorker, transfer: Transferable[] = []): void {
  if (m.type === 'play' || m.type === 'step') backendStatus.training();
  worker?.postMessage(m, transfer);
}

/** Whether the status line shows an error about the target (a bad grid size, say), which the next good target clears. */
let targetError = false;
/** Whether the status line shows the note of a hard target (which an easier target replaces). */
let hardNoteShown = false;

/** Shows a status line: `error` for failures (kept in `mpoApp.errors`), `hint` for what the user should do next. */
function setStatus(text: string, kind: 'info' | 'hint' | 'error' | boolean = 'info'): void {
  const k = kind === true ? 'error' : kind === false ? 'info' : kind;
  els.status.textContent = text;
  els.status.classList.toggle('error', k === 'error');
  els.status.classList.toggle('hint', k === 'hint');
  if (k === 'error') diag.errors.push(text);
}

function writeHash(): void {
  app = { settings: app.settings, pattern: specOfPattern(pattern) };
  const hash = encodeHash(app);
  if (location.hash !== hash) window.history.replaceState(null, '', hash);
}

function patternProblem(p: PatternData): string | null {
  let black = 0;
  for (const v of p.cells) black += v;
  if (black === 0) return 'the target has no black cell: draw some';
  if (black === p.cells.length) return 'the target has no white cell: erase some';
  return null;
}

// ---------- panels ----------

const classic = createClassicPanel({ send, nextId: () => nextId++, pattern: () => pattern, status: (t, k) => setStatus(t, k) });
(diag as typeof diag & { classic: typeof classic.diag; }).classic = classic.diag;
const target = createTargetEditor({ els, pattern: () => pattern, settings: () => app.settings, setPattern, manifoldChanged, status: (text, kind) => {
  setStatus(text, kind);
  targetError = kind === 'error';
} });
const settings = createSettingsPanel({ els, manifold: () => app.settings.manifold, changed: settingsChanged });
const controls = createControls({ els, diag, send, nextId: () => nextId++, pattern: () => pattern, togglePlay, trainable: () => !patternProblem(pattern),
  resetPlane, writeHash, status: setStatus });
const backendStatus = createBackendStatus(els);
createPresets(els.presets, () => app.settings.seed, presetChosen);
const views = createViews({ els, diag, pattern: () => pattern, cellClicked });

// ---------- worker ----------

function startWorker(backend: BackendName, after?: Uint8Array): void {
  worker?.terminate();
  ready = false;
  running = false;
  controls.showRunning(running);
  const workerUrl = new URL('./worker.js', import.meta.url);
  if (softwareGpuAllowed(location.search)) workerUrl.searchParams.set(SOFTWARE_GPU_PARAM.name, SOFTWARE_GPU_PARAM.value);
  worker = new Worker(workerUrl, { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => setStatus(`the training worker failed: ${e.message || 'see the browser console'}`, true);
  setStatus('starting the worker…');
  backendStatus.starting(backend);
  send({ type: 'init', backend });
  resetPlane();
  if (after) {
    backendSwitchLoad = nextId++;
    send({ type: 'load', id: backendSwitchLoad, bytes: after }, [after.buffer]);
  }
}

function resetPlane(): void {
  views.resetHistory();
  diag.step = 0;
  showPrompt();
  const problem = patternProblem(pattern);
  if (problem) {
    setStatus(problem, 'hint');
    return;
  }
  send({ type: 'reset', settings: { ...app.settings }, pattern: clonePattern(pattern) });
}

function clonePattern(p: PatternData): PatternData {
  return { ...p, cells: p.cells.slice(), origin: { ...p.origin } };
}

function onMessage(m: FromWorker): void {
  if (m.type === 'saved' && switching && m.id === switching.id) {
    const backend = switching.backend;
    switching = null;
    startWorker(backend, m.checkpoint);
    return;
  }
  if (m.type === 'loaded') {
    planeLoaded(m);
    return;
  }
  if (m.type === 'landscape') backendStatus.landscape();
  if (m.type === 'step') backendStatus.stepped();
  if (classic.onMessage(m) || views.onMessage(m) || controls.onMessage(m)) return;
  switch (m.type) {
    case 'progress': {
      els.progress.hidden = false;
      els.progress.max = m.total || m.loaded;
      els.progress.value = m.loaded;
      setStatus(`loading ${m.label}: ${(m.loaded / 1e6).toFixed(1)}${m.total ? ` / ${(m.total / 1e6).toFixed(1)}` : ''} MB`);
      break;
    }
    case 'ready':
      ready = true;
      showPrompt();
      els.progress.hidden = true;
      diag.backend = m.backend;
      {
        const keep = backendStatus.ready(app.settings.backend, m.backend, m.note);
        if (keep !== app.settings.backend) {
          // The menu and the URL say the backend in use; the note beside it says why the asked one is not.
          app = { ...app, settings: { ...app.settings, backend: keep } };
          writeHash();
        }
      }
      setStatus(m.note ?? `ready: ${m.trainImages.toLocaleString('en-US')} training and ${m.testImages.toLocaleString('en-US')} test images of FashionMNIST`,
        m.note ? 'hint' : 'info');
      break;
    case 'status':
      running = m.running;
      diag.running = m.running;
      controls.showRunning(running);
      showPrompt();
      break;
    case 'probe':
      diag.probes += 1;
      showProbe(els.probe, m, cellName(pattern, m.cell).split(' · ')[0]);
      break;
    case 'error':
      setStatus(m.message, true);
      break;
  }
}

/** A checkpoint was loaded: adopt its target and settings, or ask for the target when it does not carry them. */
function planeLoaded(m: Extract<FromWorker, { type: 'loaded'; }>): void {
  views.resetHistory();
  controls.select(null);
  if (m.settings && m.pattern) {
    app = { ...app, settings: { ...m.settings, backend: app.settings.backend } };
    pattern = m.pattern;
    views.setTargetKnown(true);
    const landscape = views.landscape();
    if (landscape && !landscapeFits(landscape, pattern)) views.dropLandscape();
    showSettings(app.settings);
    target.showPattern();
    writeHash();
    classic.forgetCells();
    views.scheduleDraw();
    // After a backend switch the plane comes back as it was: the backend's note stays on the status line.
    if (m.id !== backendSwitchLoad) setStatus(`loaded a plane at step ${m.step} with its target (${pattern.name}) and settings`);
    return;
  }
  views.setTargetKnown(false);
  setStatus(
    `loaded a plane at step ${m.step}; this checkpoint does not say which target it was trained on: choose that target (a built-in, a drawing or an upload) to see its AUC`,
    'hint',
  );
}

// ---------- target, manifold and settings changes ----------

/** A new target: show it, write the URL, retarget the current plane. */
function setPattern(p: PatternData): void {
  pattern = p;
  views.setTargetKnown(true);
  views.newTarget();
  target.showPattern();
  writeHash();
  classic.forgetCells();
  const problem = patternProblem(pattern);
  if (problem) {
    setStatus(problem, 'hint');
    return;
  }
  // A hint about the previous target (e.g. "draw at least one black cell") no longer applies.
  const hard = hardTargetNote(pattern);
  if (hard) setStatus(hard);
  else if (els.status.classList.contains('hint') || targetError || hardNoteShown) setStatus('target set: press play');
  targetError = false;
  hardNoteShown = Boolean(hard);
  const landscape = views.landscape();
  if (landscape && !landscapeFits(landscape, pattern)) views.dropLandscape();
  send({ type: 'pattern', pattern: clonePattern(pattern) });
  views.scheduleDraw();
}

/** A new manifold: its default target and a new plane of its dimension. */
function manifoldChanged(m: ManifoldName): void {
  if (m === app.settings.manifold) return;
  app = { ...app, settings: { ...app.settings, manifold: m } };
  pattern = defaultPattern(m, app.settings.seed);
  views.dropLandscape();
  controls.select(null);
  target.showControls();
  target.redraw();
  writeHash();
  classic.forgetCells();
  views.scheduleDraw();
  resetPlane();
}

function showSettings(s: Settings): void {
  target.showControls();
  settings.show(s);
}

function settingsChanged(): void {
  const before = app.settings;
  const { settings: s, problems } = settings.read();
  if (problems.length) {
    // Nothing is applied while a field is out of range: the field is marked, and the status says why.
    settingsError = problems.map((p) => p.message).join('; ');
    setStatus(settingsError, 'error');
    return;
  }
  if (settingsError && els.status.textContent === settingsError) setStatus('settings applied');
  settingsError = '';
  app = { ...app, settings: s };
  showSettings(s);
  const change = settingsChange(before, s);
  if (change === 'backend') {
    writeHash();
    if (ready) {
      switching = { id: nextId++, backend: s.backend };
      send({ type: 'save', id: switching.id });
    } else startWorker(s.backend);
    return;
  }
  if (s.seed !== before.seed && pattern.origin.kind === 'random') {
    pattern = patternOfSpec({ kind: 'random', p: pattern.origin.p, side: pattern.height }, s.seed);
  }
  writeHash();
  target.redraw();
  if (change === 'plane') resetPlane();
  else send({ type: 'hyper', settings: { ...s } });
}

/** A preset was clicked: its target (and manifold), a new plane, and play. */
function presetChosen(spec: PatternSpec, label: string): void {
  const m = manifoldOfSpec(spec);
  if (m !== app.settings.manifold) manifoldChanged(m);
  pattern = patternOfSpec(spec, app.settings.seed);
  views.setTargetKnown(true);
  views.dropLandscape();
  controls.select(null);
  target.showControls();
  target.showPattern();
  writeHash();
  classic.forgetCells();
  resetPlane();
  running = false;
  togglePlay();
  setStatus(hardTargetNote(pattern) ?? `training on the ${label}`);
}

// ---------- training and the maps ----------

/** The "press play" prompt: shown while a ready, trainable plane waits at step 0. */
function showPrompt(): void {
  els.prompt.hidden = !(ready && !running && diag.step === 0 && !patternProblem(pattern));
}

function togglePlay(): void {
  if (running) {
    send({ type: 'pause' });
    return;
  }
  if (patternProblem(pattern)) {
    setStatus(patternProblem(pattern)!, 'hint');
    return;
  }
  diag.playedAt = performance.now();
  diag.aucReachedAt = 0;
  running = true;
  controls.showRunning(running);
  showPrompt();
  send({ type: 'play' });
}

/** A cell of a map was clicked: select it for export, make it an end of the classic line, probe its network. */
function cellClicked(k: number): void {
  controls.select(k);
  classic.cellClicked(k);
  send({ type: 'probe', id: nextId++, cell: k });
}

// ---------- start ----------

window.addEventListener('hashchange', () => {
  const next = decodeHash(location.hash, BUILTIN_NAMES);
  if (encodeHash(next) === encodeHash(app)) return;
  const backendChanged = next.settings.backend !== app.settings.backend;
  app = next;
  pattern = patternOfSpec(next.pattern, next.settings.seed);
  showSettings(app.settings);
  target.redraw();
  classic.forgetCells();
  if (backendChanged) startWorker(app.settings.backend);
  else resetPlane();
});

showSettings(app.settings);
writeHash();
views.draw();
startWorker(app.settings.backend);
