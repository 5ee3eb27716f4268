import { dataDomain } from '../../src/core/index.js';
import { fmt, mapScale, paintCells, paintOutline, type MapScale } from './draw.js';

/** The cell under a pointer position (an index into the target's cells, slice-major then row-major), or null. */
export type Locator = (clientX: number, clientY: number) => number | null;

/** A pointer position in the canvas' own pixels. */
export function canvasPoint(canvas: HTMLCanvasElement, clientX: number, clientY: number): { x: number; y: number; } {
  const r = canvas.getBoundingClientRect();
  return { x: ((clientX - r.left) * canvas.width) / r.width, y: ((clientY - r.top) * canvas.height) / r.height };
}

/** Where the tiles of a stack of slices sit in a canvas (each tile: a label line, then rows x cols cells). */
export interface SliceGeometry {
  slices: number;
  rows: number;
  cols: number;
  /** Cell size in pixels. */
  cell: number;
  /** Top-left corner of each tile's cells. */
  tiles: { x: number; y: number; }[];
}

const LABEL = 13;
const GAP = 6;

/** Lays out `slices` tiles of rows x cols cells in a canvas, with as many tiles per row as gives the largest cells. */
export function sliceGeometry(canvas: HTMLCanvasElement, slices: number, rows: number, cols: number): SliceGeometry {
  let best = { per: 1, cell: 0 };
  for (let per = 1; per <= slices; per++) {
    const lines = Math.ceil(slices / per);
    const cell = Math.floor(Math.min((canvas.width - GAP * (per - 1)) / (per * cols), (canvas.height - lines * LABEL - GAP * (lines - 1)) / (lines * rows)));
    if (cell > best.cell) best = { per, cell };
  }
  const cell = Math.max(1, best.cell);
  const lines = Math.ceil(slices / best.per);
  const w = best.per * cols * cell + GAP * (best.per - 1);
  const h = lines * (rows * cell + LABEL) + GAP * (lines - 1);
  const ox = Math.floor((canvas.width - w) / 2), oy = Math.floor((canvas.height - h) / 2);
  const tiles = Array.from({ length: slices }, (_, k) => ({
    x: ox + (k % best.per) * (cols * cell + GAP),
    y: oy + Math.floor(k / best.per) * (rows * cell + LABEL + GAP) + LABEL,
  }));
  return { slices, rows, cols, cell, tiles };
}

/** The locator of a slice grid. */
export function sliceLocator(canvas: HTMLCanvasElement, g: SliceGeometry): Locator {
  return (clientX, clientY) => {
    const { x, y } = canvasPoint(canvas, clientX, clientY);
    for (let k = 0; k < g.slices; k++) {
      const col = Math.floor((x - g.tiles[k].x) / g.cell), row = Math.floor((y - g.tiles[k].y) / g.cell);
      if (row >= 0 && col >= 0 && row < g.rows && col < g.cols) return (k * g.rows + row) * g.cols + col;
    }
    return null;
  };
}

/** Clears the canvas and calls `paint` for each slice's tile, under a `slice k` label. */
function drawTiles(canvas: HTMLCanvasElement, g: SliceGeometry, paint: (ctx: CanvasRenderingContext2D, k: number, x: number, y: number) => void): void {
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'alphabetic';
  g.tiles.forEach((t, k) => {
    ctx.fillStyle = '#5b6673';
    ctx.fillText(`slice ${k}`, t.x, t.y - 3);
    paint(ctx, k, t.x, t.y);
  });
}

/** Draws a volume's values (slices x rows x cols) as a grid of heat maps on one colour scale, with the target's outline per slice. */
export function drawSliceHeatmaps(canvas: HTMLCanvasElement, values: Float32Array, slices: number, rows: number, cols: number, s: MapScale,
  outline?: Uint8Array): Locator {
  const g = sliceGeometry(canvas, slices, rows, cols);
  const plane = rows * cols;
  drawTiles(canvas, g, (ctx, k, x, y) => {
    paintCells(ctx, values.subarray(k * plane, (k + 1) * plane), rows, cols, s, x, y, g.cell);
    if (outline && outline.length === slices * plane) paintOutline(ctx, outline.subarray(k * plane, (k + 1) * plane), rows, cols, x, y, g.cell);
  });
  return sliceLocator(canvas, g);
}

/** Draws a volume's target (slices x rows x cols of 0/1) as a grid of slices with cell borders. */
export function drawSliceTargets(canvas: HTMLCanvasElement, cells: Uint8Array, slices: number, rows: number, cols: number): Locator {
  const g = sliceGeometry(canvas, slices, rows, cols);
  drawTiles(canvas, g, (ctx, k, x, y) => {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        ctx.fillStyle = cells[(k * rows + r) * cols + c] ? '#111' : '#fff';
        ctx.fillRect(x + c * g.cell, y + r * g.cell, g.cell, g.cell);
      }
    }
    ctx.strokeStyle = 'rgba(128,128,128,0.5)';
    ctx.strokeRect(x - 0.5, y - 0.5, cols * g.cell + 1, rows * g.cell + 1);
  });
  return sliceLocator(canvas, g);
}

/** An x-y panel: one series on a log or linear y axis, optional grey bands (x ranges) and labelled vertical marks. */
export interface PanelOptions {
  title: string;
  xs: readonly number[];
  ys: ArrayLike<number>;
  color: string;
  yScale: 'log' | 'linear';
  /** The y range (default: the data's). */
  yRange?: readonly [number, number];
  /** The x range (default: the data's). */
  xRange?: readonly [number, number];
  /** A label under the x axis' middle. */
  xLabel?: string;
  marks?: { x: number; label: string; }[];
  bands?: { x0: number; x1: number; }[];
  /** Draws a dot at every point (filled where `filled[i]`). */
  dots?: ArrayLike<number>;
}

/** Draws an x-y panel into the box (x, y, w, h) of a canvas; returns the x axis' pixel range. */
export function drawPanel(ctx: CanvasRenderingContext2D, box: { x: number; y: number; w: number; h: number; }, o: PanelOptions): { px0: number; pw: number; } {
  const pad = { l: 44, r: 8, t: 16, b: o.xLabel ? 26 : 16 };
  const px0 = box.x + pad.l, pw = box.w - pad.l - pad.r, py0 = box.y + pad.t, ph = box.h - pad.t - pad.b;
  ctx.clearRect(box.x, box.y, box.w, box.h);
  ctx.fillStyle = '#1d232b';
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(o.title, px0, box.y + 12);
  const [xlo, xhi] = o.xRange ?? [Math.min(...o.xs), Math.max(...o.xs)];
  const X = (v: number) => px0 + (xhi === xlo ? pw / 2 : ((v - xlo) / (xhi - xlo)) * pw);
  ctx.fillStyle = '#e3e6ea';
  for (const b of o.bands ?? []) ctx.fillRect(X(b.x0), py0, X(b.x1) - X(b.x0), ph);
  ctx.strokeStyle = '#c5ccd4';
  ctx.strokeRect(px0 + 0.5, py0 + 0.5, pw, ph);
  const ys = Array.from(o.ys);
  const ok = ys.filter((v) => Number.isFinite(v) && (o.yScale === 'linear' || v > 0));
  if (!ok.length) return { px0, pw };
  let [lo, hi] = o.yRange ?? (o.yScale === 'log' ? dataDomain(ok, 'log') : [Math.min(...ok), Math.max(...ok)]);
  if (lo === hi) [lo, hi] = o.yScale === 'log' ? [lo / 2, hi * 2] : [lo - 0.5, hi + 0.5];
  const f = (v: number) => (o.yScale === 'log' ? Math.log(v) : v);
  const Y = (v: number) => py0 + ph - ((f(Math.min(hi, Math.max(lo, v))) - f(lo)) / (f(hi) - f(lo))) * ph;
  ctx.fillStyle = '#5b6673';
  ctx.font = '10px system-ui, sans-serif';
  for (const v of [lo, hi]) ctx.fillText(fmt(v), box.x + 2, Y(v) + 4);
  ctx.fillText(fmt(xlo), px0, py0 + ph + 12);
  ctx.fillText(fmt(xhi), px0 + pw - ctx.measureText(fmt(xhi)).width, py0 + ph + 12);
  if (o.xLabel) ctx.fillText(o.xLabel, px0 + pw / 2 - ctx.measureText(o.xLabel).width / 2, py0 + ph + 22);
  ctx.strokeStyle = '#868e96';
  ctx.setLineDash([3, 3]);
  for (const m of o.marks ?? []) {
    ctx.beginPath();
    ctx.moveTo(X(m.x), py0);
    ctx.lineTo(X(m.x), py0 + ph);
    ctx.stroke();
    ctx.fillText(m.label, X(m.x) + 3, py0 + 10);
  }
  ctx.setLineDash([]);
  ctx.strokeStyle = o.color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  o.xs.forEach((x, i) => (i ? ctx.lineTo(X(x), Y(ys[i])) : ctx.moveTo(X(x), Y(ys[i]))));
  ctx.stroke();
  ctx.lineWidth = 1;
  if (o.dots) {
    o.xs.forEach((x, i) => {
      ctx.beginPath();
      ctx.arc(X(x), Y(ys[i]), 3, 0, 2 * Math.PI);
      ctx.fillStyle = o.dots![i] ? '#111' : '#fff';
      ctx.fill();
      ctx.strokeStyle = o.color;
      ctx.stroke();
    });
  }
  return { px0, pw };
}

/**
 * A line's landscape: the test loss along the strip (log axis; grey bands and filled dots: the
 * black cells, where low loss is wanted), then three 1-row strips under it, cell by cell: the
 * target, the loss heat map (magma, log) and the accuracy heat map (viridis). Without a
 * landscape only the target strip is drawn.
 */
export function drawLineLandscape(canvas: HTMLCanvasElement, target: Uint8Array, loss?: Float32Array, acc?: Float32Array): Locator {
  const ctx = canvas.getContext('2d')!;
  const W = target.length;
  const strip = 16, gap = 5;
  const chartH = canvas.height - 3 * (strip + gap);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const xs = Array.from({ length: W }, (_, i) => i - (W - 1) / 2);
  const half = 0.5;
  const bands = xs.filter((_, i) => target[i]).map((x) => ({ x0: x - half, x1: x + half }));
  const { px0, pw } = drawPanel(ctx, { x: 0, y: 0, w: canvas.width, h: chartH }, {
    title: 'test loss along the line (log scale); grey: black cells (low loss wanted)',
    xs,
    ys: loss ?? new Float32Array(W).fill(NaN),
    color: '#d9480f',
    yScale: 'log',
    xRange: [xs[0] - half, xs[W - 1] + half],
    xLabel: 'coordinate along the line (cells)',
    bands,
    dots: target,
  });
  const cw = pw / W;
  const rows: [string, (y: number) => void][] = [
    ['target', (y) => {
      for (let i = 0; i < W; i++) {
        ctx.fillStyle = target[i] ? '#111' : '#fff';
        ctx.fillRect(px0 + i * cw, y, cw, strip);
      }
      ctx.strokeStyle = '#c5ccd4';
      ctx.strokeRect(px0 + 0.5, y + 0.5, pw, strip);
    }],
    ['loss', (y) => loss && paintCells(ctx, loss, 1, W, mapScale('loss', loss), px0, y, cw, strip)],
    ['accuracy', (y) => acc && paintCells(ctx, acc, 1, W, mapScale('acc', acc), px0, y, cw, strip)],
  ];
  ctx.font = '10px system-ui, sans-serif';
  rows.forEach(([label, paint], k) => {
    const y = chartH + gap + k * (strip + gap);
    ctx.fillStyle = '#5b6673';
    ctx.fillText(label, 2, y + 12);
    paint(y);
  });
  return (clientX, clientY) => {
    const { x } = canvasPoint(canvas, clientX, clientY);
    const i = Math.floor((x - px0) / cw);
    return i >= 0 && i < W ? i : null;
  };
}
