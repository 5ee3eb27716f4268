import { check } from '../errors.js';
import { colorbarSize, drawColorbar, type ColorbarSpec } from './colorbar.js';
import {
  checkDomain, dataDomain, defaultColormap, getColormap, normalize,
  type ColormapName, type ScaleKind,
} from './colormap.js';
import {
  checkCellSize, checkFontScale, checkPadding, defaultCellSize, drawPanelFrame, layoutPanel, type PanelLayout, type PanelSpec,
} from './panel.js';
import { createRaster, fillRect, WHITE_RGB, type Raster, type Rgb } from './raster.js';

/** Options of {@link renderHeatmap}. */
export interface HeatmapOptions {
  /** How values map to colours: 'log' for losses (spanning decades), 'linear' for accuracies. */
  scale: ScaleKind;
  /**
   * [lo, hi] of the colour scale; values outside are clamped to the end colours. Default:
   * min and max of the finite values (on a log scale of the finite positive values).
   * On a log scale lo must be > 0.
   */
  domain?: readonly [number, number];
  /**
   * Colour map name (see `colormapNames()`). Default 'magma' for 'log', so that LOW loss
   * is DARK like the pattern's black cells, and 'viridis' for 'linear'.
   */
  colormap?: ColormapName;
  /** Pixels per grid value (side of its square block). Default: the map's longer side is about 340 px. */
  cellSize?: number;
  /** Title drawn above the map, e.g. "test loss (log)". Default: none. */
  title?: string;
  /** Draw a vertical colour bar with 3-5 tick labels at the right (default true). */
  colorbar?: boolean;
  /** Draw cell-index ticks and labels along the left and bottom edges (default true). */
  axes?: boolean;
  /**
   * Optional 0/1 mask whose black (1) cells get a thin outline along their boundary, to
   * compare the landscape with its target. Either rows*cols values, or the pattern's
   * (rows-2*padding)*(cols-2*padding) values, placed inside the padding.
   */
  outline?: Uint8Array;
  /** Colour of the outline (default: the colour map's accent colour, e.g. cyan on magma). */
  outlineColor?: Rgb;
  /**
   * Grid cells outside the pattern on each side of the grid (default 0). Only the axis
   * labels change: the pattern's first row and column are labelled 0, padding cells negative.
   */
  padding?: number;
  /** Whole-number magnification of labels; the title is one step larger (default 1). */
  fontScale?: number;
  /** Background colour (default white). */
  background?: Rgb;
}

/** A rendered heat map with where its parts went. */
export interface HeatmapRaster extends Raster {
  /** Positions of the map and its frame in pixels. */
  readonly layout: PanelLayout;
  /** The colour domain used (the default or the one passed). */
  readonly domain: readonly [number, number];
}

/** Expands an outline mask to the full grid (see {@link HeatmapOptions.outline}). */
function fullOutline(mask: Uint8Array, rows: number, cols: number, padding: number): Uint8Array {
  const ir = rows - 2 * padding;
  const ic = cols - 2 * padding;
  check(mask.length === rows * cols || mask.length === ir * ic,
    `heatmap outline has ${mask.length} cells, expected ${rows}x${cols}=${rows * cols}` +
      (padding > 0 ? ` or the pattern's ${ir}x${ic}=${ir * ic}` : '') + ': pass the pattern mask of this grid');
  for (const v of mask) check(v === 0 || v === 1, `heatmap outline has a cell value ${v}: cells must be 0 or 1`);
  if (mask.length === rows * cols) return mask;
  const full = new Uint8Array(rows * cols);
  for (let i = 0; i < ir; i++) full.set(mask.subarray(i * ic, (i + 1) * ic), (i + padding) * cols + padding);
  return full;
}

/**
 * Draws the boundary of the 1-cells of `mask` (rows x cols) over the map at (mapX, mapY):
 * each edge between a 1-cell and a 0-cell (or the grid's edge) becomes a line inside the 1-cell.
 */
function drawOutline(r: Raster, mask: Uint8Array, rows: number, cols: number, mapX: number, mapY: number, cs: number, color: Rgb): void {
  const th = cs >= 12 ? 2 : 1;
  const on = (i: number, j: number): boolean => i >= 0 && j >= 0 && i < rows && j < cols && mask[i * cols + j] === 1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (!on(i, j)) continue;
      const x = mapX + j * cs;
      const y = mapY + i * cs;
      if (!on(i - 1, j)) fillRect(r, x, y, cs, th, color);
      if (!on(i + 1, j)) fillRect(r, x, y + cs - th, cs, th, color);
      if (!on(i, j - 1)) fillRect(r, x, y, th, cs, color);
      if (!on(i, j + 1)) fillRect(r, x + cs - th, y, th, cs, color);
    }
  }
}

/**
 * Renders `rows x cols` values (row-major, row 0 at the TOP, column 0 at the left, the
 * mask's orientation) as a heat map: one square block of `cellSize` pixels per value,
 * with an optional title, colour bar, axes and target outline. NaN values get the colour
 * map's NaN colour (and a "NaN" swatch under the colour bar). Throws an MpoError for
 * inconsistent sizes or options.
 */
export function renderHeatmap(values: ArrayLike<number>, rows: number, cols: number, opts: HeatmapOptions): HeatmapRaster {
  check(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0,
    `heatmap size ${rows}x${cols} is invalid: rows and cols must be positive integers`);
  check(values.length === rows * cols,
    `heatmap has ${values.length} values, expected ${rows}x${cols}=${rows * cols}: pass one value per grid cell, row-major`);
  check(opts.scale === 'log' || opts.scale === 'linear', `heatmap scale "${opts.scale}" is unknown: use 'log' or 'linear'`);
  const scale = opts.scale;
  const domain = checkDomain(opts.domain ?? dataDomain(values, scale), scale);
  const cmap = getColormap(opts.colormap ?? defaultColormap(scale));
  const cs = checkCellSize(opts.cellSize ?? defaultCellSize(rows, cols));
  const padding = checkPadding(opts.padding ?? 0, rows, cols);
  const fontScale = checkFontScale(opts.fontScale ?? 1);
  const outline = opts.outline ? fullOutline(opts.outline, rows, cols, padding) : undefined;
  let hasNan = false;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) hasNan = true;

  const bar: ColorbarSpec = {
    scale, domain, colormap: cmap, fontScale, showNan: hasNan,
    barHeight: Math.max(rows * cs, 80 * fontScale),
  };
  const barSize = opts.colorbar === false ? { width: 0, height: 0 } : colorbarSize(bar);
  const spec: PanelSpec = {
    rows, cols, cellSize: cs, title: opts.title, axes: opts.axes ?? true, padding, fontScale,
    rightWidth: barSize.width, rightHeight: barSize.height,
  };
  const layout = layoutPanel(spec);
  const r = createRaster(layout.width, layout.height, opts.background ?? WHITE_RGB);
  const s = { scale, domain };
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const t = normalize(values[i * cols + j], s);
      const color = Number.isNaN(t) ? cmap.nanColor : cmap.at(t);
      fillRect(r, layout.mapX + j * cs, layout.mapY + i * cs, cs, cs, color);
    }
  }
  if (outline) drawOutline(r, outline, rows, cols, layout.mapX, layout.mapY, cs, opts.outlineColor ?? cmap.accentColor);
  drawPanelFrame(r, spec, layout);
  if (opts.colorbar !== false) drawColorbar(r, layout.rightX, layout.mapY, bar);
  return Object.assign(r, { layout, domain });
}
