/**
 * The page's "classic views" panel: Li et al.'s filter-normalised random plane around the
 * current manifold's centre w_O (a heat map on the app's loss colour scale), and the loss along
 * the straight line between two networks (the last two clicked cells, or w_O and the clicked
 * cell). The worker computes both with the core's `src/core/landscape/classic.ts`.
 */
import { drawColorBar, drawHeatmap, fmt, mapScale, type GridGeometry, cellAt } from './draw.js';
import { drawPanel } from './draw-manifold.js';
import type { ClassicLineInfo, ClassicPlaneInfo, FromWorker, PatternData, ToWorker } from './protocol.js';
import { shortCellName } from './manifold-ui.js';
import { byId } from './elements.js';

/** What the panel needs from the page. */
export interface ClassicDeps {
  send(m: ToWorker, transfer?: Transferable[]): void;
  nextId(): number;
  /** The current target (to name cells). */
  pattern(): PatternData;
  status(text: string, kind?: 'info' | 'hint' | 'error'): void;
}

/** Counts and last results, for `window.mpoApp.classic` (tests, curious users). */
export interface ClassicDiag {
  planes: number;
  lines: number;
  lastPlane: ClassicPlaneInfo | null;
  lastLine: ClassicLineInfo | null;
}

/** The panel: wires its controls; the page forwards worker messages and map clicks to it. */
export interface ClassicPanel {
  /** Handles a classic-view message of the worker; false for other messages. */
  onMessage(m: FromWorker): boolean;
  /** A cell of the landscape was clicked: it becomes the line's end point B (the previous one A). */
  cellClicked(cell: number): void;
  /** The target changed: forget the clicked cells. */
  forgetCells(): void;
  readonly diag: ClassicDiag;
}

const $ = byId;

/** The plane's inputs: points per side (3..41) and seed, as typed (corrected in the fields). */
function planeInputs(points: HTMLInputElement, seed: HTMLInputElement): { points: number; seed: number; } {
  const p = Math.min(41, Math.max(3, Math.round(Number(points.value)) || 15));
  points.value = String(p);
  return { points: p, seed: Math.max(0, Math.round(Number(seed.value)) || 0) };
}

/**
 * Wires "open a model": the chosen files (a TF.js Layers model.json and its weight files) go to
 * the worker, which opens them with the core's Layers import; once opened, the button draws the
 * random plane around that network instead of w_O.
 */
function wireOpenModel(deps: ClassicDeps, points: HTMLInputElement, seed: HTMLInputElement): void {
  const input = $<HTMLInputElement>('classic-open');
  const button = $<HTMLButtonElement>('classic-open-plane');
  input.addEventListener('change', async () => {
    const files = await Promise.all(Array.from(input.files ?? [], async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    if (files.length === 0) return;
    button.disabled = true;
    deps.status(`opening ${files.map((f) => f.name).join(' + ')}…`);
    deps.send({ type: 'classicOpen', id: deps.nextId(), files }, files.map((f) => f.bytes.buffer as ArrayBuffer));
  });
  button.addEventListener('click', () => {
    const p = planeInputs(points, seed);
    deps.status(`computing a ${p.points}x${p.points} random plane around the opened model…`);
    deps.send({ type: 'classicPlane', id: deps.nextId(), ...p, net: 'opened' });
  });
}

/** Sets up the classic-views panel of web/index.html. A factory: its controls' handlers share the clicked cells and the last plane. */
export function createClassicPanel(deps: ClassicDeps): ClassicPanel {
  const els = {
    planeBtn: $<HTMLButtonElement>('classic-plane'),
    points: $<HTMLInputElement>('classic-points'),
    seed: $<HTMLInputElement>('classic-seed'),
    map: $<HTMLCanvasElement>('classic-map'),
    bar: $<HTMLCanvasElement>('classic-bar'),
    lineBtn: $<HTMLButtonElement>('classic-line'),
    ends: $('classic-ends'),
    chart: $<HTMLCanvasElement>('classic-chart'),
    info: $('classic-info'),
  };
  const diag: ClassicDiag = { planes: 0, lines: 0, lastPlane: null, lastLine: null };
  let clicked: number[] = [];
  let planeGeom: GridGeometry | null = null;
  const name = (cell: number | null) => (cell === null ? 'w_O' : `cell ${shortCellName(deps.pattern(), cell)}`);
  const ends = (): [number | null,
    number | null] => [clicked.length > 1 ? clicked[clicked.length - 2] : null, clicked.length ? clicked[clicked.length - 1] : null];

  function showEnds(): void {
    const [a, b] = ends();
    els.lineBtn.disabled = b === null;
    els.ends.textContent = b === null ? 'click a cell of the landscape (then another) to choose the end points' : `A = ${name(a)}, B = ${name(b)}`;
  }

  els.planeBtn.addEventListener('click', () => {
    const p = planeInputs(els.points, els.seed);
    deps.status(`computing a ${p.points}x${p.points} random plane around w_O…`);
    deps.send({ type: 'classicPlane', id: deps.nextId(), ...p });
  });
  wireOpenModel(deps, els.points, els.seed);
  els.lineBtn.addEventListener('click', () => {
    const [from, to] = ends();
    if (to === null) return;
    deps.status(`computing the line from ${name(from)} to ${name(to)}…`);
    deps.send({ type: 'classicLine', id: deps.nextId(), from, to, points: 33 });
  });
  els.map.addEventListener('pointermove', (e) => {
    const p = diag.lastPlane;
    const c = planeGeom && p && cellAt(els.map, planeGeom, e.clientX, e.clientY);
    if (!c || !p) return;
    const at = (i: number) => (p.points === 1 ? 0 : -1 + (2 * i) / (p.points - 1));
    const k = c.row * p.points + c.col;
    els.info.textContent = `(a, b) = (${at(c.col).toFixed(2)}, ${(-at(c.row)).toFixed(2)}): test loss ${fmt(p.loss[k])}, accuracy ${
      (100 * p.acc[k]).toFixed(1)
    }%`;
  });

  function drawPlane(p: ClassicPlaneInfo): void {
    const s = mapScale('loss', p.loss);
    planeGeom = drawHeatmap(els.map, p.loss, p.points, p.points, s);
    drawColorBar(els.bar, s);
    const ctx = els.map.getContext('2d')!;
    const g = planeGeom;
    const cx = g.ox + (g.cell * p.points) / 2, cy = g.oy + (g.cell * p.points) / 2;
    ctx.strokeStyle = 'rgba(0, 220, 255, 0.9)';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(cx - 6, cy);
    ctx.lineTo(cx + 6, cy);
    ctx.moveTo(cx, cy - 6);
    ctx.lineTo(cx, cy + 6);
    ctx.stroke();
    const centre = Math.floor(p.points / 2) * p.points + Math.floor(p.points / 2);
    const around = p.net ? `the opened model ${p.net} (` : `w_O (step ${p.step}, `;
    const where = `seed ${p.seed}, ${p.points}x${p.points} points, a, b in [-1, 1], ${p.images} test images, ${p.seconds.toFixed(1)} s`;
    els.info.textContent = `random plane around ${around}${where}): test loss ${fmt(p.loss[centre])} at ${p.net ?? 'w_O'}, largest ${fmt(Math.max(...p.loss))}`;
  }

  function drawLine(l: ClassicLineInfo): void {
    const ctx = els.chart.getContext('2d')!;
    const w = els.chart.width / 2, h = els.chart.height;
    const marks = [{ x: 0, label: 'A' }, { x: 1, label: 'B' }];
    drawPanel(ctx, { x: 0, y: 0, w, h }, { title: 'test loss along (1-t) A + t B (log)', xs: l.t, ys: l.loss, color: '#d9480f', yScale: 'log', xLabel: 't',
      marks });
    drawPanel(ctx, { x: w, y: 0, w, h }, { title: 'test accuracy', xs: l.t, ys: l.acc, color: '#1971c2', yScale: 'linear', yRange: [0, 1], xLabel: 't',
      marks });
    const inside = l.t.map((t, i) => [t, i]).filter(([t]) => t >= 0 && t <= 1).map(([, i]) => i);
    const top = inside.reduce((b, i) => (l.loss[i] > l.loss[b] ? i : b), inside[0]);
    els.info.textContent = `line from ${name(l.from)} (A) to ${name(l.to)} (B) at step ${l.step}: test loss ${fmt(l.loss[l.t.indexOf(0)])} at A, ${
      fmt(l.loss[l.t.indexOf(1)])
    } at B, largest between them ${fmt(l.loss[top])} at t = ${l.t[top]} (${l.images} test images, ${l.seconds.toFixed(1)} s)`;
  }

  showEnds();
  return {
    diag,
    onMessage(m) {
      if (m.type === 'classicPlane') {
        diag.planes += 1;
        diag.lastPlane = m.info;
        drawPlane(m.info);
        deps.status(`drew the random plane around ${m.info.net ?? 'w_O'} (${m.info.seconds.toFixed(1)} s)`);
        return true;
      }
      if (m.type === 'classicOpened') {
        $<HTMLButtonElement>('classic-open-plane').disabled = false;
        els.info.textContent = `opened ${m.description}`;
        deps.status(`opened ${m.name}: draw the random plane around it`);
        return true;
      }
      if (m.type === 'classicLine') {
        diag.lines += 1;
        diag.lastLine = m.info;
        drawLine(m.info);
        deps.status(`drew the line from ${name(m.info.from)} to ${name(m.info.to)} (${m.info.seconds.toFixed(1)} s)`);
        return true;
      }
      return false;
    },
    cellClicked(cell) {
      if (clicked[clicked.length - 1] !== cell) clicked = [...clicked.slice(-1), cell];
      showEnds();
    },
    forgetCells() {
      clicked = [];
      showEnds();
    },
  };
}
