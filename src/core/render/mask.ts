import { check } from '../errors.js';
import { BLACK, IGNORED, WHITE } from '../pattern/pattern.js';
import {
  checkCellSize, checkFontScale, checkPadding, defaultCellSize, drawPanelFrame, layoutPanel, type PanelSpec,
} from './panel.js';
import { createRaster, fillRect, WHITE_RGB, type Raster, type Rgb } from './raster.js';

/** Colours of mask cells: white, black, and grey for ignored cells. */
export const MASK_COLORS: Readonly<Record<number, Rgb>> = {
  [WHITE]: [255, 255, 255],
  [BLACK]: [0, 0, 0],
  [IGNORED]: [170, 170, 170],
};

/** Options of {@link renderMask}. */
export interface MaskOptions {
  /** Pixels per cell (default: the longer side is about 340 px, as for heat maps of the same grid). */
  cellSize?: number;
  /** Title above the mask, e.g. "target". Default: none. */
  title?: string;
  /**
   * 'binary' (default): cells 0 = white, 1 = black (a pattern); 'ternary': also
   * 2 = ignored, drawn grey (a training mask).
   */
  states?: 'binary' | 'ternary';
  /** Draw cell-index ticks and labels along the left and bottom edges (default true). */
  axes?: boolean;
  /** Grid cells outside the pattern on each side; only changes axis labels (default 0). */
  padding?: number;
  /** Whole-number magnification of labels; the title is one step larger (default 1). */
  fontScale?: number;
  /** Background colour (default white); the mask gets a 1-pixel border so white cells stay visible. */
  background?: Rgb;
}

/**
 * Draws a pattern or training mask (rows x cols, row-major, row 0 at the top) as square
 * blocks of black, white (and grey ignored) cells, framed like {@link renderHeatmap}
 * so the two line up side by side. Throws an MpoError for a wrong size or cell value.
 */
export function renderMask(cells: Uint8Array, rows: number, cols: number, opts: MaskOptions = {}): Raster {
  check(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0,
    `mask size ${rows}x${cols} is invalid: rows and cols must be positive integers`);
  check(cells.length === rows * cols,
    `mask has ${cells.length} cells, expected ${rows}x${cols}=${rows * cols}: pass one value per cell, row-major`);
  const states = opts.states ?? 'binary';
  check(states === 'binary' || states === 'ternary', `mask states "${states}" is unknown: use 'binary' or 'ternary'`);
  const maxValue = states === 'binary' ? 1 : 2;
  for (const v of cells) {
    check(v <= maxValue, () => states === 'binary'
      ? `mask has a cell value ${v}: binary cells must be 0 (white) or 1 (black); pass states: 'ternary' for a training mask`
      : `mask has a cell value ${v}: ternary cells must be 0 (white), 1 (black) or 2 (ignored)`);
  }
  const fontScale = checkFontScale(opts.fontScale ?? 1);
  const spec: PanelSpec = {
    rows, cols, cellSize: checkCellSize(opts.cellSize ?? defaultCellSize(rows, cols)), title: opts.title,
    axes: opts.axes ?? true, padding: checkPadding(opts.padding ?? 0, rows, cols), fontScale,
    rightWidth: 0, rightHeight: 0,
  };
  const layout = layoutPanel(spec);
  const r = createRaster(layout.width, layout.height, opts.background ?? WHITE_RGB);
  const cs = spec.cellSize;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      fillRect(r, layout.mapX + j * cs, layout.mapY + i * cs, cs, cs, MASK_COLORS[cells[i * cols + j]]);
    }
  }
  drawPanelFrame(r, spec, layout);
  return r;
}
