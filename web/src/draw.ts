import { dataDomain, getColormap, normalize, type ScaleKind } from '../../src/core/index.js';

/** Where a rows x cols grid sits in a canvas: cell size in pixels and the top-left offset. */
export interface GridGeometry {
  cell: number;
  ox: number;
  oy: number;
  rows: number;
  cols: number;
}

/** Fits a rows x cols grid of square cells into a canvas, centred. */
export function gridGeometry(canvas: HTMLCanvasElement, rows: number, cols: number): GridGeometry {
  const cell = Math.max(1, Math.floor(Math.min(canvas.width / cols, canvas.height / rows)));
  return { cell, ox: Math.floor((canvas.width - cell * cols) / 2), oy: Math.floor((canvas.height - cell * rows) / 2), rows, cols };
}

/** The cell under canvas-relative CSS pixel (x, y), or null outside the grid. */
export function cellAt(canvas: HTMLCanvasElement, g: GridGeometry, clientX: number, clientY: number): { row: number; col: number; } | null {
  const r = canvas.getBoundingClientRect();
  const x = ((clientX - r.left) * canvas.width) / r.width;
  const y = ((clientY - r.top) * canvas.height) / r.height;
  const col = Math.floor((x - g.ox) / g.cell);
  const row = Math.floor((y - g.oy) / g.cell);
  return row >= 0 && col >= 0 && row < g.rows && col < g.cols ? { row, col } : null;
}

const luts = new Map<string, Uint8ClampedArray>();
/** 256 RGB colours of a colour map. */
export function lut(name: string): Uint8ClampedArray {
  let t = luts.get(name);
  if (!t) {
    const cmap = getColormap(name);
    t = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) t.set(cmap.at(i / 255), i * 3);
    luts.set(name, t);
  }
  return t;
}

/** A colour scale of a heat map: log for losses, linear for accuracies. */
export interface MapScale {
  scale: ScaleKind;
  domain: readonly [number, number];
  colormap: string;
}

/** The scale of a loss map (log, magma, the data's range) or an accuracy map (linear, viridis, [0, 1]). */
export function mapScale(kind: 'loss' | 'acc', values: ArrayLike<number>): MapScale {
  return kind === 'loss'
    ? { scale: 'log', domain: dataDomain(values, 'log'), colormap: 'magma' }
    : { scale: 'linear', domain: [0, 1], colormap: 'viridis' };
}

/** Paints `values` (rows x cols, row-major) as cells of `cell` x `cellHeight` pixels at (ox, oy) on the colour scale `s`. */
export function paintCells(ctx: CanvasRenderingContext2D, values: ArrayLike<number>, rows: number, cols: number, s: MapScale, ox: number, oy: number,
  cell: number, cellHeight = cell): void {
  const img = new ImageData(cols, rows);
  const table = lut(s.colormap);
  for (let i = 0; i < rows * cols; i++) {
    const t = normalize(values[i], s);
    const k = Number.isNaN(t) ? 0 : Math.round(t * 255) * 3;
    img.data[i * 4] = table[k];
    img.data[i * 4 + 1] = table[k + 1];
    img.data[i * 4 + 2] = table[k + 2];
    img.data[i * 4 + 3] = 255;
  }
  const small = new OffscreenCanvas(cols, rows);
  small.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, ox, oy, cell * cols, cellHeight * rows);
}

/** Strokes the borders between black and white cells of `outline` (rows x cols) drawn at (ox, oy). */
export function paintOutline(ctx: CanvasRenderingContext2D, outline: Uint8Array, rows: number, cols: number, ox: number, oy: number, cell: number): void {
  ctx.strokeStyle = 'rgba(0, 220, 255, 0.9)';
  ctx.lineWidth = Math.max(1, cell / 10);
  ctx.beginPath();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = outline[r * cols + c];
      const x = ox + c * cell;
      const y = oy + r * cell;
      if (c + 1 < cols && outline[r * cols + c + 1] !== v) {
        ctx.moveTo(x + cell, y);
        ctx.lineTo(x + cell, y + cell);
      }
      if (r + 1 < rows && outline[(r + 1) * cols + c] !== v) {
        ctx.moveTo(x, y + cell);
        ctx.lineTo(x + cell, y + cell);
      }
    }
  }
  ctx.stroke();
}

/**
 * Draws a heat map of `values` (rows x cols, row-major) and, when `outline` is given (the
 * target's cells, same grid), the borders between its black and white cells.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, values: ArrayLike<number>, rows: number, cols: number, s: MapScale, outline?: Uint8Array): GridGeometry {
  const ctx = canvas.getContext('2d')!;
  const g = gridGeometry(canvas, rows, cols);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  paintCells(ctx, values, rows, cols, s, g.ox, g.oy, g.cell);
  if (outline && outline.length === rows * cols) paintOutline(ctx, outline, rows, cols, g.ox, g.oy, g.cell);
  return g;
}

/** Short number format for tick labels. */
export function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 100 || a < 0.01) return v.toExponential(1).replace('e+', 'e');
  return a >= 10 ? v.toFixed(1) : v.toFixed(a >= 1 ? 2 : 3);
}

/** Draws a vertical colour bar (high values on top) with ticks at the ends and the middle. */
export function drawColorBar(canvas: HTMLCanvasElement, s: MapScale): void {
  const ctx = canvas.getContext('2d')!;
  const table = lut(s.colormap);
  const w = 14;
  const top = 8;
  const h = canvas.height - 16;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (let y = 0; y < h; y++) {
    const k = Math.round((1 - y / (h - 1)) * 255) * 3;
    ctx.fillStyle = `rgb(${table[k]},${table[k + 1]},${table[k + 2]})`;
    ctx.fillRect(0, top + y, w, 1);
  }
  ctx.strokeStyle = '#999';
  ctx.strokeRect(0.5, top + 0.5, w - 1, h - 1);
  const [lo, hi] = s.domain;
  const mid = s.scale === 'log' ? Math.sqrt(lo * hi) : (lo + hi) / 2;
  ctx.fillStyle = '#1d232b';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (const [v, y] of [[hi, top], [mid, top + h / 2], [lo, top + h - 1]] as const) {
    ctx.fillRect(w, y, 4, 1);
    ctx.fillText(fmt(v), w + 6, y);
  }
}

/** Draws the target: black and white cells with grid lines. */
export function drawTarget(canvas: HTMLCanvasElement, cells: Uint8Array, rows: number, cols: number): GridGeometry {
  const ctx = canvas.getContext('2d')!;
  const g = gridGeometry(canvas, rows, cols);
  ctx.fillStyle = '#f0f2f5';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      ctx.fillStyle = cells[r * cols + c] ? '#111' : '#fff';
      ctx.fillRect(g.ox + c * g.cell, g.oy + r * g.cell, g.cell, g.cell);
    }
  }
  if (g.cell >= 5) {
    ctx.strokeStyle = 'rgba(128,128,128,0.35)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let r = 0; r <= rows; r++) {
      ctx.moveTo(g.ox, g.oy + r * g.cell + 0.5);
      ctx.lineTo(g.ox + cols * g.cell, g.oy + r * g.cell + 0.5);
    }
    for (let c = 0; c <= cols; c++) {
      ctx.moveTo(g.ox + c * g.cell + 0.5, g.oy);
      ctx.lineTo(g.ox + c * g.cell + 0.5, g.oy + rows * g.cell);
    }
    ctx.stroke();
  }
  return g;
}

/** A series of a curve panel. */
export interface Series {
  x: number[];
  y: number[];
  color: string;
  label: string;
  /** A dash pattern (a reference line); absent: solid. */
  dash?: number[];
}

/** Draws series into a panel at (x0, 0, w, h) of the canvas, y on a log or linear axis. */
export function drawCurves(canvas: HTMLCanvasElement, x0: number, w: number, title: string, series: Series[], yScale: 'log' | 'linear',
  yRange?: [number, number]): void {
  const ctx = canvas.getContext('2d')!;
  const h = canvas.height;
  const pad = { l: 44, r: 8, t: 18, b: 20 };
  ctx.clearRect(x0, 0, w, h);
  ctx.fillStyle = '#1d232b';
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(title, x0 + pad.l, 12);
  const titleWidth = ctx.measureText(title).width;
  const all = series.flatMap((s) => s.y).filter((v) => Number.isFinite(v) && (yScale === 'linear' || v > 0));
  const xs = series.flatMap((s) => s.x);
  const px0 = x0 + pad.l, pw = w - pad.l - pad.r, py0 = pad.t, ph = h - pad.t - pad.b;
  ctx.strokeStyle = '#c5ccd4';
  ctx.strokeRect(px0 + 0.5, py0 + 0.5, pw, ph);
  if (!all.length || !xs.length) return;
  let [lo, hi] = yRange ?? [Math.min(...all), Math.max(...all)];
  if (lo === hi) {
    lo = yScale === 'log' ? lo / 2 : lo - 0.5;
    hi = yScale === 'log' ? hi * 2 : hi + 0.5;
  }
  const f = (v: number) => (yScale === 'log' ? Math.log(v) : v);
  const xMax = Math.max(1, ...xs);
  const X = (v: number) => px0 + (v / xMax) * pw;
  const Y = (v: number) => py0 + ph - ((f(Math.min(hi, Math.max(lo, v))) - f(lo)) / (f(hi) - f(lo))) * ph;
  ctx.fillStyle = '#5b6673';
  ctx.font = '10px system-ui, sans-serif';
  for (const v of [lo, hi]) ctx.fillText(fmt(v), x0 + 2, Y(v) + 4);
  ctx.fillText('0', px0, h - 6);
  ctx.fillText(`step ${xMax}`, px0 + pw - 50, h - 6);
  let lx = px0 + titleWidth + 16;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    s.x.forEach((x, i) => (i ? ctx.lineTo(X(x), Y(s.y[i])) : ctx.moveTo(X(x), Y(s.y[i]))));
    ctx.stroke();
    ctx.setLineDash([]);
    if (s.x.length === 1) {
      // A lone point (a curve's first value) shows as a dot.
      ctx.fillStyle = s.color;
      ctx.beginPath();
      ctx.arc(X(s.x[0]), Y(s.y[0]), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillStyle = s.color;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(s.label, lx, 12);
    lx += ctx.measureText(s.label).width + 12;
  }
}
