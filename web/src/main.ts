/**
 * The app's page: UI glue only. Draws the target and the live views, keeps the state in the
 * URL hash, and talks to the training worker (`worker.ts`), which owns TF.js and the model.
 */
import { BUILTIN_NAMES, builtinPattern } from '../../src/core/pattern/builtins.js';
import { randomMask } from '../../src/core/pattern/random-mask.js';
import { patternFromPixels, patternToPixels } from '../../src/core/pattern/from-pixels.js';
import { cellCoords } from '../../src/core/plane/grid.js';
import { cellAt, drawColorBar, drawCurves, drawHeatmap, drawTarget, fmt, mapScale, type GridGeometry } from './draw.js';
import { CLASS_NAMES, type BackendName, type FromWorker, type LandscapeInfo, type PatternData, type Settings, type ToWorker } from './protocol.js';
import { decodeHash, encodeHash, MAX_SIDE, MIN_SIDE, sanitizeSettings, type AppState, type PatternSpec } from './url-state.js';

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
  size: $<HTMLInputElement>('size'),
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
let lossGeom: GridGeometry | null = null;
let selected: { row: number; col: number; } | null = null;
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

function patternOfSpec(spec: PatternSpec, seed: number): PatternData {
  try {
    if (spec.kind === 'builtin') {
      const p = builtinPattern(spec.name, spec.side);
      return { ...p, origin: { kind: 'builtin', name: spec.name } };
    }
    if (spec.kind === 'random') {
      const p = randomMask({ side: spec.side, fill: spec.p, seed });
      return { ...p, origin: { kind: 'random', p: spec.p } };
    }
    return spec.pattern;
  } catch {
    const p = builtinPattern('heart', 24);
    return { ...p, origin: { kind: 'builtin', name: 'heart' } };
  }
}

function specOfPattern(p: PatternData): PatternSpec {
  if (p.origin.kind === 'builtin') return { kind: 'builtin', name: p.origin.name, side: p.height };
  if (p.origin.kind === 'random') return { kind: 'random', p: p.origin.p, side: p.height };
  return { kind: 'cells', pattern: p };
}

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
      showProbe(m);
      break;
    case 'exported':
      diag.exports += 1;
      for (const f of m.files) download(f.name, f.bytes, f.name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
      setStatus(`exported cell ${selected ? `(${selected.row}, ${selected.col})` : ''}: load model.json with tf.loadLayersModel`);
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
  if (landscape && landscape.rows === pattern.height && landscape.cols === pattern.width) {
    const ls = mapScale('loss', landscape.loss);
    lossGeom = drawHeatmap(els.lossMap, landscape.loss, landscape.rows, landscape.cols, ls, pattern.cells);
    drawColorBar(els.lossBar, ls);
    const as = mapScale('acc', landscape.acc);
    drawHeatmap(els.accMap, landscape.acc, landscape.rows, landscape.cols, as, pattern.cells);
    drawColorBar(els.accBar, as);
  }
  const w = els.curves.width / 2;
  drawCurves(els.curves, 0, w, 'training loss (eq. 3)', [{ x: history.steps, y: history.loss, color: '#d9480f', label: '' }], 'linear');
  drawCurves(els.curves, w, w, 'test AUC (black vs white cells by loss)', [{ x: history.evalSteps, y: history.auc, color: '#1971c2', label: '' }], 'linear', [
    0.5,
    1,
  ]);
}

function redrawTarget(): GridGeometry {
  return drawTarget(els.target, pattern.cells, pattern.height, pattern.width);
}

function updatePlay(): void {
  els.play.innerHTML = running ? '&#x275a;&#x275a; pause' : '&#x25b6; play';
  els.play.setAttribute('aria-pressed', String(running));
}

// ---------- target editing ----------

let targetGeom = redrawTarget();
let painting: number | null = null;
let dirty = false;

function tool(): number {
  return (document.querySelector('input[name=tool]:checked') as HTMLInputElement).value === 'pen' ? 1 : 0;
}

function paintAt(e: PointerEvent): void {
  const c = cellAt(els.target, targetGeom, e.clientX, e.clientY);
  if (!c || painting === null) return;
  const k = c.row * pattern.width + c.col;
  if (pattern.cells[k] !== painting) {
    pattern.cells[k] = painting;
    dirty = true;
    targetGeom = redrawTarget();
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
    pattern = { ...pattern, name: 'drawn', origin: { kind: 'cells' } };
    patternChanged();
  }
};
els.target.addEventListener('pointerup', endPaint);
els.target.addEventListener('pointercancel', endPaint);

/** The target changed: redraw, write the URL, retarget the current plane. */
function patternChanged(): void {
  targetGeom = redrawTarget();
  els.size.value = String(Math.max(pattern.height, pattern.width));
  writeHash();
  const problem = patternProblem(pattern);
  if (problem) {
    setStatus(problem, 'hint');
    return;
  }
  if (landscape && (landscape.rows !== pattern.height || landscape.cols !== pattern.width)) {
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

els.clear.addEventListener('click', () => {
  setPattern({ height: pattern.height, width: pattern.width, cells: new Uint8Array(pattern.cells.length), name: 'drawn', origin: { kind: 'cells' } });
});
els.invert.addEventListener('click', () => {
  setPattern({ ...pattern, cells: pattern.cells.map((v) => 1 - v), name: 'drawn', origin: { kind: 'cells' } });
});
els.size.addEventListener('change', () => {
  const n = Math.round(Number(els.size.value));
  if (!(n >= MIN_SIDE && n <= MAX_SIDE)) {
    setStatus(`the grid size must be ${MIN_SIDE}..${MAX_SIDE}`, true);
    els.size.value = String(pattern.height);
    return;
  }
  if (pattern.origin.kind === 'builtin') setPattern(patternOfSpec({ kind: 'builtin', name: pattern.origin.name, side: n }, app.settings.seed));
  else if (pattern.origin.kind === 'random') setPattern(patternOfSpec({ kind: 'random', p: pattern.origin.p, side: n }, app.settings.seed));
  else {
    let black = 0;
    for (const v of pattern.cells) black += v;
    const resized = black === 0 ?
      { height: n, width: n, cells: new Uint8Array(n * n) }
      : patternFromPixels(patternToPixels({ ...pattern }), { size: { height: n, width: n } });
    setPattern({ height: n, width: n, cells: resized.cells, name: 'drawn', origin: { kind: 'cells' } });
  }
});
for (const name of BUILTIN_NAMES) els.builtin.add(new Option(name, name));
els.builtin.value = pattern.origin.kind === 'builtin' ? pattern.origin.name : '';
els.builtin.addEventListener('change', () => {
  setPattern(patternOfSpec({ kind: 'builtin', name: els.builtin.value, side: Number(els.size.value) || 24 }, app.settings.seed));
});
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
  els.model.value = s.model;
  els.cells.value = String(s.cellsPerStep);
  els.batch.value = String(s.batchSize);
  els.lr.value = String(s.lr);
  els.scale.value = String(s.scale);
  els.seed.value = String(s.seed);
  els.backend.value = s.backend;
  els.size.value = String(Math.max(pattern.height, pattern.width));
}

function readSettings(): Settings {
  return sanitizeSettings({
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
  targetGeom = redrawTarget();
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
  if (selected) send({ type: 'export', id: nextId++, row: selected.row, col: selected.col });
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

function cellText(row: number, col: number): string {
  const [a, b] = cellCoords(row, col, pattern.height, pattern.width);
  const k = row * pattern.width + col;
  const parts = [`cell (${row}, ${col})`, `plane (a, b) = (${a}, ${b})`, `target ${pattern.cells[k] ? 'black (low loss)' : 'white (high loss)'}`];
  if (landscape) parts.push(`test loss ${fmt(landscape.loss[k])}`, `accuracy ${(100 * landscape.acc[k]).toFixed(1)}%`);
  return parts.join(' · ');
}

for (const canvas of [els.lossMap, els.accMap]) {
  canvas.addEventListener('pointermove', (e) => {
    const g = lossGeom;
    const c = g && cellAt(canvas, g, e.clientX, e.clientY);
    if (c) els.hover.textContent = cellText(c.row, c.col);
  });
  canvas.addEventListener('click', (e) => {
    const g = lossGeom;
    const c = g && cellAt(canvas, g, e.clientX, e.clientY);
    if (!c) return;
    selected = c;
    els.hover.textContent = `selected ${cellText(c.row, c.col)}`;
    els.exportCell.disabled = false;
    els.exportCell.title = `export the network at cell (${c.row}, ${c.col})`;
    const t0 = e.timeStamp;
    requestAnimationFrame(() => diag.clickLatencies.push(performance.now() - t0));
    send({ type: 'probe', id: nextId++, row: c.row, col: c.col });
  });
}

function showProbe(m: Extract<FromWorker, { type: 'probe'; }>): void {
  els.probe.replaceChildren();
  const head = document.createElement('div');
  head.className = 'item';
  head.style.width = 'auto';
  head.textContent = `cell (${m.row}, ${m.col}):`;
  els.probe.append(head);
  m.labels.forEach((label, i) => {
    const item = document.createElement('div');
    item.className = 'item';
    const c = document.createElement('canvas');
    c.width = c.height = m.size;
    const img = new ImageData(m.size, m.size);
    for (let p = 0; p < m.size * m.size; p++) {
      const v = 255 - m.pixels[i * m.size * m.size + p];
      img.data.set([v, v, v, 255], p * 4);
    }
    c.getContext('2d')!.putImageData(img, 0, 0);
    const ok = m.predicted[i] === label;
    const text = document.createElement('div');
    text.className = ok ? 'ok' : 'bad';
    text.textContent = `${CLASS_NAMES[m.predicted[i]]} ${(100 * m.confidence[i]).toFixed(0)}%`;
    item.title = `true class: ${CLASS_NAMES[label]}`;
    item.append(c, text);
    els.probe.append(item);
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
  targetGeom = redrawTarget();
  if (backendChanged) startWorker(app.settings.backend);
  else resetPlane();
});

showSettings(app.settings);
writeHash();
drawViews();
startWorker(app.settings.backend);
