/**
 * The app's page: UI glue only. Draws the target and the live views, keeps the state in the
 * URL hash, and talks to the training worker (`worker.ts`), which owns TF.js and the model.
 */
import { BUILTIN_NAMES } from '../../src/core/pattern/builtins.js';
import { patternFromPixels } from '../../src/core/pattern/from-pixels.js';
import { createClassicPanel } from './classic-ui.js';
import { drawCurves, fmt } from './draw.js';
import type { Locator } from './draw-manifold.js';
import { builtinsOf, cellName, defaultPattern, drawLandscapeOf, drawTargetOf, landscapeFits, manifoldOf, patternOfSpec, resizedPattern, sizeLimits, sizeOf,
  specOfPattern } from './manifold-ui.js';
import { showProbe } from './probe-ui.js';
import type { BackendName, FromWorker, LandscapeInfo, ManifoldName, PatternData, Settings, ToWorker } from './protocol.js';
import { decodeHash, encodeHash, MAX_SIDE, MIN_SIDE, sanitizeSettings, type AppState } from './url-state.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const els = {
  play: $<HTMLButtonElement>('play'),
  step: $<HTMLButtonElement>('step'),
  reset: $<HTMLButtonElement>('reset'),
  stepCount: $('step-count'),
  speed: $('speed'),
  auc: $('auc'),
  backendUsed: $('backend-used'),
  status: $('status'),
  progress: $<HTMLProgressElement>('progress'),
  target: $<HTMLCanvasElement>('target'),
  manifold: $<HTMLSelectElement>('manifold'),
  planeOnly: [...document.querySelectorAll<HTMLElement>('.plane-only')],
  builtinRow: $('builtin-row'),
  maps: $('maps'),
  lineView: $('line-view'),
  lineChart: $<HTMLCanvasElement>('line-chart'),
  size: $<HTMLInputElement>('size'),
  sizeLabel: $('size-label'),
  builtin: $<HTMLSelectElement>('builtin'),
  upload: $<HTMLInputElement>('upload'),
  randomP: $<HTMLInputElement>('random-p'),
  random: $<HTMLButtonElement>('random'),
  clear: $<HTMLButtonElement>('clear'),
  invert: $<HTMLButtonElement>('invert'),
  lossMap: $<HTMLCanvasElement>('loss-map'),
  lossBar: $<HTMLCanvasElement>('loss-bar'),
  accMap: $<HTMLCanvasElement>('acc-map'),
  accBar: $<HTMLCanvasElement>('acc-bar'),
  hover: $('hover'),
  probe: $('probe'),
  curves: $<HTMLCanvasElement>('curves'),
  model: $<HTMLSelectElement>('model'),
  cells: $<HTMLInputElement>('cells'),
  batch: $<HTMLInputElement>('batch'),
  lr: $<HTMLInputElement>('lr'),
  scale: $<HTMLInputElement>('scale'),
  seed: $<HTMLInputElement>('seed'),
  backend: $<HTMLSelectElement>('backend'),
  save: $<HTMLButtonElement>('save'),
  load: $<HTMLInputElement>('load'),
  exportCell: $<HTMLButtonElement>('export'),
  share: $<HTMLButtonElement>('share'),
};

let app: AppState = decodeHash(location.hash, BUILTIN_NAMES);
let pattern: PatternData = patternOfSpec(app.pattern, app.settings.seed);
let worker: Worker | null = null;
let ready = false;
let running = false;
let landscape: LandscapeInfo | null = null;
let mapLocators = new Map<HTMLCanvasElement, Locator>();
let selected: number | null = null;
let nextId = 1;
let switching: { id: number; backend: BackendName; } | null = null;
const history = { steps: [] as number[], loss: [] as number[], evalSteps: [] as number[], auc: [] as number[] };

/** Diagnostics for tests and curious users: `window.mpoApp` in the console. */
const diag = {
  backend: '',
  step: 0,
  running: false,
  landscapes: 0,
  lastLandscape: null as LandscapeInfo | null,
  stepsPerSecond: 0,
  playedAt: 0,
  aucReachedAt: 0,
  clickLatencies: [] as number[],
  errors: [] as string[],
  losses: [] as number[],
  probes: 0,
  exports: 0,
  /** The target's cells as a string of 0/1, row-major. */
  targetCells: () => `${pattern.height}x${pattern.width}:${Array.from(pattern.cells).join('')}`,
};
(window as unknown as { mpoApp: typeof diag; }).mpoApp = diag;

function send(m: ToWorker, transfer: Transferable[] = []): void {
  worker?.postMessage(m, transfer);
}

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

// ---------- worker ----------

const classic = createClassicPanel({ send, nextId: () => nextId++, pattern: () => pattern, status: (t, k) => setStatus(t, k) });
(diag as typeof diag & { classic: typeof classic.diag; }).classic = classic.diag;

function startWorker(backend: BackendName, after?: Uint8Array): void {
  worker?.terminate();
  ready = false;
  running = false;
  updatePlay();
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => setStatus(`the training worker failed: ${e.message || 'see the browser console'}`, true);
  setStatus('starting the worker…');
  send({ type: 'init', backend });
  resetPlane();
  if (after) send({ type: 'load', id: nextId++, bytes: after }, [after.buffer]);
}

function resetPlane(): void {
  diag.losses.length = 0;
  history.steps.length =
    history.loss.length =
    history.evalSteps.length =
    history.auc.length =
      0;
  diag.aucReachedAt = 0;
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
  if (classic.onMessage(m)) return;
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
      els.progress.hidden = true;
      diag.backend = m.backend;
      els.backendUsed.textContent = m.backend;
      setStatus(m.note ?? `ready: ${m.trainImages.toLocaleString('en-US')} training and ${m.testImages.toLocaleString('en-US')} test images of FashionMNIST`,
        Boolean(m.note));
      break;
    case 'step': {
      const i = m.info;
      diag.step = i.step;
      diag.stepsPerSecond = i.stepsPerSecond;
      history.steps.push(i.step);
      history.loss.push(i.loss);
      diag.losses.push(i.loss);
      els.stepCount.textContent = String(i.step);
      els.speed.textContent = i.stepsPerSecond.toFixed(1);
      scheduleDraw();
      break;
    }
    case 'landscape': {
      landscape = m.info;
      diag.landscapes += 1;
      diag.lastLandscape = m.info;
      diag.step = Math.max(diag.step, m.info.step);
      els.stepCount.textContent = String(m.info.step);
      if (m.info.step > 0 || history.evalSteps.length === 0) {
        history.evalSteps.push(m.info.step);
        history.auc.push(m.info.auc);
      }
      els.auc.textContent = m.info.auc.toFixed(3);
      if (m.info.auc >= 0.95 && diag.playedAt && !diag.aucReachedAt) diag.aucReachedAt = performance.now();
      scheduleDraw();
      break;
    }
    case 'status':
      running = m.running;
      diag.running = m.running;
      updatePlay();
      break;
    case 'saved':
      if (switching && m.id === switching.id) {
        const backend = switching.backend;
        switching = null;
        startWorker(backend, m.checkpoint);
        break;
      }
      download('checkpoint.mpo', m.checkpoint, 'application/octet-stream');
      download('config.json', m.config, 'application/json');
      if (m.patternText) download('pattern.txt', m.patternText, 'text/plain');
      setStatus('saved: put checkpoint.mpo, config.json' + (m.patternText ? ', pattern.txt' : '') + ' in a folder and run npx mpo eval FOLDER');
      break;
    case 'loaded':
      setStatus(`loaded a plane at step ${m.step}`);
      break;
    case 'probe':
      diag.probes += 1;
      showProbe(els.probe, m, cellName(pattern, m.cell).split(' · ')[0]);
      break;
    case 'exported':
      diag.exports += 1;
      for (const f of m.files) download(f.name, f.bytes, f.name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
      setStatus(`exported ${selected !== null ? cellName(pattern, selected).split(' · ')[0] : 'the cell'}: load model.json with tf.loadLayersModel`);
      break;
    case 'error':
      setStatus(m.message, true);
      break;
  }
}

function download(name: string, data: Uint8Array | string, type: string): void {
  const blob = new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

// ---------- drawing ----------

let drawPending = false;
function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    drawViews();
  });
}

function drawViews(): void {
  const line = manifoldOf(pattern) === 'line';
  els.maps.hidden = line;
  els.lineView.hidden = !line;
  if (landscape && landscapeFits(landscape, pattern)) mapLocators = drawLandscapeOf(els, landscape, pattern);
  else if (line) mapLocators = new Map([[els.lineChart, drawLineTargetOnly()]]);
  const w = els.curves.width / 2;
  drawCurves(els.curves, 0, w, 'training loss (eq. 3)', [{ x: history.steps, y: history.loss, color: '#d9480f', label: '' }], 'linear');
  drawCurves(els.curves, w, w, 'test AUC (black vs white cells by loss)', [{ x: history.evalSteps, y: history.auc, color: '#1971c2', label: '' }], 'linear', [
    0.5,
    1,
  ]);
}

function drawLineTargetOnly(): Locator {
  return drawLandscapeOf(els, { step: 0, dims: 1, slices: 1, rows: 1, cols: pattern.width, loss: new Float32Array(pattern.width).fill(NaN),
    acc: new Float32Array(pattern.width).fill(NaN), auc: NaN, accBlack: NaN, accWhite: NaN, images: 0, seconds: 0 }, pattern).get(els.lineChart)!;
}

function redrawTarget(): Locator {
  return drawTargetOf(els.target, pattern);
}

function updatePlay(): void {
  els.play.innerHTML = running ? '&#x275a;&#x275a; pause' : '&#x25b6; play';
  els.play.setAttribute('aria-pressed', String(running));
}

// ---------- target editing ----------

let targetLocator = redrawTarget();
let painting: number | null = null;
let dirty = false;

function tool(): number {
  return (document.querySelector('input[name=tool]:checked') as HTMLInputElement).value === 'pen' ? 1 : 0;
}

function paintAt(e: PointerEvent): void {
  const k = targetLocator(e.clientX, e.clientY);
  if (k === null || painting === null) return;
  if (pattern.cells[k] !== painting) {
    pattern.cells[k] = painting;
    dirty = true;
    targetLocator = redrawTarget();
  }
}

els.target.addEventListener('pointerdown', (e) => {
  painting = tool();
  els.target.setPointerCapture(e.pointerId);
  paintAt(e);
});
els.target.addEventListener('pointermove', (e) => {
  if (painting !== null) paintAt(e);
});
const endPaint = () => {
  if (painting === null) return;
  painting = null;
  if (dirty) {
    dirty = false;
    pattern = { ...pattern, name: manifoldOf(pattern) === 'line' ? 'strip' : 'drawn', origin: { kind: 'cells' } };
    patternChanged();
  }
};
els.target.addEventListener('pointerup', endPaint);
els.target.addEventListener('pointercancel', endPaint);

/** The target changed: redraw, write the URL, retarget the current plane. */
function patternChanged(): void {
  targetLocator = redrawTarget();
  els.size.value = String(sizeOf(pattern));
  els.builtin.value = pattern.origin.kind === 'builtin' ? pattern.origin.name : '';
  writeHash();
  classic.forgetCells();
  const problem = patternProblem(pattern);
  if (problem) {
    setStatus(problem, 'hint');
    return;
  }
  if (landscape && !landscapeFits(landscape, pattern)) {
    landscape = null;
    for (const c of [els.lossMap, els.accMap]) c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
  }
  send({ type: 'pattern', pattern: clonePattern(pattern) });
  scheduleDraw();
}

function setPattern(p: PatternData): void {
  pattern = p;
  patternChanged();
}

const drawnName = () => (manifoldOf(pattern) === 'line' ? 'strip' : 'drawn');
els.clear.addEventListener('click', () => {
  setPattern({ ...pattern, cells: new Uint8Array(pattern.cells.length), name: drawnName(), origin: { kind: 'cells' } });
});
els.invert.addEventListener('click', () => {
  setPattern({ ...pattern, cells: pattern.cells.map((v) => 1 - v), name: drawnName(), origin: { kind: 'cells' } });
});
els.size.addEventListener('change', () => {
  const n = Math.round(Number(els.size.value));
  const [lo, hi] = sizeLimits(app.settings.manifold);
  if (!(n >= lo && n <= hi)) {
    setStatus(`the ${app.settings.manifold === 'line' ? 'strip length' : 'grid size'} must be ${lo}..${hi}`, true);
    els.size.value = String(sizeOf(pattern));
    return;
  }
  setPattern(resizedPattern(pattern, n, app.settings.seed));
});

/** Shows the target controls of the current manifold: built-ins of the plane or the volume; random masks and images only for the plane. */
function showManifoldControls(): void {
  const m = app.settings.manifold;
  els.manifold.value = m;
  for (const el of els.planeOnly) el.hidden = m !== 'plane';
  const names = builtinsOf(m);
  els.builtinRow.hidden = names.length === 0;
  els.builtin.replaceChildren(new Option('—', ''), ...names.map((n) => new Option(n, n)));
  els.builtin.value = pattern.origin.kind === 'builtin' ? pattern.origin.name : '';
  const [lo, hi] = sizeLimits(m);
  els.sizeLabel.textContent = m === 'line' ? 'length' : m === 'volume' ? 'side' : 'grid';
  els.size.min = String(lo);
  els.size.max = String(hi);
}
els.builtin.addEventListener('change', () => {
  if (!els.builtin.value) return;
  setPattern(patternOfSpec({ kind: 'builtin', name: els.builtin.value, side: Number(els.size.value) || 24 }, app.settings.seed));
});

/** A new manifold: its default target and a new plane of its dimension. */
function manifoldChanged(m: ManifoldName): void {
  if (m === app.settings.manifold) return;
  app = { ...app, settings: { ...app.settings, manifold: m } };
  pattern = defaultPattern(m, app.settings.seed);
  landscape = null;
  selected = null;
  els.exportCell.disabled = true;
  showManifoldControls();
  targetLocator = redrawTarget();
  els.size.value = String(sizeOf(pattern));
  writeHash();
  classic.forgetCells();
  for (const c of [els.lossMap, els.accMap]) c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
  scheduleDraw();
  resetPlane();
}
els.manifold.addEventListener('change', () => manifoldChanged(els.manifold.value as ManifoldName));
els.random.addEventListener('click', () => {
  const p = Number(els.randomP.value);
  if (!(p > 0 && p < 1)) {
    setStatus('the random mask needs 0 < p < 1', true);
    return;
  }
  setPattern(patternOfSpec({ kind: 'random', p, side: Number(els.size.value) || 24 }, app.settings.seed));
});
els.upload.addEventListener('change', async () => {
  const file = els.upload.files?.[0];
  if (!file) return;
  try {
    const bitmap = await createImageBitmap(file);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const img = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const side = Math.min(MAX_SIDE, Math.max(MIN_SIDE, Number(els.size.value) || 24));
    const p = patternFromPixels({ data: img.data, width: img.width, height: img.height }, { size: side, name: file.name });
    if (p.height < MIN_SIDE || p.width < MIN_SIDE) throw new Error(`the image comes out ${p.height}x${p.width}: use one closer to square`);
    setPattern({ ...p, name: file.name, origin: { kind: 'cells' } });
    setStatus(`loaded ${file.name} as ${p.height}x${p.width} cells`);
  } catch (e) {
    setStatus(`cannot use ${file.name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, true);
  } finally {
    els.upload.value = '';
  }
});

// ---------- settings ----------

function showSettings(s: Settings): void {
  showManifoldControls();
  els.model.value = s.model;
  els.cells.value = String(s.cellsPerStep);
  els.batch.value = String(s.batchSize);
  els.lr.value = String(s.lr);
  els.scale.value = String(s.scale);
  els.seed.value = String(s.seed);
  els.backend.value = s.backend;
  els.size.value = String(sizeOf(pattern));
}

function readSettings(): Settings {
  return sanitizeSettings({
    manifold: app.settings.manifold,
    model: els.model.value,
    cellsPerStep: els.cells.value,
    batchSize: els.batch.value,
    lr: els.lr.value,
    scale: els.scale.value,
    seed: els.seed.value,
    backend: els.backend.value,
  });
}

function settingsChanged(): void {
  const before = app.settings;
  const s = readSettings();
  app = { ...app, settings: s };
  showSettings(s);
  if (s.backend !== before.backend) {
    writeHash();
    if (ready) {
      switching = { id: nextId++, backend: s.backend };
      send({ type: 'save', id: switching.id });
    } else startWorker(s.backend);
    return;
  }
  const fresh = s.model !== before.model || s.scale !== before.scale || s.seed !== before.seed;
  if (s.seed !== before.seed && pattern.origin.kind === 'random') {
    pattern = patternOfSpec({ kind: 'random', p: pattern.origin.p, side: pattern.height }, s.seed);
  }
  writeHash();
  targetLocator = redrawTarget();
  if (fresh) resetPlane();
  else send({ type: 'hyper', settings: { ...s } });
}
for (const el of [els.model, els.cells, els.batch, els.lr, els.scale, els.seed, els.backend]) el.addEventListener('change', settingsChanged);

// ---------- controls ----------

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
  updatePlay();
  send({ type: 'play' });
}
els.play.addEventListener('click', togglePlay);
els.step.addEventListener('click', () => {
  if (!patternProblem(pattern)) send({ type: 'step' });
});
els.reset.addEventListener('click', () => resetPlane());
document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === ' ') {
    e.preventDefault();
    togglePlay();
  } else if (e.key === 's') send({ type: 'step' });
  else if (e.key === 'r') resetPlane();
});

els.save.addEventListener('click', () => send({ type: 'save', id: nextId++ }));
els.load.addEventListener('change', async () => {
  const file = els.load.files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  els.load.value = '';
  send({ type: 'load', id: nextId++, bytes }, [bytes.buffer]);
});
els.exportCell.addEventListener('click', () => {
  if (selected !== null) send({ type: 'export', id: nextId++, cell: selected });
});
els.share.addEventListener('click', async () => {
  writeHash();
  try {
    await navigator.clipboard.writeText(location.href);
    setStatus('link copied: it holds the settings and the target');
  } catch {
    setStatus('copy the address bar: the URL holds the settings and the target');
  }
});

// ---------- hover and click on the maps ----------

function cellText(k: number): string {
  const parts = [cellName(pattern, k), `target ${pattern.cells[k] ? 'black (low loss)' : 'white (high loss)'}`];
  if (landscape && landscapeFits(landscape, pattern)) parts.push(`test loss ${fmt(landscape.loss[k])}`, `accuracy ${(100 * landscape.acc[k]).toFixed(1)}%`);
  return parts.join(' · ');
}

for (const canvas of [els.lossMap, els.accMap, els.lineChart]) {
  canvas.addEventListener('pointermove', (e) => {
    const k = mapLocators.get(canvas)?.(e.clientX, e.clientY) ?? null;
    if (k !== null) els.hover.textContent = cellText(k);
  });
  canvas.addEventListener('click', (e) => {
    const k = mapLocators.get(canvas)?.(e.clientX, e.clientY) ?? null;
    if (k === null) return;
    selected = k;
    els.hover.textContent = `selected ${cellText(k)}`;
    els.exportCell.disabled = false;
    els.exportCell.title = `export the network at ${cellName(pattern, k).split(' · ')[0]}`;
    const t0 = e.timeStamp;
    requestAnimationFrame(() => diag.clickLatencies.push(performance.now() - t0));
    classic.cellClicked(k);
    send({ type: 'probe', id: nextId++, cell: k });
  });
}

// ---------- start ----------

window.addEventListener('hashchange', () => {
  const next = decodeHash(location.hash, BUILTIN_NAMES);
  if (encodeHash(next) === encodeHash(app)) return;
  const backendChanged = next.settings.backend !== app.settings.backend;
  app = next;
  pattern = patternOfSpec(next.pattern, next.settings.seed);
  showSettings(app.settings);
  targetLocator = redrawTarget();
  classic.forgetCells();
  if (backendChanged) startWorker(app.settings.backend);
  else resetPlane();
});

showSettings(app.settings);
writeHash();
drawViews();
startWorker(app.settings.backend);
