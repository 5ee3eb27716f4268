import { scaleLinear } from 'd3-scale';
import { check } from '../errors.js';
import { BLACK, IGNORED, WHITE } from '../pattern/pattern.js';
import { dataDomain, defaultColormap, getColormap, LOG_FLOOR, positionScale, type Colormap, type ColormapName, type Rgb, type ScaleKind } from './colormap.js';
import { escapeXml, hex, INK, num, pixelImage, text, textWidth, type Figure } from './svg.js';

/** Options shared by heat maps and masks: size, title, axes. */
export interface GridOptions {
  /** Side of one grid cell in user units (pixels at 100%). Default: the longer side of the grid is about 340. */
  cellSize?: number;
  /** Title above the grid, e.g. "test loss (log scale)". Default: none. */
  title?: string;
  /** Cell-index ticks and labels along the left and bottom edges (default true). */
  axes?: boolean;
  /** Grid cells outside the pattern on each side: the pattern's first row and column are labelled 0 (default 0). */
  padding?: number;
  /**
   * Grid cells per cell of the pattern, for a landscape sampled at `--resolution` r (default 1):
   * the tick labels then count the pattern's cells (a label every r grid cells), and `padding`
   * is still in grid cells (`--padding` times r).
   */
  resolution?: number;
  /** Font size of labels; the title is 3 larger (default 12). */
  fontSize?: number;
  /**
   * Axes in coordinates instead of cell indices: `x` the coordinates of the first and last
   * column's centres, `y` those of the top and bottom row's centres, ticked with d3's nice ticks;
   * `xLabel` under the x axis, `yLabel` along the y axis. Needs `axes` (default true).
   */
  coords?: AxisCoords;
  /**
   * Points marked on the map (a ring, and a label beside it when given), in `coords` units, or
   * without `coords` in cell units (x the column, y the row from the top, 0 the first cell's centre).
   */
  marks?: readonly MapMark[];
  /** A polyline with a dot at each point (e.g. a training path), in the units of `marks`. */
  path?: readonly (readonly [number, number])[];
}

/** See {@link GridOptions.coords}. */
export interface AxisCoords {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
  readonly xLabel?: string;
  readonly yLabel?: string;
}

/** See {@link GridOptions.marks}. */
export interface MapMark {
  readonly x: number;
  readonly y: number;
  readonly label?: string;
}

/** Options of {@link renderHeatmap}. */
export interface HeatmapOptions extends GridOptions {
  /** How values map to colours: 'log' for losses, 'linear' for accuracies. */
  scale: ScaleKind;
  /** [lo, hi] of the colours; values outside are clamped. Default: min and max of the finite (on 'log': positive) values. */
  domain?: readonly [number, number];
  /** Colour map. Default 'magma' for 'log' (low loss dark, like the target's black cells), 'viridis' for 'linear'. */
  colormap?: ColormapName;
  /** A colour bar with labelled ticks (d3's) at the right (default true); NaN cells add a "NaN" swatch. */
  colorbar?: boolean;
  /** 0/1 cells whose 1-region gets an outline: rows*cols values, or the pattern's values inside the padding. Default none. */
  outline?: Uint8Array;
  /** Colour of the outline. Default: the colour map's accent colour. */
  outlineColor?: Rgb;
}

/** Options of {@link renderMask}. */
export interface MaskOptions extends GridOptions {
  /** 'binary' (default): 0 white, 1 black (a pattern); 'ternary': also 2 = ignored, grey (a training mask). */
  states?: 'binary' | 'ternary';
}

/** Colours of mask cells: white, black, and grey for ignored cells. */
export const MASK_COLORS: Readonly<Record<number, Rgb>> = { [WHITE]: [255, 255, 255], [BLACK]: [0, 0, 0], [IGNORED]: [170, 170, 170] };

/** Default cell size: the grid's longer side about 340 units, at least 2 per cell. */
export function defaultCellSize(rows: number, cols: number): number {
  return Math.max(2, Math.round(340 / Math.max(rows, cols)));
}

function checkGrid(n: number, rows: number, cols: number, what: string, o: GridOptions): void {
  check(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0,
    `${what} size ${rows}x${cols} is invalid: rows and cols must be positive integers`);
  check(n === rows * cols, `${what} has ${n} values, expected ${rows}x${cols}=${rows * cols}: pass one value per grid cell, row-major`);
  const p = o.padding ?? 0;
  check(Number.isInteger(p) && p >= 0 && 2 * p < Math.min(rows, cols), `${what} padding ${p} is invalid: use a whole number below half the grid`);
  const r = o.resolution ?? 1;
  check(Number.isInteger(r) && r >= 1, `${what} resolution ${r} is invalid: use a whole number >= 1 (grid cells per pattern cell)`);
  check(o.cellSize === undefined || o.cellSize > 0, `${what} cell size ${o.cellSize} is invalid: use a positive number`);
  if (o.coords) {
    for (const [axis, n] of [['x', cols], ['y', rows]] as const) {
      const [a, b] = o.coords[axis];
      check(Number.isFinite(a) && Number.isFinite(b) && (a !== b || n === 1),
        `${what} ${axis} coordinates [${a}, ${b}] are invalid: pass two different finite numbers`);
    }
  }
  for (const m of [...(o.marks ?? []), ...(o.path ?? []).map(([x, y]) => ({ x, y }))]) {
    check(Number.isFinite(m.x) && Number.isFinite(m.y), `${what} mark (${m.x}, ${m.y}) is invalid: pass finite coordinates`);
  }
}

/** A coordinate of an axis of n cells whose first and last centres are at `ends`, in cells from the first centre. */
function cellOf(v: number, ends: readonly [number, number], n: number): number {
  return ends[0] === ends[1] ? 0 : ((v - ends[0]) / (ends[1] - ends[0])) * (n - 1);
}

/** Ticks of a coordinate axis: d3's nice ticks inside the axis's range (half a cell beyond the end centres), with their position in cells and their label. */
function coordTicks(ends: readonly [number, number], n: number): { at: number; text: string; }[] {
  const half = n > 1 ? (ends[1] - ends[0]) / (2 * (n - 1)) : 0.5;
  const lo = Math.min(ends[0] - half, ends[1] + half), hi = Math.max(ends[0] - half, ends[1] + half);
  const s = scaleLinear().domain([lo, hi]);
  const format = s.tickFormat(5, '~f');
  return s.ticks(5).map((t) => ({ at: cellOf(t, ends, n), text: format(t).replace('-', '\u2212') }));
}

/**
 * Cell-index ticks of one axis of n grid cells: d3's nice integer ticks in the pattern's cells
 * (grid cell i is pattern cell (i - padding) / resolution), with their position in grid cells.
 */
function indexTicks(n: number, padding: number, resolution: number): { at: number; text: string; }[] {
  const cells = (n - 1) / resolution + 1;
  return scaleLinear().domain([-padding / resolution, (n - 1 - padding) / resolution]).ticks(Math.min(6, Math.ceil(cells))).filter(Number.isInteger)
    .map((t) => ({ at: t * resolution + padding, text: label(t) }));
}

/** An axis label with a real minus sign. */
const label = (t: number): string => String(t).replace('-', '\u2212');

/** Marks and a path on the map (inside the grid's frame, in cell-size units times cs). */
function overlayMarks(rows: number, cols: number, cs: number, o: GridOptions): string {
  const at = (x: number, y: number): [number, number] =>
    o.coords ? [(cellOf(x, o.coords.x, cols) + 0.5) * cs, (cellOf(y, o.coords.y, rows) + 0.5) * cs] : [(x + 0.5) * cs, (y + 0.5) * cs];
  const parts: string[] = [];
  const fs = o.fontSize ?? 12;
  if (o.path?.length) {
    const pts = o.path.map(([x, y]) => at(x, y));
    parts.push(`<path d="${pts.map(([x, y], i) => `${i ? 'L' : 'M'}${num(x)} ${num(y)}`).join('')}" fill="none" stroke="#00dcff" stroke-width="1.5"/>`);
    for (const [x, y] of pts) parts.push(`<circle cx="${num(x)}" cy="${num(y)}" r="2" fill="#00dcff"/>`);
  }
  for (const m of o.marks ?? []) {
    const [x, y] = at(m.x, m.y);
    parts.push(`<circle cx="${num(x)}" cy="${num(y)}" r="5" fill="none" stroke="#ffffff" stroke-width="2.5"/>`,
      `<circle cx="${num(x)}" cy="${num(y)}" r="5" fill="none" stroke="#00a0c0" stroke-width="1.2"/>`);
    if (m.label) {
      parts.push(
        `<text x="${num(x + 8)}" y="${num(y - 6)}" font-size="${
          fs + 1
        }" font-weight="bold" fill="#ffffff" stroke="${INK}" stroke-width="3" paint-order="stroke">${escapeXml(m.label)}</text>`,
      );
    }
  }
  return parts.join('\n');
}

/** A framed grid of cell colours with title, axes and an optional right-hand part (a colour bar). */
function gridPanel(rows: number, cols: number, rgba: Uint8Array, o: GridOptions, overlay = '',
  right?: (x: number, y: number, h: number) => { body: string; width: number; below: number; }): Figure {
  const fs = o.fontSize ?? 12, cs = o.cellSize ?? defaultCellSize(rows, cols), pad = o.padding ?? 0, axes = o.axes ?? true;
  const W = cols * cs, H = rows * cs;
  const cellTicks = (n: number) => indexTicks(n, pad, o.resolution ?? 1);
  const yt = !axes ? [] : o.coords ? coordTicks(o.coords.y, rows) : cellTicks(rows);
  const xt = !axes ? [] : o.coords ? coordTicks(o.coords.x, cols) : cellTicks(cols);
  const yLabel = axes ? o.coords?.yLabel : undefined, xLabel = axes ? o.coords?.xLabel : undefined;
  const left = (axes ? Math.ceil(Math.max(...yt.map((t) => textWidth(t.text, fs)), 0)) + 12 : 4) + (yLabel ? fs + 6 : 0);
  const top = (o.title ? fs + 14 : 4) + Math.ceil(fs / 2);
  const marks = overlayMarks(rows, cols, cs, o);
  const over = overlay + (marks ? `\n${marks}` : '');
  const parts = [pixelImage(rgba, cols, rows, left, top, W, H), over && `<g transform="translate(${left} ${top})">${over}</g>`];
  parts.push(`<rect x="${left - 0.5}" y="${top - 0.5}" width="${W + 1}" height="${H + 1}" fill="none" stroke="${INK}"/>`);
  if (o.title) parts.push(text(left, fs + 6, o.title, { size: fs + 3, bold: true }));
  for (const t of yt) {
    const y = top + (t.at + 0.5) * cs;
    parts.push(`<path d="M${left - 0.5} ${num(y)}h-4" stroke="${INK}"/>`, text(left - 7, y + fs * 0.35, t.text, { size: fs, anchor: 'end' }));
  }
  for (const t of xt) {
    const x = left + (t.at + 0.5) * cs;
    parts.push(`<path d="M${num(x)} ${top + H + 0.5}v4" stroke="${INK}"/>`, text(x, top + H + 6 + fs, t.text, { size: fs, anchor: 'middle' }));
  }
  if (yLabel) parts.push(text(fs + 2, top + H / 2, yLabel, { size: fs, anchor: 'middle', rotate: -90 }));
  if (xLabel) parts.push(text(left + W / 2, top + H + 10 + 2 * fs, xLabel, { size: fs, anchor: 'middle' }));
  const r = right?.(left + W, top, H) ?? { body: '', width: 0, below: 0 };
  parts.push(r.body);
  const width = Math.ceil(Math.max(left + W + r.width + 4, o.title ? left + textWidth(o.title, fs + 3) + 4 : 0));
  return { width, height: Math.ceil(top + H + Math.max(axes ? fs + 10 + (xLabel ? fs + 6 : 0) : 4, r.below)), body: parts.join('\n') };
}

/** Boundary of the 1-cells of `mask` as one SVG path (cell units times cs), each edge toward a 0-cell or the border. */
function outlinePath(mask: Uint8Array, rows: number, cols: number, cs: number, color: Rgb): string {
  const on = (i: number, j: number) => i >= 0 && j >= 0 && i < rows && j < cols && mask[i * cols + j] === 1;
  const d: string[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (!on(i, j)) continue;
      const x = num(j * cs), y = num(i * cs), x1 = num((j + 1) * cs), y1 = num((i + 1) * cs);
      if (!on(i - 1, j)) d.push(`M${x} ${y}H${x1}`);
      if (!on(i + 1, j)) d.push(`M${x} ${y1}H${x1}`);
      if (!on(i, j - 1)) d.push(`M${x} ${y}V${y1}`);
      if (!on(i, j + 1)) d.push(`M${x1} ${y}V${y1}`);
    }
  }
  return `<path d="${d.join('')}" fill="none" stroke="${hex(color)}" stroke-width="${cs >= 12 ? 2 : 1}" stroke-linecap="square"/>`;
}

/** The full-grid outline of {@link HeatmapOptions.outline}. */
function fullOutline(mask: Uint8Array, rows: number, cols: number, pad: number): Uint8Array {
  const ir = rows - 2 * pad, ic = cols - 2 * pad;
  check(mask.length === rows * cols || mask.length === ir * ic, `heatmap outline has ${mask.length} cells, expected ${rows}x${cols}=${rows * cols}`
    + (pad > 0 ? ` or the pattern's ${ir}x${ic}=${ir * ic}` : '') + ': pass the pattern mask of this grid');
  for (const v of mask) check(v === 0 || v === 1, `heatmap outline has a cell value ${v}: cells must be 0 or 1`);
  if (mask.length === rows * cols) return mask;
  const full = new Uint8Array(rows * cols);
  for (let i = 0; i < ir; i++) full.set(mask.subarray(i * ic, (i + 1) * ic), (i + pad) * cols + pad);
  return full;
}

/** A vertical colour bar (high values at the top) with d3's ticks; labelled ones carry d3's tick format. */
function colorbar(scale: ReturnType<typeof positionScale>, cmap: Colormap, fs: number, nan: boolean, x: number, y: number, h: number) {
  const strip = new Uint8Array(256 * 4);
  for (let p = 0; p < 256; p++) strip.set([...cmap.at(1 - p / 255), 255], p * 4);
  const bx = x + 14, bw = 14;
  const parts = [pixelImage(strip, 1, 256, bx, y, bw, h),
    `<rect x="${bx - 0.5}" y="${y - 0.5}" width="${bw + 1}" height="${h + 1}" fill="none" stroke="${INK}"/>`];
  const [lo, hi] = scale.domain();
  let ticks = lo === hi ? [lo] : scale.ticks(5);
  const format = scale.tickFormat(5, '~g');
  let labelled = ticks.filter((t) => format(t) !== '');
  while (labelled.length > 2 && labelled.some((t, i) => i > 0 && Math.abs(scale(t) - scale(labelled[i - 1])) * h < fs + 2)) {
    labelled = labelled.filter((_, i) => i % 2 === (labelled.length - 1) % 2);
  }
  if (ticks.length > 30) ticks = labelled;
  let labelW = nan ? textWidth('NaN', fs) : 0;
  for (const t of ticks) {
    const ty = y + (1 - scale(t)) * h, major = labelled.includes(t);
    parts.push(`<path d="M${bx + bw + 0.5} ${num(ty)}h${major ? 5 : 3}" stroke="${INK}"/>`);
    if (major) {
      parts.push(text(bx + bw + 8, ty + fs * 0.35, format(t), { size: fs }));
      labelW = Math.max(labelW, textWidth(format(t), fs));
    }
  }
  if (nan) {
    parts.push(`<rect x="${bx}" y="${y + h + 8}" width="${bw}" height="${fs}" fill="${hex(cmap.nanColor)}" stroke="${INK}"/>`,
      text(bx + bw + 8, y + h + 8 + fs * 0.85, 'NaN', { size: fs }));
  }
  return { body: parts.join('\n'), width: 14 + bw + 8 + Math.ceil(labelW), below: nan ? fs + 14 : fs / 2 + 2 };
}

/**
 * A heat map of `rows x cols` values (row-major, row 0 at the TOP, column 0 at the left, the
 * mask's orientation): the cells as an embedded pixel image, a frame, cell-index axes, a
 * title, a colour bar and an optional target outline. NaN cells get the map's NaN colour.
 * Throws an MpoError for inconsistent sizes or options.
 */
export function renderHeatmap(values: ArrayLike<number>, rows: number, cols: number, o: HeatmapOptions): Figure & { domain: readonly [number, number]; } {
  checkGrid(values.length, rows, cols, 'heatmap', o);
  check(o.scale === 'log' || o.scale === 'linear', `heatmap scale "${o.scale}" is unknown: use 'log' or 'linear'`);
  const domain = o.domain ?? dataDomain(values, o.scale);
  const scale = positionScale({ scale: o.scale, domain });
  const cmap = getColormap(o.colormap ?? defaultColormap(o.scale));
  const rgba = new Uint8Array(rows * cols * 4);
  let nan = false;
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i];
    nan ||= Number.isNaN(v);
    rgba.set([...(Number.isNaN(v) ? cmap.nanColor : cmap.at(scale(o.scale === 'log' ? Math.max(v, LOG_FLOOR) : v))), 255], i * 4);
  }
  const cs = o.cellSize ?? defaultCellSize(rows, cols);
  const outline = o.outline ? outlinePath(fullOutline(o.outline, rows, cols, o.padding ?? 0), rows, cols, cs, o.outlineColor ?? cmap.accentColor) : '';
  const bar = o.colorbar === false ? undefined : colorbar.bind(null, scale, cmap, o.fontSize ?? 12, nan);
  return { ...gridPanel(rows, cols, rgba, { ...o, cellSize: cs }, outline, bar), domain };
}

/**
 * A pattern or training mask (rows x cols, row-major, row 0 at the top) as black, white (and
 * grey ignored) cells, framed like {@link renderHeatmap} so the two line up. Throws an
 * MpoError for a wrong size or cell value.
 */
export function renderMask(cells: Uint8Array, rows: number, cols: number, o: MaskOptions = {}): Figure {
  checkGrid(cells.length, rows, cols, 'mask', o);
  const states = o.states ?? 'binary';
  check(states === 'binary' || states === 'ternary', `mask states "${states}" is unknown: use 'binary' or 'ternary'`);
  const rgba = new Uint8Array(rows * cols * 4);
  cells.forEach((v, i) => {
    check(v <= (states === 'binary' ? 1 : 2), () =>
      states === 'binary'
        ? `mask has a cell value ${v}: binary cells must be 0 (white) or 1 (black); pass states: 'ternary' for a training mask`
        : `mask has a cell value ${v}: ternary cells must be 0 (white), 1 (black) or 2 (ignored)`);
    rgba.set([...MASK_COLORS[v], 255], i * 4);
  });
  return gridPanel(rows, cols, rgba, o);
}
